"""The issue's browser test: a citizen on a phone finds the birth-extract procedure, asks for an extract and gets the
tracking number and key; the agent checks it and the officier issues it in the back office (the fee paid at the
régie's counter in between); the SMS is in the outbox; the citizen follows the request with number and key and
downloads the paper. Once in French, once in Arabic; screenshots in tests/artifacts/portal-citizen-*.png."""

import datetime
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from tests.e2e.conftest import ARTIFACTS, outside_the_browser_loop, scratch_commune, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "portal-e2e-pw-2026"


SLUG = "azrou"


def in_town(work):
    """Work on the town's data from the test, committed for the server the browser talks to."""
    def run():
        from tenants.models import Commune

        connection.set_schema_to_public()
        commune = Commune.objects.get(slug=SLUG)
        with schema_context(commune.schema_name):
            connection.tenant = commune
            return work()

    return outside_the_browser_loop(run)


@pytest.fixture(scope="module")
def bureau(django_db_setup, django_db_blocker):
    """A town set up like Sefrou (its portal, catalogue and staff), with an agent and an officier holding a
    delegation and a signed birth act, one set per language."""
    from modules.civil_status import services as civil_status
    from modules.civil_status.models import Bureau, Delegation
    from platform_core.modules.roles import role_group
    from tests.modules.civil_status.test_acts import TODAY, birth

    def create():
        users = get_user_model().objects
        main = Bureau.objects.get(code="principal")
        made = {}
        for language in ("fr", "ar"):
            agent = users.create_user(f"agent.portal-{language}", password=PASSWORD, first_name="Samira",
                                      last_name="Tazi", first_name_ar="سميرة", last_name_ar="التازي")
            agent.groups.add(role_group("civil_status", "agent"))
            officer = users.create_user(f"officer.portal-{language}", password=PASSWORD, first_name="Driss",
                                        last_name="Fassi", first_name_ar="إدريس", last_name_ar="الفاسي")
            officer.groups.add(role_group("civil_status", "officer"))
            Delegation.objects.create(officer=officer, bureau=main, decree_number=f"PORTAL/{language}",
                                      decree_date=TODAY - datetime.timedelta(days=30),
                                      valid_from=TODAY - datetime.timedelta(days=30))
            act = civil_status.sign_act(
                civil_status.draft_act(actor=agent, bureau=main, kind="birth",
                                       data=birth(event_date=TODAY - datetime.timedelta(days=10))).pk,
                actor=officer)
            made[language] = {"agent": agent.username, "officer": officer.username, "act": act}
        return made

    with django_db_blocker.unblock(), scratch_commune(SLUG, "Commune d'Azrou", "جماعة أزرو"):
        yield in_town(create)


def sign_in(page, origin, username):
    page.goto(f"{origin}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def pay_the_fee_at_the_counter(number):
    from modules.regie.models import Assessment
    from modules.regie.services import receipts
    from modules.regie.services.receipts import Payment

    def pay():
        regisseur = get_user_model().objects.get(username="regisseur.sefrou")
        assessment = Assessment.objects.get(source="eservices", source_reference=number)
        receipts.issue_receipt(actor=regisseur, payment=Payment(assessment=assessment))

    in_town(pay)


def sms_about(number):
    from platform_core.notifications.models import OutboxMessage

    return in_town(lambda: list(OutboxMessage.objects.filter(channel="sms", body__contains=number)
                                  .order_by("pk").values_list("recipient", "body")))


def pdf_text(pdf: bytes, name: str) -> str:
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.translate(dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_citizen_asks_for_a_birth_extract_on_a_phone_and_downloads_it(browser, live_port, bureau, language,
                                                                       django_db_blocker):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "cin.pdf").write_bytes(PDF)
    origin = f"http://{SLUG}.localhost:{live_port}"
    act = bureau[language]["act"]
    shot = f"portal-citizen-{language}"
    citizen_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                          accept_downloads=True)
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900})
    phone, desk = citizen_context.new_page(), staff_context.new_page()
    try:
        # The citizen finds the procedure from the home page.
        phone.goto(f"{origin}/{language}/")
        assert phone.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        screenshot(phone, f"{shot}-1-home")
        phone.locator("a[href$='/demarches/extrait-acte-naissance/']").first.click()
        phone.wait_for_url("**/demarches/extrait-acte-naissance/")
        assert phone.locator("text=/5,00/").count() >= 1  # the fee, from the régie's tariff
        screenshot(phone, f"{shot}-2-procedure")
        phone.locator("a[href$='/demandes/civil_status.birth_extract/']").first.click()

        # ... and asks for the extract.
        phone.wait_for_selector("#id_service-act_number")
        phone.fill("#id_service-act_number", str(act.number))
        phone.fill("#id_service-act_year", str(act.year))
        phone.select_option("#id_service-bureau", act.bureau.code)
        phone.check(f"input[name='service-language'][value='{language}']")
        phone.fill("#id_name", "Rim Idrissi")
        phone.fill("#id_name_ar", "ريم الإدريسي")
        phone.fill("#id_national_id", "C654321")
        phone.fill("#id_phone", "06 70 11 22 33")
        phone.set_input_files("#id_paper_cin", str(ARTIFACTS / "cin.pdf"))
        screenshot(phone, f"{shot}-3-form")
        phone.locator("form button[type=submit]").last.click()
        phone.wait_for_url("**/demandes/confirmation/")
        number, key = phone.locator("#es-number").inner_text(), phone.locator("#es-key").inner_text()
        assert re.fullmatch(r"\d{4}-\d{6}", number) and re.fullmatch(r"\d{8}", key)
        screenshot(phone, f"{shot}-4-number-and-key")

        # The agent checks it in the back office and picks the act.
        sign_in(desk, origin, bureau[language]["agent"])
        desk.goto(f"{origin}/admin/online-requests/")
        desk.locator(f"a:text-is('{number}')").click()
        desk.check(f"input[name='processing-act_id'][value='{act.pk}']")
        screenshot(desk, f"{shot}-5-agent-checks")
        desk.locator("button[name=action][value=approve]").click()
        desk.wait_for_load_state()
        desk.context.clear_cookies()

        # The citizen pays at the régie's counter; the officier issues the paper.
        with django_db_blocker.unblock():
            pay_the_fee_at_the_counter(number)
        sign_in(desk, origin, bureau[language]["officer"])
        desk.goto(f"{origin}/admin/online-requests/")
        desk.locator(f"a:text-is('{number}')").click()
        desk.locator("button[name=action][value=approve]").click()
        desk.wait_for_selector("a[href$='/outcome/'], a:has-text('PDF')")
        screenshot(desk, f"{shot}-6-officer-issued")

        # The SMS of each change is in the outbox, the last one says it is ready.
        with django_db_blocker.unblock():
            messages = sms_about(number)
        assert {recipient for recipient, _ in messages} == {"+212670112233"}
        assert len(messages) >= 3 and key in messages[0][1]
        assert f"/{language}/demandes/suivi/{number}/" in messages[-1][1]

        # The citizen follows the request with number and key, and downloads the paper.
        phone.goto(f"{origin}/{language}/demandes/suivi/")
        phone.fill("#id_tracking_number", number)
        phone.fill("#id_access_key", key)
        phone.locator("main form button[type=submit]").first.click()
        phone.wait_for_url(f"**/demandes/suivi/{number}/")
        screenshot(phone, f"{shot}-7-ready")
        with phone.expect_download() as download:
            phone.locator("a[href$='/telecharger/'], a[download]").first.click()
        text = pdf_text(download.value.path().read_bytes(), f"{shot}-8-extract")
        assert str(act.number) in text
        assert "ALAOUI" in text.upper() if language == "fr" else "العلوي" in text  # the person of the act
    finally:
        citizen_context.close()
        staff_context.close()
