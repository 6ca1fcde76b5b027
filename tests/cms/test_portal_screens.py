"""The portal's home and a procedure page on a phone, in Arabic and French, in a real browser: screenshots under
tests/artifacts/ (portal-pages-*.png), the language switch, and no serious accessibility violation."""

import pytest

from tests.e2e.accessibility import blocking_violations
from tests.e2e.conftest import browser, live_port, phone, screenshot  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def url(port, path):
    return f"http://sefrou.localhost:{port}{path}"


def test_home_and_procedure_page_on_a_phone_in_both_languages(live_port, phone):  # noqa: F811
    phone.goto(url(live_port, "/ar/"))
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.locator("h1").inner_text() == "جماعة صفرو"
    assert blocking_violations(phone) == []
    screenshot(phone, "portal-pages-home-ar-phone")

    phone.get_by_role("link", name="نسخة موجزة من رسم الولادة").first.click()
    phone.wait_for_url("**/ar/demarches/extrait-acte-naissance/")
    assert phone.locator(".fee").inner_text() == "5,00\u00a0درهم"
    assert phone.get_by_role("link", name="اطلب عبر الإنترنت").count() in (0, 1)
    assert blocking_violations(phone) == []
    screenshot(phone, "portal-pages-procedure-ar-phone")

    phone.get_by_role("link", name="Français").click()
    phone.wait_for_url("**/fr/demarches/extrait-acte-naissance/")
    assert phone.locator("html").get_attribute("dir") == "ltr"
    assert phone.locator("h1").inner_text() == "Extrait d'acte de naissance"
    assert phone.locator(".fee").inner_text() == "5,00\u00a0DH"
    assert blocking_violations(phone) == []
    screenshot(phone, "portal-pages-procedure-fr-phone")

    phone.goto(url(live_port, "/fr/"))
    assert blocking_violations(phone) == []
    screenshot(phone, "portal-pages-home-fr-phone")


def test_the_other_page_types_on_a_phone(live_port, phone):  # noqa: F811
    for path, name in (("/fr/demarches/", "guide-fr"), ("/ar/bureaux/etat-civil/", "office-ar"),
                       ("/ar/contact/", "contact-ar"), ("/fr/conseil/", "council-fr")):
        phone.goto(url(live_port, path))
        assert blocking_violations(phone) == [], path
        screenshot(phone, f"portal-pages-{name}-phone")
