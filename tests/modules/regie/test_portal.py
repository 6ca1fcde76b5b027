"""The citizen's look-up on the portal: reference and access key show what is owed today, without an account; a
wrong reference or key gets one neutral message; attempts are limited per address; another commune's portal
reveals nothing. Ends with screenshots on a phone-sized window, in Arabic and in French."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import schema_context

from modules.regie import portal
from modules.regie.models import Assessment, Tariff, TariffVersion, TaxableItem, Taxpayer
from modules.regie.services import assessments as services
from modules.regie.services import receipts
from modules.regie.services.receipts import Payment
from platform_core.routing import routing_table
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import inside
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, screenshot

D = Decimal
ADDRESS = "192.0.2.10"  # a documentation address: the counter of failures is per address


def lookup(client, reference, key, language="fr"):
    return client.post(f"/{language}/paiements/", {"reference": reference, "access_key": key})


@pytest.fixture
def citizen(sefrou, client_for):
    return client_for(sefrou, REMOTE_ADDR=ADDRESS)


@pytest.fixture
def owed(regie):
    """An assessment on a parcel of Fatima Zahra Idrissi, issued by the ordonnateur; the failure counters clean."""
    owner = Taxpayer.objects.create(name_ar="فاطمة الزهراء الإدريسي", name_latin="Fatima Zahra Idrissi",
                                    cin="C123456")
    parcel = TaxableItem.objects.create(taxpayer=owner, kind="parcel", reference="TF-1234/07", label="Lot 12",
                                        zone="immeuble", area_m2=D("400"), tariff=Tariff.objects.get(code="tnb"))
    cache.delete(f"regie.portal.failures:{ADDRESS}")
    yield services.issue_assessment(actor=regie["ordonnateur"], tariff=parcel.tariff, taxpayer=owner, item=parcel,
                                    period="2026")
    with schema_context("sefrou"):
        cache.delete(f"regie.portal.failures:{ADDRESS}")


@pytest.mark.django_db
def test_reference_and_key_show_what_is_owed(regie, owed, citizen):
    page = lookup(citizen, owed.reference, owed.access_key)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    summary = page.context["summary"]
    assert summary["payer"] == "Fatima Z. I." and summary["status"] == "issued"
    assert summary["total"] == "1\u202f200,00\u00a0DH" and not summary["penalty"]
    html = page.content.decode()
    assert "Taxe sur les terrains urbains non bâtis" in html and "Idrissi" not in html and "C123456" not in html
    # Typed loosely (lower case, spaces), the same; in Arabic, the Arabic name and amounts.
    arabic = lookup(citizen, f" {owed.reference.lower()} ", " ".join(owed.access_key.lower()), language="ar")
    assert arabic.context["summary"]["payer"] == "فاطمة ا. ا."
    assert '<html lang="ar" dir="rtl">' in arabic.content.decode() and "درهم" in arabic.context["summary"]["total"]


@pytest.mark.django_db
def test_late_partly_paid_and_cancelled_assessments(regie, owed, citizen):
    receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=owed, amount="200"))
    Assessment.objects.filter(pk=owed.pk).update(due_date=datetime.date.today() - datetime.timedelta(days=10))
    summary = lookup(citizen, owed.reference, owed.access_key).context["summary"]
    # 1,000 left, one month late: 15 %, i.e. 150.
    assert summary["status"] == "partly_paid" and summary["overdue"]
    assert summary["paid"] == "200,00\u00a0DH" and summary["penalty"] == "150,00\u00a0DH"
    assert summary["total"] == "1\u202f150,00\u00a0DH"
    fresh = services.issue_assessment(actor=regie["ordonnateur"], tariff=Tariff.objects.get(code="legalisation"),
                                      payer_name="Rachid Benjelloun", base_values={"units": 2})
    services.request_cancellation(fresh.pk, actor=regie["regisseur"], reason="Erreur de saisie")
    services.approve_cancellation(fresh.pk, actor=regie["ordonnateur"])
    cancelled = lookup(citizen, fresh.reference, fresh.access_key).context["summary"]
    assert cancelled["status"] == "cancelled" and cancelled["payer"] == "Rachid B."


@pytest.mark.django_db
def test_wrong_key_or_reference_get_one_neutral_message(regie, owed, citizen):
    wrong_key = lookup(citizen, owed.reference, "ABCDEFGHJK")
    wrong_reference = lookup(citizen, f"OR-{owed.year}-{owed.number + 1:06d}", owed.access_key)
    nonsense = lookup(citizen, "hello", owed.access_key)
    messages = {answer.context["refused"] for answer in (wrong_key, wrong_reference, nonsense)}
    assert len(messages) == 1 and all(answer.context["summary"] is None
                                      for answer in (wrong_key, wrong_reference, nonsense))
    for answer in (wrong_key, wrong_reference):
        assert answer.status_code == 200 and "Idrissi" not in answer.content.decode()
    empty = lookup(citizen, "", "")
    assert empty.context["form"].errors and empty.context["summary"] is None


@pytest.mark.django_db
def test_attempts_are_limited_per_address(regie, owed, citizen, client_for, sefrou):
    for _ in range(portal.MAX_FAILURES):
        assert lookup(citizen, owed.reference, "WRONGKEY22").status_code == 200
    blocked = lookup(citizen, owed.reference, owed.access_key)  # even the right key, while blocked
    assert blocked.status_code == 429 and blocked.context["summary"] is None
    other = client_for(sefrou, REMOTE_ADDR="192.0.2.11")
    assert lookup(other, owed.reference, owed.access_key).context["summary"] is not None
    cache.delete(f"regie.portal.failures:{ADDRESS}")
    assert lookup(citizen, owed.reference, owed.access_key).context["summary"] is not None


@pytest.mark.django_db
def test_sefrou_reference_and_key_reveal_nothing_on_berkane(berkane, regie, owed, sefrou, client_for):
    visitor = client_for(berkane, REMOTE_ADDR=ADDRESS)
    assert lookup(visitor, owed.reference, owed.access_key).status_code == 404  # the module is off in Berkane
    set_subscriptions(berkane, ["regie"])
    routing_table.clear()  # the routing generation moves on commit, which a test's transaction never reaches
    with inside(berkane):
        # Berkane's own first assessment may carry the very same reference, with its own key.
        tariff = Tariff.objects.create(code="legalisation", name_fr="Légalisation", name_ar="تصحيح الإمضاء")
        TariffVersion.objects.create(tariff=tariff, effective_from=datetime.date(2020, 1, 1), rate=D("2"))
        theirs = services.create_assessment(tariff=tariff, base_values={"units": 1}, payer_name="Berkani Ali")
    answer = lookup(visitor, owed.reference, owed.access_key)
    assert answer.status_code == 200 and answer.context["summary"] is None and answer.context["refused"]
    assert "Idrissi" not in answer.content.decode() and "الإدريسي" not in answer.content.decode()
    assert lookup(visitor, theirs.reference, theirs.access_key).context["summary"]["payer"] == "Berkani A."
    # Berkane's failures are counted in Berkane's cache, not Sefrou's.
    with inside(sefrou):
        assert not cache.get(f"regie.portal.failures:{ADDRESS}")
    with inside(berkane):
        assert cache.get(f"regie.portal.failures:{ADDRESS}") == 1
        cache.delete(f"regie.portal.failures:{ADDRESS}")


@pytest.mark.django_db
def test_the_page_is_bilingual_and_labelled(sefrou, regie, citizen):
    for language, heading in (("fr", 'lang="fr" dir="ltr"'), ("ar", 'lang="ar" dir="rtl"')):
        html = citizen.get(f"/{language}/paiements/").content.decode()
        assert heading in html
        assert 'for="id_reference"' in html and 'for="id_access_key"' in html and 'name="csrfmiddlewaretoken"' in html
        assert f'href="/{"ar" if language == "fr" else "fr"}/paiements/"' in html


# Chromium renders the pages the portal served to the test client: an assessment is never deleted (a database
# trigger), so none is committed for a live server; the browser gets the same HTML and the same stylesheet.
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db
def test_screenshots_of_the_lookup_on_a_phone(regie, owed, client_for, sefrou):
    from playwright.sync_api import sync_playwright

    Assessment.objects.filter(pk=owed.pk).update(due_date=datetime.date.today() - datetime.timedelta(days=45))
    pages = {}
    for language in ("ar", "fr"):
        visitor = client_for(sefrou, REMOTE_ADDR="192.0.2.12")
        pages[language, "form"] = visitor.get(f"/{language}/paiements/").content
        pages[language, "refused"] = lookup(visitor, "OR-2026-000999", "WRONGKEY22", language).content
        pages[language, "owed"] = lookup(visitor, owed.reference, owed.access_key.lower(), language).content
    cache.delete("regie.portal.failures:192.0.2.12")
    stylesheet = (settings.BASE_DIR / "cms" / "static" / "cms" / "portal.css").read_bytes()
    origin = "http://sefrou.localhost"

    def serve(route, request):
        if "/static/cms/portal" in request.url and request.url.endswith(".css"):
            return route.fulfill(body=stylesheet, content_type="text/css")
        language = request.url.removeprefix(origin).strip("/").split("/")[0]
        state = "form"
        if request.method == "POST":
            state = "owed" if owed.access_key.lower() in (request.post_data or "").lower() else "refused"
        return route.fulfill(body=pages[language, state], content_type="text/html; charset=utf-8")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for language in ("ar", "fr"):
                context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                               has_touch=True, locale=language)
                context.route("**/*", serve)
                phone = context.new_page()
                phone.goto(f"{origin}/{language}/paiements/")
                assert phone.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
                screenshot(phone, f"regie-portal-1-form-{language}")
                reference_label = phone.locator("label[for=id_reference]").inner_text()
                phone.get_by_label(reference_label, exact=True).fill("OR-2026-000999")
                phone.fill("#id_access_key", "WRONGKEY22")
                phone.locator("form button[type=submit]").click()
                phone.wait_for_selector("[role=alert]")
                screenshot(phone, f"regie-portal-2-refused-{language}")
                phone.fill("#id_reference", owed.reference)
                phone.fill("#id_access_key", owed.access_key.lower())
                phone.locator("form button[type=submit]").click()
                phone.wait_for_selector(".rp-total strong")
                text = phone.locator(".rp-card").first.inner_text()
                assert ("فاطمة" if language == "ar" else "Fatima Z. I.") in text and "Idrissi" not in text
                screenshot(phone, f"regie-portal-3-owed-{language}")
                context.close()
        finally:
            chromium.close()
