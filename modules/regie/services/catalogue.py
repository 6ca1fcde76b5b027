"""Writes on the fiscal order's catalogue, the budget, taxpayers and their taxable items."""

from __future__ import annotations

from django.db import transaction

from modules.regie.models import BudgetLine, Tariff, TariffVersion, TaxableItem, Taxpayer, ZoneRate
from modules.regie.services.common import require
from platform_core.audit import services as audit

TARIFF_FIELDS = ("code", "name_fr", "name_ar", "kind", "legal_basis", "budget_code", "active")
VERSION_FIELDS = ("effective_from", "fiscal_order", "base", "rate", "minimum_amount", "exemption_threshold",
                  "penalty_rate", "penalty_monthly_rate", "penalty_minimum", "payment_days")
TAXPAYER_FIELDS = ("kind", "name_ar", "name_latin", "cin", "rc", "ice", "tax_id", "address", "phone", "email")
ITEM_FIELDS = ("taxpayer", "kind", "reference", "label", "address", "zone", "area_m2", "tariff", "collector",
               "active")
BUDGET_FIELDS = ("year", "code", "label_fr", "label_ar", "forecast")


def _save(instance, data: dict, fields, *, actor, action: str, request=None):
    """Set `fields` from `data`, validate, save and audit (before and after) in the caller's transaction."""
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    before = {name: getattr(instance, name) for name in fields} if instance.pk else None
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    audit.record(action, actor=actor, target=instance, before=_plain(before),
                 after=_plain({name: getattr(instance, name) for name in fields}), request=request)
    return instance


def _plain(values: dict | None):
    if values is None:
        return None
    return {name: getattr(value, "pk", value) for name, value in values.items()}


@transaction.atomic
def save_tariff(*, actor, data: dict, tariff: Tariff | None = None, request=None) -> Tariff:
    require(actor, "change_tariff" if tariff else "add_tariff")
    return _save(tariff or Tariff(), data, TARIFF_FIELDS, actor=actor, action="regie.save_tariff", request=request)


@transaction.atomic
def add_tariff_version(tariff: Tariff, *, actor, data: dict, zone_rates: dict | None = None,
                       request=None) -> TariffVersion:
    """A new version of the amounts from its effective date; earlier versions stay for the assessments made
    under them. `zone_rates` maps a zone to its rate where the rate depends on the zone."""
    require(actor, "add_tariffversion")
    version = _save(TariffVersion(tariff=tariff), data, VERSION_FIELDS, actor=actor,
                    action="regie.add_tariff_version", request=request)
    for zone, rate in (zone_rates or {}).items():
        zone_rate = ZoneRate(version=version, zone=zone, rate=rate)
        zone_rate.full_clean()
        zone_rate.save()
    return version


@transaction.atomic
def save_taxpayer(*, actor, data: dict, taxpayer: Taxpayer | None = None, request=None) -> Taxpayer:
    require(actor, "change_taxpayer" if taxpayer else "add_taxpayer")
    return _save(taxpayer or Taxpayer(), data, TAXPAYER_FIELDS, actor=actor, action="regie.save_taxpayer",
                 request=request)


@transaction.atomic
def save_item(*, actor, data: dict, item: TaxableItem | None = None, request=None) -> TaxableItem:
    require(actor, "change_taxableitem" if item else "add_taxableitem")
    return _save(item or TaxableItem(), data, ITEM_FIELDS, actor=actor, action="regie.save_item", request=request)


@transaction.atomic
def save_budget_line(*, actor, data: dict, line: BudgetLine | None = None, request=None) -> BudgetLine:
    require(actor, "change_budgetline" if line else "add_budgetline")
    return _save(line or BudgetLine(), data, BUDGET_FIELDS, actor=actor, action="regie.save_budget_line",
                 request=request)
