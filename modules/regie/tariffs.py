"""What a tariff asks: the version in force on a date, the amount for a base, and the penalty for paying late.

The base is what the fiscal order multiplies the rate by; each kind of base names the values it needs:

| base            | values                  | amount                              |
|-----------------|-------------------------|-------------------------------------|
| flat            | units (default 1)       | rate × units                        |
| area            | area_m2                 | rate (of the item's zone) × m²      |
| takings         | takings                 | takings × rate / 100                |
| person_nights   | persons, nights         | rate × persons × nights             |
| area_quarters   | area_m2, quarters       | rate (of the zone) × m² × quarters  |

An amount below the exemption threshold is not collected (0); otherwise it is at least the minimum amount.

Penalties follow law 47-06 (art. 147 as amended): a first rate for the first month late, then a rate for each
further month or part of a month, with a minimum: "15 % plus 0.5 % per month" is penalty_rate=15 and
penalty_monthly_rate=0.5. A payment made on the due date is on time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from modules.regie.models import Tariff, TariffVersion
from platform_core.money import CENTIME

Base = TariffVersion.Base

BASE_VALUES: dict[str, tuple[str, ...]] = {
    Base.FLAT: ("units",),
    Base.AREA: ("area_m2",),
    Base.TAKINGS: ("takings",),
    Base.PERSON_NIGHTS: ("persons", "nights"),
    Base.AREA_QUARTERS: ("area_m2", "quarters"),
}
WHOLE_VALUES = {"units", "persons", "nights", "quarters"}


def value_label(name: str) -> str:
    return {
        "units": _("number of units"),
        "area_m2": _("area (m²)"),
        "takings": _("takings (DH)"),
        "persons": _("persons"),
        "nights": _("nights"),
        "quarters": _("quarters"),
    }[name]


@dataclass(frozen=True)
class Computation:
    principal: Decimal
    base_values: dict  # the values used, as strings (JSON-safe and exact)
    rate: Decimal
    exempt: bool


def version_in_force(tariff: Tariff, on: datetime.date) -> TariffVersion:
    version = tariff.versions.filter(effective_from__lte=on).order_by("-effective_from").first()
    if version is None:
        raise ValidationError(_("The tariff “%(tariff)s” has no amounts in force on %(date)s.")
                              % {"tariff": tariff.name_fr, "date": on.isoformat()})
    return version


def clean_base_values(version: TariffVersion, values: dict | None) -> dict[str, Decimal]:
    """The values the version's base needs, as Decimals, with a message naming any that is missing or wrong."""
    values = dict(values or {})
    cleaned: dict[str, Decimal] = {}
    errors = {}
    for name in BASE_VALUES[version.base]:
        raw = values.get(name)
        if raw in (None, "") and name == "units":
            raw = 1
        if raw in (None, ""):
            errors[name] = _("Give the %(value)s.") % {"value": value_label(name)}
            continue
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            errors[name] = _("“%(raw)s” is not a number.") % {"raw": raw}
            continue
        if not number.is_finite() or number < 0:
            errors[name] = _("The %(value)s cannot be negative.") % {"value": value_label(name)}
        elif name in WHOLE_VALUES and number != number.to_integral_value():
            errors[name] = _("The %(value)s is a whole number.") % {"value": value_label(name)}
        elif number > Decimal("1e9"):
            errors[name] = _("The %(value)s is too large.") % {"value": value_label(name)}
        else:
            cleaned[name] = number
    if errors:
        raise ValidationError(errors)
    return cleaned


def rate_for(version: TariffVersion, zone: str = "") -> Decimal:
    """The zone's rate where the version sets rates per zone, else the version's rate."""
    zone_rates = {zone_rate.zone: zone_rate.rate for zone_rate in version.zone_rates.all()}
    if not zone_rates:
        return version.rate
    if zone not in zone_rates:
        raise ValidationError(_("The tariff sets no rate for the zone “%(zone)s” (zones: %(zones)s).")
                              % {"zone": zone or "—", "zones": ", ".join(sorted(zone_rates))})
    return zone_rates[zone]


def compute(version: TariffVersion, values: dict | None = None, *, zone: str = "") -> Computation:
    cleaned = clean_base_values(version, values)
    rate = rate_for(version, zone)
    product = rate
    for name in BASE_VALUES[version.base]:
        product *= cleaned[name]
    if version.base == Base.TAKINGS:
        product /= 100
    amount = product.quantize(CENTIME, rounding=ROUND_HALF_UP)
    exempt = amount < version.exemption_threshold
    if exempt:
        amount = Decimal("0.00")
    else:
        amount = max(amount, version.minimum_amount)
    return Computation(principal=amount, base_values={name: str(value) for name, value in cleaned.items()},
                       rate=rate, exempt=exempt)


def months_late(due: datetime.date, paid_on: datetime.date) -> int:
    """Months or parts of a month between the due date and the payment (0 when on time)."""
    if paid_on <= due:
        return 0
    months = 0
    while due + relativedelta(months=months) < paid_on:
        months += 1
    return months


def penalty(version: TariffVersion, principal_due: Decimal, due: datetime.date, paid_on: datetime.date) -> Decimal:
    """The penalty on what remains due, paid on `paid_on`."""
    months = months_late(due, paid_on)
    if not months or principal_due <= 0 or not (version.penalty_rate or version.penalty_monthly_rate):
        return Decimal("0.00")
    percent = version.penalty_rate + version.penalty_monthly_rate * (months - 1)
    amount = (principal_due * percent / 100).quantize(CENTIME, rounding=ROUND_HALF_UP)
    return max(amount, version.penalty_minimum)
