"""axe-core in Chromium finds no serious or critical violation on the portal's home page, a procedure page, the
request form and the tracking page, in Arabic and in French, on a phone-sized window."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.e2e.accessibility import blocking_violations
from tests.e2e.conftest import outside_the_browser_loop, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def tracked_request(django_db_setup, django_db_blocker):
    """A request of Sefrou, committed for the server, with its access key."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from platform_core.eservices import services
    from tenants.models import Commune

    def submit():
        connection.set_schema_to_public()
        commune = Commune.objects.get(slug="sefrou")
        with schema_context("sefrou"):
            connection.tenant = commune
            return services.submit_request(
                "noticeboard.certificate", data={"purpose": "Dossier de bourse"},
                contact=services.Contact(name="Salma Idrissi", name_ar="سلمى الإدريسي", phone="0612345678"),
                attachments=[("cin", SimpleUploadedFile("cin.pdf", PDF, content_type="application/pdf"))])

    with django_db_blocker.unblock():
        return outside_the_browser_loop(submit)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_citizen_pages_have_no_serious_accessibility_violation(phone, live_port, tracked_request, language):
    origin = f"http://sefrou.localhost:{live_port}/{language}"
    number, key = tracked_request.request.tracking_number, tracked_request.access_key
    pages = {
        "home": f"{origin}/",
        "procedure": f"{origin}/demarches/extrait-acte-naissance/",
        "request-form": f"{origin}/demandes/civil_status.birth_extract/",
        "tracking": f"{origin}/demandes/suivi/{number}/?key={key}",
    }
    found = {}
    for name, url in pages.items():
        response = phone.goto(url)
        assert response.status == 200, (name, response.status)
        assert phone.locator("html").get_attribute("lang") == language
        found[name] = blocking_violations(phone)
        screenshot(phone, f"portal-a11y-{name}-{language}")
    assert found == {name: [] for name in pages}
