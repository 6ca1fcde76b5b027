"""Staff processing of online requests in the back office, with the civil-status papers: the agent checks and picks
the act, the officier issues the paper once the fee is paid at the régie; refusal, a paper asked for, internal
notes; roles (a régisseur has no inbox, an agent cannot issue, papers are streamed to the service's staff only);
and another commune's staff reach nothing."""

import datetime
import html

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.civil_status import services as civil_status
from modules.civil_status.eservices import ExtractRequestForm, candidate_acts
from modules.civil_status.models import Act, Bureau, Delegation
from modules.regie.models import Assessment
from modules.regie.services import receipts
from modules.regie.services.receipts import Payment
from platform_core.eservices import services
from platform_core.eservices.models import RequestEvent, ServiceRequest
from platform_core.modules.roles import role_group
from platform_core.notifications.models import OutboxMessage
from tenants.services.subscriptions import set_subscriptions
from tests.modules.civil_status.test_acts import TODAY, birth
from tests.platform_core.test_documents import pdftotext

BASE = "/admin/online-requests/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = "+212661234567"
BORN_ON = TODAY - datetime.timedelta(days=20)


def user(username, module, role):
    account = get_user_model().objects.create_user(username, first_name="Samira", last_name="Tazi",
                                                   first_name_ar="سميرة", last_name_ar="التازي")
    account.groups.add(role_group(module, role))
    return get_user_model().objects.get(pk=account.pk)


def refused(response) -> bool:
    """Wagtail answers a permission refusal in its admin by sending the user back to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def listed(client, **filters) -> list[str]:
    """The tracking numbers the inbox lists with these filters."""
    response = client.get(BASE, filters)
    assert response.status_code == 200
    return [row["request"].tracking_number for row in response.context["rows"]]


def request_data(act=None, **changes):
    """What the citizen's form gives: by number and year when an act is given, else by names and birth date."""
    if act is not None:
        fields = {"act_number": act.number, "act_year": act.year, "bureau": act.bureau.code}
    else:
        fields = {"first_names": "Mohamed Amine", "family_name": "العلوي", "birth_date": BORN_ON.isoformat(),
                  "mother_first_name": "Fatima"}
    form = ExtractRequestForm({"relationship": "self", "language": "fr", **fields, **changes})
    assert form.is_valid(), form.errors
    return form.cleaned_data


def submit(data, code="civil_status.birth_extract"):
    return services.submit_request(
        code, data=data,
        contact=services.Contact(name="Mohamed Amine Alaoui", name_ar="محمد أمين العلوي", national_id="c123456",
                                 phone="0661234567", language="fr"),
        attachments=[("cin", SimpleUploadedFile("cin.pdf", PDF, content_type="application/pdf"))])


@pytest.fixture
def bureau_staff(sefrou, in_commune, client_for):
    """Sefrou's civil-status agent and officier (with a delegation), logged in, and a signed birth act."""
    with in_commune(sefrou):
        bureau = Bureau.objects.get(code="principal")
        agent, officer = user("agent.online", "civil_status", "agent"), user("officer.online", "civil_status",
                                                                              "officer")
        Delegation.objects.create(officer=officer, bureau=bureau, decree_number="9/2026",
                                  decree_date=TODAY - datetime.timedelta(days=30),
                                  valid_from=TODAY - datetime.timedelta(days=30))
        act = civil_status.sign_act(civil_status.draft_act(actor=agent, bureau=bureau, kind="birth",
                                                           data=birth(event_date=BORN_ON)).pk, actor=officer)
        clients = {}
        for name, account in (("agent", agent), ("officer", officer)):
            clients[name] = client_for(sefrou)
            clients[name].force_login(account)
    return clients, act


def sms(in_commune, commune):
    with in_commune(commune):
        return list(OutboxMessage.objects.filter(recipient=PHONE, channel="sms").order_by("pk")
                    .values_list("body", flat=True))


def test_agent_checks_officer_issues_after_the_fee_is_paid(sefrou, in_commune, bureau_staff,
                                                          django_capture_on_commit_callbacks):
    clients, act = bureau_staff
    with in_commune(sefrou):
        number = submit(request_data(act)).request.tracking_number
        item = ServiceRequest.objects.get(tracking_number=number)
        assert item.fee_reference  # Sefrou's fiscal order has the extract's fee

    # The agent's inbox: the request waits for them (and for the officier, who may check too).
    assert number in listed(clients["agent"]) and number in listed(clients["officer"])
    assert number in listed(clients["agent"], show="all", q="C123456")
    assert number not in listed(clients["agent"], show="all", q="Bennani")
    assert number not in listed(clients["agent"], show="all", status="ready")
    menu = clients["agent"].get("/admin/").content.decode()
    assert "online-requests" in menu and "(1)" in menu

    page = clients["agent"].get(f"{BASE}{item.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    for expected in (f"{act.number}/{act.year}", "C123456", "0661234567", item.fee_reference,
                     f"{BASE}{item.pk}/papers/", 'value="approve"', 'value="refuse"', 'value="ask"'):
        assert expected in body, expected
    assert f'name="processing-act_id" value="{act.pk}"' in body

    # The attached card is streamed to staff of the service, as what it is.
    attachment = item.attachments.get()
    card = clients["agent"].get(f"{BASE}{item.pk}/papers/{attachment.pk}/")
    assert card.status_code == 200 and b"".join(card.streaming_content) == PDF
    assert card["Content-Type"] == "application/pdf" and card["X-Content-Type-Options"] == "nosniff"

    # Approving the check step needs the act.
    missing = clients["agent"].post(f"{BASE}{item.pk}/", {"action": "approve"})
    assert missing.status_code == 200 and missing.context["forms"]["processing"].errors
    approved = clients["agent"].post(f"{BASE}{item.pk}/", {"action": "approve", "processing-act_id": act.pk,
                                                           "approve-note": "CIN conforme"})
    assert approved.status_code == 302
    with in_commune(sefrou):
        item.refresh_from_db()
        assert (item.status, item.step_index, item.staff_data) == ("in_progress", 1, {"act_id": act.pk})
    # Now it waits for the officier only.
    assert number not in listed(clients["agent"])
    assert number in listed(clients["agent"], show="all")
    assert number in listed(clients["officer"])

    # The agent cannot issue: no decision offered, and a forged POST changes nothing.
    body = clients["agent"].get(f"{BASE}{item.pk}/").content.decode()
    assert 'value="approve"' not in body and 'value="note"' in body
    clients["agent"].post(f"{BASE}{item.pk}/", {"action": "approve"})
    # The officier cannot issue while the fee is unpaid; the reason is shown.
    unpaid = clients["officer"].post(f"{BASE}{item.pk}/", {"action": "approve"})
    assert unpaid.status_code == 200 and item.fee_reference in unpaid.content.decode()
    with in_commune(sefrou):
        item.refresh_from_db()
        assert (item.status, item.step_index, item.outcome_file.name) == ("in_progress", 1, "")

    # The citizen pays at the régie counter.
    with in_commune(sefrou):
        regisseur = get_user_model().objects.get(username="regisseur.sefrou")
        assessment = Assessment.objects.get(source="eservices", source_reference=number)
        with django_capture_on_commit_callbacks(execute=True):
            receipts.issue_receipt(actor=regisseur, payment=Payment(assessment=assessment))
        assert item.events.filter(kind=RequestEvent.Kind.FEE_PAID).exists()
    clients["officer"].post(f"{BASE}{item.pk}/", {"action": "note", "note-note": "Vérifié au registre."})
    issued = clients["officer"].post(f"{BASE}{item.pk}/", {"action": "approve"})
    assert issued.status_code == 302
    with in_commune(sefrou):
        item.refresh_from_db()
        assert item.status == ServiceRequest.Status.READY and item.outcome_document is not None
        pdf = item.outcome_file.read()
        assert item.outcome_document.issued_to == "Mohamed Amine Alaoui · CIN C123456"
        assert item.outcome_document.kind == "civil_status.birth_extract.fr"
    text = " ".join(pdftotext(pdf).split())
    assert pdf.startswith(b"%PDF") and "Mohamed Amine" in text and "Alaoui" in text and "العلوي" in text
    assert any(number in body and ("download" in body or "télécharg" in body) for body in sms(in_commune, sefrou))

    paper = clients["officer"].get(f"{BASE}{item.pk}/issued/")
    assert paper.status_code == 200 and b"".join(paper.streaming_content) == pdf
    timeline = clients["officer"].get(f"{BASE}{item.pk}/").content.decode()
    assert "Vérifié au registre." in timeline and "CIN conforme" in timeline
    assert 'value="deliver"' not in timeline  # the extract is downloaded, not collected


def test_found_by_names_and_collected_at_the_bureau(sefrou, in_commune, bureau_staff):
    clients, act = bureau_staff
    with in_commune(sefrou):
        data = request_data()
        assert [found.pk for found in candidate_acts(data)] == [act.pk]
        item = submit(data, code="civil_status.individual_record").request
        assert not item.fee_reference  # no "fiche-etat-civil" tariff in Sefrou's fiscal order
    assert f'value="{act.pk}"' in clients["agent"].get(f"{BASE}{item.pk}/").content.decode()
    clients["agent"].post(f"{BASE}{item.pk}/", {"action": "approve", "processing-act_id": act.pk})
    clients["officer"].post(f"{BASE}{item.pk}/", {"action": "approve"})
    assert 'value="deliver"' in clients["officer"].get(f"{BASE}{item.pk}/").content.decode()
    assert clients["officer"].post(f"{BASE}{item.pk}/", {"action": "deliver"}).status_code == 302
    with in_commune(sefrou):
        item.refresh_from_db()
        assert item.status == ServiceRequest.Status.DELIVERED
        assert item.outcome_document.kind == "civil_status.individual_record"
    assert any("retir" in body or "collect" in body for body in sms(in_commune, sefrou))


def test_an_unsigned_act_cannot_be_issued(sefrou, in_commune, bureau_staff):
    _clients, act = bureau_staff
    with in_commune(sefrou):
        officer = get_user_model().objects.get(username="officer.online")
        draft = civil_status.draft_act(actor=officer, bureau=act.bureau, kind="birth",
                                       data=birth(first_names_latin="Yassine", first_names_ar="ياسين"))
        item = submit(request_data(act), code="civil_status.full_copy").request
        services.approve_step(item.pk, actor=officer, staff_data={"act_id": draft.pk})
        with pytest.raises(Exception) as refusal:
            services.approve_step(item.pk, actor=officer)
        assert "signed" in str(refusal.value) or "موقع" in str(refusal.value)
        assert ServiceRequest.objects.get(pk=item.pk).status == ServiceRequest.Status.IN_PROGRESS
        assert Act.objects.get(pk=draft.pk).status == Act.Status.DRAFT


def test_refusal_needs_a_reason_and_a_paper_can_be_asked_for(sefrou, in_commune, bureau_staff):
    clients, act = bureau_staff
    with in_commune(sefrou):
        refused_one, asked_one = submit(request_data(act)).request, submit(request_data(act)).request
    short = clients["agent"].post(f"{BASE}{refused_one.pk}/", {"action": "refuse", "refuse-reason": "non"})
    assert short.status_code == 200 and short.context["forms"]["refuse"].errors
    reason = "L'acte demandé n'est pas celui du demandeur."
    assert clients["agent"].post(f"{BASE}{refused_one.pk}/",
                                 {"action": "refuse", "refuse-reason": reason}).status_code == 302
    clients["agent"].post(f"{BASE}{asked_one.pk}/", {"action": "ask", "ask-note": "La photo de la CIN est floue."})
    with in_commune(sefrou):
        refused_one.refresh_from_db()
        asked_one.refresh_from_db()
        assert (refused_one.status, refused_one.refusal_reason) == ("refused", reason)
        assert asked_one.status == ServiceRequest.Status.AWAITING_DOCUMENTS
    bodies = sms(in_commune, sefrou)
    assert any(reason in body for body in bodies) and any("floue" in body for body in bodies)
    page = clients["agent"].get(f"{BASE}{refused_one.pk}/").content.decode()
    assert html.escape(reason) in page and 'value="approve"' not in page and 'value="refuse"' not in page
    # Waiting for the citizen: nothing to approve until the paper comes.
    assert 'value="approve"' not in clients["agent"].get(f"{BASE}{asked_one.pk}/").content.decode()
    waiting = listed(clients["agent"], show="all", status="awaiting_documents")
    assert asked_one.tracking_number in waiting and refused_one.tracking_number not in waiting


def test_only_the_services_staff_see_requests_and_papers(sefrou, in_commune, bureau_staff, client_for):
    clients, act = bureau_staff
    with in_commune(sefrou):
        item = submit(request_data(act)).request
        attachment = item.attachments.get()
        reader = user("reader.online", "civil_status", "consultation")
        regisseur = get_user_model().objects.get(username="regisseur.sefrou")
    for account in (regisseur, reader):
        client = client_for(sefrou)
        with in_commune(sefrou):
            client.force_login(account)
        assert refused(client.get(BASE))
        assert refused(client.get(f"{BASE}{item.pk}/"))
        assert refused(client.get(f"{BASE}{item.pk}/papers/{attachment.pk}/"))
        assert refused(client.post(f"{BASE}{item.pk}/", {"action": "refuse", "refuse-reason": "x" * 20}))
        assert "online-requests" not in client.get("/admin/").content.decode()
    anonymous = client_for(sefrou).get(f"{BASE}{item.pk}/papers/{attachment.pk}/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    with in_commune(sefrou):
        assert ServiceRequest.objects.get(pk=item.pk).status == ServiceRequest.Status.SUBMITTED


def test_berkane_staff_reach_nothing_of_sefrou(sefrou, berkane, in_commune, bureau_staff, client_for,
                                              django_capture_on_commit_callbacks):
    from platform_core.routing import routing_table

    _clients, act = bureau_staff
    with in_commune(sefrou):
        item = submit(request_data(act)).request
        attachment = item.attachments.get()
    with django_capture_on_commit_callbacks(execute=True):
        set_subscriptions(berkane, ["civil_status"])
    routing_table.clear()
    with in_commune(berkane):
        officer = user("officer.berkane", "civil_status", "officer")
        client = client_for(berkane)
        client.force_login(officer)
    inbox = client.get(BASE, {"show": "all"})
    assert inbox.status_code == 200 and item.tracking_number not in inbox.content.decode()
    assert list(inbox.context["rows"]) == []
    assert client.get(f"{BASE}{item.pk}/").status_code == 404
    assert client.get(f"{BASE}{item.pk}/papers/{attachment.pk}/").status_code == 404
    assert client.get(f"{BASE}{item.pk}/issued/").status_code == 404
    assert client.post(f"{BASE}{item.pk}/", {"action": "approve"}).status_code == 404
