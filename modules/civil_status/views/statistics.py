"""The chef de bureau's statistics: a screen with charts (inline SVG drawn here, so no script and no network),
the same figures as CSV, and a panel on the back-office home."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.urls import path
from django.utils import timezone
from django.utils.dates import MONTHS_AP
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
from platform_core.charts import Canvas, Chart, bar_chart, nice_scale
from platform_core.dates import GREGORIAN_MONTHS
from platform_core.locale import is_arabic
from platform_core.spreadsheets import csv_response, form_errors_response

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
                 canvas.line(axis_room, top + plot, width - end_room, top + plot), SERIES)


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
        % {"year": statistics.year}, SERIES,
        [(bureau_name(bureau), (tally.births, tally.deaths)) for bureau, tally in statistics.per_bureau],
        width=640, label_room=150, value_room=56, bar_height=14, gap=14, top=7, bottom=7, longest_label=22,
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
    """The figures per month and bureau, for a spreadsheet (platform_core.spreadsheets)."""

    permission = STATISTICS_PERMISSION

    def get(self, request, *args, **kwargs):
        form = StatisticsFilter(request.GET)
        if not form.is_valid():
            return form_errors_response(form)
        statistics = form.statistics()
        bureau = form.cleaned_data["bureau"]
        name = f"civil-status-statistics-{statistics.year}" + (f"-{bureau.code}" if bureau else "")
        header = [_("Year"), _("Month"), _("Bureau code"), _("Bureau"), _("Births"), _("Boys born"), _("Girls born"),
                  _("Deaths"), _("Late birth declarations"), _("Late death declarations")]
        tallies = ((month, office, statistics.tally(month=month, bureau_id=office.pk))
                   for month in MONTHS for office in statistics.bureaux)
        return csv_response(name, header, (
            [statistics.year, month, office.code, bureau_name(office), tally.births, tally.boys, tally.girls,
             tally.deaths, tally.late_births, tally.late_deaths] for month, office, tally in tallies))


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
