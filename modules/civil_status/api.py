"""The civil-status API, under /api/v1/civil-status/: the counter's search, reading acts, drafting, abandoning and
signing them, and drafting and signing their marginal mentions. Thin viewsets over the module's services and
selectors; the roles' permissions decide who may do what; messages come in the request's language
(Accept-Language: ar or fr)."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.idempotency import PARAMETER as IDEMPOTENCY_KEY
from api.idempotency import idempotent
from modules.civil_status import selectors, services
from modules.civil_status.models import Act, Bureau, MarginalMention
from modules.civil_status.serializers import (
    AbandonSerializer,
    ActDraftSerializer,
    ActSearchSerializer,
    ActSerializer,
    ActSummarySerializer,
    BureauSerializer,
    MentionDraftSerializer,
    MentionSerializer,
    SignSerializer,
)

VIEW_ACTS = "civil_status.view_act"
TAG = "civil-status"


class RolePermission(BasePermission):
    """Each action needs the permission `view.permission_for[action]` gives, which the module's roles hold.
    Any other action (OPTIONS, or a method the route does not allow, which then answers 405) needs reading."""

    def has_permission(self, request, view):
        needed = view.permission_for.get(view.action, VIEW_ACTS)
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(needed))


class ServiceViewSet(viewsets.ViewSet):
    """Turns what the services raise into API answers, keeping the services' messages."""

    permission_classes = [RolePermission]
    permission_for: dict[str, str] = {}
    lookup_value_regex = r"\d+"

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            errors = serializers.as_serializer_error(exc)
            if NON_FIELD_ERRORS in errors:
                errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
            exc = exceptions.ValidationError(errors)
        elif isinstance(exc, DjangoPermissionDenied) and exc.args:
            exc = exceptions.PermissionDenied(str(exc))
        elif isinstance(exc, ObjectDoesNotExist):
            exc = Http404()
        return super().handle_exception(exc)


# What every operation may answer besides its own result; bodies in the request's language.
LANGUAGE = OpenApiParameter(
    "Accept-Language", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False, enum=["ar", "fr"],
    description="The language of the messages (Arabic by default).",
)
DETAIL = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})
FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Refused: each field named with its messages; `non_field_errors` for the act as a whole. A rule of "
                "the law is cited in the message.",
    examples=[OpenApiExample("A rule broken", value={
        "first_names_latin": ["Il ne peut être donné plus de deux prénoms (loi 36-21 relative à l’état civil)."]})],
)
NOT_SIGNED_IN = OpenApiResponse(DETAIL, description="No valid token or session (`WWW-Authenticate: Token`).")
FORBIDDEN = OpenApiResponse(DETAIL, description="The account's role does not allow this action (or, to sign, it "
                                                "holds no delegation valid today for the act's bureau).")
NOT_FOUND = OpenApiResponse(DETAIL, description="No such act in this commune, or the commune does not have the "
                                                "civil-status module.")
DUPLICATES = inline_serializer("PossibleDuplicates", {
    "detail": serializers.CharField(),
    "duplicates": ActSummarySerializer(many=True),
})
ACT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The act's id.")
MENTION_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The mention's id.")
IDEMPOTENCY_ANSWERS = {
    409: OpenApiResponse(DETAIL, description="A request with the same idempotency key is still running."),
    422: OpenApiResponse(DETAIL, description="The idempotency key was used for a different request."),
}


def _read(summary, description, response, parameters=(), errors=None):
    return extend_schema(tags=[TAG], summary=summary, description=description, parameters=[LANGUAGE, *parameters],
                         responses={200: response, **(errors or {}), 401: NOT_SIGNED_IN, 403: FORBIDDEN,
                                    404: NOT_FOUND})


def _write(summary, description, request, responses, parameters=()):
    return extend_schema(tags=[TAG], summary=summary, description=description, request=request,
                         parameters=[LANGUAGE, IDEMPOTENCY_KEY, *parameters],
                         responses={400: FIELD_ERRORS, 401: NOT_SIGNED_IN, 403: FORBIDDEN,
                                    404: NOT_FOUND, **IDEMPOTENCY_ANSWERS, **responses})


class ActViewSet(ServiceViewSet):
    """Birth and death acts of the commune."""

    permission_for = {
        "list": VIEW_ACTS, "retrieve": VIEW_ACTS, "duplicates": VIEW_ACTS,
        "create": "civil_status.add_act", "partial_update": "civil_status.change_act",
        "abandon": "civil_status.change_act", "sign": "civil_status.sign_act",
        "mentions": "civil_status.add_marginalmention",
    }

    @_read("Search acts",
           "The counter's search: names and parents' names in Arabic or Latin script, matched fuzzily (spelling "
           "variants, hamza forms, accents), with the other criteria. At most "
           f"{selectors.SEARCH_LIMIT} acts, the best name match first, then the most recent event. Signed acts "
           "unless `status` says otherwise. An unknown or malformed parameter answers 400, naming it.",
           ActSummarySerializer(many=True), parameters=[ActSearchSerializer],
           errors={400: OpenApiResponse(OpenApiTypes.OBJECT, description="A search parameter is unknown or "
                                        "malformed: it is named, with the reason.")})
    def list(self, request):
        search = ActSearchSerializer(data=request.query_params)
        search.is_valid(raise_exception=True)
        return Response(ActSummarySerializer(selectors.search_acts(search.criteria()), many=True).data)

    @_read("Read an act", "The whole act, with its marginal mentions.", ActSerializer, [ACT_ID])
    def retrieve(self, request, pk):
        act = get_object_or_404(Act.objects.select_related("bureau").prefetch_related("mentions"), pk=pk)
        return Response(ActSerializer(act).data)

    @_read("Possible duplicates of an act",
           "Acts of the same kind and event date with similar names (and, for a birth, a similar mother's name), "
           "drafts included: what the officier checks before signing.", ActSummarySerializer(many=True), [ACT_ID])
    @action(detail=True, methods=["get"])
    def duplicates(self, request, pk):
        act = get_object_or_404(Act, pk=pk)
        return Response(ActSummarySerializer(selectors.possible_duplicates(act), many=True).data)

    @_write("Draft an act",
            "An agent drafts a birth or death act. The law's rules are checked (names, declaration delay and "
            "declaratory judgment, dates); a refusal cites the rule. When acts that may record the same person "
            "exist, nothing is written and the answer is 409 with them: once the agent has checked they are other "
            "people, the same request is sent again with `confirm_duplicates: true`. The act has no number until "
            "it is signed.",
            ActDraftSerializer,
            {201: ActSerializer, 409: OpenApiResponse(DUPLICATES, description="Possible duplicates, nothing "
                                                      "written; or a request with the same idempotency key is "
                                                      "still running (then only `detail`).")})
    @idempotent
    def create(self, request):
        draft = ActDraftSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        data = dict(draft.validated_data)
        bureau, kind = data.pop("bureau"), data.pop("kind")
        abroad, confirmed = data.pop("abroad"), data.pop("confirm_duplicates")
        with transaction.atomic():
            act = services.draft_act(actor=request.user, bureau=bureau, kind=kind, data=data, abroad=abroad,
                                     request=request)
            duplicates = [] if confirmed else selectors.possible_duplicates(act)
            if duplicates:
                answer = {"detail": _("Acts that may record the same person exist; check them, then confirm the "
                                      "draft."),
                          "duplicates": ActSummarySerializer(duplicates, many=True).data}
                transaction.set_rollback(True)  # nothing is written until the agent confirms
                return Response(answer, status=status.HTTP_409_CONFLICT)
        return Response(ActSerializer(act).data, status=status.HTTP_201_CREATED)

    @_write("Correct a draft",
            "An agent corrects the fields sent (the others stay); the law's rules are checked again. Only a draft "
            "can be corrected: a signed act changes by marginal mention only (400). The bureau and kind stay.",
            ActDraftSerializer, {200: ActSerializer}, [ACT_ID])
    @idempotent
    def partial_update(self, request, pk):
        act = get_object_or_404(Act, pk=pk)
        draft = ActDraftSerializer(act, data=request.data, partial=True)
        draft.is_valid(raise_exception=True)
        data = dict(draft.validated_data)
        for fixed in ("bureau", "kind"):
            if fixed in data and data.pop(fixed) != getattr(act, fixed):
                raise DjangoValidationError({fixed: _("A draft keeps its bureau and kind; abandon it and draft "
                                                      "a new one.")})
        abroad = data.pop("abroad", False)
        data.pop("confirm_duplicates", None)
        services.update_draft(act.pk, actor=request.user, data=data, abroad=abroad, request=request)
        return self._act(pk)

    @_write("Abandon a draft", "The draft is kept, marked abandoned with the reason, and takes no number.",
            AbandonSerializer, {200: ActSerializer}, [ACT_ID])
    @action(detail=True, methods=["post"])
    @idempotent
    def abandon(self, request, pk):
        reason = AbandonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        services.abandon_draft(int(pk), actor=request.user, reason=reason.validated_data["reason"], request=request)
        return self._act(pk)

    @_write("Sign an act",
            "The officier signs a draft: it gets the next number of its bureau, kind and year (gap-free), a birth "
            "gets its citizen identifier, and the act is locked for good (any later change is a marginal mention). "
            "Needs a delegation valid today for the act's bureau. A death whose deceased has a birth act here "
            "proposes the death mention on it.",
            SignSerializer, {200: ActSerializer}, [ACT_ID])
    @action(detail=True, methods=["post"])
    @idempotent
    def sign(self, request, pk):
        options = SignSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        services.sign_act(int(pk), actor=request.user, abroad=options.validated_data["abroad"], request=request)
        return self._act(pk)

    @_write("Draft a marginal mention",
            "An agent drafts a mention (marriage, divorce, death, rectification, change of name, annotation) in "
            "the margin of a signed act, citing its legal basis; the officier then signs it.",
            MentionDraftSerializer, {201: MentionSerializer}, [ACT_ID])
    @action(detail=True, methods=["post"])
    @idempotent
    def mentions(self, request, pk):
        mention = MentionDraftSerializer(data=request.data)
        mention.is_valid(raise_exception=True)
        drafted = services.draft_mention(int(pk), actor=request.user, request=request, **mention.validated_data)
        return Response(MentionSerializer(drafted).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _act(pk):
        return Response(ActSerializer(Act.objects.select_related("bureau").prefetch_related("mentions")
                                      .get(pk=pk)).data)


class MentionViewSet(ServiceViewSet):
    """Marginal mentions, read and signed one by one (they are drafted on their act)."""

    permission_for = {"retrieve": "civil_status.view_marginalmention", "sign": "civil_status.sign_act"}

    @_read("Read a marginal mention", "The mention, with the id of its act and its status.", MentionSerializer,
           [MENTION_ID])
    def retrieve(self, request, pk):
        return Response(MentionSerializer(get_object_or_404(MarginalMention, pk=pk)).data)

    @_write("Sign a marginal mention",
            "The officier signs a drafted mention; it is then final, like the act. Needs a delegation valid today "
            "for the act's bureau.", None, {200: MentionSerializer}, [MENTION_ID])
    @action(detail=True, methods=["post"])
    @idempotent
    def sign(self, request, pk):
        return Response(MentionSerializer(services.sign_mention(int(pk), actor=request.user, request=request)).data)


class BureauViewSet(ServiceViewSet):
    """The commune's bureaux d'état civil, whose codes a draft names."""

    permission_for = {"list": "civil_status.view_bureau"}

    @extend_schema(tags=[TAG], summary="List the bureaux", parameters=[LANGUAGE],
                   responses={200: BureauSerializer(many=True), 401: NOT_SIGNED_IN, 403: FORBIDDEN,
                              404: NOT_FOUND})
    def list(self, request):
        return Response(BureauSerializer(Bureau.objects.order_by("-is_main", "code"), many=True).data)
