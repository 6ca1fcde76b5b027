"""Kiosk mode (/<language>/borne/): the start screen and the procedure guide in Arabic and French, the keypad
flow on a real request, the neutral answer to a wrong key, the attempt limit, and isolation between communes."""

import re

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import escape

from cms.eservices.access import ATTEMPTS
from platform_core.eservices import fees, services
from platform_core.money import format_amount
from tests.cms_kiosk.guide import build_guide
from tests.conftest import inside
from tests.platform_core.test_eservices import identity_card

LINK_TARGETS = re.compile(r'<a [^>]*href="([^"]*)"')


def html(response) -> str:
    return response.content.decode()


def assert_stays_in_kiosk(response):
    for target in LINK_TARGETS.findall(html(response)):
        assert re.match(r"^/(ar|fr)/borne/", target), target


@pytest.fixture
def guide(sefrou):
    with inside(sefrou):
        yield build_guide()


@pytest.fixture
def submission(sefrou, django_capture_on_commit_callbacks):
    with inside(sefrou):
        yield services.submit_request(
            "noticeboard.certificate", data={"purpose": "Dossier de bourse"},
            contact=services.Contact(name="Salma Idrissi", name_ar="سلمى الإدريسي", national_id="C123456",
                                     phone="0612345678", language="fr"),
            attachments=[("cin", identity_card())])


@pytest.fixture(autouse=True)
def no_earlier_failures(sefrou, berkane):
    request = RequestFactory().post("/")
    for commune in (sefrou, berkane):
        with inside(commune):
            cache.delete(ATTEMPTS.key(request))


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_start_screen_in_both_languages(client_for, sefrou, guide, language, direction):
    response = client_for(sefrou).get(f"/{language}/borne/")
    assert response.status_code == 200
    page = html(response)
    assert f'<html lang="{language}" dir="{direction}" class="kiosk">' in page
    assert f'href="/{language}/borne/suivi/"' in page
    assert f'href="/{language}/borne/guide/civil_status/"' in page
    other = "fr" if language == "ar" else "ar"
    assert f'href="/{other}/borne/"' in page  # the language buttons
    assert "portal-header" not in page and "/admin/" not in page  # a layout of its own
    assert "data-at-start" in page if language == "ar" else "data-at-start" not in page
    assert 'data-idle-seconds="90"' in page and 'data-home-url="/ar/borne/"' in page
    assert_stays_in_kiosk(response)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_procedure_list_and_detail(client_for, sefrou, guide, language):
    client = client_for(sefrou)
    procedure = guide[language]
    listing = client.get(f"/{language}/borne/guide/civil_status/")
    assert listing.status_code == 200
    assert procedure.title in html(listing) and f"/{language}/borne/procedure/{procedure.pk}/" in html(listing)
    assert client.get(f"/{language}/borne/guide/nothing/").status_code == 404

    response = client.get(f"/{language}/borne/procedure/{procedure.pk}/")
    assert response.status_code == 200
    page = html(response)
    with inside(sefrou):
        fee = fees.quote("extrait-naissance")
    assert fee is not None and format_amount(fee, language) in page
    for text in (procedure.summary, procedure.delay, procedure.required_papers[0].value["name"],
                 procedure.office.title, procedure.office.opening_hours):
        assert escape(text) in page
    assert "Voir Watiqa." in page and "watiqa.ma" not in page  # the rich text, without its link
    other = "fr" if language == "ar" else "ar"
    assert f'href="/{other}/borne/procedure/{guide[other].pk}/"' in page  # the switch keeps the procedure
    assert_stays_in_kiosk(response)


def test_a_procedure_of_the_other_language_or_a_draft_is_not_shown(client_for, sefrou, guide):
    client = client_for(sefrou)
    assert client.get(f"/ar/borne/procedure/{guide['fr'].pk}/").status_code == 404
    with inside(sefrou):
        guide["fr"].unpublish()
    assert client.get(f"/fr/borne/procedure/{guide['fr'].pk}/").status_code == 404
    assert f"/fr/borne/procedure/{guide['fr'].pk}/" not in html(client.get("/fr/borne/guide/civil_status/"))


def press(client, digits: str, key: str, language="fr"):
    return client.post(f"/{language}/borne/suivi/", {"digits": digits, "press": key})


def type_in(client, digits: str, language="fr"):
    """Each key of the on-screen keypad is a submit button: the server applies the presses one by one."""
    typed = ""
    for digit in digits:
        response = press(client, typed, digit, language)
        assert response.status_code == 200
        typed = re.search(r'name="digits" value="(\d*)"', html(response)).group(1)
    return typed, response


def test_tracking_with_the_keypad(client_for, sefrou, submission):
    client = client_for(sefrou)
    keypad = client.get("/fr/borne/suivi/")
    assert keypad.status_code == 200 and keypad["Cache-Control"].startswith("max-age=0")
    number = submission.request.tracking_number
    typed, response = type_in(client, number.replace("-", "")[:6])
    assert f"{number[:4]}-{number[5:7]}</output>" in html(response)  # the dash is put in for the citizen
    typed, response = type_in(client, number.replace("-", "") + submission.access_key)
    assert typed == number.replace("-", "") + submission.access_key
    shown = html(response).replace(f'name="digits" value="{typed}"', "")  # the hidden field carries it
    assert "••••••••</output>" in shown and submission.access_key not in shown
    assert press(client, typed, "back").content.count("•".encode()) == 7
    assert 'value=""' in html(press(client, typed, "clear"))

    response = press(client, typed, "ok")
    assert response.status_code == 200
    page = html(response)
    assert number in page and "Certificat de résidence" in page
    assert "Salma I." in page
    for personal in ("Idrissi", "C123456", "0612345678", "Dossier de bourse"):
        assert personal not in page
    assert submission.request.get_status_display() in page
    with translation.override("fr"):
        expected_by = translation.gettext("Expected by %(date)s").split("%(date)s")[0].strip()
    assert expected_by in page
    assert_stays_in_kiosk(response)


def test_an_incomplete_entry_is_told_not_looked_up(client_for, sefrou, submission):
    response = press(client_for(sefrou), "2026", "ok")
    assert response.status_code == 200
    assert 'role="alert"' in html(response) and 'value="2026"' in html(response)


def test_a_wrong_key_and_an_unknown_number_get_the_same_neutral_answer(client_for, sefrou, submission):
    client = client_for(sefrou)
    number = submission.request.tracking_number.replace("-", "")
    wrong_key = str((int(submission.access_key) + 1) % 10**8).zfill(8)
    wrong = press(client, number + wrong_key, "ok")
    unknown = press(client, "2000999999" + submission.access_key, "ok")

    def message(response):
        return re.search(r'<p class="kiosk-message" role="alert" id="keypad-message">(.*?)</p>',
                         html(response)).group(1)

    assert wrong.status_code == unknown.status_code == 200
    assert message(wrong) == message(unknown)
    assert "Salma" not in html(wrong) and submission.request.get_status_display() not in html(wrong)
    assert f'name="digits" value="{number}"' in html(wrong)  # the number is kept, the key is typed again


def test_ten_failures_lock_the_kiosk_for_a_quarter_of_an_hour(client_for, sefrou, submission):
    client = client_for(sefrou)
    number = submission.request.tracking_number.replace("-", "")
    for attempt in range(ATTEMPTS.max_failures):
        assert press(client, number + f"{attempt:08d}", "ok").status_code == 200
    locked = press(client, number + submission.access_key, "ok")
    assert locked.status_code == 429
    assert "Salma" not in html(locked)


def test_a_sefrou_number_and_key_reveal_nothing_on_berkane_kiosk(client_for, sefrou, berkane, submission):
    response = press(client_for(berkane), submission.request.tracking_number.replace("-", "")
                     + submission.access_key, "ok")
    assert response.status_code == 200
    page = html(response)
    assert 'class="kiosk-message"' in page
    for revealing in ("Salma", "سلمى", "Certificat de résidence", submission.request.get_status_display()):
        assert revealing not in page
    # and on Sefrou's own kiosk the same entry opens it
    assert "Salma I." in html(press(client_for(sefrou), submission.request.tracking_number.replace("-", "")
                                    + submission.access_key, "ok"))
