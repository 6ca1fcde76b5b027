"""The chef de bureau's statistics: a screen with charts (inline SVG drawn here, so no script and no network),
the same figures as CSV, and a panel on the back-office home."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse, QueryDict
from django.urls import path
from django.utils import timezone
from django.utils.dates import MONTHS_AP
from django.utils.text import capfirst
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from modules.civil_status.models import Bureau
from modules.civil_status.statistics import (
    MONTHS,
    STATISTICS_PERMISSION,
    RegisterStatistics,
    register_statistics,
    register_years,
)
from modules.civil_status.views.base import ModuleView, url
from platform_core.dates import GREGORIAN_MONTHS
from platform_core.locale import is_arabic

SERIES = (("births", gettext_lazy("Births")), ("deaths", gettext_lazy("Deaths")))


def bureau_name(bureau: Bureau) -> str:
    return bureau.name_ar if is_arabic() else bureau.name_fr


def month_name(month: int) -> str:
    return GREGORIAN_MONTHS["ar"][month - 1] if is_arabic() else capfirst(GREGORIAN_MONTHS["fr"][month - 1])


def month_label(month: int) -> str:
    """A month's name short enough for a chart's axis (Moroccan Arabic names are already short)."""
    return GREGORIAN_MONTHS["ar"][month - 1] if is_arabic() else str(MONTHS_AP[month])


class StatisticsFilter(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    bureau = forms.ModelChoiceField(label=gettext_lazy("Bureau"), required=False,
                                    queryset=Bureau.objects.order_by("-is_main", "name_fr"),
                                    empty_label=gettext_lazy("All bureaux"))

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("year", str(timezone.localdate().year))  # this year unless another is asked for
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in register_years()]
        self.fields["bureau"].label_from_instance = bureau_name

    def statistics(self) -> RegisterStatistics:
        return register_statistics(self.cleaned_data["year"], bureau=self.cleaned_data["bureau"])


# Charts ---------------------------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Chart:
    """An SVG chart laid out in its own units (the template draws it with direction="ltr", so text anchors are
    absolute)."""

    key: str
    width: float
    height: float
    title: str
    description: str
    bars: Sequence[Bar]
    texts: Sequence[Text]
    gridlines: Sequence[Line]
    axis: Line
    series: Sequence[tuple[str, str]] = SERIES


class Canvas:
    """Takes positions measured from the start of the reading direction: in Arabic the first month is drawn on
    the right, the value axis on the right, and bars grow leftwards."""

    def __init__(self, width: float):
        self.width, self.rtl = width, get_language_bidi()

    def x(self, x: float) -> float:
        return round(self.width - x if self.rtl else x, 1)

    def bar(self, x, y, width, height, series, title) -> Bar:
        return Bar(self.x(x + width if self.rtl else x), round(y, 1), round(width, 1), round(height, 1), series,
                   title)

    def text(self, x, y, text, anchor="middle") -> Text:
        if self.rtl:
            anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        return Text(self.x(x), round(y, 1), text, anchor)

    def line(self, x1, y1, x2, y2) -> Line:
        return Line(self.x(x1), round(y1, 1), self.x(x2), round(y2, 1))


def nice_scale(largest: int, steps: int = 4) -> tuple[int, int]:
    """The top of the value axis and its step: a round step (1, 2 or 5 times a power of ten), at most `steps`
    of them, reaching `largest`."""
    raw = max(largest, steps) / steps
    power = 10 ** math.floor(math.log10(raw))
    step = max(1, int(next(factor * power for factor in (1, 2, 5, 10) if factor * power >= raw)))
    return step * math.ceil(max(largest, steps) / step), step


def column_chart(key, title, description, groups, *, group_width=48, height=220) -> Chart:
    """Grouped vertical bars: `groups` are (axis label, full label, one value per series)."""
    axis_room, end_room, top, bottom = 44, 8, 10, 26
    width = axis_room + group_width * len(groups) + end_room
    plot = height - top - bottom
    canvas = Canvas(width)
    ceiling, step = nice_scale(max((max(values) for _label, _full, values in groups), default=0))
    texts, gridlines, bars = [], [], []
    for value in range(0, ceiling + 1, step):
        y = top + plot - plot * value / ceiling
        gridlines.append(canvas.line(axis_room, y, width - end_room, y))
        texts.append(canvas.text(axis_room - 6, y + 4, str(value), "end"))
    bar_width = (group_width - 12) / len(SERIES)
    for index, (label, full, values) in enumerate(groups):
        left = axis_room + index * group_width
        for position, ((series, series_name), value) in enumerate(zip(SERIES, values, strict=True)):
            tall = plot * value / ceiling
            bars.append(canvas.bar(left + 6 + position * bar_width, top + plot - tall, bar_width - 2, tall, series,
                                   f"{full}: {series_name} {value}"))
        texts.append(canvas.text(left + group_width / 2, height - 8, label))
    return Chart(key, width, height, title, description, bars, texts, gridlines,
                 canvas.line(axis_room, top + plot, width - end_room, top + plot))


def bar_chart(key, title, description, rows, *, width=640) -> Chart:
    """Grouped horizontal bars, each value written at its bar's end: `rows` are (label, one value per series)."""
    label_room, value_room, bar_height, gap, longest_label = 150, 56, 14, 14, 22
    band = bar_height * len(SERIES) + gap
    height = band * len(rows) + gap
    canvas = Canvas(width)
    largest = max((max(values) for _label, values in rows), default=0) or 1
    plot = width - label_room - value_room
    bars, texts = [], []
    for index, (label, values) in enumerate(rows):
        top = gap + index * band
        shown = label if len(label) <= longest_label else label[:longest_label - 1] + "…"
        texts.append(canvas.text(label_room - 8, top + bar_height + 4, shown, "end"))
        for position, ((series, series_name), value) in enumerate(zip(SERIES, values, strict=True)):
            y, long = top + position * bar_height, plot * value / largest
            bars.append(canvas.bar(label_room, y, long, bar_height - 2, series, f"{label}: {series_name} {value}"))
            texts.append(canvas.text(label_room + long + 4, y + bar_height - 3, str(value), "start"))
    return Chart(key, width, height, title, description, bars, texts, [],
                 canvas.line(label_room, gap / 2, label_room, height - gap / 2))


def month_chart(statistics: RegisterStatistics, *, key="cs-months", group_width=48, height=220) -> Chart:
    total = statistics.total
    return column_chart(
        key, _("Births and deaths per month, %(year)s") % {"year": statistics.year},
        _("Acts drawn up in %(year)s: births %(births)s, deaths %(deaths)s; the table gives each month's figures.")
        % {"births": total.births, "deaths": total.deaths, "year": statistics.year},
        [(month_label(month), month_name(month), (tally.births, tally.deaths)) for month, tally in statistics.months],
        group_width=group_width, height=height,
    )


def bureau_chart(statistics: RegisterStatistics) -> Chart:
    return bar_chart(
        "cs-bureaux", _("Births and deaths per bureau, %(year)s") % {"year": statistics.year},
        _("The acts drawn up by each bureau in %(year)s; the table gives the same figures.")
        % {"year": statistics.year},
        [(bureau_name(bureau), (tally.births, tally.deaths)) for bureau, tally in statistics.per_bureau],
    )


# Screens ----------------------------------------------------------------------------------------------------------


class StatisticsView(ModuleView):
    permission = STATISTICS_PERMISSION
    template_name = "civil_status/statistics/index.html"
    page_title = gettext_lazy("Civil-status statistics")
    header_icon = "table"

    def get(self, request, *args, **kwargs):
        form = StatisticsFilter(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        statistics, bureau = form.statistics(), form.cleaned_data["bureau"]
        shown = urlencode({"year": statistics.year, "bureau": bureau.pk if bureau else ""})
        return self.render_to_response(self.get_context_data(
            form=form, statistics=statistics, bureau=bureau and bureau_name(bureau),
            month_chart=month_chart(statistics), bureau_chart=bureau_chart(statistics),
            months=[(month_name(m), t) for m, t in statistics.months],
            bureaux=[(bureau_name(b), t) for b, t in statistics.per_bureau],
            csv_url=f"{url('statistics_csv')}?{shown}",
        ))


class StatisticsCsvView(ModuleView):
    """The figures per month and bureau, for a spreadsheet: UTF-8 with a byte-order mark (without it Excel reads
    Arabic as Latin-1) and semicolons, the list separator of French and Moroccan Excel."""

    permission = STATISTICS_PERMISSION

    def get(self, request, *args, **kwargs):
        form = StatisticsFilter(request.GET)
        if not form.is_valid():
            errors = " ".join(message for messages in form.errors.values() for message in messages)
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        statistics = form.statistics()
        bureau = form.cleaned_data["bureau"]
        name = f"civil-status-statistics-{statistics.year}" + (f"-{bureau.code}" if bureau else "")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow([_("Year"), _("Month"), _("Bureau code"), _("Bureau"), _("Births"), _("Boys born"),
                         _("Girls born"), _("Deaths"), _("Late birth declarations"), _("Late death declarations")])
        for month in MONTHS:
            for office in statistics.bureaux:
                tally = statistics.tally(month=month, bureau_id=office.pk)
                writer.writerow([statistics.year, month, office.code, bureau_name(office), tally.births, tally.boys,
                                 tally.girls, tally.deaths, tally.late_births, tally.late_deaths])
        return response


urlpatterns = [
    path("statistics/", StatisticsView.as_view(), name="statistics"),
    path("statistics/csv/", StatisticsCsvView.as_view(), name="statistics_csv"),
]


# The back-office home ----------------------------------------------------------------------------------------------


class StatisticsPanel(Component):
    """This year's key figures and a small chart, on the chef de bureau's home."""

    name = "civil_status_statistics"
    order = 110
    template_name = "civil_status/statistics/panel.html"

    def get_context_data(self, parent_context=None):
        statistics = register_statistics(timezone.localdate().year)
        return {"statistics": statistics, "chart": month_chart(statistics, key="cs-panel-months", group_width=36,
                                                                height=160),
                "months": [(month_name(m), t) for m, t in statistics.months], "full_url": url("statistics")}


def dashboard_panels(request) -> list[Component]:
    return [StatisticsPanel()] if request.user.has_perm(STATISTICS_PERMISSION) else []
