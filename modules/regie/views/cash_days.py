"""Cash closing: the cash days, a day's receipts and totals, the count that closes it, and its papers (relevé
nominatif, bordereau de versement, cancelled-receipts register) as PDF or XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.regie import reports
from modules.regie.forms.closing import CancelledRegisterForm, CloseDayForm, DayFilterForm, PeriodForm
from modules.regie.models import CashDay, Remittance
from modules.regie.selectors import closing as selectors
from modules.regie.services import closing
from modules.regie.views.base import ModuleView, attach_errors, url

DAYS_SHOWN = 200


class CashDayListView(ModuleView):
    template_name = "regie/cash_days/list.html"
    page_title = gettext_lazy("Cash days")
    permission = "regie.view_cashday"
    header_icon = "date"

    def get_context_data(self, **kwargs):
        form = DayFilterForm(self.request.GET or None, cashiers=selectors.cashiers())
        filters = selectors.DayFilters()
        if form.is_valid():
            data = form.cleaned_data
            filters = selectors.DayFilters(cashier_id=data["cashier"].pk if data["cashier"] else None,
                                           status=data["status"], start=data["start"], end=data["end"])
        days = list(selectors.cash_days(filters)[:DAYS_SHOWN])
        user = self.request.user
        rows = [(day, selectors.can_close(user, day)) for day in days]
        return super().get_context_data(form=form, rows=rows, shown=DAYS_SHOWN, **kwargs)


class _DayView(ModuleView):
    permission = "regie.view_cashday"
    header_icon = "date"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Looked up in the routed commune's schema: another commune's day is a 404 here.
        self.day = get_object_or_404(CashDay.objects.select_related("cashier", "closed_by"), pk=kwargs["pk"])

    def day_title(self) -> str:
        return _("Cash day of %(day)s, %(cashier)s") % {"day": self.day.day.strftime("%d/%m/%Y"),
                                                          "cashier": self.day.cashier.display_name()}


class CashDayDetailView(_DayView):
    template_name = "regie/cash_days/detail.html"

    def get_page_title(self):
        return self.day_title()

    def get_context_data(self, **kwargs):
        receipts = selectors.day_receipts(self.day)
        remittance = Remittance.objects.filter(cash_day=self.day).select_related("prepared_by").first()
        return super().get_context_data(
            day=self.day, receipts=receipts, totals=selectors.totals(receipts), remittance=remittance,
            can_close=selectors.can_close(self.request.user, self.day), **kwargs)


class CashDayCloseView(_DayView):
    template_name = "regie/cash_days/close.html"
    permission = "regie.close_cashday"
    header_icon = "lock"

    def get_page_title(self):
        return _("Close the cash day")

    def get_context_data(self, **kwargs):
        receipts = selectors.day_receipts(self.day)
        return super().get_context_data(day=self.day, day_title=self.day_title(), totals=selectors.totals(receipts),
                                        **kwargs)

    def get(self, request, *args, **kwargs):
        if self.day.status == CashDay.Status.CLOSED:
            return redirect(url("cash_day", self.day.pk))
        if not selectors.can_close(request.user, self.day):
            raise PermissionDenied
        return self.render_to_response(self.get_context_data(form=CloseDayForm()))

    def post(self, request, *args, **kwargs):
        if self.day.status == CashDay.Status.CLOSED:
            messages.error(request, _("This cash day is already closed."))
            return redirect(url("cash_day", self.day.pk))
        form = CloseDayForm(request.POST)
        if form.is_valid():
            try:
                remittance = closing.close_day(
                    self.day.pk, actor=request.user, counted_cash=form.cleaned_data["counted_cash"],
                    explanation=form.cleaned_data["variance_explanation"],
                    cash_count=form.cleaned_data["cash_count"], request=request)
            except ValidationError as error:
                attach_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error) or _("Your role does not allow this action."))
            else:
                messages.success(request, _("The day is closed and locked. Remittance slip %(reference)s is ready "
                                            "to print.") % {"reference": remittance.reference})
                return redirect(url("cash_day", self.day.pk))
        return self.render_to_response(self.get_context_data(form=form))


def _paper_response(paper: reports.Paper) -> HttpResponse:
    response = HttpResponse(paper.content, content_type=paper.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=paper.content_type != reports.PDF_TYPE, filename=paper.filename)
    add_never_cache_headers(response)  # takings and names of payers: no copy left in a shared PC's cache
    return response


def _check_format(fmt: str) -> str:
    if fmt not in reports.FORMATS:
        raise Http404
    return fmt


class ReleveView(_DayView):
    """The relevé nominatif of one cash day: every receipt, voided ones marked (provisional while open)."""

    def get(self, request, pk, fmt):
        _check_format(fmt)
        receipts = selectors.day_receipts(self.day)
        name = f"releve-{self.day.day:%Y-%m-%d}-{self.day.cashier.get_username()}"
        return _paper_response(reports.releve(receipts, fmt, name=name, day=self.day))


class PeriodReleveView(ModuleView):
    """The relevé nominatif of a period: `?start=&end=` (and `cashier=`), every receipt of those days."""

    permission = "regie.view_cashday"

    def get(self, request, fmt):
        _check_format(fmt)
        form = PeriodForm(request.GET)
        if not form.is_valid():
            return HttpResponse(" ".join(message for errors in form.errors.values() for message in errors),
                                status=400, content_type="text/plain; charset=utf-8")
        start, end, cashier_id = (form.cleaned_data[name] for name in ("start", "end", "cashier"))
        cashier = selectors.cashiers().filter(pk=cashier_id).first() if cashier_id else None
        if cashier_id and cashier is None:
            raise Http404
        receipts = selectors.period_receipts(start, end, cashier_id)
        name = f"releve-{start:%Y-%m-%d}-{end:%Y-%m-%d}" + (f"-{cashier.get_username()}" if cashier else "")
        return _paper_response(reports.releve(receipts, fmt, name=name, start=start, end=end, cashier=cashier))


class BordereauView(_DayView):
    """The bordereau de versement of a closed day."""

    def get(self, request, pk, fmt):
        _check_format(fmt)
        remittance = Remittance.objects.filter(cash_day=self.day).select_related("prepared_by", "cash_day").first()
        if remittance is None:
            raise Http404
        return _paper_response(reports.bordereau(remittance, fmt))


class CancelledReceiptsExportView(ModuleView):
    """The cancelled-receipts register of a year or a month: `?format=pdf|xlsx&year=&month=`."""

    permission = "regie.view_receipt"

    def get(self, request):
        form = CancelledRegisterForm(request.GET)
        if not form.is_valid():
            if "format" in form.errors:
                raise Http404
            return HttpResponse(" ".join(message for errors in form.errors.values() for message in errors),
                                status=400, content_type="text/plain; charset=utf-8")
        data = form.cleaned_data
        return _paper_response(reports.cancelled_register(data["year"], data["month"], data["format"]))


urlpatterns = [
    path("cash-days/", CashDayListView.as_view(), name="cash_days"),
    path("cash-days/<int:pk>/", CashDayDetailView.as_view(), name="cash_day"),
    path("cash-days/<int:pk>/close/", CashDayCloseView.as_view(), name="cash_day_close"),
    path("cash-days/<int:pk>/releve.<str:fmt>", ReleveView.as_view(), name="releve"),
    path("cash-days/<int:pk>/bordereau.<str:fmt>", BordereauView.as_view(), name="bordereau"),
    path("cash-days/releve.<str:fmt>", PeriodReleveView.as_view(), name="releve_period"),
    path("receipts/cancelled/export/", CancelledReceiptsExportView.as_view(), name="cancelled_receipts_export"),
]
