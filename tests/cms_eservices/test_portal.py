"""The citizen's side of online requests on the portal, with the noticeboard's test certificate in Sefrou: the list
of services, the form and its errors, the submission with a paper, the confirmation shown once, the SMS, the
request's page with and without the key, the neutral message and the limit on wrong keys, a paper asked for and
sent, the withdrawal, the download after staff approval, and what Berkane's portal reveals of it: nothing."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cms.eservices import access
from platform_core.eservices import services
from platform_core.eservices.models import ServiceRequest
from platform_core.notifications.models import OutboxMessage
from tests.conftest import inside

ADDRESS = "192.0.2.20"  # a documentation address: failures are counted per address
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORM = "/fr/demandes/noticeboard.certificate/"
Status = ServiceRequest.Status


def identity_card(name="cin.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def filled(**overrides):
    data = {"service-purpose": "Dossier de bourse", "name": "Salma Idrissi", "name_ar": "سلمى الإدريسي",
            "national_id": "c 123456", "phone": "06 12 34 56 78", "email": "", "paper_cin": identity_card()}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def staff(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def citizen(sefrou, client_for):
    with inside(sefrou):  # failure counters of earlier runs, under Sefrou's schema
        cache.delete_many([f"eservices.track.failures:{address}" for address in (ADDRESS, "192.0.2.21")])
    return client_for(sefrou, REMOTE_ADDR=ADDRESS)


def submit(client):
    """Send the form; the confirmation's number and key."""
    answer = client.post(FORM, filled())
    assert answer.status_code == 302 and answer["Location"] == "/fr/demandes/confirmation/"
    confirmation = client.get(answer["Location"])
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    number = re.search(r'id="es-number">([0-9-]+)<', page).group(1)
    key = re.search(r'id="es-key">([0-9]+)<', page).group(1)
    return number, key, confirmation


def open_request(sefrou, number):
    with inside(sefrou):
        return ServiceRequest.objects.get(tracking_number=number)


def test_the_index_lists_what_the_commune_offers(citizen, client_for, berkane):
    page = citizen.get("/fr/demandes/").content.decode()
    assert "Certificat de résidence" in page and FORM in page
    assert "شهادة السكنى" in citizen.get("/ar/demandes/").content.decode()
    assert "Certificat de résidence" not in client_for(berkane).get("/fr/demandes/").content.decode()


def test_form_errors_are_shown_and_nothing_is_saved(citizen, sefrou):
    with inside(sefrou):
        before = ServiceRequest.objects.count()
    answer = citizen.post(FORM, filled(**{"service-purpose": "", "name": "", "name_ar": "", "phone": "05 35 66 00 00",
                                          "national_id": "123", "paper_cin": None}))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'role="alert"' in page and 'aria-invalid="true"' in page
    assert re.search(r'<input[^>]*name="service-purpose"[^>]*autofocus', page)  # the first error has the focus
    for field in ("service-purpose", "name", "national_id", "phone", "paper_cin"):
        assert answer.context[
            {"service-purpose": "service_form", "paper_cin": "papers_form"}.get(field, "contact_form")
        ].errors.get(field.removeprefix("service-")), field
    refused = citizen.post(FORM, filled(paper_cin=SimpleUploadedFile("virus.exe", b"MZ",
                                                                     content_type="application/x-msdownload")))
    assert refused.status_code == 400 and "virus.exe" in " ".join(refused.context["problems"])
    with inside(sefrou):
        assert ServiceRequest.objects.count() == before


def test_the_whole_path_of_a_request(citizen, sefrou):
    number, key, confirmation = submit(citizen)
    page = confirmation.content.decode()
    assert "SMS" in page and "5678" in page and 'no-store' in confirmation["Cache-Control"]
    assert citizen.get("/fr/demandes/confirmation/")["Location"] == "/fr/demandes/suivi/"  # the key is shown once
    service_request = open_request(sefrou, number)
    assert service_request.national_id == "C123456" and service_request.phone == "+212612345678"
    assert service_request.language == "fr" and service_request.attachments.get().paper_code == "cin"
    with inside(sefrou):
        sms = OutboxMessage.objects.filter(recipient="+212612345678", channel="sms").order_by("pk").last()
        assert number in sms.body and key in sms.body and f"/fr/demandes/suivi/{number}/" in sms.body

    # The session that made the request sees it; the stepper says where it is, with words, not colours only.
    tracking = citizen.get(f"/fr/demandes/suivi/{number}/")
    assert tracking.status_code == 200 and "Dossier de bourse" in tracking.content.decode()
    assert [step["state"] for step in tracking.context["steps"]] == ["done", "current", "todo", "todo"]
    assert 'aria-current="step"' in tracking.content.decode()
    assert citizen.get(f"/fr/demandes/suivi/{number}/telecharger/").status_code == 404  # not ready yet

    # The office asks for a readable card; the citizen sends it from the request's page.
    with inside(sefrou):
        services.ask_for_papers(service_request.pk, actor=staff("agent.sefrou"),
                                note="La photo de la CIN est illisible.")
    asked = citizen.get(f"/fr/demandes/suivi/{number}/")
    assert "illisible" in asked.content.decode() and asked.context["provide_form"] is not None
    empty = citizen.post(f"/fr/demandes/suivi/{number}/", {"action": "provide", "paper": "cin"})
    assert empty.status_code == 200 and empty.context["provide_form"].errors["file"]
    sent = citizen.post(f"/fr/demandes/suivi/{number}/", {"action": "provide", "paper": "cin", "note": "Voici",
                                                          "file": identity_card("cin-2.pdf")})
    assert sent.status_code == 302
    service_request.refresh_from_db()
    assert service_request.status == Status.SUBMITTED and service_request.attachments.count() == 2

    # Staff approve both steps through the engine; the paper is then downloaded through the view only.
    with inside(sefrou):
        services.approve_step(service_request.pk, actor=staff("agent.sefrou"))
        services.approve_step(service_request.pk, actor=staff("admin.sefrou"))
        ready_sms = OutboxMessage.objects.filter(recipient="+212612345678").order_by("pk").last().body
        assert number in ready_sms and ("download" in ready_sms or "télécharg" in ready_sms)
    ready = citizen.get(f"/fr/demandes/suivi/{number}/")
    assert ready.context["downloadable"] and [step["state"] for step in ready.context["steps"]] == ["done"] * 4
    download = citizen.get(f"/fr/demandes/suivi/{number}/telecharger/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment") and "no-store" in download["Cache-Control"]
    assert "/media/" not in ready.content.decode()


def test_the_sms_link_asks_for_the_key(citizen, sefrou, client_for):
    number, key, _confirmation = submit(citizen)
    stranger = client_for(sefrou, REMOTE_ADDR=ADDRESS)
    bare = stranger.get(f"/fr/demandes/suivi/{number}/")
    assert bare.status_code == 200 and "Dossier de bourse" not in bare.content.decode()
    assert bare.context["asking_key"] and bare.context["form"]["tracking_number"].value() == number
    unknown = stranger.get("/fr/demandes/suivi/2020-999999/")  # a number that does not exist: the same page
    assert unknown.status_code == 200 and unknown.context["asking_key"]
    assert stranger.get(f"/fr/demandes/suivi/{number}/telecharger/").status_code == 404
    assert stranger.post(f"/fr/demandes/suivi/{number}/", {"action": "withdraw"}).status_code == 200
    assert open_request(sefrou, number).status == Status.SUBMITTED

    wrong = stranger.get(f"/fr/demandes/suivi/{number}/?key=00000000")
    assert wrong.status_code == 200 and wrong.context["refused"] and "Dossier" not in wrong.content.decode()
    opened = stranger.get(f"/fr/demandes/suivi/{number}/?key={key}")
    assert opened.status_code == 302 and opened["Location"] == f"/fr/demandes/suivi/{number}/"  # the key leaves
    assert "Dossier de bourse" in stranger.get(opened["Location"]).content.decode()

    # The look-up form, in Arabic digits as a phone's Arabic keyboard types them.
    other = client_for(sefrou, REMOTE_ADDR=ADDRESS)
    arabic_key = key.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    found = other.post("/ar/demandes/suivi/", {"tracking_number": number.replace("-", ""), "access_key": arabic_key})
    assert found.status_code == 302 and found["Location"] == f"/ar/demandes/suivi/{number}/"


def test_a_wrong_number_or_key_gets_one_neutral_message_and_attempts_are_limited(citizen, sefrou, client_for):
    number, key, _confirmation = submit(citizen)
    visitor = client_for(sefrou, REMOTE_ADDR=ADDRESS)
    answers = [visitor.post("/fr/demandes/suivi/", {"tracking_number": tracking, "access_key": access_key})
               for tracking, access_key in ((number, "12345678"), ("2020-999999", key), ("2020-999998", "1"))]
    assert len({answer.context["refused"] for answer in answers}) == 1
    assert all(answer.status_code == 200 and "Dossier" not in answer.content.decode() for answer in answers)
    for _attempt in range(access.ATTEMPTS.max_failures - len(answers)):
        visitor.post("/fr/demandes/suivi/", {"tracking_number": number, "access_key": "12345678"})
    blocked = visitor.post("/fr/demandes/suivi/", {"tracking_number": number, "access_key": key})
    assert blocked.status_code == 429 and "Dossier" not in blocked.content.decode()
    assert visitor.get(f"/fr/demandes/suivi/{number}/?key={key}").status_code == 429
    elsewhere = client_for(sefrou, REMOTE_ADDR="192.0.2.21")
    assert elsewhere.post("/fr/demandes/suivi/", {"tracking_number": number, "access_key": key}).status_code == 302


def test_withdrawing_asks_for_a_confirmation_and_closes_the_request(citizen, sefrou):
    number, _key, _confirmation = submit(citizen)
    page = citizen.get(f"/fr/demandes/suivi/{number}/").content.decode()
    assert "<details" in page and 'value="withdraw"' in page
    assert citizen.post(f"/fr/demandes/suivi/{number}/", {"action": "withdraw"}).status_code == 302
    assert open_request(sefrou, number).status == Status.WITHDRAWN
    closed = citizen.get(f"/fr/demandes/suivi/{number}/")
    assert 'value="withdraw"' not in closed.content.decode()
    assert [step["state"] for step in closed.context["steps"]][:2] == ["done", "stopped"]
    again = citizen.post(f"/fr/demandes/suivi/{number}/", {"action": "withdraw"}, follow=True)
    with translation.override("fr"):
        refusal = translation.gettext("This request is closed (%(status)s): it cannot change any more.") % {
            "status": Status.WITHDRAWN.label}
    assert refusal in html.unescape(again.content.decode())


def test_the_owner_account_sees_its_request_without_the_key(sefrou, client_for):
    with inside(sefrou):
        user = get_user_model().objects.create_user("0611223344", password="citizen-pw-2026", first_name="Omar",
                                                    last_name="Fassi", first_name_ar="عمر", last_name_ar="الفاسي",
                                                    phone="+212611223344")
    client = client_for(sefrou, REMOTE_ADDR=ADDRESS)
    with inside(sefrou):  # the session and the account live in Sefrou's schema
        client.force_login(user)
    form = client.get(FORM)
    assert form.context["contact_form"]["name"].value() == "Omar Fassi"
    assert form.context["contact_form"]["phone"].value() == "+212611223344"
    answer = client.post(FORM, filled(name="Omar Fassi", name_ar="", phone="+212611223344"))
    assert answer.status_code == 302
    with inside(sefrou):
        service_request = ServiceRequest.objects.get(applicant=user)
    later = client_for(sefrou, REMOTE_ADDR=ADDRESS)
    with inside(sefrou):
        later.force_login(user)  # a new session: no key remembered, the account alone opens the request
    assert later.get(f"/fr/demandes/suivi/{service_request.tracking_number}/").context.get("service_request")


def test_the_fee_and_the_regie_look_up(citizen, sefrou):
    from modules.regie.models import Tariff, TariffVersion

    with inside(sefrou):
        tariff = Tariff.objects.create(code="certificat-residence", name_fr="Certificat", name_ar="شهادة")
        TariffVersion.objects.create(tariff=tariff, effective_from=datetime.date(2020, 1, 1), rate=Decimal("20"))
        submission = services.submit_request(
            "noticeboard.certificate", data={"purpose": "Bourse", "with_fee": True},
            contact=services.Contact(name="Salma Idrissi", phone="0612345678", language="fr"),
            attachments=[("cin", identity_card())])
    number = submission.request.tracking_number
    citizen.get(f"/fr/demandes/suivi/{number}/?key={submission.access_key}")
    fee = citizen.get(f"/fr/demandes/suivi/{number}/").context["fee"]
    assert fee["reference"] == submission.request.fee_reference and "20,00" in fee["amount"] and not fee["paid"]
    assert fee["lookup_url"].startswith("/fr/paiements/?reference=")


def test_sefrou_requests_are_invisible_from_berkane(citizen, sefrou, berkane, client_for):
    number, key, _confirmation = submit(citizen)
    visitor = client_for(berkane, REMOTE_ADDR="192.0.2.22")
    assert visitor.get(FORM).status_code == 404  # the service is not offered there
    assert visitor.post(FORM, filled()).status_code == 404
    looked_up = visitor.post("/fr/demandes/suivi/", {"tracking_number": number, "access_key": key})
    assert looked_up.status_code == 200 and looked_up.context["refused"]
    with_key = visitor.get(f"/fr/demandes/suivi/{number}/?key={key}")
    assert with_key.status_code == 200 and with_key.context["refused"]
    assert "Dossier" not in with_key.content.decode()
    assert visitor.get(f"/fr/demandes/suivi/{number}/telecharger/").status_code == 404
    # Sefrou's session cookie means nothing to Berkane's host.
    visitor.cookies = citizen.cookies
    assert visitor.get(f"/fr/demandes/suivi/{number}/").context["asking_key"]
