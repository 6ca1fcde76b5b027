"""A citizen signs up on a phone-sized screen, types the code from the SMS and sees their requests, in Arabic and
in French; screenshots of each page go to tests/artifacts/ and axe-core finds no serious violation."""

import re
import secrets

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.e2e.accessibility import blocking_violations
from tests.e2e.conftest import browser, live_port, outside_the_browser_loop, phone, screenshot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def in_sefrou(work):
    """Database work in Sefrou's schema, committed, outside Playwright's event loop."""
    from tenants.models import Commune

    def run():
        connection.set_schema_to_public()
        commune = Commune.objects.get(slug="sefrou")
        with schema_context("sefrou"):
            connection.tenant = commune
            return work()

    return outside_the_browser_loop(run)


def file_a_request(number):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cms.citizens.models import CitizenProfile
    from platform_core.eservices import services

    user = CitizenProfile.objects.get(phone=number).user
    return services.submit_request(
        "noticeboard.certificate", data={"purpose": "Dossier de bourse"},
        contact=services.Contact(name="Salma Idrissi", name_ar="سلمى الإدريسي", phone=number, language="fr"),
        attachments=[("cin", SimpleUploadedFile("cin.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))],
        applicant=user).request.tracking_number


def code_sent_to(number):
    from platform_core.notifications.models import OutboxMessage

    body = OutboxMessage.objects.filter(recipient=number, purpose="citizens:signup").latest("pk").body
    return re.search(r"\b(\d{6})\b", body).group(1)


def check(page, name):
    screenshot(page, name)
    problems = blocking_violations(page)
    assert not problems, f"{name}: {problems}"


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_sign_up_verify_and_see_my_requests_on_a_phone(live_port, phone, django_db_blocker, language):  # noqa: F811
    local = f"06{secrets.randbelow(10**8):08d}"
    number = "+212" + local[1:]
    base = f"http://sefrou.localhost:{live_port}/{language}/compte"
    phone.goto(f"{base}/inscription/")
    assert phone.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    check(phone, f"citizens-signup-{language}")

    phone.click("button[type=submit]")  # empty: every required field says so
    assert phone.locator("#form-problem").is_visible()
    assert phone.locator("#id_first_name_ar").get_attribute("aria-describedby") == "id_first_name_ar_error"
    check(phone, f"citizens-signup-errors-{language}")

    phone.fill("#id_first_name_ar", "سلمى")
    phone.fill("#id_last_name_ar", "الإدريسي")
    phone.fill("#id_first_name", "Salma")
    phone.fill("#id_last_name", "Idrissi")
    phone.fill("#id_phone", local)
    phone.check(f"input[name=language][value={language}]")
    phone.fill("#id_password1", "Atlas-Sefrou-2026")
    phone.fill("#id_password2", "Atlas-Sefrou-2026")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{base}/verification/")
    check(phone, f"citizens-verify-{language}")

    with django_db_blocker.unblock():
        tracking_number = in_sefrou(lambda: file_a_request(number))
        code = in_sefrou(lambda: code_sent_to(number))
    phone.fill("#id_code", code)
    phone.locator("form.citizen-form button[type=submit]").click()
    phone.wait_for_url(f"{base}/")
    link = phone.locator(f'a[href="/{language}/demandes/suivi/{tracking_number}/"]')
    assert link.is_visible()
    assert phone.locator("h2#details-title").inner_text() == ("سلمى الإدريسي" if language == "ar" else "Salma Idrissi")
    check(phone, f"citizens-account-{language}")
