"""The revenue budget: collected per line from the valid receipts of the year, what has no line shown apart, the
lines kept by the ordonnateur, the CSV and Excel export for the Trésorerie, and the chart on the home page."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from modules.regie.models import BudgetLine, Tariff
from modules.regie.selectors.budget import budget_report
from modules.regie.services import receipts
from modules.regie.services.receipts import Payment

pytestmark = pytest.mark.django_db

BASE = "/admin/regie/budget/"
YEAR = timezone.localdate().year


def speaking(user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def pay(cashier, code, **values):
    return receipts.issue_receipt(actor=cashier, payment=Payment(tariff=Tariff.objects.get(code=code),
                                                                 base_values=values, payer_name="Rachid Benjelloun"))


@pytest.fixture
def collected(regie):
    """Receipts on three lines and on a tariff whose code has no line; one voided receipt that must not count."""
    cashier = regie["regisseur"]
    pay(cashier, "legalisation", units=3)  # 6.00 on 10.40.11
    pay(cashier, "legalisation", units=1)  # 2.00
    voided = pay(cashier, "legalisation", units=50)
    receipts.void_receipt(voided.pk, actor=cashier, reason="Erreur de quantité")
    pay(cashier, "debits-boissons", takings="10000")  # 500.00 on 10.20.21
    pay(cashier, "sejour", persons=2, nights=3)  # 60.00 on 10.20.31, which has no line
    return regie


@pytest.fixture
def clients(regie, sefrou, client_for):
    made = {}
    for name in ("ordonnateur", "regisseur", "collecteur", "agent"):
        made[name] = client_for(sefrou)
        made[name].force_login(regie[name])
    return made


def test_collected_per_line_counts_the_valid_receipts_of_the_year(collected):
    report = budget_report(YEAR)
    lines = {line.code: line for line in report.lines}
    assert (lines["10.40.11"].collected, lines["10.40.11"].receipts) == (Decimal("8.00"), 2)
    assert (lines["10.20.21"].collected, lines["10.20.21"].receipts) == (Decimal("500.00"), 1)
    assert lines["10.20.11"].collected == Decimal("0.00") and lines["10.20.11"].rate == Decimal("0.0")
    assert lines["10.20.21"].rate == Decimal("0.6")  # 500 of 80 000
    assert [(line.code, line.collected) for line in report.unbudgeted] == [("10.20.31", Decimal("60.00"))]
    assert report.collected == Decimal("508.00") and report.receipts == 4
    assert budget_report(YEAR - 1).lines == [] and budget_report(YEAR - 1).unbudgeted == []


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_budget_screen(collected, clients, language):
    speaking(collected["ordonnateur"], language)
    response = clients["ordonnateur"].get(BASE, {"year": YEAR})
    page = response.content.decode()
    assert response.status_code == 200 and ('dir="rtl"' if language == "ar" else 'dir="ltr"') in page
    assert "10.40.11" in page and "10.20.31" in page and 'role="img"' in page
    assert ("رسوم تصحيح الإمضاء" if language == "ar" else "Droits de légalisation") in page
    assert "budget/export/?year=" in page and f"{BASE}new/" in page
    # In Arabic the labels stand on the right and the bars grow leftwards.
    chart = re.search(r'viewBox="0 0 (\d+) \d+"', page)
    width = int(chart.group(1))
    first_bar = float(re.search(r'<rect class="rg-chart__bar[^"]*" x="([\d.]+)"', page).group(1))
    assert (first_bar < width / 2) if language == "ar" else (first_bar > width / 4)
    assert clients["regisseur"].get(BASE).status_code == 200
    assert "/budget/new/" not in clients["regisseur"].get(BASE).content.decode()


def test_ordonnateur_adds_and_edits_a_line(regie, clients):
    data = {"year": YEAR, "code": "10.20.31", "label_fr": "Taxe de séjour", "label_ar": "رسم الإقامة",
            "forecast": "15000"}
    assert clients["regisseur"].post(f"{BASE}new/", data).status_code == 302  # refused: back to the dashboard
    assert not BudgetLine.objects.filter(code="10.20.31").exists()
    assert clients["ordonnateur"].post(f"{BASE}new/", data).status_code == 302
    line = BudgetLine.objects.get(code="10.20.31", year=YEAR)
    duplicate = clients["ordonnateur"].post(f"{BASE}new/", data)
    assert duplicate.status_code == 200 and BudgetLine.objects.filter(code="10.20.31").count() == 1
    response = clients["ordonnateur"].post(f"{BASE}{line.pk}/", {**data, "forecast": "18000.50"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.forecast == Decimal("18000.50")


def test_export_csv_and_xlsx(collected, clients):
    response = clients["ordonnateur"].get(f"{BASE}export/", {"year": YEAR, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert len(rows[0]) == 8
    by_code = {row[1]: row for row in rows[1:]}
    assert by_code["10.40.11"][4:7] == ["40000.00", "8.00", "2"]
    assert by_code["10.40.11"][3] == "رسوم تصحيح الإمضاء"
    assert by_code["10.20.21"][5:7] == ["500.00", "1"]
    assert by_code["10.20.31"][5:7] == ["60.00", "1"]  # collected without a line, shown apart
    workbook = clients["ordonnateur"].get(f"{BASE}export/", {"year": YEAR, "format": "xlsx"})
    assert workbook["Content-Disposition"] == f'attachment; filename="budget-{YEAR}.xlsx"'
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["10.40.11"][4:7] == (40000, 8, 2) and values["10.20.21"][5] == 500
    assert clients["ordonnateur"].get(f"{BASE}export/", {"year": "soon"}).status_code == 400


def test_dashboard_panel_for_the_ordonnateur_only(collected, clients):
    home = clients["ordonnateur"].get("/admin/").content.decode()
    assert 'id="rg-panel-heading"' in home and 'aria-labelledby="rg-panel-budget-title rg-panel-budget-desc"' in home
    for name in ("collecteur", "agent"):
        response = clients[name].get("/admin/")
        assert response.status_code == 200 and "rg-panel-heading" not in response.content.decode()
