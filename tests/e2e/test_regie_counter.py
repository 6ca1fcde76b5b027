"""The régie in a real browser: a régisseur issues three receipts at the counter, voids one with a reason, closes
the day with a variance (and its explanation), and prints the bordereau de versement and the relevé nominatif.
Screenshots of every step, and the papers as PNG, go to tests/artifacts/regie-*.png."""

import base64
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from tests.e2e.conftest import ARTIFACTS, outside_the_browser_loop, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

USERNAME, PASSWORD = "regisseur.e2e", "regisseur-pw-2026"
BIDI = re.compile("[\u200e\u200f\u202a-\u202e]")


@pytest.fixture
def regisseur(django_db_blocker):
    """A régisseur of Sefrou holding a counter book of their own, committed for the server the browser talks to
    (their own account, so that the day they close is no other test's)."""
    from modules.regie.services import books
    from platform_core.modules.roles import role_group

    def create():
        connection.set_schema_to_public()
        with schema_context("sefrou"):
            users = get_user_model().objects
            user = users.create_user(USERNAME, password=PASSWORD, first_name="Mounir", last_name="Kettani",
                                     first_name_ar="منير", last_name_ar="الكتاني")
            user.groups.add(role_group("regie", "regisseur"))
            user = users.get(pk=user.pk)
            ordonnateur = users.get(username="ordonnateur.sefrou")
            book = books.receive_books(actor=ordonnateur, series="QE", year=_this_year(), count=1, size=50)[0]
            books.issue_book(book.pk, actor=ordonnateur, holder=user)

    with django_db_blocker.unblock():
        outside_the_browser_loop(create)


def _this_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def sign_in(page, port):
    page.goto(f"http://sefrou.localhost:{port}/admin/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def issue(page, what: str, units: str, payer: str) -> None:
    page.fill("#id_what", what)
    page.locator("#id_units").wait_for(state="visible")
    page.fill("#id_units", units)
    page.fill("#id_payer_name", payer)
    page.locator("#rg-preview-figures").filter(has_text=re.compile(r"\d")).wait_for()
    page.locator("#id_payer_name").press("Enter")
    page.wait_for_url("**/counter/?issued=*")


def fetch_paper(page, selector: str) -> bytes:
    """The paper's bytes, fetched by the page itself: Chromium's PDF viewer would swallow an inline PDF."""
    content_type, body = page.evaluate("""async (selector) => {
        const answer = await fetch(document.querySelector(selector).href, {credentials: "same-origin"});
        const bytes = new Uint8Array(await answer.arrayBuffer());
        let binary = "";
        bytes.forEach((byte) => { binary += String.fromCharCode(byte); });
        return [answer.headers.get("content-type"), btoa(binary)];
    }""", selector)
    assert content_type == "application/pdf"
    return base64.b64decode(body)


def paper_text(pdf: bytes, name: str) -> str:
    """The paper's text (bidi marks taken out), and its first page as tests/artifacts/<name>.png to look at."""
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(path), str(ARTIFACTS / name)], check=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(BIDI.sub("", text).split())


def test_regisseur_issues_voids_closes_and_prints(live_port, browser, regisseur):
    base = f"http://sefrou.localhost:{live_port}/admin/regie"
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_port)

    # Three receipts at the counter, from the keyboard.
    page.goto(f"{base}/counter/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    issue(page, "legalisation", "5", "Youssef Bennani")
    issue(page, "legalisation", "1", "Karima Tazi")
    issue(page, "extrait-naissance", "1", "Rachid Alami")
    rows = page.locator(".rg-side table tbody tr")
    assert rows.count() == 3
    screenshot(page, "regie-1-counter")

    # Karima's receipt was a mistake: voided with a reason, kept with its number.
    mistaken = rows.filter(has_text="Karima Tazi")
    mistaken.locator("details.rg-void summary").click()
    mistaken.locator("input[name=reason]").fill("Erreur de saisie : une seule légalisation demandée deux fois")
    screenshot(page, "regie-2-voiding")
    mistaken.locator("form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "rg-voided" in (page.locator(".rg-side tbody tr", has_text="Karima Tazi").get_attribute("class") or "")
    screenshot(page, "regie-3-voided")

    # The cash days: today's is open, with 15 DH in cash on the two valid receipts (10 + 5).
    page.goto(f"{base}/cash-days/")
    day_row = page.locator("table.rg-days tbody tr").filter(has_text="منير")
    assert day_row.count() == 1
    screenshot(page, "regie-4-cash-days")
    day_row.locator("a[href$='/close/']").click()
    page.wait_for_url("**/cash-days/*/close/")
    assert page.locator("#rg-system-cash").inner_text().strip() == "15.00"

    # Counted note by note and coin by coin: 14 DH, one dirham missing; the page sums and shows the variance live.
    page.fill("#id_count_10", "1")
    page.fill("#id_count_2", "2")
    assert page.input_value("#id_counted_cash") == "14.00"
    assert page.locator("#rg-variance").inner_text().strip() == "-1.00"
    assert "rg-required" in page.locator("#rg-explanation").get_attribute("class")
    page.locator(".rg-close-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_variance_explanation").is_visible()
    assert page.locator(".rg-close-form .error-message, .rg-close-form .w-field__errors").count() >= 1
    page.locator("#id_variance_explanation").scroll_into_view_if_needed()
    screenshot(page, "regie-5-close-needs-explanation")
    page.fill("#id_variance_explanation", "Pièce de 1 DH rendue en trop à un usager")
    screenshot(page, "regie-6-close-explained")
    page.locator(".rg-close-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/cash-days/\d+/$"))
    assert page.locator(".rg-banner--locked").is_visible()
    screenshot(page, "regie-7-day-closed")

    # The bordereau de versement and the relevé nominatif, fetched as the print buttons would open them.
    bordereau = paper_text(fetch_paper(page, "a[data-paper=bordereau]"), "regie-8-bordereau")
    reference = re.search(r"BV-\d{4}-\d{5}", bordereau).group(0)
    for expected in ("BORDEREAU DE VERSEMENT", "quinze dirhams", "15,00", "14,00", "-1,00", "Mounir Kettani",
                     "Pièce de 1 DH rendue en trop", "Régisseur de recettes", "agent de la Trésorerie"):
        assert expected in bordereau, expected
    assert "خمسة عشر" in bordereau and "بيان الدفع" in bordereau
    releve = paper_text(fetch_paper(page, "a[data-paper=releve]"), "regie-9-releve")
    for expected in ("Youssef Bennani", "Karima Tazi", "Rachid Alami", "ANNULÉE", reference):
        assert expected in releve, expected

    # The counter is locked for the rest of the day.
    page.goto(f"{base}/counter/")
    assert page.locator("#id_what").is_disabled() and page.locator("[role=alert]").first.is_visible()
    screenshot(page, "regie-10-counter-locked")
