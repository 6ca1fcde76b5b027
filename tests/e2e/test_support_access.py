"""Support access in a real browser: an operator signs in to the console (password and TOTP), opens a support
session on a commune with a reason, lands in its back office under the support banner, ends it; the commune's
administrator then finds the session in the Journal (screenshots in Arabic and French, looked at)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import console_account
from tests.e2e.conftest import admin_sign_in, console_sign_in, outside_the_browser_loop, scratch_commune, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLUG = "assistance-e2e"
OPERATOR, OPERATOR_PASSWORD = "nadia.ops", "operator-pw-2026"
REASON = "Ticket 318: the régisseur cannot close the cash day of 3 March"


@pytest.fixture
def operator(django_db_blocker):
    """An operator in the public schema, committed for the server the browser talks to (kept, like the console
    test's operator, until the test database goes)."""

    def create():
        connection.set_schema_to_public()
        user = console_account(OPERATOR, OPERATOR_PASSWORD)
        user.first_name, user.last_name, user.first_name_ar, user.last_name_ar = "Nadia", "Berrada", "نادية", "برادة"
        user.save()
        return user

    with django_db_blocker.unblock():
        return outside_the_browser_loop(create)


@pytest.fixture
def commune(django_db_blocker):
    from tenants.models import SupportSession

    with django_db_blocker.unblock(), scratch_commune(SLUG, "Commune d'Assistance", "جماعة المساعدة") as made:
        try:
            yield made
        finally:
            # Support sessions are kept for good (PROTECT); the scratch commune goes, so its sessions go first.
            outside_the_browser_loop(lambda: SupportSession.objects.filter(commune_id=made.pk).delete())


def run(django_db_blocker, work):
    with django_db_blocker.unblock():
        return outside_the_browser_loop(work)


def prefer(django_db_blocker, username: str, language: str) -> None:
    from wagtail.users.models import UserProfile

    def save():
        with schema_context(SLUG.replace("-", "_")):
            profile = UserProfile.get_for_user(get_user_model().objects.get(username=username))
            profile.preferred_language = language
            profile.save()
        connection.set_schema_to_public()

    run(django_db_blocker, save)


def test_operator_enters_a_commune_for_support_and_the_commune_sees_it(live_port, page, operator, commune,
                                                                       django_db_blocker):
    from tenants.models import SupportSession

    base = f"http://localhost:{live_port}"
    console_sign_in(page, base, OPERATOR, OPERATOR_PASSWORD, django_db_blocker, enrol=True)

    page.goto(f"{base}/console/communes/{SLUG}/")
    panel = page.locator("section.console-support")
    panel.locator("#id_reason").fill(REASON)
    panel.locator("#id_minutes").select_option("60")
    screenshot(page, "support-console-panel")
    panel.locator("button[type=submit]").click()
    page.wait_for_url(f"http://{SLUG}.localhost:{live_port}/admin/")
    banner = page.locator(".jamaa-support-banner")
    assert banner.is_visible() and "Nadia Berrada" in banner.inner_text()
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "support-banner-ar")
    prefer(django_db_blocker, "support.nadia.ops", "fr")
    page.reload()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Nadia Berrada" in page.locator(".jamaa-support-banner").inner_text()
    screenshot(page, "support-banner-fr")

    banner.locator("button[type=submit]").click()
    page.wait_for_url("**/admin/login/**")
    assert not page.locator(".jamaa-support-banner").count()
    session = run(django_db_blocker, lambda: SupportSession.objects.get(commune_id=commune.pk))
    assert session.ended_at is not None and session.ended_by == "Nadia Berrada" and session.reason == REASON

    # The commune's administrator (a fresh browser session) finds the session in the Journal.
    page.context.clear_cookies()
    admin_sign_in(page, f"http://{SLUG}.localhost:{live_port}", "admin.sefrou", "sefrou-admin-pw")
    page.goto(f"http://{SLUG}.localhost:{live_port}/admin/journal/support-sessions/")
    row = page.locator("table.listing tbody tr").first
    assert REASON in row.inner_text() and "Nadia Berrada" in row.inner_text()
    screenshot(page, "support-journal-ar")
    page.goto(f"http://{SLUG}.localhost:{live_port}/admin/journal/?support_only=on")
    assert page.locator("tr.jr-support").count() >= 3  # opened, entered, ended
    screenshot(page, "support-journal-entries-ar")
    prefer(django_db_blocker, "admin.sefrou", "fr")
    page.goto(f"http://{SLUG}.localhost:{live_port}/admin/journal/support-sessions/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert REASON in page.locator("table.listing tbody tr").first.inner_text()
    screenshot(page, "support-journal-fr")
    page.goto(f"http://{SLUG}.localhost:{live_port}/admin/journal/?support_only=on")
    screenshot(page, "support-journal-entries-fr")
