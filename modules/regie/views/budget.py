"""The revenue budget: each line's forecast beside what was collected so far, the lines kept by the ordonnateur,
the export for reconciliation with the Trésorerie's system, and a chart on the back-office home (inline SVG drawn
here: no script, no network, mirrored in Arabic)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from modules.regie.forms.budget import BudgetLineForm, ExportForm, YearForm
from modules.regie.models import BudgetLine
from modules.regie.selectors.budget import BudgetReport, LineFigures, budget_report
from modules.regie.services.catalogue import save_budget_line
from modules.regie.views.base import ModuleView, attach_errors, url
from platform_core.locale import is_arabic

VIEW = "regie.view_budgetline"
SERIES = (("forecast", gettext_lazy("Forecast")), ("collected", gettext_lazy("Collected")))


def amount_text(value: Decimal) -> str:
    """Whole dirhams with thin spaces between thousands, as Moroccan accounts print them (axis and bar labels)."""
    return f"{value:,.0f}".replace(",", "\u202f")


def line_label(line: LineFigures) -> str:
    label = line.label(is_arabic())
    return f"{line.code} {label}".strip() if line.code else _("Without a budget code")


# Chart ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    title: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    css: str = ""


@dataclass(frozen=True)
class Chart:
    key: str
    width: float
    height: float
    title: str
    description: str
    bars: list[Bar]
    texts: list[Text]
    gridlines: list[tuple[float, float, float, float]]
    axis: tuple[float, float, float, float]
    series: tuple = SERIES


def _scale(largest: Decimal, steps: int = 4) -> tuple[Decimal, Decimal]:
    """A round top of the axis (1, 2 or 5 times a power of ten per step) reaching `largest`."""
    largest = max(Decimal(largest), Decimal(steps))
    raw = largest / steps
    power = Decimal(10) ** math.floor(math.log10(raw))
    step = next(factor * power for factor in (1, 2, 5, 10) if factor * power >= raw)
    return step * math.ceil(largest / step), step


def budget_chart(report: BudgetReport, *, key: str = "rg-budget", width: int = 720) -> Chart:
    """Two horizontal bars per line, forecast and collected, each value written at its end. Positions are laid
    out from the start of the reading direction and mirrored in Arabic (the SVG itself is drawn left to right)."""
    rtl = get_language_bidi()
    label_room, value_room, bar, gap, top = 210, 86, 13, 12, 22
    band = bar * len(SERIES) + gap
    lines = report.lines
    height = top + band * max(len(lines), 1) + gap
    plot = width - label_room - value_room
    ceiling, step = _scale(max((max(line.forecast, line.collected) for line in lines), default=Decimal(0)))

    def x(position: float) -> float:
        return round(width - position if rtl else position, 1)

    def anchor(name: str) -> str:
        return {"start": "end", "end": "start"}.get(name, name) if rtl else name

    bars, texts, gridlines = [], [], []
    ticks = int(ceiling / step)
    for tick in range(ticks + 1):
        value = step * tick
        position = label_room + plot * float(value / ceiling)
        gridlines.append((x(position), top - 4, x(position), height - gap / 2))
        texts.append(Text(x(position), top - 8, amount_text(value), "middle", "rg-chart__tick"))
    for index, line in enumerate(lines):
        y0 = top + index * band + gap / 2
        label = line_label(line)
        shown = label if len(label) <= 30 else label[:29] + "…"
        texts.append(Text(x(label_room - 8), y0 + bar + 4, shown, anchor("end")))
        for position, ((series, name), value) in enumerate(zip(SERIES, (line.forecast, line.collected),
                                                                strict=True)):
            long = plot * float(value / ceiling) if ceiling else 0
            y = y0 + position * bar
            start = label_room if not rtl else label_room + long
            bars.append(Bar(x(start), round(y, 1), round(long, 1), bar - 2, series,
                            f"{label}: {name} {amount_text(value)}"))
            texts.append(Text(x(label_room + long + 4), y + bar - 3, amount_text(value), anchor("start"),
                              "rg-chart__value"))
    axis = (x(label_room), top - 4, x(label_room), height - gap / 2)
    rate = report.rate
    description = _("Forecast %(forecast)s DH, collected %(collected)s DH (%(rate)s); the table gives each line.") % {
        "forecast": amount_text(report.forecast), "collected": amount_text(report.collected),
        "rate": "—" if rate is None else f"{rate}%"}
    return Chart(key, width, height, _("Forecast and collected per budget line, %(year)s") % {"year": report.year},
                 description, bars, texts, gridlines, axis)


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


class BudgetLineView(ModuleView):
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

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=BudgetLineForm(instance=self.line)))

    def post(self, request, *args, **kwargs):
        form = BudgetLineForm(request.POST, instance=BudgetLine.objects.get(pk=self.line.pk) if self.line else None)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                line = save_budget_line(actor=request.user, data=data, line=self.line, request=request)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The budget line %(code)s is saved.") % {"code": line.code})
                return redirect(f"{url('budget')}?year={line.year}")
        return self.render_to_response(self.get_context_data(form=form))


def export_rows(report: BudgetReport) -> tuple[list[str], list[list]]:
    header = [_("Year"), _("Budget code"), _("Label (French)"), _("Label (Arabic)"), _("Forecast"), _("Collected"),
              _("Receipts"), _("Rate of realisation (%)")]
    rows = [[report.year, line.code, line.label_fr, line.label_ar, line.forecast, line.collected, line.receipts,
             line.rate if line.rate is not None else ""] for line in report.lines]
    rows += [[report.year, line.code, _("Collected without a budget line"), "", Decimal("0.00"), line.collected,
              line.receipts, ""] for line in report.unbudgeted]
    return header, rows


class BudgetExportView(ModuleView):
    """One row per line for the Trésorerie: CSV in UTF-8 with a byte-order mark (Excel reads Arabic right) and
    semicolons (the list separator of French and Moroccan Excel), amounts with a dot; or an Excel workbook."""

    permission = VIEW

    def get(self, request, *args, **kwargs):
        form = ExportForm(request.GET)
        if not form.is_valid():
            errors = " ".join(message for messages in form.errors.values() for message in messages)
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        report = budget_report(form.cleaned_data["year"])
        header, rows = export_rows(report)
        name = f"budget-{report.year}"
        if form.cleaned_data.get("format") == "xlsx":
            return self.xlsx(name, header, rows)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
        return response

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
