"""The chef de bureau's statistics in a real browser, in French and in Arabic (screenshots looked at)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context
from wagtail.users.models import UserProfile

from platform_core.modules.roles import role_group
from tests.e2e.conftest import outside_the_browser_loop, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MONTH_BARS = "svg[aria-labelledby='cs-months-title cs-months-desc'] rect.cs-chart__bar--births"


@pytest.fixture(scope="module")
def head(django_db_blocker):
    """A chef de bureau who reads French, committed for the server the browser talks to (kept until the test
    database goes at the end of the session)."""

    def create():
        with schema_context("sefrou"):
            user = get_user_model().objects.create_user("head.e2e", password="head-e2e-pw-2026")
            user.groups.add(role_group("civil_status", "head"))
            profile = UserProfile.get_for_user(user)
            profile.preferred_language = "fr"
            profile.save()
        connection.set_schema_to_public()

    with django_db_blocker.unblock():
        outside_the_browser_loop(create)
    return "head.e2e", "head-e2e-pw-2026"


def sign_in(page, port, username, password):
    page.goto(f"http://sefrou.localhost:{port}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def bar_centres(page) -> list[float]:
    return page.eval_on_selector_all(MONTH_BARS, "bars => bars.map(b => b.getBoundingClientRect().x)")


def test_the_chef_de_bureau_goes_from_the_home_panel_to_the_statistics(live_port, page, head):
    sign_in(page, live_port, *head)
    panel = page.locator("section.cs-stats")
    assert panel.locator("#cs-panel-heading").is_visible()
    screenshot(page, "civil-status-statistics-home-fr")
    panel.locator("a[href='/admin/civil_status/statistics/']").click()
    page.wait_for_url("**/admin/civil_status/statistics/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("table.listing").first.locator("tbody tr").count() == 12
    january, *_, december = bar_centres(page)
    assert january < december
    screenshot(page, "civil-status-statistics-fr")


def test_in_arabic_the_charts_read_from_the_right(live_port, page):
    sign_in(page, live_port, "admin.sefrou", "sefrou-admin-pw")
    page.goto(f"http://sefrou.localhost:{live_port}/admin/civil_status/statistics/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("rowheader", name="يناير").is_visible()
    january, *_, december = bar_centres(page)
    assert january > december
    screenshot(page, "civil-status-statistics-ar")
