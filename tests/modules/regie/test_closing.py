"""Cash closing: the count against the receipts, the variance explained, the day locked, and its papers (relevé
nominatif, bordereau de versement, cancelled-receipts register) as PDF and XLSX; roles and another commune."""

import re
import subprocess
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from modules.regie.models import CashDay, Receipt, Remittance, Tariff
from modules.regie.services import closing, receipts
from modules.regie.services.receipts import Payment
from platform_core.modules.roles import role_group
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import host_of

pytestmark = pytest.mark.django_db

BASE = "/admin/regie/"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
BIDI = re.compile("[\u200e\u200f\u202a-\u202e]")


def fee(code="legalisation", payer="Fatima Zahra Idrissi", method="cash", reference="", **values):
    return Payment(tariff=Tariff.objects.get(code=code), base_values=values, payer_name=payer, method=method,
                   method_reference=reference)


def refused(response) -> bool:
    """Wagtail answers a permission refusal in its admin by sending the user back to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.fixture
def day(regie):
    """The régisseur's day: three receipts (one voided, one by cheque): 10 DH cash, 5 DH cheque, 4 DH voided."""
    cashier = regie["regisseur"]
    kept = receipts.issue_receipt(actor=cashier, payment=fee(units=5, payer="Youssef Bennani"))
    mistaken = receipts.issue_receipt(actor=cashier, payment=fee(units=2, payer="Karima Tazi"))
    receipts.issue_receipt(actor=cashier, payment=fee("extrait-naissance", payer="Rachid Alami", method="cheque",
                                                      reference="CHQ-778899"))
    receipts.void_receipt(mistaken.pk, actor=cashier, reason="Erreur sur le nombre de légalisations")
    return CashDay.objects.get(pk=kept.cash_day_id)


@pytest.fixture
def clients(sefrou, regie, client_for):
    made = {}
    for name in ("regisseur", "regisseur2", "consultation", "ordonnateur", "collecteur"):
        made[name] = client_for(sefrou)
        made[name].force_login(regie[name])
    return made


def pdf_text(pdf: bytes, name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return BIDI.sub("", text)


# --- the service and the screens of closing -----------------------------------------------------------------

def test_closing_without_variance_locks_the_day(day, clients, regie):
    page = clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/close/").content.decode()
    assert "data-system-cash=\"10.00\"" in page and "count_200" in page and "count_0_50" in page
    response = clients["regisseur"].post(f"{BASE}cash-days/{day.pk}/close/",
                                         {"count_5": "1", "count_2": "2", "count_1": "1"})
    assert response.status_code == 302 and response["Location"] == f"{BASE}cash-days/{day.pk}/"
    day.refresh_from_db()
    assert day.status == CashDay.Status.CLOSED and day.counted_cash == Decimal("10.00") and day.variance == 0
    assert (day.system_cash, day.system_other) == (Decimal("10.00"), Decimal("5.00"))
    remittance = Remittance.objects.get(cash_day=day)
    assert remittance.amount == Decimal("15.00") and remittance.reference.startswith(f"BV-{day.day.year}-")
    detail = clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/").content.decode()
    assert "rg-banner--locked" in detail and remittance.reference in detail and "CHQ-778899" in detail
    assert f"cash-days/{day.pk}/close/" not in detail
    # Closed: the form sends back to the day.
    assert clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/close/")["Location"] == f"{BASE}cash-days/{day.pk}/"
    listing = clients["regisseur"].get(f"{BASE}cash-days/", {"status": "closed"}).content.decode()
    assert remittance.reference in listing and "rg-locked" in listing


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_variance_needs_an_explanation_in_the_users_language(day, clients, regie, language):
    profile = UserProfile.get_for_user(regie["regisseur"])
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])
    client = clients["regisseur"]
    response = client.post(f"{BASE}cash-days/{day.pk}/close/", {"counted_cash": "8.50"},
                           HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    with translation.override(language):
        expected = translation.gettext("The cash counted differs from the receipts by %(variance)s: explain the "
                                       "difference.") % {"variance": Decimal("-1.50")}
    assert response.status_code == 200 and f'lang="{language}"' in page
    assert expected.replace("'", "&#x27;") in page
    day.refresh_from_db()
    assert day.status == CashDay.Status.OPEN and not Remittance.objects.filter(cash_day=day).exists()
    response = client.post(f"{BASE}cash-days/{day.pk}/close/",
                           {"counted_cash": "8.50", "variance_explanation": "Pièce de 2 DH fausse, rendu 0,50 de trop"},
                           HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.variance == Decimal("-1.50") and day.variance_explanation.startswith("Pièce de 2 DH")


def test_count_by_denominations_must_add_up(day, clients):
    response = clients["regisseur"].post(f"{BASE}cash-days/{day.pk}/close/", {"counted_cash": "12.00", "count_10": "1"})
    assert response.status_code == 200 and "count_10" in response.context["form"].data
    assert "counted_cash" in response.context["form"].errors
    day.refresh_from_db()
    assert day.status == CashDay.Status.OPEN
    assert clients["regisseur"].post(f"{BASE}cash-days/{day.pk}/close/", {}).status_code == 200


def test_the_count_by_notes_and_coins_is_kept_with_the_day(day, clients):
    with pytest.raises(ValidationError) as refused:
        closing.close_day(day.pk, actor=day.cashier, counted_cash="10.00", cash_count={"5": 1})
    assert list(refused.value.message_dict) == ["counted_cash"]
    # 10 DH of cash: a 5 DH coin, two 2 DH coins and two 0.50 DH coins.
    response = clients["regisseur"].post(f"{BASE}cash-days/{day.pk}/close/",
                                         {"count_5": "1", "count_2": "2", "count_0_50": "2"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.counted_cash == Decimal("10.00") and day.variance == 0
    assert day.cash_count == {"5.00": 1, "2.00": 2, "0.50": 2}
    page = clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/").content.decode()
    assert "2 × 0.50 DH" in page


def test_closed_day_refuses_new_receipts_and_voids(day, clients, regie):
    cashier = regie["regisseur"]
    closing.close_day(day.pk, actor=cashier, counted_cash="10.00")
    valid = Receipt.objects.filter(cash_day=day, status=Receipt.Status.VALID).first()
    with pytest.raises(ValidationError):
        receipts.issue_receipt(actor=cashier, payment=fee())
    with pytest.raises(ValidationError):
        receipts.void_receipt(valid.pk, actor=cashier, reason="Trop tard")
    with pytest.raises(ValidationError):
        closing.close_day(day.pk, actor=cashier, counted_cash="10.00")
    # The screens refuse too, and say so.
    count = Receipt.objects.count()
    page = clients["regisseur"].post(f"{BASE}counter/", {"what": "legalisation", "units": "1", "payer_name": "Ali",
                                                          "method": "cash"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200 and Receipt.objects.count() == count
    clients["regisseur"].post(f"{BASE}receipts/{valid.pk}/void/", {"reason": "Trop tard"})
    valid.refresh_from_db()
    assert valid.status == Receipt.Status.VALID
    response = clients["regisseur"].post(f"{BASE}cash-days/{day.pk}/close/", {"counted_cash": "1.00"})
    assert response.status_code == 302 and response["Location"] == f"{BASE}cash-days/{day.pk}/"
    day.refresh_from_db()
    assert day.counted_cash == Decimal("10.00")


def test_consultation_sees_but_cannot_close(day, clients):
    assert clients["consultation"].get(f"{BASE}cash-days/").status_code == 200
    detail = clients["consultation"].get(f"{BASE}cash-days/{day.pk}/").content.decode()
    assert f"cash-days/{day.pk}/close/" not in detail
    assert refused(clients["consultation"].get(f"{BASE}cash-days/{day.pk}/close/"))
    assert refused(clients["consultation"].post(f"{BASE}cash-days/{day.pk}/close/", {"counted_cash": "10.00"}))
    assert refused(clients["collecteur"].get(f"{BASE}cash-days/"))
    day.refresh_from_db()
    assert day.status == CashDay.Status.OPEN


def test_a_regisseur_closes_their_own_day_and_a_collectors(day, clients, regie):
    assert clients["regisseur2"].get(f"{BASE}cash-days/{day.pk}/close/").status_code in (302, 403)
    response = clients["regisseur2"].post(f"{BASE}cash-days/{day.pk}/close/", {"counted_cash": "10.00"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    day.refresh_from_db()
    assert day.status == CashDay.Status.OPEN
    collector_day = CashDay.objects.create(cashier=regie["collecteur"], day=day.day)
    response = clients["regisseur2"].post(f"{BASE}cash-days/{collector_day.pk}/close/", {"counted_cash": "0"})
    assert response.status_code == 302
    remittance = Remittance.objects.get(cash_day=collector_day)
    assert remittance.prepared_by == regie["regisseur2"]


# --- the papers ------------------------------------------------------------------------------------------------

def test_releve_lists_every_receipt_with_the_voided_marked(day, clients, regie):
    closing.close_day(day.pk, actor=regie["regisseur"], counted_cash="10.00")
    response = clients["consultation"].get(f"{BASE}cash-days/{day.pk}/releve.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, "regie-releve")
    all_receipts = list(Receipt.objects.filter(cash_day=day).select_related("book").order_by("number"))
    assert len(all_receipts) == 3
    positions = [text.index(receipt.reference) for receipt in all_receipts]
    assert positions == sorted(positions)  # in number order
    for name in ("Youssef Bennani", "Karima Tazi", "Rachid Alami", "ANNULÉE", "Erreur", "légalisations",
                 "RELEVÉ NOMINATIF DES QUITTANCES", "15,00", "4,00"):
        assert name in text, name
    assert "الوصولات" in text and "ملغى" in text
    assert "PROVISOIRE" not in text


def test_releve_xlsx_sums_match(day, clients, regie):
    closing.close_day(day.pk, actor=regie["regisseur"], counted_cash="10.00")
    response = clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/releve.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=6, values_only=True) if isinstance(row[0], int)]
    assert len(rows) == 3 and [row[0] for row in rows] == sorted(row[0] for row in rows)
    valid = sum((Decimal(str(row[9])) for row in rows if row[10] == "Valide"), Decimal("0"))
    voided = [row for row in rows if row[10] == "ANNULÉE"]
    assert len(voided) == 1 and voided[0][11] == "Erreur sur le nombre de légalisations"
    totals = {row[8]: Decimal(str(row[9])) for row in sheet.iter_rows(min_row=6, values_only=True)
              if isinstance(row[8], str) and row[9] is not None and not isinstance(row[0], int)}
    total = next(value for label, value in totals.items() if label.startswith("Quittances valides"))
    assert valid == total == Decimal("15.00") == day.remittance.amount
    cash = next(value for label, value in totals.items() if label.startswith("Espèces"))
    assert cash == Decimal("10.00")


def test_releve_of_an_open_day_is_provisional_and_formats_are_checked(day, clients):
    text = pdf_text(clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/releve.pdf").content, "regie-releve-open")
    assert "PROVISOIRE" in text
    assert clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/releve.docx").status_code == 404
    assert clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/bordereau.pdf").status_code == 404  # not closed
    period = clients["regisseur"].get(f"{BASE}cash-days/releve.xlsx",
                                      {"start": day.day.isoformat(), "end": day.day.isoformat()})
    assert period.status_code == 200
    rows = [row for row in load_workbook(BytesIO(period.content)).active.iter_rows(min_row=6, values_only=True)
            if isinstance(row[0], int)]
    assert len(rows) == 3


def test_bordereau_says_the_amount_in_words(day, clients, regie):
    closing.close_day(day.pk, actor=regie["regisseur"], counted_cash="9.00", explanation="Pièce perdue")
    response = clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/bordereau.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, "regie-bordereau")
    flat = " ".join(text.split())
    reference = Remittance.objects.get(cash_day=day).reference
    for expected in (reference, "BORDEREAU DE VERSEMENT", "quinze dirhams", "15,00", "10,00", "5,00", "9,00", "-1,00",
                     "Pièce perdue", "Régisseur de recettes", "agent de la Trésorerie", "CHQ-778899",
                     "Hassan Alaoui", "Sefrou"):
        assert expected in flat, expected
    words = set(flat.split())
    assert {"خمسة", "عشر"} <= words and "درهما" in flat  # خمسة عشر درهما
    assert "الخزينة" in words
    workbook = load_workbook(BytesIO(clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/bordereau.xlsx").content))
    values = {row[0]: row[2] for row in workbook.active.iter_rows(min_row=5, values_only=True) if row[0]}
    assert Decimal(str(values["Montant versé"])) == Decimal("15.00")
    assert values["En lettres"] == "quinze dirhams" and Decimal(str(values["Écart"])) == Decimal("-1.00")
    assert clients["regisseur"].get(f"{BASE}cash-days/{day.pk}/bordereau.html").status_code == 404


def test_cancelled_receipts_register_export(day, clients):
    year, month = day.day.year, day.day.month
    response = clients["consultation"].get(f"{BASE}receipts/cancelled/export/",
                                           {"format": "pdf", "year": year, "month": month})
    assert response.status_code == 200
    text = pdf_text(response.content, "regie-cancelled")
    assert "Karima Tazi" in text and "Erreur sur le nombre" in text and "Youssef Bennani" not in text
    response = clients["consultation"].get(f"{BASE}receipts/cancelled/export/", {"format": "xlsx", "year": year})
    rows = [row for row in load_workbook(BytesIO(response.content)).active.iter_rows(min_row=6, values_only=True)
            if row[0] and str(row[0]).startswith("QC-")]
    assert len(rows) == 1 and rows[0][8] == "Erreur sur le nombre de légalisations"
    assert clients["consultation"].get(f"{BASE}receipts/cancelled/export/",
                                       {"format": "csv", "year": year}).status_code == 404
    assert clients["consultation"].get(f"{BASE}receipts/cancelled/export/", {"format": "pdf"}).status_code == 400


def test_berkane_cashier_cannot_reach_sefrous_cash_days(sefrou, berkane, in_commune, client_for, day, regie):
    reference = closing.close_day(day.pk, actor=regie["regisseur"], counted_cash="10.00").reference
    set_subscriptions(berkane, ["regie"])
    with in_commune(berkane):
        intruder = get_user_model().objects.create_user("regisseur.berkane", first_name="Ali", last_name="Berkani")
        intruder.groups.add(role_group("regie", "regisseur"))
        assert not CashDay.objects.filter(pk=day.pk).exists()
        theirs = client_for(berkane)
        theirs.force_login(intruder)  # the session lives in Berkane's schema
    assert theirs.get(f"{BASE}cash-days/").status_code == 200
    urls = [f"{BASE}cash-days/{day.pk}/", f"{BASE}cash-days/{day.pk}/close/", f"{BASE}cash-days/{day.pk}/releve.pdf",
            f"{BASE}cash-days/{day.pk}/releve.xlsx", f"{BASE}cash-days/{day.pk}/bordereau.pdf",
            f"{BASE}cash-days/{day.pk}/bordereau.xlsx"]
    for path in urls:
        assert theirs.get(path).status_code == 404, path
    listing = theirs.get(f"{BASE}cash-days/").content.decode()
    assert "Hassan" not in listing and reference not in listing
    register = theirs.get(f"{BASE}receipts/cancelled/export/", {"format": "xlsx", "year": day.day.year})
    rows = [row for row in load_workbook(BytesIO(register.content)).active.iter_rows(min_row=6, values_only=True)
            if row[0]]
    assert all("Karima" not in str(row) for row in rows)
    # Berkane's session does not open Sefrou's back office, whatever the path.
    for path in urls:
        response = theirs.get(path, HTTP_HOST=host_of(sefrou))
        assert response.status_code == 302 and "/login/" in response["Location"], path


def test_day_list_filters(day, clients, regie):
    other = CashDay.objects.create(cashier=regie["regisseur2"], day=timezone.localdate())
    everyone = clients["ordonnateur"].get(f"{BASE}cash-days/")
    assert {d.pk for d, _can in everyone.context["rows"]} >= {day.pk, other.pk}
    mine = clients["ordonnateur"].get(f"{BASE}cash-days/", {"cashier": regie["regisseur2"].pk})
    assert [d.pk for d, _can in mine.context["rows"]] == [other.pk]
    open_days = clients["regisseur"].get(f"{BASE}cash-days/", {"status": "open"})
    rows = dict(open_days.context["rows"])
    assert rows[day] is True and rows[other] is False  # only their own day shows the close button
    assert next(d for d in rows if d.pk == day.pk).live_cash == Decimal("10.00")
