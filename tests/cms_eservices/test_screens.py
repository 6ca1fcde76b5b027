"""Online requests in a real browser on a phone-sized window (390x844), in Arabic and in French: the form (with its
errors), the confirmation with the number and key, and the request's page as staff move it on. axe-core finds no
serious or critical violation on them; screenshots go to tests/artifacts/eservices-*.png."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from tests.e2e.accessibility import blocking_violations
from tests.e2e.conftest import ARTIFACTS, outside_the_browser_loop, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def in_sefrou(work):
    """Staff's work through the engine, committed for the server the browser talks to."""
    def run():
        from tenants.models import Commune

        connection.set_schema_to_public()
        commune = Commune.objects.get(slug="sefrou")
        with schema_context("sefrou"):
            connection.tenant = commune  # the SMS links name the commune's own domain
            return work(get_user_model().objects)

    return outside_the_browser_loop(run)


def check_accessible(page, what):
    assert blocking_violations(page) == [], what


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_citizen_asks_for_a_certificate_on_a_phone(browser, live_port, django_db_blocker, language):
    from platform_core.eservices import services
    from platform_core.eservices.models import ServiceRequest

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "cin.pdf").write_bytes(PDF)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale=language)
    phone = context.new_page()
    origin = f"http://sefrou.localhost:{live_port}"
    try:
        phone.goto(f"{origin}/{language}/demandes/")
        assert phone.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        phone.locator("a[href$='/demandes/noticeboard.certificate/']").click()
        phone.wait_for_selector("#id_service-purpose")
        check_accessible(phone, "form")
        screenshot(phone, f"eservices-1-form-{language}")

        phone.fill("#id_name", "Salma Idrissi")
        phone.fill("#id_phone", "05 35 00 00 00")  # a fixed line: no SMS can go there
        phone.locator("form button[type=submit]").click()
        phone.wait_for_selector("[role=alert]")
        focused = phone.evaluate("document.activeElement.id")
        assert focused == "id_service-purpose"
        check_accessible(phone, "form with errors")
        screenshot(phone, f"eservices-2-errors-{language}")

        phone.fill("#id_service-purpose", "Dossier de bourse" if language == "fr" else "ملف المنحة")
        phone.fill("#id_name_ar", "سلمى الإدريسي")
        phone.fill("#id_national_id", "C123456")
        phone.fill("#id_phone", "06 12 34 56 78")
        phone.set_input_files("#id_paper_cin", str(ARTIFACTS / "cin.pdf"))
        phone.locator("form button[type=submit]").click()
        phone.wait_for_url("**/demandes/confirmation/")
        number = phone.locator("#es-number").inner_text()
        key = phone.locator("#es-key").inner_text()
        assert re.fullmatch(r"\d{4}-\d{6}", number) and re.fullmatch(r"\d{8}", key)
        check_accessible(phone, "confirmation")
        screenshot(phone, f"eservices-3-confirmation-{language}")

        with django_db_blocker.unblock():
            def move_on(users):
                service_request = ServiceRequest.objects.get(tracking_number=number)
                services.approve_step(service_request.pk, actor=users.get(username="agent.sefrou"))
                if language == "ar":
                    services.ask_for_papers(service_request.pk, actor=users.get(username="admin.sefrou"),
                                            note="صورة البطاقة الوطنية غير واضحة، المرجو إرسال صورة أوضح.")
            in_sefrou(move_on)

        phone.locator(f"a[href$='/demandes/suivi/{number}/']").click()
        phone.wait_for_selector(".es-steps")
        assert phone.locator("[aria-current=step]").count() == 1
        check_accessible(phone, "tracking")
        screenshot(phone, f"eservices-4-tracking-{language}")

        # Another phone, from the SMS link: the key is asked for.
        stranger = context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                               locale=language).new_page()
        stranger.goto(f"{origin}/{language}/demandes/suivi/{number}/")
        assert stranger.evaluate("document.activeElement.id") == "id_access_key"
        check_accessible(stranger, "key asked")
        screenshot(stranger, f"eservices-5-key-asked-{language}")
        stranger.fill("#id_access_key", key)
        stranger.locator("form button[type=submit]").click()
        stranger.wait_for_selector(".es-steps")
        stranger.context.close()
    finally:
        context.close()
