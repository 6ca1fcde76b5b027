"""The counter screen and the receipt screens: issuing by tariff and by assessment, errors in the user's language
with nothing saved, voiding with a reason, role gates, and another commune's receipts out of reach."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from modules.regie.models import Assessment, Receipt, Tariff
from modules.regie.services import assessments, receipts
from modules.regie.services.receipts import Payment
from platform_core.modules.roles import role_group
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import host_of, inside

pytestmark = pytest.mark.django_db

BASE = "/admin/regie/"
COUNTER = f"{BASE}counter/"


def refused(response) -> bool:
    """Wagtail answers a permission refusal in its admin by sending the user back to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def speaks(user, language: str) -> None:
    """The back office speaks the user's preferred language."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.fixture
def clients(regie, sefrou, client_for):
    """Logged-in clients on Sefrou's domain, by role; all speak French but regisseur2, who speaks Arabic."""
    made = {}
    with inside(sefrou):
        for name in ("regisseur", "regisseur2", "consultation", "ordonnateur"):
            speaks(regie[name], "ar" if name == "regisseur2" else "fr")
            made[name] = client_for(sefrou)
            made[name].force_login(regie[name])
    return made


def legalisation(units=3, **data):
    return {"what": "legalisation — Droit de légalisation de signature", "units": str(units),
            "payer_name": "Fatima Zahra Idrissi", "method": "cash", **data}


def late_assessment(ordonnateur) -> Assessment:
    """500 DH of tax on drinking establishments, 40 days late: a penalty of 100 DH (the minimum) is due."""
    assessment = assessments.issue_assessment(actor=ordonnateur, tariff=Tariff.objects.get(code="debits-boissons"),
                                              base_values={"takings": "10000"}, payer_name="Café Atlas")
    Assessment.objects.filter(pk=assessment.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=40))
    return Assessment.objects.get(pk=assessment.pk)


def test_counter_renders_in_french_and_arabic(clients):
    french = clients["regisseur"].get(COUNTER)
    assert french.status_code == 200
    page = french.content.decode()
    assert re.search(r'<html[^>]*lang="fr"[^>]*dir="ltr"', page)
    assert 'list="regie-tariffs"' in page and "legalisation — Droit de légalisation" in page
    assert f"QC-{timezone.localdate().year}-001" in page  # the current book
    arabic = clients["regisseur2"].get(COUNTER)
    page = arabic.content.decode()
    assert arabic.status_code == 200 and re.search(r'<html[^>]*lang="ar"[^>]*dir="rtl"', page)
    assert "legalisation — رسم تصحيح الإمضاء" in page


def test_issue_by_tariff_then_the_screen_shows_it(regie, clients):
    response = clients["regisseur"].post(COUNTER, legalisation(units=3))
    assert response.status_code == 302, response.content.decode()[:3000]
    receipt = Receipt.objects.get(payer_name="Fatima Zahra Idrissi")
    assert receipt.amount == Decimal("6.00") and receipt.base_values == {"units": "3"}
    assert response["Location"].endswith(f"?issued={receipt.pk}")
    page = clients["regisseur"].get(response["Location"]).content.decode()
    assert receipt.reference in page and "six dirhams" in page and "ستة دراهم" in page
    assert f"{BASE}receipts/{receipt.pk}/a5.pdf" in page and f"{BASE}receipts/{receipt.pk}/thermal.pdf" in page
    # The preview prices what is being typed, without writing anything.
    preview = clients["regisseur"].get(f"{COUNTER}preview/", legalisation(units=4)).json()
    assert preview["ok"] and preview["amount"] == "8.00" and preview["words_fr"] == "huit dirhams"
    assert Receipt.objects.count() == 1


def test_issue_by_assessment_with_its_late_penalty(regie, clients):
    assessment = late_assessment(regie["ordonnateur"])
    preview = clients["regisseur"].get(f"{COUNTER}preview/", {"what": assessment.reference}).json()
    assert preview["ok"] and preview["kind"] == "assessment" and preview["payer"] == "Café Atlas"
    assert preview["amount"] == "600.00" and preview["words_fr"] == "six cents dirhams"
    response = clients["regisseur"].post(COUNTER, {"what": assessment.reference.lower(), "method": "cheque",
                                                   "method_reference": "CHQ 778812"})
    assert response.status_code == 302, response.content.decode()[:3000]
    receipt = Receipt.objects.get(assessment=assessment)
    assert (receipt.principal, receipt.penalty, receipt.amount) == (Decimal("500"), Decimal("100"), Decimal("600"))
    assert receipt.payer_name == "Café Atlas" and receipt.method_reference == "CHQ 778812"
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.PAID


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_errors_in_the_users_language_and_nothing_saved(regie, sefrou, client_for, language):
    speaks(regie["regisseur"], language)
    client = client_for(sefrou)
    client.force_login(regie["regisseur"])
    page = client.post(COUNTER, legalisation(payer_name="")).content.decode()
    assert in_language(language, "Write the payer's name.").replace("'", "&#x27;") in page
    page = client.post(COUNTER, legalisation(method="cheque")).content.decode()
    assert in_language(language, "Write the cheque or transfer number.") in page
    page = client.post(COUNTER, legalisation(units="2.5")).content.decode()
    assert "2.5" in page  # what was typed stays in the form
    page = client.post(COUNTER, {"what": "OR-2026-999999", "payer_name": "X", "method": "cash"}).content.decode()
    assert "OR-2026-999999" in page
    assert not Receipt.objects.exists()


def test_void_with_a_reason_keeps_the_number_and_lists_it(regie, clients):
    receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(
        tariff=Tariff.objects.get(code="legalisation"), payer_name="Karim Tazi"))
    void_url = f"{BASE}receipts/{receipt.pk}/void/"
    clients["regisseur"].post(void_url, {"reason": "   ", "next": COUNTER})
    assert Receipt.objects.get(pk=receipt.pk).status == Receipt.Status.VALID
    response = clients["regisseur"].post(void_url, {"reason": "Erreur de payeur", "next": COUNTER})
    assert response.status_code == 302 and response["Location"] == COUNTER
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.VOIDED and receipt.void_reason == "Erreur de payeur"
    register = clients["ordonnateur"].get(f"{BASE}receipts/cancelled/").content.decode()
    assert receipt.reference in register and "Erreur de payeur" in register
    detail = clients["consultation"].get(f"{BASE}receipts/{receipt.pk}/").content.decode()
    assert "Erreur de payeur" in detail
    listing = clients["consultation"].get(f"{BASE}receipts/", {"status": "voided", "q": "Karim"})
    assert [row.pk for row in listing.context["page"].object_list] == [receipt.pk]
    # An offsite "next" is not followed.
    again = receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(
        tariff=Tariff.objects.get(code="legalisation"), payer_name="Karim Tazi"))
    response = clients["regisseur"].post(f"{BASE}receipts/{again.pk}/void/",
                                         {"reason": "doublon", "next": "https://evil.example/"})
    assert response["Location"] == f"{BASE}receipts/{again.pk}/"


def test_consultation_is_refused_the_counter_and_voiding(regie, clients):
    receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(
        tariff=Tariff.objects.get(code="legalisation"), payer_name="Karim Tazi"))
    assert refused(clients["consultation"].get(COUNTER))
    assert refused(clients["consultation"].post(COUNTER, legalisation()))
    assert refused(clients["consultation"].post(f"{BASE}receipts/{receipt.pk}/void/", {"reason": "essai"}))
    assert Receipt.objects.get(pk=receipt.pk).status == Receipt.Status.VALID
    assert Receipt.objects.count() == 1
    assert clients["consultation"].get(f"{BASE}receipts/").status_code == 200


def test_no_book_and_closed_day_are_said(regie, clients):
    from modules.regie.services import closing

    page = clients["ordonnateur"].get(COUNTER)
    assert refused(page)  # the ordonnateur does not collect
    receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(
        tariff=Tariff.objects.get(code="legalisation"), payer_name="Karim Tazi"))
    closing.close_day(receipt.cash_day_id, actor=regie["regisseur"], counted_cash="2.00")
    page = clients["regisseur"].get(COUNTER).content.decode()
    assert in_language("fr", "Your cash day is closed: no receipt can be issued until tomorrow.").replace(
        "'", "&#x27;") in page
    response = clients["regisseur"].post(COUNTER, legalisation())
    assert response.status_code == 200 and Receipt.objects.count() == 1


def test_berkane_staff_cannot_see_or_void_a_sefrou_receipt(regie, sefrou, berkane, in_commune, client_for,
                                                           clients):
    with in_commune(sefrou):
        theirs = receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(
            tariff=Tariff.objects.get(code="legalisation"), payer_name="Sefrou Citizen"))
    set_subscriptions(berkane, ["regie"])
    with in_commune(berkane):
        cashier = get_user_model().objects.create_user("regisseur.berkane", first_name="Ali", last_name="Berkani")
        cashier.groups.add(role_group("regie", "regisseur"))
        intruder = client_for(berkane, HTTP_ACCEPT_LANGUAGE="fr")
        intruder.force_login(cashier)
    assert intruder.get(f"{BASE}receipts/{theirs.pk}/").status_code == 404
    assert intruder.get(f"{BASE}receipts/{theirs.pk}/a5.pdf").status_code == 404
    assert intruder.post(f"{BASE}receipts/{theirs.pk}/void/", {"reason": "intrusion"}).status_code == 404
    listing = intruder.get(f"{BASE}receipts/", {"q": "Sefrou Citizen"})
    assert listing.status_code == 200 and not listing.context["page"].object_list
    assert theirs.reference not in intruder.get(f"{BASE}receipts/cancelled/").content.decode()
    # Sefrou's session does not open Berkane's back office, nor Berkane's Sefrou's.
    assert clients["regisseur"].get(f"{BASE}receipts/", HTTP_HOST=host_of(berkane)).status_code == 302
    assert intruder.get(f"{BASE}receipts/{theirs.pk}/", HTTP_HOST=host_of(sefrou)).status_code == 302
    with in_commune(sefrou):
        assert Receipt.objects.get(pk=theirs.pk).status == Receipt.Status.VALID
