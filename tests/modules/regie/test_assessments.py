"""Assessments (ordres de recette): issued by the ordonnateur after a preview, paid in part then in full at the
counter, cancelled on a régisseur's request with the ordonnateur's approval and then kept, never once paid."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from wagtail.users.models import UserProfile

from modules.regie.models import Assessment, Tariff, TaxableItem, Taxpayer
from modules.regie.services import assessments as services
from modules.regie.services import receipts
from modules.regie.services.receipts import Payment
from platform_core.modules.roles import role_group
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import inside

pytestmark = pytest.mark.django_db

BASE = "/admin/regie/assessments/"
D = Decimal


def refused(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.fixture
def clients(regie, sefrou, client_for):
    made = {}
    for name in ("regisseur", "ordonnateur", "consultation"):
        made[name] = client_for(sefrou)
        made[name].force_login(regie[name])
    return made


@pytest.fixture
def parcel(regie):
    owner = Taxpayer.objects.create(name_ar="فاطمة الزهراء الإدريسي", name_latin="Fatima Zahra Idrissi",
                                    cin="C123456")
    return TaxableItem.objects.create(taxpayer=owner, kind="parcel", reference="TF-1234/07", label="Lot 12",
                                      zone="immeuble", area_m2=D("400"), tariff=Tariff.objects.get(code="tnb"))


def issue(regie, parcel, period="2026"):
    return services.issue_assessment(actor=regie["ordonnateur"], tariff=parcel.tariff, taxpayer=parcel.taxpayer,
                                     item=parcel, period=period)


def test_ordonnateur_previews_then_issues_and_regisseur_cannot(regie, clients, parcel):
    form = {"taxpayer": parcel.taxpayer.pk, "item": parcel.pk, "tariff": "", "period": "2026", "action": "preview"}
    preview = clients["ordonnateur"].post(BASE + "new/", form)
    assert preview.status_code == 200 and preview.context["preview"].principal == D("1200.00")  # 400 m² x 3
    assert not Assessment.objects.exists()  # a preview issues nothing
    assert refused(clients["regisseur"].post(BASE + "new/", {**form, "action": "issue", "previewed": "1200.00"}))
    # Issuing with an amount other than the one previewed shows the new amount first.
    changed = clients["ordonnateur"].post(BASE + "new/", {**form, "action": "issue", "previewed": "99.00"})
    assert changed.status_code == 200 and not Assessment.objects.exists()
    issued = clients["ordonnateur"].post(BASE + "new/", {**form, "action": "issue", "previewed": "1200.00"})
    assert issued.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.principal == D("1200.00") and assessment.status == Assessment.Status.ISSUED
    assert assessment.item == parcel and assessment.base_values == {"area_m2": "400.00"}
    assert len(assessment.access_key) == 10 and assessment.reference.startswith(f"OR-{assessment.year}-")
    # A payer with no registration, a fee on a flat base.
    walk_in = {"payer_name": "Rachid Benjelloun", "tariff": Tariff.objects.get(code="legalisation").pk,
               "units": "3", "period": "", "action": "preview"}
    assert clients["ordonnateur"].post(BASE + "new/", walk_in).context["preview"].principal == D("6.00")
    missing = clients["ordonnateur"].post(BASE + "new/", {**walk_in, "tariff": Tariff.objects.get(code="sejour").pk})
    assert missing.context["preview"] is None and missing.context["form"].errors


def test_partial_then_full_payment(regie, parcel):
    assessment = issue(regie, parcel)
    receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment, amount="500"))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.PARTLY_PAID and assessment.principal_due == D("700.00")
    receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.PAID and assessment.principal_due == 0
    with pytest.raises(ValidationError):
        receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment, amount="1"))


def test_cancellation_asked_by_regisseur_approved_by_ordonnateur_and_kept(regie, clients, parcel):
    assessment = issue(regie, parcel)
    url = f"{BASE}{assessment.pk}/"
    assert clients["regisseur"].post(url + "cancel/", {"reason": "  "}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.cancellation_requested_at is None  # a reason is required
    assert refused(clients["consultation"].post(url + "cancel/", {"reason": "Erreur"}))
    clients["regisseur"].post(url + "cancel/", {"reason": "Parcelle vendue avant l'émission"})
    assessment.refresh_from_db()
    assert assessment.cancellation_requested_by == regie["regisseur"]
    assert assessment.status == Assessment.Status.ISSUED  # asked, not yet decided
    assert refused(clients["regisseur"].post(url + "cancel/decide/", {"decision": "approve"}))
    page = clients["ordonnateur"].get(url).content.decode()
    assert "Parcelle vendue" in page and "cancel/decide/" in page

    clients["ordonnateur"].post(url + "cancel/decide/", {"decision": "approve"})
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CANCELLED and assessment.cancelled_by == regie["ordonnateur"]
    # Kept and marked: in the list under its status, with its reason; nothing due, no payment taken.
    listed = clients["consultation"].get(BASE, {"status": "cancelled"}).context["rows"]
    assert [row[0].pk for row in listed] == [assessment.pk]
    assert "Parcelle vendue" in clients["consultation"].get(url).content.decode()
    with pytest.raises(ValidationError):
        receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment))


def test_a_rejected_request_leaves_the_assessment_due(regie, clients, parcel):
    assessment = issue(regie, parcel)
    services.request_cancellation(assessment.pk, actor=regie["regisseur"], reason="Doublon ?")
    clients["ordonnateur"].post(f"{BASE}{assessment.pk}/cancel/decide/", {"decision": "reject"})
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ISSUED and assessment.cancellation_requested_at is None


def test_a_paid_assessment_cannot_be_cancelled(regie, clients, parcel):
    assessment = issue(regie, parcel)
    receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment, amount="100"))
    response = clients["regisseur"].post(f"{BASE}{assessment.pk}/cancel/", {"reason": "Erreur"}, follow=True)
    assessment.refresh_from_db()
    assert assessment.cancellation_requested_at is None and assessment.status == Assessment.Status.PARTLY_PAID
    assert [str(message) for message in response.context["messages"]]
    with pytest.raises(ValidationError):
        services.request_cancellation(assessment.pk, actor=regie["ordonnateur"], reason="Erreur")


def test_late_assessments_are_marked_with_their_penalty(regie, clients, parcel):
    late = issue(regie, parcel)
    Assessment.objects.filter(pk=late.pk).update(due_date=datetime.date.today() - datetime.timedelta(days=40))
    on_time = issue(regie, parcel, period="2027")
    rows = {row[0].pk: row[1] for row in clients["regisseur"].get(BASE).context["rows"]}
    assert rows == {late.pk: True, on_time.pk: False}
    only_late = clients["regisseur"].get(BASE, {"overdue": "on"}).context["rows"]
    assert [row[0].pk for row in only_late] == [late.pk]
    dues = clients["regisseur"].get(f"{BASE}{late.pk}/").context["dues"]
    assert dues.overdue and dues.penalty_due == D("186.00")  # 2 months late: 15.5 % of 1,200
    assert dues.total_due == D("1386.00")
    tariff_filtered = clients["regisseur"].get(BASE, {"tariff": Tariff.objects.get(code="sejour").pk})
    assert list(tariff_filtered.context["rows"]) == []


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_assessment_screens_render_in_both_languages(regie, clients, parcel, language):
    assessment = issue(regie, parcel)
    profile = UserProfile.get_for_user(regie["ordonnateur"])
    profile.preferred_language = language
    profile.save()
    for path in ("", f"{assessment.pk}/", "new/", f"new/?taxpayer={parcel.taxpayer.pk}", "new/?q=Idrissi"):
        response = clients["ordonnateur"].get(BASE + path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in html, path
    detail = clients["ordonnateur"].get(f"{BASE}{assessment.pk}/").content.decode()
    assert assessment.access_key in detail and assessment.reference in detail


def test_berkane_staff_cannot_reach_sefrou_assessments(berkane, regie, sefrou, parcel, client_for):
    assessment = issue(regie, parcel)
    set_subscriptions(berkane, ["regie"])
    with inside(berkane):
        boss = get_user_model().objects.create_user("ordonnateur.berkane", first_name="Ali", last_name="Berkani")
        boss.groups.add(role_group("regie", "ordonnateur"))
        client = client_for(berkane)
        client.force_login(boss)
    assert client.get(f"{BASE}{assessment.pk}/").status_code == 404
    assert list(client.get(BASE).context["rows"]) == []
    client.post(f"{BASE}{assessment.pk}/cancel/", {"reason": "from Berkane"})
    client.post(f"{BASE}{assessment.pk}/cancel/decide/", {"decision": "approve"})
    with inside(sefrou):
        assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ISSUED and not assessment.cancellation_reason


def test_the_notice_carries_what_is_owed_and_the_access_key_for_the_portal(regie, clients, parcel, sefrou,
                                                                            client_for):
    from tests.modules.regie.test_printing import snapshot, text_of

    assessment = issue(regie, parcel)
    response = clients["consultation"].get(f"{BASE}{assessment.pk}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert assessment.reference in text and assessment.access_key in text
    assert "mille deux cents dirhams" in text and "ألف ومائتا درهم" in text
    assert "Fatima Zahra Idrissi" in text and "majoration de 15 % le premier mois et 0,5 %" in text
    # The QR code's address opens the portal's look-up with both filled in.
    query = f"?reference={assessment.reference}&key={assessment.access_key}"
    page = client_for(sefrou).get(f"/fr/paiements/{query}")
    assert page.context["form"]["access_key"].value() == assessment.access_key
    snapshot(response.content, "regie-assessment-notice")
