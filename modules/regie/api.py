"""The régie API, under /api/v1/regie/: the tariff catalogue and quotes, taxpayers and their items, assessments
and their cancellation, receipts at the counter and their voiding, receipt books, and field collection from a
collector's device (assignment, blocks of numbers, receipts uploaded after working offline).

Thin viewsets over the module's services and selectors; the roles' permissions decide who may do what; messages
come in the request's language (Accept-Language: ar or fr)."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.idempotency import PARAMETER as IDEMPOTENCY_KEY
from api.idempotency import idempotent
from modules.regie import tariffs
from modules.regie.models import Assessment, Receipt, ReceiptBook, Tariff, TariffVersion, TaxableItem, Taxpayer
from modules.regie.selectors import field as field_selectors
from modules.regie.selectors.receipts import visible_to
from modules.regie.serializers import (
    AssessmentCreateSerializer,
    AssessmentFilterSerializer,
    AssessmentSerializer,
    AssignmentSerializer,
    BlockRequestSerializer,
    CounterReceiptSerializer,
    DeviceBlockSerializer,
    OpenBlockSerializer,
    QuoteResultSerializer,
    QuoteSerializer,
    ReasonSerializer,
    ReceiptBookSerializer,
    ReceiptFilterSerializer,
    ReceiptSerializer,
    TariffSerializer,
    TaxableItemSerializer,
    TaxpayerDetailSerializer,
    TaxpayerSerializer,
    UploadResultSerializer,
    UploadSerializer,
)
from modules.regie.services import assessments as assessment_services
from modules.regie.services import catalogue, field, receipts

TAG = "regie"
FIELD_TAG = "regie-field"
LIST_LIMIT = 500
MAX_BATCH = 200


class RolePermission(BasePermission):
    """Each action needs the permission `view.permission_for[action]` names (a tuple: any of them), which the
    module's roles hold. Any other action (OPTIONS, or a method the route does not allow, which then answers 405)
    needs the viewset's reading permission."""

    message = gettext_lazy("Your role does not allow this action.")

    def has_permission(self, request, view):
        needed = view.permission_for.get(view.action, view.read_permission)
        needed = (needed,) if isinstance(needed, str) else needed
        user = request.user
        return bool(user and user.is_authenticated and any(user.has_perm(code) for code in needed))


def error_body(exc: DjangoValidationError) -> dict:
    errors = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in errors:
        errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
    return errors


class ServiceViewSet(viewsets.ViewSet):
    """Turns what the services raise into API answers, keeping the services' messages."""

    permission_classes = [RolePermission]
    permission_for: dict[str, str | tuple[str, ...]] = {}
    read_permission = "regie.view_receipt"
    lookup_value_regex = r"\d+"

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(error_body(exc))
        elif isinstance(exc, DjangoPermissionDenied) and exc.args:
            exc = exceptions.PermissionDenied(str(exc))
        elif isinstance(exc, field.UploadConflict):
            exc = UploadConflictError(str(exc))
        elif isinstance(exc, ObjectDoesNotExist):
            exc = Http404()
        return super().handle_exception(exc)


class UploadConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "upload_key_reused"


# What every operation may answer besides its own result; bodies in the request's language.
LANGUAGE = OpenApiParameter(
    "Accept-Language", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False, enum=["ar", "fr"],
    description="The language of the messages (Arabic by default).",
)
DETAIL = inline_serializer("RegieErrorDetail", {"detail": serializers.CharField()})
FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Refused, nothing written: each field named with its messages; `non_field_errors` for the request "
                "as a whole.",
    examples=[OpenApiExample("A base value missing", value={"area_m2": ["Donnez la superficie (m²)."]})],
)
NOT_SIGNED_IN = OpenApiResponse(DETAIL, description="No valid token or session (`WWW-Authenticate: Token`).")
FORBIDDEN = OpenApiResponse(DETAIL, description="The account's role does not allow this action.")
NOT_FOUND = OpenApiResponse(DETAIL, description="No such record in this commune, or the commune does not have the "
                                                "régie module.")
IDEMPOTENCY_ANSWERS = {
    409: OpenApiResponse(DETAIL, description="A request with the same idempotency key is still running."),
    422: OpenApiResponse(DETAIL, description="The idempotency key was used for a different request."),
}
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The record's id.")
CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="The tariff's code.")


def _read(summary, description, response, parameters=(), errors=None, tags=(TAG,)):
    return extend_schema(tags=list(tags), summary=summary, description=description,
                         parameters=[LANGUAGE, *parameters],
                         responses={200: response, **(errors or {}), 401: NOT_SIGNED_IN, 403: FORBIDDEN,
                                    404: NOT_FOUND})


def _write(summary, description, request, responses, parameters=(), tags=(TAG,), idempotency=True):
    extra = [IDEMPOTENCY_KEY] if idempotency else []
    return extend_schema(tags=list(tags), summary=summary, description=description, request=request,
                         parameters=[LANGUAGE, *extra, *parameters],
                         responses={400: FIELD_ERRORS, 401: NOT_SIGNED_IN, 403: FORBIDDEN, 404: NOT_FOUND,
                                    **(IDEMPOTENCY_ANSWERS if idempotency else {}), **responses})


def _valid(serializer):
    """The serializer once its data is checked; a 400 naming every field at fault otherwise."""
    serializer.is_valid(raise_exception=True)
    return serializer


def _reason(request) -> str:
    return _valid(ReasonSerializer(data=request.data)).validated_data["reason"]


def _filters(serializer_class, request):
    """The query's criteria, every malformed or unknown parameter named at once."""
    filters = serializer_class(data=request.query_params)
    errors = {} if filters.is_valid() else dict(filters.errors)
    errors.update({name: [_("Unknown parameter.")] for name in request.query_params if name not in filters.fields})
    if errors:
        raise exceptions.ValidationError(errors)
    return {name: value for name, value in filters.validated_data.items() if value not in (None, "")}


# --- Catalogue --------------------------------------------------------------------------------------------------


class TariffViewSet(ServiceViewSet):
    """The fiscal order's taxes and fees, each with its version in force."""

    read_permission = "regie.view_tariff"
    permission_for = {"list": "regie.view_tariff", "retrieve": "regie.view_tariff", "quote": "regie.view_tariff"}
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    @staticmethod
    def _tariffs():
        return Tariff.objects.prefetch_related(
            Prefetch("versions", queryset=TariffVersion.objects.prefetch_related("zone_rates")))

    @_read("List the tariffs",
           "The catalogue of the commune's fiscal order, each tariff with the version in force today (null when "
           "none is in force yet) and all its versions, newest first. `active=false` tariffs are no longer "
           "collected.", TariffSerializer(many=True))
    def list(self, request):
        return Response(TariffSerializer(self._tariffs().order_by("code"), many=True).data)

    @_read("Read a tariff", "The tariff, by its code, with its versions.", TariffSerializer, [CODE])
    def retrieve(self, request, code):
        return Response(TariffSerializer(get_object_or_404(self._tariffs(), code=code)).data)

    @extend_schema(tags=[TAG], summary="Quote a tariff",
                   description="What the tariff comes to for the base values given, from the version in force today "
                               "(or `on`), without writing anything: rate (of the zone where rates are per zone) "
                               "times the base, the exemption threshold and the minimum applied. A taxable item "
                               "gives its zone and area. A value missing or wrong answers 400, naming it.",
                   request=QuoteSerializer, parameters=[LANGUAGE, CODE],
                   responses={200: QuoteResultSerializer, 400: FIELD_ERRORS, 401: NOT_SIGNED_IN, 403: FORBIDDEN,
                              404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def quote(self, request, code):
        tariff = get_object_or_404(Tariff, code=code)
        quote = _valid(QuoteSerializer(data=request.data))
        data = quote.validated_data
        item = data.get("item")
        version = tariffs.version_in_force(tariff, data.get("on") or timezone.localdate())
        values = dict(data["base_values"])
        if item is not None and item.area_m2 is not None:
            values.setdefault("area_m2", item.area_m2)
        zone = data["zone"] or (item.zone if item else "")
        computation = tariffs.compute(version, values, zone=zone)
        return Response(QuoteResultSerializer({
            "tariff": tariff.code, "version": version.pk, "effective_from": version.effective_from,
            "rate": computation.rate, "base_values": computation.base_values, "exempt": computation.exempt,
            "principal": computation.principal,
        }).data)


class TaxpayerViewSet(ServiceViewSet):
    """Taxpayers (redevables), people and companies."""

    read_permission = "regie.view_taxpayer"
    permission_for = {"list": "regie.view_taxpayer", "retrieve": "regie.view_taxpayer",
                      "create": "regie.add_taxpayer", "partial_update": "regie.change_taxpayer"}

    @_read("Search taxpayers",
           f"Taxpayers whose name (Arabic or Latin script), CIN, ICE, RC or phone contains `q`; at most "
           f"{LIST_LIMIT}, by name.", TaxpayerSerializer(many=True),
           [OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name, CIN, ICE, RC or phone.")])
    def list(self, request):
        taxpayers = Taxpayer.objects.all()
        query = request.query_params.get("q", "").strip()
        if query:
            taxpayers = taxpayers.filter(Q(name_latin__icontains=query) | Q(name_ar__icontains=query)
                                         | Q(cin__iexact=query) | Q(ice=query) | Q(rc__iexact=query)
                                         | Q(phone__contains=query))
        return Response(TaxpayerSerializer(taxpayers.order_by("name_latin")[:LIST_LIMIT], many=True).data)

    @_read("Read a taxpayer", "The taxpayer with their taxable items.", TaxpayerDetailSerializer, [ID])
    def retrieve(self, request, pk):
        taxpayer = get_object_or_404(Taxpayer.objects.prefetch_related("items__tariff", "items__collector"), pk=pk)
        return Response(TaxpayerDetailSerializer(taxpayer).data)

    @_write("Record a taxpayer", "A CIN (letters then digits), an ICE (15 digits) and a phone are checked; a CIN "
            "or ICE already recorded is refused.", TaxpayerSerializer, {201: TaxpayerSerializer})
    @idempotent
    def create(self, request):
        data = _valid(TaxpayerSerializer(data=request.data))
        taxpayer = catalogue.save_taxpayer(actor=request.user, data=data.validated_data, request=request)
        return Response(TaxpayerSerializer(taxpayer).data, status=status.HTTP_201_CREATED)

    @_write("Correct a taxpayer", "The fields sent change, the others stay; the same checks as on recording.",
            TaxpayerSerializer, {200: TaxpayerSerializer}, [ID])
    @idempotent
    def partial_update(self, request, pk):
        taxpayer = get_object_or_404(Taxpayer, pk=pk)
        data = _valid(TaxpayerSerializer(taxpayer, data=request.data, partial=True))
        taxpayer = catalogue.save_taxpayer(actor=request.user, data=data.validated_data, taxpayer=taxpayer,
                                           request=request)
        return Response(TaxpayerSerializer(taxpayer).data)


class TaxableItemViewSet(ServiceViewSet):
    """Taxable items: parcels, establishments, occupations of public land, signs."""

    read_permission = "regie.view_taxableitem"
    permission_for = {"list": "regie.view_taxableitem", "retrieve": "regie.view_taxableitem",
                      "create": "regie.add_taxableitem", "partial_update": "regie.change_taxableitem"}

    @_read("List taxable items", f"Filtered by taxpayer, collector (username), kind, or `q` in the reference, "
           f"description or address; at most {LIST_LIMIT}.", TaxableItemSerializer(many=True),
           [OpenApiParameter("taxpayer", OpenApiTypes.INT), OpenApiParameter("collector", OpenApiTypes.STR),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=TaxableItem.Kind.values),
            OpenApiParameter("q", OpenApiTypes.STR)])
    def list(self, request):
        items = TaxableItem.objects.select_related("tariff", "collector")
        params = request.query_params
        if params.get("taxpayer", "").isdigit():
            items = items.filter(taxpayer_id=params["taxpayer"])
        if params.get("collector"):
            items = items.filter(collector__username=params["collector"])
        if params.get("kind"):
            items = items.filter(kind=params["kind"])
        if params.get("q", "").strip():
            query = params["q"].strip()
            items = items.filter(Q(reference__icontains=query) | Q(label__icontains=query)
                                 | Q(address__icontains=query))
        return Response(TaxableItemSerializer(items.order_by("reference")[:LIST_LIMIT], many=True).data)

    @_read("Read a taxable item", "The item, with its tariff's code and its collector.", TaxableItemSerializer,
           [ID])
    def retrieve(self, request, pk):
        return Response(TaxableItemSerializer(get_object_or_404(TaxableItem, pk=pk)).data)

    @_write("Record a taxable item", "An item of a taxpayer; `collector` assigns it to a field collector, whose "
            "device then downloads it.", TaxableItemSerializer, {201: TaxableItemSerializer})
    @idempotent
    def create(self, request):
        data = _valid(TaxableItemSerializer(data=request.data))
        item = catalogue.save_item(actor=request.user, data=data.validated_data, request=request)
        return Response(TaxableItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @_write("Correct a taxable item", "The fields sent change, the others stay.", TaxableItemSerializer,
            {200: TaxableItemSerializer}, [ID])
    @idempotent
    def partial_update(self, request, pk):
        item = get_object_or_404(TaxableItem, pk=pk)
        data = _valid(TaxableItemSerializer(item, data=request.data, partial=True))
        item = catalogue.save_item(actor=request.user, data=data.validated_data, item=item, request=request)
        return Response(TaxableItemSerializer(item).data)


# --- Assessments ------------------------------------------------------------------------------------------------


class AssessmentViewSet(ServiceViewSet):
    """Ordres de recette, with what remains due today."""

    read_permission = "regie.view_assessment"
    permission_for = {
        "list": "regie.view_assessment", "retrieve": "regie.view_assessment", "create": "regie.add_assessment",
        "request_cancellation": ("regie.add_assessment", "regie.add_receipt"),
        "approve_cancellation": "regie.approve_cancellation", "reject_cancellation": "regie.approve_cancellation",
    }

    @staticmethod
    def _assessments():
        return Assessment.objects.select_related("tariff_version__tariff", "issued_by")

    @_read("List assessments",
           f"Newest first, at most {LIST_LIMIT}, filtered by the parameters given. An unknown or malformed "
           "parameter answers 400, naming it.", AssessmentSerializer(many=True), [AssessmentFilterSerializer],
           errors={400: FIELD_ERRORS})
    def list(self, request):
        criteria = _filters(AssessmentFilterSerializer, request)
        assessments = self._assessments()
        for name in ("status", "year"):
            if name in criteria:
                assessments = assessments.filter(**{name: criteria[name]})
        if "taxpayer" in criteria:
            assessments = assessments.filter(taxpayer_id=criteria["taxpayer"])
        if "item" in criteria:
            assessments = assessments.filter(item_id=criteria["item"])
        if "tariff" in criteria:
            assessments = assessments.filter(tariff_version__tariff__code=criteria["tariff"])
        if "payer" in criteria:
            assessments = assessments.filter(payer_name__icontains=criteria["payer"])
        if "reference" in criteria:
            assessments = assessments.filter(_reference_query(criteria["reference"]))
        if "cancellation_requested" in criteria:
            assessments = assessments.filter(cancellation_requested_at__isnull=not criteria["cancellation_requested"],
                                             status__in=[Assessment.Status.ISSUED, Assessment.Status.PARTLY_PAID])
        return Response(AssessmentSerializer(assessments[:LIST_LIMIT], many=True).data)

    @_read("Read an assessment", "The assessment, with its principal and penalty due today.", AssessmentSerializer,
           [ID])
    def retrieve(self, request, pk):
        return Response(AssessmentSerializer(get_object_or_404(self._assessments(), pk=pk)).data)

    @_write("Issue an assessment",
            "The ordonnateur issues an ordre de recette computed from the tariff in force today; it is numbered "
            "per year (OR-2026-000012) and gets an access key for the portal. An item gives its zone and area; "
            "an item of another taxpayer, a missing base value or an amount below the exemption threshold is "
            "refused.", AssessmentCreateSerializer, {201: AssessmentSerializer})
    @idempotent
    def create(self, request):
        data = _valid(AssessmentCreateSerializer(data=request.data))
        assessment = assessment_services.issue_assessment(actor=request.user, request=request, **data.validated_data)
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @_write("Ask for an assessment's cancellation",
            "A régisseur or the ordonnateur asks, with the reason; the ordonnateur then approves or rejects. An "
            "assessment with receipts cannot be cancelled.", ReasonSerializer, {200: AssessmentSerializer}, [ID])
    @action(detail=True, methods=["post"], url_path="request-cancellation")
    @idempotent
    def request_cancellation(self, request, pk):
        reason = _reason(request)
        get_object_or_404(Assessment, pk=pk)
        assessment_services.request_cancellation(int(pk), actor=request.user, reason=reason, request=request)
        return self.retrieve(request, pk)

    @_write("Approve a cancellation", "The ordonnateur approves the cancellation asked: the assessment is kept, "
            "marked cancelled with its reason.", None, {200: AssessmentSerializer}, [ID])
    @action(detail=True, methods=["post"], url_path="approve-cancellation")
    @idempotent
    def approve_cancellation(self, request, pk):
        get_object_or_404(Assessment, pk=pk)
        assessment_services.approve_cancellation(int(pk), actor=request.user, request=request)
        return self.retrieve(request, pk)

    @_write("Reject a cancellation", "The ordonnateur rejects the cancellation asked: the assessment stays due.",
            None, {200: AssessmentSerializer}, [ID])
    @action(detail=True, methods=["post"], url_path="reject-cancellation")
    @idempotent
    def reject_cancellation(self, request, pk):
        get_object_or_404(Assessment, pk=pk)
        assessment_services.reject_cancellation(int(pk), actor=request.user, request=request)
        return self.retrieve(request, pk)


def _reference_query(text: str) -> Q:
    """OR-2026-000012, 2026-12 or 12: the year and number it names, else a match on the payer."""
    parts = [part for part in text.upper().removeprefix("OR-").replace("/", "-").split("-") if part]
    if len(parts) == 2 and all(part.isdigit() for part in parts):
        return Q(year=int(parts[0]), number=int(parts[1]))
    if len(parts) == 1 and parts[0].isdigit():
        return Q(number=int(parts[0]))
    return Q(pk__in=[])


# --- Receipts and books -----------------------------------------------------------------------------------------


class ReceiptViewSet(ServiceViewSet):
    """Receipts (quittances): issued at the counter or uploaded from the field; voided ones keep their number."""

    read_permission = "regie.view_receipt"
    permission_for = {"list": "regie.view_receipt", "retrieve": "regie.view_receipt", "create": "regie.add_receipt",
                      "void": "regie.void_receipt"}

    @staticmethod
    def _receipts():
        return Receipt.objects.select_related("book", "cash_day", "cashier", "voided_by", "assessment",
                                              "tariff_version__tariff")

    @_read("List receipts", f"Newest first, at most {LIST_LIMIT}, filtered by the parameters given.",
           ReceiptSerializer(many=True), [ReceiptFilterSerializer], errors={400: FIELD_ERRORS})
    def list(self, request):
        criteria = _filters(ReceiptFilterSerializer, request)
        found = visible_to(request.user, self._receipts())
        lookups = {"status": "status", "book": "book_id", "day": "cash_day__day", "cashier": "cashier__username",
                   "assessment": "assessment_id", "taxpayer": "taxpayer_id"}
        found = found.filter(**{lookups[name]: value for name, value in criteria.items()})
        return Response(ReceiptSerializer(found.order_by("-issued_at", "-id")[:LIST_LIMIT], many=True).data)

    @_read("Read a receipt", "The receipt, valid or voided.", ReceiptSerializer, [ID])
    def retrieve(self, request, pk):
        return Response(ReceiptSerializer(get_object_or_404(visible_to(request.user, self._receipts()), pk=pk)).data)

    @_write("Issue a receipt at the counter",
            "The régisseur collects: an assessment (everything due today, penalty included, unless `amount` says "
            "less; a part payment must at least cover the penalty) or a fee from a tariff and its base values. The "
            "receipt takes the next number of the cashier's counter book (gap-free) on the cashier's open cash "
            "day; a closed day refuses it. Send an `Idempotency-Key` so that a retry after a lost answer does not "
            "collect twice.", CounterReceiptSerializer, {201: ReceiptSerializer})
    @idempotent
    def create(self, request):
        data = _valid(CounterReceiptSerializer(data=request.data))
        receipt = receipts.issue_receipt(actor=request.user, payment=data.payment(),
                                         book=data.validated_data.get("book"), request=request)
        return Response(ReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)

    @_write("Void a receipt",
            "The receipt is kept with its number, marked voided with the reason, and listed in the "
            "cancelled-receipts register; what it paid on an assessment is due again. Refused once its cash day is "
            "closed.", ReasonSerializer, {200: ReceiptSerializer}, [ID])
    @action(detail=True, methods=["post"])
    @idempotent
    def void(self, request, pk):
        reason = _reason(request)
        get_object_or_404(Receipt, pk=pk)
        receipts.void_receipt(int(pk), actor=request.user, reason=reason, request=request)
        return self.retrieve(request, pk)


class ReceiptBookViewSet(ServiceViewSet):
    """Receipt books (quittanciers à souches) and how many of their numbers are taken."""

    read_permission = "regie.view_receiptbook"
    permission_for = {"list": "regie.view_receiptbook", "retrieve": "regie.view_receiptbook"}

    @_read("List receipt books", "Every book of the stock, by year, series and serial; `status`, `use`, `holder` "
           "(username) and `year` filter.", ReceiptBookSerializer(many=True),
           [OpenApiParameter("status", OpenApiTypes.STR, enum=ReceiptBook.Status.values),
            OpenApiParameter("use", OpenApiTypes.STR, enum=ReceiptBook.Use.values),
            OpenApiParameter("holder", OpenApiTypes.STR), OpenApiParameter("year", OpenApiTypes.INT)])
    def list(self, request):
        books = ReceiptBook.objects.select_related("holder")
        params = request.query_params
        for name, lookup in (("status", "status"), ("use", "use"), ("holder", "holder__username")):
            if params.get(name):
                books = books.filter(**{lookup: params[name]})
        if params.get("year", "").isdigit():
            books = books.filter(year=int(params["year"]))
        return Response(ReceiptBookSerializer(books, many=True).data)

    @_read("Read a receipt book", "The book, its holder and how many numbers are taken.", ReceiptBookSerializer,
           [ID])
    def retrieve(self, request, pk):
        return Response(ReceiptBookSerializer(get_object_or_404(ReceiptBook.objects.select_related("holder"),
                                                                pk=pk)).data)


# --- Field collection -------------------------------------------------------------------------------------------

COLLECT = "regie.collect_in_field"
DEVICE = OpenApiParameter("device_id", OpenApiTypes.STR, description="Only this device's blocks.")
UPLOAD_DESCRIPTION = f"""\
A receipt written offline on the device, or a list of them (at most {MAX_BATCH}).

Each carries its own `idempotency_key`, made by the device when it printed the receipt and sent unchanged on every
retry. The first upload stores the receipt (201); the same upload again, however many times, stores nothing and
answers 200 with the same receipt. The key reused for a different receipt (another number, book or amount)
answers 409. A number that is not in one of this device's blocks of the book, an amount printed that is not what
is due, or a returned book answers 400 with the reason.

A list answers 200 with one result per item, in order (`created`, `replayed` or `error`, with the status the item
would have answered alone): each item is stored or refused on its own, so one bad item never loses the good ones;
the device re-sends only the items in error, after correcting them."""


class FieldViewSet(ServiceViewSet):
    """What a field collector's device calls: its assignment, blocks of numbers, and receipts uploaded later."""

    read_permission = COLLECT
    permission_for = {"assignment": COLLECT, "blocks": COLLECT, "receipts": COLLECT}

    @_read("Download the collector's assignment",
           "Everything the device needs to work offline: the items assigned to the collector (with their "
           "taxpayer, their tariff, the version in force and its rates, and their open assessments with what is "
           "due today), the tariffs in use for fees without an assessment, and the collector's blocks on books "
           "still in hand with their numbers not yet uploaded.", AssignmentSerializer, [DEVICE], tags=[FIELD_TAG])
    @action(detail=False, methods=["get"])
    def assignment(self, request):
        device_id = request.query_params.get("device_id", "").strip() or None
        return Response(AssignmentSerializer(field_selectors.assignment(request.user, device_id)).data)

    @extend_schema(methods=["GET"], tags=[FIELD_TAG], summary="List the collector's open blocks",
                   description="The collector's blocks on books still in hand, with their numbers not yet uploaded.",
                   parameters=[LANGUAGE, DEVICE],
                   responses={200: OpenBlockSerializer(many=True), 401: NOT_SIGNED_IN, 403: FORBIDDEN,
                              404: NOT_FOUND})
    @extend_schema(methods=["POST"], tags=[FIELD_TAG], summary="Reserve a block of receipt numbers",
                   description="`count` numbers of the collector's field book are given to the device (fewer when "
                               "the book has fewer left; then ask again for the next book). Only the numbers of the "
                               "device's blocks are accepted on upload, and a book cannot be returned while a number "
                               "given is neither uploaded nor voided as spoiled. Send an `Idempotency-Key` so that "
                               "a retry does not reserve twice.",
                   request=BlockRequestSerializer, parameters=[LANGUAGE, IDEMPOTENCY_KEY],
                   responses={201: DeviceBlockSerializer, 400: FIELD_ERRORS, 401: NOT_SIGNED_IN, 403: FORBIDDEN,
                              404: NOT_FOUND, **IDEMPOTENCY_ANSWERS})
    @action(detail=False, methods=["get", "post"])
    def blocks(self, request):
        if request.method == "GET":
            device_id = request.query_params.get("device_id", "").strip() or None
            return Response(OpenBlockSerializer(field_selectors.open_blocks(request.user, device_id),
                                                many=True).data)
        return self._reserve(request)

    @idempotent
    def _reserve(self, request):
        wanted = _valid(BlockRequestSerializer(data=request.data))
        block = field.reserve_block(actor=request.user, request=request, **wanted.validated_data)
        return Response(DeviceBlockSerializer(block).data, status=status.HTTP_201_CREATED)

    @_write("Upload receipts written offline", UPLOAD_DESCRIPTION, UploadSerializer,
            {200: OpenApiResponse(ReceiptSerializer, description="The same upload again: the receipt stored the "
                                  "first time (for a list: UploadResult items)."),
             201: ReceiptSerializer,
             409: OpenApiResponse(DETAIL, description="The key was already used for a different receipt.")},
            tags=[FIELD_TAG], idempotency=False)
    @action(detail=False, methods=["post"])
    def receipts(self, request):
        if isinstance(request.data, list):
            if not 1 <= len(request.data) <= MAX_BATCH:
                raise exceptions.ValidationError(
                    {api_settings.NON_FIELD_ERRORS_KEY: [_("Send between 1 and %(max)s receipts at a time.")
                                                         % {"max": MAX_BATCH}]})
            results = [self._upload_one(request, index, item) for index, item in enumerate(request.data)]
            return Response(UploadResultSerializer(results, many=True).data)
        result = self._upload_one(request, None, request.data)
        body = ReceiptSerializer(result["receipt"]).data if "receipt" in result else result["errors"]
        return Response(body, status=result["status"])

    def _upload_one(self, request, index, item) -> dict:
        """Store one receipt in its own transaction; the result says how, or why not."""
        result = {"index": index, "idempotency_key": item.get("idempotency_key") if isinstance(item, dict) else None}
        if not isinstance(item, dict):
            return {**result, "result": "error", "status": 400,
                    "errors": {api_settings.NON_FIELD_ERRORS_KEY: [_("Each receipt is an object.")]}}
        upload = UploadSerializer(data=item)
        if not upload.is_valid():
            return {**result, "result": "error", "status": 400, "errors": upload.errors}
        data = upload.validated_data
        try:
            receipt, created = field.upload_receipt(
                actor=request.user, device_id=data["device_id"], idempotency_key=data["idempotency_key"],
                book_id=data["book"], number=data["number"], collected_at=data["collected_at"],
                payment=upload.payment(), amount=data["amount"], request=request)
        except field.UploadConflict as conflict:
            return {**result, "result": "error", "status": 409, "errors": {"detail": str(conflict)}}
        except DjangoValidationError as refused:
            return {**result, "result": "error", "status": 400, "errors": error_body(refused)}
        except DjangoPermissionDenied as denied:
            return {**result, "result": "error", "status": 403, "errors": {"detail": str(denied)}}
        return {**result, "result": "created" if created else "replayed", "status": 201 if created else 200,
                "receipt": ReceiptViewSet._receipts().get(pk=receipt.pk)}


def routes():
    return [
        ("tariffs", TariffViewSet, "tariff"),
        ("taxpayers", TaxpayerViewSet, "taxpayer"),
        ("items", TaxableItemViewSet, "item"),
        ("assessments", AssessmentViewSet, "assessment"),
        ("receipts", ReceiptViewSet, "receipt"),
        ("books", ReceiptBookViewSet, "book"),
        ("field", FieldViewSet, "field"),
    ]
