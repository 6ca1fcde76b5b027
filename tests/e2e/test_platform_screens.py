"""The screens of the platform in a real browser, with screenshots under tests/artifacts/."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def url(port, host, path="/"):
    return f"http://{host}.localhost:{port}{path}" if host else f"http://localhost:{port}{path}"


def test_portal_home_in_arabic_and_french_on_a_phone(live_port, phone):
    phone.goto(url(live_port, "sefrou", "/ar/"))
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.locator("h1").inner_text() == "جماعة صفرو"
    screenshot(phone, "portal-home-ar-phone")
    phone.get_by_role("link", name="français").click()
    phone.wait_for_url("**/fr/")
    assert phone.locator("html").get_attribute("dir") == "ltr"
    assert phone.locator("h1").inner_text() == "Commune de Sefrou"
    screenshot(phone, "portal-home-fr-phone")


def test_training_commune_is_marked_as_training(live_port, page):
    page.goto(url(live_port, "formation-sefrou", "/fr/"))
    assert "FORMATION / تكوين" in page.locator(".training-banner").inner_text()
    screenshot(page, "portal-home-training")


def test_back_office_login_and_dashboard_in_arabic(live_port, page):
    page.goto(url(live_port, "sefrou", "/admin/"))
    page.fill("#id_username", "admin.sefrou")
    page.fill("#id_password", "sefrou-admin-pw")
    screenshot(page, "admin-login")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_text("Noticeboard panel").is_visible()
    screenshot(page, "admin-dashboard-ar")


def test_unknown_host_and_platform_home(live_port, page):
    response = page.goto(url(live_port, "nowhere", "/"))
    assert response.status == 404
    screenshot(page, "unknown-host")
    page.goto(url(live_port, None, "/"))
    assert page.get_by_text("Commune de Sefrou").first.is_visible()
    screenshot(page, "platform-home")
