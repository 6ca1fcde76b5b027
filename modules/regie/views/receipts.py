"""The receipts: the list with its filters, a receipt's page, voiding with a reason, the printed receipt (A5 or
80 mm ticket) and the cancelled-receipts register."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from modules.regie import printing, tariffs
from modules.regie.forms.counter import ReceiptFilterForm, RegisterFilterForm, VoidForm
from modules.regie.models import CashDay, Receipt
from modules.regie.selectors import receipts as selectors
from modules.regie.services import receipts as service
from modules.regie.views.base import ModuleView, url
from platform_core.locale import is_arabic
from platform_core.money import amount_in_words, format_amount

PER_PAGE = 50


def _language() -> str:
    return "ar" if is_arabic(get_language()) else "fr"


def _get_receipt(request, pk: int) -> Receipt:
    # Looked up in the routed commune's schema: another commune's receipt is a 404 here.
    try:
        return selectors.receipt(pk, viewer=request.user)
    except Receipt.DoesNotExist:
        raise Http404 from None


class ReceiptListView(ModuleView):
    template_name = "regie/receipts/list.html"
    page_title = gettext_lazy("Receipts")
    header_icon = "list-ul"

    def get_context_data(self, **kwargs):
        form = ReceiptFilterForm(self.request.GET or None)
        receipts = selectors.search_receipts(viewer=self.request.user, **form.criteria())
        page = Paginator(receipts, PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=form, page=page, query=query.urlencode(),
            total_figures=format_amount(selectors.total_of(receipts), _language()),
            can_collect=self.request.user.has_perm("regie.add_receipt"), **kwargs)


class ReceiptDetailView(ModuleView):
    template_name = "regie/receipts/detail.html"
    header_icon = "doc-full"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.receipt = _get_receipt(request, kwargs["pk"])

    def get_page_title(self):
        return _("Receipt %(number)s") % {"number": self.receipt.reference}

    def get_context_data(self, **kwargs):
        receipt = self.receipt
        language = _language()
        return super().get_context_data(
            receipt=receipt,
            base_values=_base_values(receipt),
            figures=format_amount(receipt.amount, language),
            principal=format_amount(receipt.principal, language),
            penalty=format_amount(receipt.penalty, language),
            words_fr=amount_in_words(receipt.amount, "fr"),
            words_ar=amount_in_words(receipt.amount, "ar"),
            can_void=(self.request.user.has_perm("regie.void_receipt") and receipt.status == Receipt.Status.VALID
                      and receipt.cash_day.status == CashDay.Status.OPEN),
            void_form=VoidForm(initial={"next": url("receipt", receipt.pk)}),
            language=language,
            **kwargs)


def _base_values(receipt: Receipt) -> list[tuple[str, str]]:
    """The values the tariff's base was computed on, labelled in the user's language."""
    if not receipt.tariff_version_id:
        return []
    names = tariffs.BASE_VALUES[receipt.tariff_version.base]
    return [(tariffs.value_label(name), receipt.base_values[name]) for name in names
            if name in (receipt.base_values or {})]


class ReceiptVoidView(ModuleView):
    permission = "regie.void_receipt"
    http_method_names = ["post"]

    def post(self, request, pk):
        receipt = _get_receipt(request, pk)
        form = VoidForm(request.POST)
        back = form.data.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = ""
        back = back or url("receipt", receipt.pk)
        if not form.is_valid():
            messages.error(request, _("Give the reason for voiding the receipt."))
            return redirect(back)
        try:
            service.void_receipt(receipt.pk, actor=request.user, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Receipt %(number)s voided; it keeps its number and is listed in the "
                                        "cancelled-receipts register.") % {"number": receipt.reference})
        return redirect(back)


class ReceiptPdfView(ModuleView):
    http_method_names = ["get"]

    def get(self, request, pk, layout):
        if layout not in printing.LAYOUTS:
            raise Http404
        receipt = _get_receipt(request, pk)
        language = request.GET.get("lang")
        if language not in printing.LANGUAGES:
            language = _language()
        pdf = printing.receipt_pdf(receipt, layout=layout, language=language, actor=request.user, request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"{receipt.book.series}-{receipt.book.year}-{receipt.number:06d}-{layout}.pdf"
        response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
        add_never_cache_headers(response)  # a citizen's payment: no copy left in a shared PC's cache
        return response


class CancelledReceiptsView(ModuleView):
    template_name = "regie/receipts/cancelled.html"
    page_title = gettext_lazy("Cancelled receipts")
    header_icon = "cross"

    def get_context_data(self, **kwargs):
        form = RegisterFilterForm(self.request.GET or None)
        year, month = form.period()
        receipts = selectors.cancelled_receipts(year=year, month=month)
        exports = []
        try:
            export = url("cancelled_receipts_export")
        except NoReverseMatch:
            export = ""
        if export:
            period = f"year={year}" + (f"&month={month}" if month else "")
            exports = [("PDF", f"{export}?format=pdf&{period}"), ("XLSX", f"{export}?format=xlsx&{period}")]
        return super().get_context_data(
            form=form, receipts=receipts, year=year, month=month, exports=exports,
            total_figures=format_amount(sum((receipt.amount for receipt in receipts), Decimal("0.00")), _language()),
            **kwargs)


urlpatterns = [
    path("receipts/", ReceiptListView.as_view(), name="receipts"),
    path("receipts/cancelled/", CancelledReceiptsView.as_view(), name="cancelled_receipts"),
    path("receipts/<int:pk>/", ReceiptDetailView.as_view(), name="receipt"),
    path("receipts/<int:pk>/void/", ReceiptVoidView.as_view(), name="receipt_void"),
    path("receipts/<int:pk>/<str:layout>.pdf", ReceiptPdfView.as_view(), name="receipt_pdf"),
]
