"""The tariff catalogue (versions in force by date, zone rates, minimum, exemption threshold, late penalties),
taxpayers and their items, and the catalogue's screens in French and Arabic; another commune's out of reach."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.users.models import UserProfile

from modules.regie import tariffs
from modules.regie.models import Tariff, TariffVersion, TaxableItem, Taxpayer
from modules.regie.services import catalogue
from platform_core.modules.roles import role_group
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import host_of, inside

pytestmark = pytest.mark.django_db

BASE = "/admin/regie/"
D = Decimal


def refused(response) -> bool:
    """Wagtail answers a permission refusal in its admin by sending the user back to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.fixture
def clients(regie, sefrou, client_for):
    """Logged-in clients of Sefrou's staff, by username prefix."""
    made = {}
    for name in ("regisseur", "ordonnateur", "consultation", "collecteur"):
        made[name] = client_for(sefrou)
        made[name].force_login(regie[name])
    return made


def version(code="tnb", on=None):
    return tariffs.version_in_force(Tariff.objects.get(code=code), on or datetime.date.today())


def add_version(actor, tariff, effective_from, rate, **changes):
    data = {"effective_from": effective_from, "fiscal_order": "Arrêté fiscal 2/2026", "base": "flat", "rate": D(rate),
            "minimum_amount": D("0"), "exemption_threshold": D("0"), "penalty_rate": D("0"),
            "penalty_monthly_rate": D("0"), "penalty_minimum": D("0"), "payment_days": 30, **changes}
    return catalogue.add_tariff_version(tariff, actor=actor, data=data)


def test_the_version_in_force_depends_on_the_date(regie):
    tariff = Tariff.objects.get(code="legalisation")
    add_version(regie["ordonnateur"], tariff, datetime.date(2026, 7, 1), "3")
    assert tariffs.version_in_force(tariff, datetime.date(2026, 6, 30)).rate == D("2")
    assert tariffs.version_in_force(tariff, datetime.date(2026, 7, 1)).rate == D("3")
    assert tariffs.compute(tariffs.version_in_force(tariff, datetime.date(2026, 7, 2)), {"units": 4}).principal == 12
    with pytest.raises(ValidationError):
        tariffs.version_in_force(tariff, datetime.date(2019, 12, 31))
    # The earlier version stays for the assessments made under it.
    assert tariff.versions.count() == 2


def test_zone_rates_minimum_and_exemption_threshold(regie):
    tnb = version("tnb")  # immeuble 3, villa 1.5 per m²; minimum 100; below 20 nothing is collected
    assert tariffs.compute(tnb, {"area_m2": "50"}, zone="immeuble").principal == D("150.00")
    assert tariffs.compute(tnb, {"area_m2": "40"}, zone="villa").principal == D("100.00")  # 60 -> the minimum
    exempt = tariffs.compute(tnb, {"area_m2": "10"}, zone="villa")  # 15 < 20
    assert exempt.exempt and exempt.principal == 0
    with pytest.raises(ValidationError):
        tariffs.compute(tnb, {"area_m2": "10"}, zone="industrielle")
    assert tariffs.compute(version("debits-boissons"), {"takings": "20000"}).principal == D("1000.00")
    assert tariffs.compute(version("sejour"), {"persons": 3, "nights": 2}).principal == D("60.00")
    assert tariffs.compute(version("odp"), {"area_m2": "1", "quarters": "1"}).principal == D("60.00")  # minimum


def test_late_penalty_is_15_percent_then_half_a_percent_a_month_with_a_minimum(regie):
    tnb = version("tnb")
    due = datetime.date(2026, 1, 31)
    assert tariffs.penalty(tnb, D("10000"), due, due) == 0  # paid on the due date: on time
    assert tariffs.penalty(tnb, D("10000"), due, datetime.date(2026, 2, 15)) == D("1500.00")  # first month: 15 %
    assert tariffs.penalty(tnb, D("10000"), due, datetime.date(2026, 4, 15)) == D("1600.00")  # 3 months: 16 %
    assert tariffs.penalty(tnb, D("200"), due, datetime.date(2026, 2, 1)) == D("100.00")  # 30 -> the minimum
    assert tariffs.penalty(version("legalisation"), D("200"), due, datetime.date(2027, 1, 1)) == 0  # none set


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_catalogue_screens_render_in_both_languages(regie, clients, language):
    owner = Taxpayer.objects.create(name_ar="فاطمة الزهراء الإدريسي", name_latin="Fatima Zahra Idrissi",
                                    cin="C123456")
    item = TaxableItem.objects.create(taxpayer=owner, kind="parcel", reference="TF-1234/07", label="Lot 12",
                                      zone="villa", area_m2=D("400"), tariff=Tariff.objects.get(code="tnb"))
    tnb = Tariff.objects.get(code="tnb")
    profile = UserProfile.get_for_user(regie["ordonnateur"])
    profile.preferred_language = language
    profile.save()
    client = clients["ordonnateur"]
    for path in ("tariffs/", f"tariffs/{tnb.pk}/", "tariffs/new/", f"tariffs/{tnb.pk}/edit/",
                 f"tariffs/{tnb.pk}/versions/new/", "taxpayers/", f"taxpayers/{owner.pk}/", "taxpayers/new/",
                 f"taxpayers/{owner.pk}/edit/", f"taxpayers/{owner.pk}/items/new/", f"items/{item.pk}/edit/"):
        response = client.get(BASE + path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, (path, response.content[:500])
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in html, path
    listing = client.get(BASE + "tariffs/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert (tnb.name_ar if language == "ar" else tnb.name_fr) in listing
    page = client.get(BASE + f"taxpayers/{owner.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "TF-1234/07" in page and "فاطمة الزهراء الإدريسي" in page


def test_calculator_shows_the_amount(regie, clients):
    tnb = Tariff.objects.get(code="tnb")
    response = clients["regisseur"].get(f"{BASE}tariffs/{tnb.pk}/",
                                        {"calculate": "1", "zone": "immeuble", "area_m2": "50"})
    assert response.context["computation"].principal == D("150.00")
    assert "150.00" in response.content.decode() or "150,00" in response.content.decode()
    wrong = clients["regisseur"].get(f"{BASE}tariffs/{tnb.pk}/", {"calculate": "1", "zone": "villa", "area_m2": "x"})
    assert wrong.context["computation"] is None and wrong.context["calculator"].errors


def version_form(**changes):
    data = {"effective_from": "2027-01-01", "fiscal_order": "Arrêté fiscal 1/2027", "base": "area", "rate": "1",
            "minimum_amount": "120", "exemption_threshold": "20", "penalty_rate": "15", "penalty_monthly_rate": "0.5",
            "penalty_minimum": "100", "payment_days": "30",
            "zones-TOTAL_FORMS": "3", "zones-INITIAL_FORMS": "0", "zones-MIN_NUM_FORMS": "0",
            "zones-MAX_NUM_FORMS": "30", "zones-0-zone": "immeuble", "zones-0-rate": "4",
            "zones-1-zone": "villa", "zones-1-rate": "2", "zones-2-zone": "", "zones-2-rate": ""}
    return {**data, **changes}


def test_ordonnateur_adds_a_version_with_zone_rates_and_regisseur_cannot(regie, clients):
    tnb = Tariff.objects.get(code="tnb")
    url = f"{BASE}tariffs/{tnb.pk}/versions/new/"
    assert refused(clients["regisseur"].post(url, version_form()))
    assert refused(clients["regisseur"].get(url))
    assert not tnb.versions.filter(effective_from=datetime.date(2027, 1, 1)).exists()
    with pytest.raises(PermissionDenied):
        add_version(regie["regisseur"], tnb, datetime.date(2027, 1, 1), "1")

    response = clients["ordonnateur"].post(url, version_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    new = tnb.versions.get(effective_from=datetime.date(2027, 1, 1))
    assert {zone.zone: zone.rate for zone in new.zone_rates.all()} == {"immeuble": D("4"), "villa": D("2")}
    assert tariffs.version_in_force(tnb, datetime.date(2027, 3, 1)) == new
    assert tariffs.version_in_force(tnb, datetime.date(2026, 12, 31)).effective_from == datetime.date(2020, 1, 1)
    # The same date again, or a zone twice: refused, nothing half-saved.
    again = clients["ordonnateur"].post(url, version_form(fiscal_order="bis"))
    assert again.status_code == 200 and again.context["form"].errors["effective_from"]
    twice = clients["ordonnateur"].post(url, version_form(**{"effective_from": "2028-01-01",
                                                             "zones-1-zone": "immeuble"}))
    assert twice.status_code == 200 and twice.context["zones"].non_form_errors()
    assert tnb.versions.count() == 2 and TariffVersion.objects.filter(fiscal_order="bis").count() == 0


def test_ordonnateur_creates_and_changes_a_tariff(regie, clients):
    data = {"code": "enseignes", "name_fr": "Taxe sur les enseignes", "name_ar": "الرسم على اللوحات الإشهارية",
            "kind": "tax", "legal_basis": "", "budget_code": "10.20.41", "active": "on"}
    assert refused(clients["regisseur"].post(f"{BASE}tariffs/new/", data))
    assert clients["ordonnateur"].post(f"{BASE}tariffs/new/", data).status_code == 302
    tariff = Tariff.objects.get(code="enseignes")
    assert clients["ordonnateur"].post(f"{BASE}tariffs/{tariff.pk}/edit/", {**data, "active": ""}).status_code == 302
    tariff.refresh_from_db()
    assert not tariff.active
    duplicate = clients["ordonnateur"].post(f"{BASE}tariffs/new/", data)
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["code"]


def taxpayer_form(**changes):
    data = {"kind": "person", "name_ar": "يوسف العمراني", "name_latin": "Youssef Amrani", "cin": "cd 123456",
            "rc": "", "ice": "", "tax_id": "", "address": "Derb Miter, Sefrou", "phone": "0612345678", "email": ""}
    return {**data, **changes}


def test_taxpayers_are_validated_and_searched_in_both_scripts(regie, clients):
    client = clients["regisseur"]
    assert client.post(f"{BASE}taxpayers/new/", taxpayer_form()).status_code == 302
    youssef = Taxpayer.objects.get(name_latin="Youssef Amrani")
    assert youssef.cin == "CD123456"
    # A CIN already given, a CIN and an ICE of the wrong shape: messages in the user's language, nothing saved.
    again = client.post(f"{BASE}taxpayers/new/", taxpayer_form(cin="CD123456"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "CD123456" in " ".join(again.context["form"].errors["cin"])
    bad = client.post(f"{BASE}taxpayers/new/", taxpayer_form(cin="123", ice="12345"), HTTP_ACCEPT_LANGUAGE="ar")
    assert set(bad.context["form"].errors) == {"cin", "ice"} and 'dir="rtl"' in bad.content.decode()
    company = taxpayer_form(kind="company", name_latin="Café Atlas SARL", name_ar="مقهى الأطلس", cin="",
                            ice="001234567000089", rc="RC 4521")
    assert client.post(f"{BASE}taxpayers/new/", company).status_code == 302
    same_ice = client.post(f"{BASE}taxpayers/new/", {**company, "name_latin": "Autre", "rc": ""})
    assert same_ice.context["form"].errors["ice"]
    assert Taxpayer.objects.count() == 2
    # Changing a taxpayer keeps its own CIN acceptable.
    assert client.post(f"{BASE}taxpayers/{youssef.pk}/edit/", taxpayer_form(phone="0700000000")).status_code == 302

    for query, expected in (("العمراني", youssef), ("amrani youssef", youssef), ("cd123456", youssef),
                            ("001234567000089", "Café Atlas SARL"), ("RC 4521", "Café Atlas SARL")):
        found = [taxpayer.name_latin for taxpayer in client.get(f"{BASE}taxpayers/", {"q": query}).context["page_obj"]]
        assert found == [getattr(expected, "name_latin", expected)], query
    assert clients["consultation"].get(f"{BASE}taxpayers/").status_code == 200
    assert refused(clients["consultation"].post(f"{BASE}taxpayers/new/", taxpayer_form(cin="E1")))


def test_items_take_a_zone_of_their_tariff(regie, clients):
    owner = Taxpayer.objects.create(name_ar="حسن", name_latin="Hassan Tazi")
    tnb = Tariff.objects.get(code="tnb")
    data = {"kind": "parcel", "reference": "TF-77/07", "label": "Terrain route de Fès", "address": "", "zone": "rurale",
            "area_m2": "500", "tariff": tnb.pk, "collector": "", "active": "on"}
    wrong = clients["regisseur"].post(f"{BASE}taxpayers/{owner.pk}/items/new/", data)
    assert wrong.status_code == 200 and wrong.context["form"].errors["zone"]
    added = clients["regisseur"].post(f"{BASE}taxpayers/{owner.pk}/items/new/", {**data, "zone": "villa"})
    assert added.status_code == 302
    item = owner.items.get()
    assert item.zone == "villa" and item.area_m2 == D("500")
    changed = {**data, "zone": "immeuble", "collector": regie["collecteur"].pk}
    assert clients["regisseur"].post(f"{BASE}items/{item.pk}/edit/", changed).status_code == 302
    item.refresh_from_db()
    assert item.zone == "immeuble" and item.collector == regie["collecteur"] and item.taxpayer == owner


def test_berkane_staff_cannot_reach_sefrou_taxpayers(berkane, regie, sefrou, clients, client_for):
    ours = Taxpayer.objects.create(name_ar="سفروي", name_latin="Sefroui Seulement", cin="S999999")
    set_subscriptions(berkane, ["regie"])
    with inside(berkane):
        cashier = get_user_model().objects.create_user("regisseur.berkane", first_name="Ali", last_name="Berkani")
        cashier.groups.add(role_group("regie", "regisseur"))
        theirs = Taxpayer.objects.create(name_ar="بركاني", name_latin="Berkani Only", cin="B111111")
        berkane_client = client_for(berkane)
        berkane_client.force_login(cashier)
    detail = berkane_client.get(f"{BASE}taxpayers/{ours.pk}/")
    assert detail.status_code == 404 or "Sefroui" not in detail.content.decode()
    for query in ("Sefroui", "S999999", "سفروي"):
        assert list(berkane_client.get(f"{BASE}taxpayers/", {"q": query}).context["page_obj"]) == []
    assert "Berkani Only" not in clients["regisseur"].get(f"{BASE}taxpayers/", {"q": "Berkani"}).content.decode()
    # Sefrou's session does not open Berkane's back office.
    assert clients["regisseur"].get(f"{BASE}taxpayers/{theirs.pk}/", HTTP_HOST=host_of(berkane)).status_code == 302
