"""The kiosk on a 1080 x 1920 portrait touch screen: a citizen taps the digits of a real request's number and
key, sees its status, and the screen goes back to the start after the (shortened) inactivity delay. The same
keypad also works with JavaScript off. Screenshots: tests/artifacts/kiosk-*.png."""

import re

import pytest
from django.db import connection

from tests.cms_kiosk.guide import build_guide
from tests.conftest import inside
from tests.e2e.conftest import outside_the_browser_loop, screenshot
from tests.platform_core.test_eservices import identity_card

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREEN = {"viewport": {"width": 1080, "height": 1920}, "has_touch": True}


def _in_sefrou(work):
    from tenants.models import Commune

    def run():
        connection.set_schema_to_public()
        with inside(Commune.objects.get(slug="sefrou")):
            return work()

    return outside_the_browser_loop(run)


@pytest.fixture
def guide(django_db_blocker):
    """The guide's pages, committed for the server the browser talks to, and deleted afterwards."""
    created = []
    with django_db_blocker.unblock():
        pages = _in_sefrou(lambda: build_guide(created))
    yield pages
    with django_db_blocker.unblock():
        _in_sefrou(lambda: [page.delete() for page in reversed(created)])


@pytest.fixture
def tracked(django_db_blocker):
    from platform_core.eservices import services

    def submit():
        return services.submit_request(
            "noticeboard.certificate", data={"purpose": "Bourse"},
            contact=services.Contact(name="Youssef Benjelloun", name_ar="يوسف بنجلون", phone="0611223344",
                                     language="ar"),
            attachments=[("cin", identity_card())])

    with django_db_blocker.unblock():
        submission = _in_sefrou(submit)
    return submission.request.tracking_number, submission.access_key


def tap_digits(page, digits: str) -> None:
    for digit in digits:
        page.locator(f'button[name=press][value="{digit}"]').tap()


def test_tracking_by_touch_then_back_to_the_start(browser, live_port, guide, tracked):
    number, key = tracked
    context = browser.new_context(**SCREEN)
    page = context.new_page()
    base = f"http://sefrou.localhost:{live_port}"
    try:
        page.goto(f"{base}/ar/borne/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        screenshot(page, "kiosk-start-ar")
        page.locator('a[href="/fr/borne/"]').first.tap()
        page.wait_for_url("**/fr/borne/")
        screenshot(page, "kiosk-start-fr")

        page.locator('a[href="/fr/borne/guide/civil_status/"]').tap()
        page.locator(f'a[href="/fr/borne/procedure/{guide["fr"].pk}/"]').tap()
        page.get_by_text("DH").first.wait_for()
        screenshot(page, "kiosk-procedure-fr")
        page.locator(f'a[href="/ar/borne/procedure/{guide["ar"].pk}/"]').first.tap()
        page.get_by_text("درهم").first.wait_for()
        screenshot(page, "kiosk-procedure-ar")

        page.goto(f"{base}/ar/borne/suivi/")
        digits = number.replace("-", "")
        tap_digits(page, digits[:7] + "9")
        page.locator('button[value="back"]').tap()
        tap_digits(page, digits[7:])
        assert page.locator("[data-number]").inner_text() == number  # the dash put in for the citizen
        tap_digits(page, key)
        assert page.locator("[data-key]").inner_text() == "•" * 8
        screenshot(page, "kiosk-keypad-ar")

        # The delay shortened for the test: the result screen then counts down, and goes back to the start.
        page.evaluate("window.sessionStorage.setItem('kiosk-idle', '3')")
        page.locator('button[value="ok"]').tap()
        page.locator(".kiosk-status").wait_for()
        assert number in page.content() and "يوسف ب." in page.content()
        assert "بنجلون" not in page.content() and "0611223344" not in page.content()
        page.locator("#kiosk-countdown").wait_for(state="visible")
        screenshot(page, "kiosk-result-ar")
        page.wait_for_url(re.compile(r"/ar/borne/$"), timeout=10_000)
        assert page.locator("[data-at-start]").count() == 1
    finally:
        context.close()


def test_the_keypad_works_without_javascript(browser, live_port):
    context = browser.new_context(java_script_enabled=False, **SCREEN)
    page = context.new_page()
    try:
        page.goto(f"http://sefrou.localhost:{live_port}/fr/borne/suivi/")
        for digit in "20260":
            with page.expect_navigation():  # each key is a round trip to the server
                page.locator(f'button[name=press][value="{digit}"]').tap()
        assert page.locator("[data-number]").inner_text() == "2026-0"
        with page.expect_navigation():
            page.locator('button[value="ok"]').tap()
        assert page.locator(".kiosk-message").is_visible()
        screenshot(page, "kiosk-keypad-nojs-fr")
    finally:
        context.close()
