"""Recipe section `regie`: the fiscal order's catalogue (tariffs and their dated versions), the budget's revenue
lines, and receipt books received and handed to cashiers. Applying it again updates, never duplicates.

    regie:
      tariffs:
        - code: tnb
          name_fr: Taxe sur les terrains urbains non bâtis
          name_ar: الرسم على الأراضي الحضرية غير المبنية
          kind: tax
          legal_basis: Loi 47-06, art. 39 à 51
          budget_code: "10.20.11"
          versions:
            - {effective_from: 2024-01-01, fiscal_order: "Arrêté fiscal 1/2024", base: area, rate: "2",
               zone_rates: {immeuble: "4", villa: "2"}, penalty_rate: "15", penalty_monthly_rate: "0.5"}
      budget:
        - {year: 2026, code: "10.20.11", label_fr: ..., label_ar: ..., forecast: "1200000"}
      books:
        - {series: QC, count: 3, size: 100, use: counter, holder: regisseur.sefrou}
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from modules.regie.models import BudgetLine, ReceiptBook, Tariff, TariffVersion, ZoneRate
from modules.regie.services.books import create_books, hand_over

VERSION_KEYS = ("fiscal_order", "base", "rate", "minimum_amount", "exemption_threshold", "penalty_rate",
                "penalty_monthly_rate", "penalty_minimum", "payment_days")


def _decimal(value) -> Decimal:
    return Decimal(str(value))


def load_catalogue(tariffs: list[dict]) -> list[Tariff]:
    loaded = []
    for entry in tariffs:
        tariff, _created = Tariff.objects.update_or_create(code=entry["code"], defaults={
            "name_fr": entry["name_fr"], "name_ar": entry["name_ar"], "kind": entry.get("kind", Tariff.Kind.FEE),
            "legal_basis": entry.get("legal_basis", ""), "budget_code": str(entry.get("budget_code", "")),
            "active": entry.get("active", True),
        })
        tariff.full_clean()
        for data in entry.get("versions", []):
            values = {key: data[key] for key in VERSION_KEYS if key in data}
            for key in ("rate", "minimum_amount", "exemption_threshold", "penalty_rate", "penalty_monthly_rate",
                        "penalty_minimum"):
                if key in values:
                    values[key] = _decimal(values[key])
            effective_from = data["effective_from"]
            if isinstance(effective_from, str):
                effective_from = datetime.date.fromisoformat(effective_from)
            version, _created = TariffVersion.objects.update_or_create(
                tariff=tariff, effective_from=effective_from, defaults=values)
            version.full_clean()
            for zone, rate in (data.get("zone_rates") or {}).items():
                ZoneRate.objects.update_or_create(version=version, zone=zone, defaults={"rate": _decimal(rate)})
        loaded.append(tariff)
    return loaded


def load_budget(lines: list[dict]) -> None:
    for line in lines:
        BudgetLine.objects.update_or_create(
            year=int(line.get("year", timezone.localdate().year)), code=str(line["code"]),
            defaults={"label_fr": line["label_fr"], "label_ar": line["label_ar"],
                      "forecast": _decimal(line.get("forecast", 0))},
        )


def load_books(entries: list[dict]) -> None:
    """Books per series, use and holder: only the ones missing are created (a second run adds none)."""
    User = get_user_model()
    for entry in entries:
        year = int(entry.get("year", timezone.localdate().year))
        use = entry.get("use", ReceiptBook.Use.COUNTER)
        holder = User.objects.get(username=entry["holder"]) if entry.get("holder") else None
        existing = ReceiptBook.objects.filter(series=entry["series"], year=year, use=use, holder=holder).count()
        if holder is None:
            existing = ReceiptBook.objects.filter(series=entry["series"], year=year, use=use,
                                                  status=ReceiptBook.Status.IN_STOCK).count()
        missing = int(entry.get("count", 1)) - existing
        if missing <= 0:
            continue
        for book in create_books(series=entry["series"], year=year, count=missing, size=int(entry["size"]),
                                 use=use):
            if holder is not None:
                hand_over(book, holder)


def apply_recipe(section: dict) -> None:
    try:
        load_catalogue(section.get("tariffs", []))
        load_budget(section.get("budget", []))
        load_books(section.get("books", []))
    except ValidationError as error:
        raise ValidationError(f"regie: {'; '.join(error.messages)}") from None


def _plain(value: Decimal) -> str:
    """A decimal as the recipe writes it: "1.5", not "1.5000"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def export_section() -> dict:
    """The section read back in the shape apply_recipe reads: the catalogue with every dated version and its zone
    rates, and the budget's revenue lines. Receipt books are left out: they are numbered stock that each commune
    receives from its treasury (and those in cashiers' hands name people)."""
    tariffs = []
    for tariff in Tariff.objects.order_by("code").prefetch_related("versions__zone_rates"):
        versions = []
        for version in sorted(tariff.versions.all(), key=lambda v: v.effective_from):
            data = {"effective_from": version.effective_from.isoformat(), "fiscal_order": version.fiscal_order,
                    "base": version.base, "payment_days": version.payment_days}
            for key in ("rate", "minimum_amount", "exemption_threshold", "penalty_rate", "penalty_monthly_rate",
                        "penalty_minimum"):
                data[key] = _plain(getattr(version, key))
            zone_rates = {zone.zone: _plain(zone.rate) for zone in sorted(version.zone_rates.all(),
                                                                          key=lambda z: z.zone)}
            if zone_rates:
                data["zone_rates"] = zone_rates
            versions.append(data)
        tariffs.append({"code": tariff.code, "name_fr": tariff.name_fr, "name_ar": tariff.name_ar,
                        "kind": tariff.kind, "legal_basis": tariff.legal_basis, "budget_code": tariff.budget_code,
                        "active": tariff.active, "versions": versions})
    budget = [{"year": line.year, "code": line.code, "label_fr": line.label_fr, "label_ar": line.label_ar,
               "forecast": _plain(line.forecast)} for line in BudgetLine.objects.order_by("year", "code")]
    return {"tariffs": tariffs, "budget": budget}
