"""Must be true: an operator signs in with a password and a TOTP code, provisions a commune from the console with
an uploaded recipe, finds it in the list and opens its onboarding checklist (screenshots in French and Arabic)."""

import pytest
import yaml
from django.db import connection

from tests.conftest import RECIPES, console_account, drop_commune
from tests.e2e.conftest import console_sign_in, outside_the_browser_loop, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

USERNAME, PASSWORD = "operator.provision.e2e", "operator-provision-pw-2026"
SLUG = "console-e2e"


@pytest.fixture
def operator(django_db_blocker):
    """An operator with an enrolled authenticator app, committed for the server the browser talks to (kept until
    the test database goes, like the other browser tests' operators)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def create():
        from django.contrib.auth import get_user_model

        connection.set_schema_to_public()
        # Already there when the test database is kept between runs (--reuse-db).
        user = get_user_model().objects.filter(username=USERNAME).first() or console_account(USERNAME, PASSWORD)
        return (TOTPDevice.objects.filter(user=user, confirmed=True).first()
                or TOTPDevice.objects.create(user=user, name="console", confirmed=True))

    with django_db_blocker.unblock():
        return outside_the_browser_loop(create)


@pytest.fixture
def recipe_file(tmp_path, django_db_blocker):
    """Sefrou's test recipe as a new commune, its administrator without a password (one is generated); the
    commune is dropped afterwards."""
    data = yaml.safe_load((RECIPES / "sefrou.yaml").read_text())
    data["commune"].update(slug=SLUG, name_fr="Commune d'Essai", name_ar="جماعة التجربة")
    data["domains"] = [SLUG]
    data["administrator"].pop("password")
    path = tmp_path / "essai.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    yield path
    with django_db_blocker.unblock():
        outside_the_browser_loop(lambda: drop_commune(SLUG))


def commune_exists(django_db_blocker) -> bool:
    from tenants.models import Commune

    def read():
        connection.set_schema_to_public()
        return Commune.objects.filter(slug=SLUG, status="onboarding").exists()

    with django_db_blocker.unblock():
        return outside_the_browser_loop(read)


def switch_language(page, code):
    page.locator(f".lang button[value='{code}']").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == code


def test_an_operator_provisions_a_commune_from_a_recipe_and_opens_its_checklist(
        live_port, page, operator, recipe_file, django_db_blocker):
    base = f"http://localhost:{live_port}"
    console_sign_in(page, base, USERNAME, PASSWORD, django_db_blocker, lands_on=f"{base}/console/")
    switch_language(page, "fr")

    # Provision from the uploaded recipe, starting in onboarding (the default).
    page.locator("a[href='/console/provision/']").click()
    page.wait_for_url("**/console/provision/")
    assert page.locator("input[name=library]").count() >= 3  # the demo recipes of the library
    page.set_input_files("#id_upload", str(recipe_file))
    assert page.locator("input[name=status][value=onboarding]").is_checked()
    screenshot(page, "console-provision")
    button = page.locator("#provision-submit")
    button.click()
    page.wait_for_url(f"**/console/communes/{SLUG}/", timeout=120_000)
    assert commune_exists(django_db_blocker)

    # The generated password is shown once, with the warning; the onboarding checklist is on the page.
    passwords = page.locator(".console-passwords")
    assert passwords.is_visible() and "admin.sefrou" in passwords.inner_text()
    checklist = page.locator(".console-checklist")
    assert checklist.is_visible()
    assert page.locator("ul.checklist li[data-key='platform.staff']").is_visible()
    assert page.locator(".console-checklist progress").first.is_visible()
    assert page.locator("form[action$='/take-live/']").is_visible()
    assert page.locator("tr[data-action='tenants.provision_commune']").is_visible()
    screenshot(page, "console-commune-checklist")
    page.reload()
    assert page.locator(".console-passwords").count() == 0  # shown once only

    # The new commune is in the list, found by a search.
    page.goto(f"{base}/console/")
    assert page.locator(f"table.console-communes tbody tr[data-slug='{SLUG}']").is_visible()
    screenshot(page, "console-list")
    page.fill("#id_q", "Essai")
    page.locator(".console-filters button[type=submit]").click()
    page.wait_for_url("**/console/?q=Essai*")
    rows = page.locator("table.console-communes tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-slug") == SLUG
    assert "Commune d'Essai" in rows.first.inner_text()
    screenshot(page, "console-list-search")
    rows.first.locator("a[href='/console/communes/console-e2e/']").click()
    page.wait_for_url(f"**/console/communes/{SLUG}/")

    # The same page in Arabic, right to left.
    switch_language(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("ul.checklist li").count() >= 1
    screenshot(page, "console-commune-checklist-ar")
    page.goto(f"{base}/console/?q=console-e2e")
    assert page.locator("table.console-communes tbody tr").count() == 1
    screenshot(page, "console-list-ar")
