"""The commune's civil-status statistics: births and deaths drawn up per month and bureau, births by sex, late
declarations.

An act counts in the month it was drawn up (its register month), which is what a bureau reports each month. A
declaration is late when it rests on a declaratory judgment or was drawn up more than the legal 30 days after the
event; such an act sits in the register of the year it was drawn up, so it counts in that year, not the event's.

One aggregate query per screen: it filters on the register year, which the `act_register_idx` index (kind, year,
number) serves, and on the drawn-up date, so that an act always counts in the year of its register month.
"""

from __future__ import annotations

import datetime
from dataclasses import astuple, dataclass, field

from django.db.models import Count, DateField, ExpressionWrapper, F, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from modules.civil_status.models import Act, Bureau
from modules.civil_status.rules import DECLARATION_DAYS

# Statistics are the chef de bureau's: only that role holds this permission (a dedicated "view statistics"
# permission would need a migration of the Act model).
STATISTICS_PERMISSION = "civil_status.view_delegation"
MONTHS = range(1, 13)

LATE = ~Q(judgment_number="") | Q(
    drawn_up_on__gt=ExpressionWrapper(F("event_date") + datetime.timedelta(days=DECLARATION_DAYS),
                                      output_field=DateField())
)
BIRTH, DEATH = Q(kind=Act.Kind.BIRTH), Q(kind=Act.Kind.DEATH)


@dataclass(frozen=True)
class Tally:
    """The counts of one cell (a month, a bureau, or everything); they add up."""

    births: int = 0
    boys: int = 0
    girls: int = 0
    deaths: int = 0
    late_births: int = 0
    late_deaths: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(mine + theirs for mine, theirs in zip(astuple(self), astuple(other), strict=True)))

    @property
    def acts(self) -> int:
        return self.births + self.deaths

    @property
    def late(self) -> int:
        return self.late_births + self.late_deaths

    @property
    def sex_ratio(self) -> float | None:
        """Boys born per 100 girls (about 105 in most populations); None when no girl was born."""
        return 100 * self.boys / self.girls if self.girls else None

    @property
    def late_share(self) -> float | None:
        """The percentage of acts declared late; None when there is no act."""
        return 100 * self.late / self.acts if self.acts else None


@dataclass(frozen=True)
class RegisterStatistics:
    """A year of the registers, for all the commune's bureaux or one of them."""

    year: int
    bureaux: list[Bureau]
    cells: dict[tuple[int, int], Tally] = field(default_factory=dict)  # (month, bureau id): a cell with acts

    def tally(self, *, month: int | None = None, bureau_id: int | None = None) -> Tally:
        return sum((tally for (m, b), tally in self.cells.items()
                    if month in (None, m) and bureau_id in (None, b)), Tally())

    @property
    def total(self) -> Tally:
        return self.tally()

    @property
    def months(self) -> list[tuple[int, Tally]]:
        """Every month of the year, those without acts included."""
        return [(month, self.tally(month=month)) for month in MONTHS]

    @property
    def per_bureau(self) -> list[tuple[Bureau, Tally]]:
        return [(bureau, self.tally(bureau_id=bureau.pk)) for bureau in self.bureaux]


def register_statistics(year: int, *, bureau: Bureau | None = None) -> RegisterStatistics:
    """The signed acts drawn up in `year`, in every bureau or in `bureau`, counted per month and bureau."""
    acts = Act.objects.filter(
        status=Act.Status.SIGNED, kind__in=Act.Kind.values, year=year,
        drawn_up_on__gte=datetime.date(year, 1, 1), drawn_up_on__lt=datetime.date(year + 1, 1, 1),
    )
    bureaux = Bureau.objects.order_by("-is_main", "name_fr")
    if bureau is not None:
        acts, bureaux = acts.filter(bureau=bureau), bureaux.filter(pk=bureau.pk)
    rows = (
        acts.annotate(month=ExtractMonth("drawn_up_on"))
        .values("month", "bureau_id")
        .order_by()
        # Counting a stored column, not the key, lets an index holding the columns answer alone (index-only scan).
        .annotate(
            births=Count("kind", filter=BIRTH),
            boys=Count("kind", filter=BIRTH & Q(sex=Act.Sex.MALE)),
            girls=Count("kind", filter=BIRTH & Q(sex=Act.Sex.FEMALE)),
            deaths=Count("kind", filter=DEATH),
            late_births=Count("kind", filter=BIRTH & LATE),
            late_deaths=Count("kind", filter=DEATH & LATE),
        )
    )
    cells = {(row.pop("month"), row.pop("bureau_id")): Tally(**row) for row in rows}
    return RegisterStatistics(year=year, bureaux=list(bureaux), cells=cells)


def register_years() -> list[int]:
    """The years that have a register, the most recent first, down to the oldest signed act (at least this year).
    One index lookup per kind: the oldest year of each kind is the first entry of `act_register_idx`."""
    this_year = timezone.localdate().year
    oldest = [
        Act.objects.filter(kind=kind, year__isnull=False, status=Act.Status.SIGNED)
        .order_by("year").values_list("year", flat=True).first()
        for kind in Act.Kind.values
    ]
    first = min([year for year in oldest if year is not None], default=this_year)
    return list(range(this_year, min(first, this_year) - 1, -1))


def key_figures(year: int | None = None) -> dict:
    """The year's figures (by default this year's) of the commune whose schema is current, as JSON-ready values."""
    year = year or timezone.localdate().year
    total = register_statistics(year).total
    return {
        "year": year,
        "births": total.births,
        "boys": total.boys,
        "girls": total.girls,
        "deaths": total.deaths,
        "late_declarations": total.late,
        "sex_ratio": None if total.sex_ratio is None else round(total.sex_ratio, 1),
        "late_share_percent": None if total.late_share is None else round(total.late_share, 1),
    }
