"""The operators' console and a paper's public verification page, in a real browser (screenshots looked at)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import console_account
from tests.e2e.conftest import current_code, outside_the_browser_loop, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def operator(django_db_blocker):
    """An operator account in the public schema, committed for the server the browser talks to."""

    def create():
        connection.set_schema_to_public()
        return console_account("operator.e2e", "operator-pw-2026")

    # Not deleted afterwards: the ORM's cascade would look for commune-only tables (tokens, Wagtail profiles) in
    # the public schema; the test database goes at the end of the session.
    with django_db_blocker.unblock():
        return outside_the_browser_loop(create)


@pytest.fixture
def issued_paper(django_db_blocker):
    """A paper issued by Sefrou (its audit entry stays: the journal is append-only)."""
    from platform_core.documents.services import issue_document
    from tenants.models import Commune

    def issue():
        connection.set_schema_to_public()
        sefrou = Commune.objects.get(slug="sefrou")
        with schema_context("sefrou"):
            connection.tenant = sefrou
            admin = get_user_model().objects.get(username="admin.sefrou")
            document, _pdf = issue_document(
                "documents/sample_certificate.html",
                {"holder_name_fr": "Mohammed Ben Ali", "holder_name_ar": "محمد بن علي"},
                kind="e2e.certificate", title_fr="Certificat de résidence", title_ar="شهادة السكنى",
                issued_by=admin, issued_to="Mohammed Ben Ali",
            )
        return document

    with django_db_blocker.unblock():
        yield outside_the_browser_loop(issue)


def test_operator_signs_in_with_a_code_and_sees_the_communes(live_port, page, operator, django_db_blocker):
    page.goto(f"http://localhost:{live_port}/console/")
    page.fill("#id_username", "operator.e2e")
    page.fill("#id_password", "operator-pw-2026")
    screenshot(page, "console-login")
    page.locator("form.stack button[type=submit]").click()
    # The first time, the console shows a QR code to add it to an authenticator app.
    page.wait_for_url("**/console/login/enrol/")
    assert page.locator("img[src^='data:image/svg+xml']").is_visible() and page.locator("#totp-secret").is_visible()
    screenshot(page, "console-enrol-totp")
    page.fill("#id_code", "000000")
    page.locator("form.stack button[type=submit]").click()
    assert "/console/login/enrol/" in page.url and page.locator("[role=alert]").is_visible()
    page.wait_for_timeout(1100)  # django-otp refuses any code for a second after a wrong one
    page.fill("#id_code", current_code(django_db_blocker, "operator.e2e", confirmed=False))
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/console/")
    assert page.locator("tbody tr").count() == 3
    assert page.get_by_text("Commune de Sefrou").is_visible()
    screenshot(page, "console-communes")


def test_a_commune_staff_account_cannot_enter_the_console(live_port, page):
    page.goto(f"http://localhost:{live_port}/console/login/")
    page.fill("#id_username", "admin.sefrou")
    page.fill("#id_password", "sefrou-admin-pw")
    page.locator("form.stack button[type=submit]").click()
    assert "/console/login/" in page.url


def test_verification_page_of_an_issued_paper(live_port, phone, issued_paper):
    phone.goto(f"http://sefrou.localhost:{live_port}{issued_paper.get_absolute_url()}")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert "شهادة السكنى" in phone.content()
    screenshot(phone, "verify-paper-ar-phone")
    response = phone.goto(f"http://berkane.localhost:{live_port}{issued_paper.get_absolute_url()}")
    assert response.status == 404
