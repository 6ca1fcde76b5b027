"""The e-services engine (platform_core.eservices) with the noticeboard's test certificate: numbering, access
keys, steps and their permissions, SMS at each change of status, papers asked for, refusal, and isolation."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from platform_core.eservices import selectors, services
from platform_core.eservices.models import RequestEvent, ServiceRequest
from platform_core.notifications.models import OutboxMessage
from tests.conftest import inside

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def identity_card():
    return SimpleUploadedFile("cin.pdf", PDF, content_type="application/pdf")


def submit(**overrides):
    arguments = {
        "data": {"purpose": "Dossier de bourse"},
        "contact": services.Contact(name="Salma Idrissi", name_ar="سلمى الإدريسي", phone="0612345678",
                                    language="fr"),
        "attachments": [("cin", identity_card())],
    }
    arguments.update(overrides)
    return services.submit_request("noticeboard.certificate", **arguments)


def staff(username):
    return get_user_model().objects.get(username=username)


def sms_to(phone="+212612345678"):
    return list(OutboxMessage.objects.filter(recipient=phone, channel="sms").order_by("pk").values_list("body",
                                                                                                       flat=True))


@pytest.fixture
def sefrou_schema(sefrou, django_capture_on_commit_callbacks):
    with inside(sefrou):
        yield sefrou


def test_a_request_is_numbered_keyed_and_acknowledged_by_sms(sefrou_schema):
    first = submit()
    second = submit()
    year = first.request.submitted_at.year
    assert first.request.tracking_number.startswith(f"{year}-")
    assert int(second.request.tracking_number.split("-")[1]) == int(first.request.tracking_number.split("-")[1]) + 1
    assert first.access_key.isdigit() and len(first.access_key) == 8
    assert first.access_key not in first.request.access_key_digest
    assert selectors.find_request(first.request.tracking_number, first.access_key) == first.request
    assert selectors.find_request(first.request.tracking_number.replace("-", ""), first.access_key) == first.request
    assert selectors.find_request(first.request.tracking_number, second.access_key) is None
    body = sms_to()[0]
    assert first.request.tracking_number in body and first.access_key in body
    assert first.request.attachments.get().paper_code == "cin"
    assert first.request.attachments.get().file.name.startswith("eservices/attachments/")


def test_required_papers_contact_and_file_types_are_checked(sefrou_schema):
    count = ServiceRequest.objects.count()
    with pytest.raises(ValidationError):
        submit(attachments=[])
    with pytest.raises(ValidationError):
        submit(contact=services.Contact(name="X"))
    with pytest.raises(ValidationError):
        submit(attachments=[("cin", SimpleUploadedFile("virus.exe", b"MZ", content_type="application/x-msdownload"))])
    with pytest.raises(ValidationError):  # a program renamed and sent as a PDF
        submit(attachments=[("cin", SimpleUploadedFile("cin.pdf", b"MZ\x90\x00", content_type="application/pdf"))])
    assert ServiceRequest.objects.count() == count


def test_steps_need_their_permission_and_the_last_one_issues_the_paper(sefrou_schema):
    submission = submit()
    request_id = submission.request.pk
    agent, admin = staff("agent.sefrou"), staff("admin.sefrou")
    with pytest.raises(PermissionDenied):
        services.approve_step(request_id, actor=staff("regisseur.sefrou"))
    services.approve_step(request_id, actor=agent, note="CIN lisible")
    service_request = ServiceRequest.objects.get(pk=request_id)
    assert service_request.status == ServiceRequest.Status.IN_PROGRESS and service_request.step_index == 1
    with pytest.raises(PermissionDenied):
        services.approve_step(request_id, actor=agent)  # the agent holds the first step only
    services.approve_step(request_id, actor=admin)
    service_request.refresh_from_db()
    assert service_request.status == ServiceRequest.Status.READY
    assert service_request.outcome_document is not None
    assert service_request.outcome_file.read().startswith(b"%PDF")
    messages = sms_to()
    assert len(messages) == 3  # received, being processed, ready
    assert "download" in messages[-1] or "télécharg" in messages[-1]
    with pytest.raises(ValidationError):
        services.approve_step(request_id, actor=admin)


def test_asking_for_a_paper_waits_for_the_citizen(sefrou_schema):
    submission = submit()
    agent = staff("agent.sefrou")
    with pytest.raises(ValidationError):
        services.ask_for_papers(submission.request.pk, actor=agent, note="short")
    services.ask_for_papers(submission.request.pk, actor=agent, note="La photo de la CIN est illisible.")
    with pytest.raises(ValidationError):
        services.approve_step(submission.request.pk, actor=agent)
    services.provide_papers(submission.request.pk, attachments=[("cin", identity_card())])
    service_request = ServiceRequest.objects.get(pk=submission.request.pk)
    assert service_request.status == ServiceRequest.Status.SUBMITTED
    assert service_request.attachments.count() == 2
    assert "illisible" in sms_to()[1]


def test_a_refusal_needs_a_reason_the_citizen_reads(sefrou_schema):
    submission = submit()
    agent = staff("agent.sefrou")
    with pytest.raises(ValidationError):
        services.refuse_request(submission.request.pk, actor=agent, reason="")
    services.refuse_request(submission.request.pk, actor=agent, reason="Vous n'habitez pas la commune.")
    service_request = ServiceRequest.objects.get(pk=submission.request.pk)
    assert service_request.status == ServiceRequest.Status.REFUSED
    assert "habitez" in sms_to()[-1]
    refused = service_request.events.get(kind=RequestEvent.Kind.REFUSED)
    assert refused.public and refused.actor == agent
    internal = services.add_note(submission.request.pk, actor=agent, note="Vu avec le chef de bureau")
    assert internal not in selectors.public_timeline(service_request)


def test_the_inbox_shows_what_waits_for_each_role(sefrou_schema):
    submission = submit()
    agent, admin = staff("agent.sefrou"), staff("admin.sefrou")
    assert submission.request in selectors.inbox(agent, waiting_for_me=True)
    services.approve_step(submission.request.pk, actor=agent)
    assert submission.request not in selectors.inbox(agent, waiting_for_me=True)
    assert submission.request in selectors.inbox(admin, waiting_for_me=True)
    assert not selectors.inbox(staff("regisseur.sefrou")).exists()


def test_another_commune_neither_offers_the_service_nor_finds_the_request(sefrou, berkane):
    with inside(sefrou):
        submission = submit()
    with inside(berkane):
        assert selectors.find_request(submission.request.tracking_number, submission.access_key) is None
        with pytest.raises(ValidationError):
            submit()  # Berkane does not subscribe to the noticeboard


def test_the_database_keeps_requests_and_their_timeline(sefrou_schema):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    submission = submit()
    statements = [
        ("DELETE FROM eservices_servicerequest WHERE id = %s", submission.request.pk),
        ("UPDATE eservices_servicerequest SET tracking_number = '1999-000001' WHERE id = %s", submission.request.pk),
        ("UPDATE eservices_requestevent SET note = 'changed' WHERE request_id = %s", submission.request.pk),
        ("DELETE FROM eservices_requestattachment WHERE request_id = %s", submission.request.pk),
    ]
    for statement, parameter in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [parameter])
    assert ServiceRequest.objects.filter(pk=submission.request.pk, events__isnull=False).exists()
