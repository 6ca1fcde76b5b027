"""The revenue budget: each line's forecast beside what was collected so far, the lines kept by the ordonnateur,
the export for reconciliation with the Trésorerie's system, and a chart on the back-office home (inline SVG drawn
here: no script, no network, mirrored in Arabic)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.components import Component

from modules.regie.forms.budget import BudgetLineForm, ExportForm, YearForm
from modules.regie.models import BudgetLine
from modules.regie.selectors.budget import BudgetReport, LineFigures, budget_report
from modules.regie.services.catalogue import save_budget_line
from modules.regie.views.base import ModuleView, ServiceFormView, url
from platform_core.charts import Chart, bar_chart
from platform_core.locale import is_arabic
from platform_core.spreadsheets import csv_response, form_errors_response

VIEW = "regie.view_budgetline"
SERIES = (("forecast", gettext_lazy("Forecast")), ("collected", gettext_lazy("Collected")))


def amount_text(value: Decimal) -> str:
    """Whole dirhams with thin spaces between thousands, as Moroccan accounts print them (axis and bar labels)."""
    return f"{value:,.0f}".replace(",", "\u202f")


def line_label(line: LineFigures) -> str:
    label = line.label(is_arabic())
    return f"{line.code} {label}".strip() if line.code else _("Without a budget code")


# Chart ------------------------------------------------------------------------------------------------------------


def budget_chart(report: BudgetReport, *, key: str = "rg-budget", width: int = 720) -> Chart:
    """Two horizontal bars per line, forecast and collected, on a scale with round ticks."""
    rate = report.rate
    description = _("Forecast %(forecast)s DH, collected %(collected)s DH (%(rate)s); the table gives each line.") % {
        "forecast": amount_text(report.forecast), "collected": amount_text(report.collected),
        "rate": "—" if rate is None else f"{rate}%"}
    return bar_chart(
        key, _("Forecast and collected per budget line, %(year)s") % {"year": report.year}, description, SERIES,
        [(line_label(line), (line.forecast, line.collected)) for line in report.lines],
        width=width, label_room=210, value_room=86, bar_height=13, gap=12, top=22, bottom=12, longest_label=30,
        value_text=amount_text, ticks=True, css="rg-chart",
    )


# Screens ----------------------------------------------------------------------------------------------------------


class BudgetView(ModuleView):
    permission = VIEW
    template_name = "regie/budget/index.html"
    page_title = gettext_lazy("Revenue budget")
    header_icon = "order"

    def get(self, request, *args, **kwargs):
        form = YearForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        report = budget_report(form.cleaned_data["year"])
        arabic = is_arabic()
        return self.render_to_response(self.get_context_data(
            form=form, report=report, chart=budget_chart(report),
            lines=[(line, line.label(arabic)) for line in report.lines],
            can_edit=request.user.has_perm("regie.change_budgetline"),
            can_add=request.user.has_perm("regie.add_budgetline"),
            csv_url=f"{url('budget_export')}?year={report.year}&format=csv",
            xlsx_url=f"{url('budget_export')}?year={report.year}&format=xlsx",
        ))


class BudgetLineView(ServiceFormView):
    permission = "regie.add_budgetline"
    template_name = "regie/budget/line_form.html"
    header_icon = "order"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.line = get_object_or_404(BudgetLine, pk=kwargs["pk"]) if "pk" in kwargs else None
        if self.line:
            self.permission = "regie.change_budgetline"

    def get_page_title(self):
        return str(self.line) if self.line else _("New budget line")

    def get_form(self, data=None):
        return BudgetLineForm(data, instance=BudgetLine.objects.get(pk=self.line.pk) if self.line else None)

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        line = save_budget_line(actor=self.request.user, data=data, line=self.line, request=self.request)
        messages.success(self.request, _("The budget line %(code)s is saved.") % {"code": line.code})
        return f"{url('budget')}?year={line.year}"


def export_rows(report: BudgetReport) -> tuple[list[str], list[list]]:
    header = [_("Year"), _("Budget code"), _("Label (French)"), _("Label (Arabic)"), _("Forecast"), _("Collected"),
              _("Receipts"), _("Rate of realisation (%)")]
    rows = [[report.year, line.code, line.label_fr, line.label_ar, line.forecast, line.collected, line.receipts,
             line.rate if line.rate is not None else ""] for line in report.lines]
    rows += [[report.year, line.code, _("Collected without a budget line"), "", Decimal("0.00"), line.collected,
              line.receipts, ""] for line in report.unbudgeted]
    return header, rows


class BudgetExportView(ModuleView):
    """One row per line for the Trésorerie: CSV as Excel opens it (platform_core.spreadsheets), amounts with a dot;
    or an Excel workbook."""

    permission = VIEW

    def get(self, request, *args, **kwargs):
        form = ExportForm(request.GET)
        if not form.is_valid():
            return form_errors_response(form)
        report = budget_report(form.cleaned_data["year"])
        header, rows = export_rows(report)
        name = f"budget-{report.year}"
        if form.cleaned_data.get("format") == "xlsx":
            return self.xlsx(name, header, rows)
        return csv_response(name, header, rows)

    def xlsx(self, name, header, rows):
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = name
        sheet.sheet_view.rightToLeft = is_arabic()
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([float(value) if isinstance(value, Decimal) else value for value in row])
        for column in ("E", "F"):
            for cell in sheet[column][1:]:
                cell.number_format = "#,##0.00"
        for column, width in zip("ABCDEFGH", (8, 12, 44, 44, 16, 16, 10, 14), strict=True):
            sheet.column_dimensions[column].width = width
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


urlpatterns = [
    path("budget/", BudgetView.as_view(), name="budget"),
    path("budget/new/", BudgetLineView.as_view(), name="budget_line_add"),
    path("budget/<int:pk>/", BudgetLineView.as_view(), name="budget_line_edit"),
    path("budget/export/", BudgetExportView.as_view(), name="budget_export"),
]


# The back-office home ----------------------------------------------------------------------------------------------


class BudgetPanel(Component):
    """This year's forecast against what was collected, per line, on the ordonnateur's home."""

    name = "regie_budget"
    order = 120
    template_name = "regie/budget/panel.html"

    def get_context_data(self, parent_context=None):
        report = budget_report(timezone.localdate().year)
        return {"report": report, "chart": budget_chart(report, key="rg-panel-budget", width=640),
                "lines": [(line, line.label(is_arabic())) for line in report.lines], "full_url": url("budget")}


def dashboard_panels(request) -> list[Component]:
    return [BudgetPanel()] if request.user.has_perm(VIEW) else []
