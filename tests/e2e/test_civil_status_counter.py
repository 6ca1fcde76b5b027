"""The counter in a real browser: an agent drafts a birth in Arabic, the officier signs it, the agent prints the
extract in Arabic and in French. Screenshots of every step (and of the papers) go to tests/artifacts/."""

import base64
import datetime
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.dates import HIJRI_MONTHS, format_gregorian, to_hijri
from tests.e2e.conftest import ARTIFACTS, outside_the_browser_loop, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BIRTH_DAY = timezone.localdate() - datetime.timedelta(days=4)


@pytest.fixture
def counter_staff(django_db_blocker):
    """An agent and an officier holding a delegation in Sefrou, committed for the server the browser talks to."""
    from modules.civil_status.models import Bureau, Delegation
    from platform_core.modules.roles import role_group

    def create():
        connection.set_schema_to_public()
        with schema_context("sefrou"):
            users = get_user_model().objects
            agent = users.create_user("agent.e2e", password="agent-pw-2026", first_name="Samira",
                                      last_name="Tazi", first_name_ar="سميرة", last_name_ar="التازي")
            agent.groups.add(role_group("civil_status", "agent"))
            officer = users.create_user("officer.e2e", password="officer-pw-2026", first_name="Driss",
                                        last_name="Fassi", first_name_ar="إدريس", last_name_ar="الفاسي")
            officer.groups.add(role_group("civil_status", "officer"))
            Delegation.objects.create(officer=officer, bureau=Bureau.objects.get(is_main=True),
                                      decree_number="E2E/2026", decree_date=BIRTH_DAY, valid_from=BIRTH_DAY)

    with django_db_blocker.unblock():
        outside_the_browser_loop(create)


def sign_in(page, port, username, password):
    page.goto(f"http://sefrou.localhost:{port}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def pdf_text(pdf: bytes, name: str) -> str:
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(path), str(ARTIFACTS / name)], check=True)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_agent_drafts_in_arabic_officer_signs_agent_prints(live_port, browser, counter_staff):
    base = f"http://sefrou.localhost:{live_port}/admin/civil_status"
    agent = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(agent, live_port, "agent.e2e", "agent-pw-2026")
    agent.goto(f"{base}/acts/new/birth/")
    assert agent.locator("html").get_attribute("dir") == "rtl"
    fields = {
        "first_names_ar": "ريم", "first_names_latin": "Rim", "family_name_ar": "الإدريسي",
        "family_name_latin": "Idrissi", "event_place_ar": "صفرو", "event_place_fr": "Sefrou",
        "father_name_ar": "يوسف الإدريسي", "father_name_latin": "Youssef Idrissi", "mother_name_ar": "نادية بنعلي",
        "mother_name_latin": "Nadia Benali", "declarant_name": "Youssef Idrissi", "declarant_relation": "الأب",
        "declarant_age": "34",
    }
    for name, value in fields.items():
        agent.fill(f"#id_{name}", value)
    agent.select_option("#id_sex", "F")
    agent.fill("#id_event_date", BIRTH_DAY.isoformat())
    agent.fill("#id_event_time", "09:30")
    screenshot(agent, "civil-status-1-agent-drafts-ar")
    agent.locator("form.cs-act-form button[type=submit]").click()
    agent.wait_for_url("**/acts/*/")
    act_url = agent.url
    assert "الإدريسي" in agent.content()
    screenshot(agent, "civil-status-2-draft-saved-ar")

    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(officer, live_port, "officer.e2e", "officer-pw-2026")
    officer.goto(act_url)
    officer.locator("form[action$='/sign/'] button").click()
    officer.wait_for_url(act_url)
    assert officer.locator(".cs-status strong").inner_text().strip()  # the citizen identifier, given at signature
    screenshot(officer, "civil-status-3-officer-signed-ar")

    agent.goto(act_url)
    for language in ("ar", "fr"):
        agent.locator(f"a[href*='/print/extract/'][href$='language={language}']").click()
        agent.wait_for_url("**/print/extract/**")
        agent.fill("#id_issued_to", "Youssef Idrissi, CIN C123456")
        screenshot(agent, f"civil-status-4-print-form-{language}")
        # Chromium's PDF viewer would take an inline PDF: the page posts its own form with fetch() instead.
        assert agent.locator("[name='language']:checked").input_value() == language
        content_type, body = agent.evaluate("""async () => {
            const form = document.querySelector("#id_issued_to").form;
            const answer = await fetch(location.href, {method: "POST", body: new FormData(form)});
            const bytes = new Uint8Array(await answer.arrayBuffer());
            let binary = "";
            bytes.forEach((byte) => { binary += String.fromCharCode(byte); });
            return [answer.headers.get("content-type"), btoa(binary)];
        }""")
        assert content_type == "application/pdf"
        response_body = base64.b64decode(body)
        text = pdf_text(response_body, f"civil-status-5-extract-{language}")
        # pdftotext writes right-to-left runs in visual order with bidi marks: look for each word of a date.
        words = set(re.sub("[\u200e\u200f\u202a-\u202e()]", " ", text).split())
        for expected in ("ريم", "الإدريسي", "Rim", "Idrissi", *format_gregorian(BIRTH_DAY, language).split()):
            assert expected in words, (language, expected)
        hijri = to_hijri(BIRTH_DAY)
        assert str(hijri.year) in words and HIJRI_MONTHS[language][hijri.month - 1] in text, language
        agent.goto(act_url)
