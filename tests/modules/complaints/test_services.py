"""The complaint's life in the services: numbering and the 60-day clock, assignment and answers by role, the
answer sent to the citizen, reopening once within 30 days, reminders to staff at 45 days and when late (time
shifted), automatic closing, the database's guard, and the public statistics."""

import contextlib
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from modules.complaints import selectors, services
from modules.complaints.models import Complaint, ComplaintEvent, Department
from platform_core.audit.models import AuditEntry
from platform_core.notifications.models import OutboxMessage

PHONE = "+212612345678"


def file(**overrides):
    arguments = {"category": "eclairage", "description": "Le lampadaire de la rue 5 est en panne.",
                 "submitter": services.Submitter(name="Salma Idrissi", phone="0612345678", language="fr")}
    arguments.update(overrides)
    return services.file_complaint(**arguments)


@contextlib.contextmanager
def days_later(monkeypatch, days):
    """Every clock of the code (services, auto_now fields) `days` ahead."""
    real = timezone.now
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: real() + datetime.timedelta(days=days))
        yield


def sms_to(phone=PHONE):
    return list(OutboxMessage.objects.filter(recipient=phone).order_by("pk").values_list("body", flat=True))


def test_a_complaint_is_numbered_keyed_and_given_60_days(staff):
    first, second = file(), file(kind="suggestion", category="dechets")
    year = timezone.localdate().year
    assert first.complaint.number.startswith(f"CH-{year}-")
    assert int(second.complaint.number[-6:]) == int(first.complaint.number[-6:]) + 1
    assert first.complaint.due_on == timezone.localdate() + datetime.timedelta(days=60)
    assert first.access_key.isdigit() and len(first.access_key) == 8
    assert first.access_key not in first.complaint.access_key_digest
    assert selectors.find_complaint(first.complaint.number, first.access_key) == first.complaint
    assert selectors.find_complaint(first.complaint.number.replace("-", " "), first.access_key) == first.complaint
    assert selectors.find_complaint(first.complaint.number, second.access_key) is None
    # The category's service is known from the start; the citizen gets the number and the key.
    assert first.complaint.department.code == "voirie" and first.complaint.status == Complaint.Status.NEW
    assert first.complaint.phone == PHONE
    body = sms_to()[0]
    assert first.complaint.number in body and first.access_key in body
    assert AuditEntry.objects.filter(action="complaints.file", object_id=str(first.complaint.pk)).exists()


def test_bad_input_is_refused_and_nothing_is_saved(staff):
    count = Complaint.objects.count()
    for bad in ({"category": "unknown"}, {"description": "court"}, {"kind": "insult"},
                {"latitude": "33.8", "longitude": ""}, {"latitude": "95", "longitude": "4"},
                {"submitter": services.Submitter(phone="12")},
                {"photo": SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")}):
        with pytest.raises(ValidationError):
            file(**bad)
    with pytest.raises(PermissionDenied):  # only an agent files at the counter
        file(channel=Complaint.Channel.COUNTER)
    with pytest.raises(ValidationError):  # only the counter dates a complaint in the past
        file(received_at=timezone.now() - datetime.timedelta(days=3))
    assert Complaint.objects.count() == count


def test_roles_assign_start_answer_and_close(staff):
    complaint = file().complaint
    voirie = Department.objects.get(code="voirie")
    hygiene = Department.objects.get(code="hygiene")
    with pytest.raises(PermissionDenied):
        services.assign(complaint.pk, department=hygiene, actor=staff.voirie)  # a responder does not assign
    with pytest.raises(ValidationError):
        services.assign(complaint.pk, department=hygiene, assignee=staff.voirie, actor=staff.agent)
    services.assign(complaint.pk, department=voirie, assignee=staff.voirie, actor=staff.agent)
    with pytest.raises(PermissionDenied):
        services.answer(complaint.pk, text="Ce n'est pas notre service.", actor=staff.hygiene)
    with pytest.raises(PermissionDenied):
        services.start(complaint.pk, actor=staff.reader)
    services.start(complaint.pk, actor=staff.voirie)
    with pytest.raises(ValidationError):
        services.answer(complaint.pk, text="ok", actor=staff.voirie)  # an answer is written
    services.answer(complaint.pk, text="Le lampadaire a été réparé le 3 mai.", actor=staff.voirie)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ANSWERED and complaint.answered_at is not None
    assert "réparé" in sms_to()[-1] and complaint.number in sms_to()[-1]
    with pytest.raises(PermissionDenied):
        services.close(complaint.pk, actor=staff.voirie)
    services.close(complaint.pk, actor=staff.agent)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == ["filed", "assigned", "started", "answered", "closed"]
    assert complaint not in selectors.visible_to(staff.hygiene)
    assert complaint in selectors.visible_to(staff.voirie) and complaint in selectors.visible_to(staff.reader)


def test_reopened_once_only_within_30_days(staff, monkeypatch):
    filing = file()
    complaint = filing.complaint
    with pytest.raises(ValidationError):  # not answered yet
        services.reopen(complaint.pk, access_key=filing.access_key, reason="Toujours rien de fait ici.")
    services.answer(complaint.pk, text="Le lampadaire a été réparé.", actor=staff.voirie)
    with pytest.raises(PermissionDenied):
        services.reopen(complaint.pk, access_key="00000000", reason="Toujours rien de fait ici.")
    with pytest.raises(ValidationError):
        services.reopen(complaint.pk, access_key=filing.access_key, reason="non")
    with days_later(monkeypatch, 10):
        services.reopen(complaint.pk, access_key=filing.access_key, reason="Le lampadaire est encore éteint.")
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.REOPENED
        assert complaint.due_on == timezone.localdate() + datetime.timedelta(days=60)  # a new clock
        services.answer(complaint.pk, text="Le câble a été changé : c'est réparé.", actor=staff.voirie)
        assert not services.can_reopen(Complaint.objects.get(pk=complaint.pk))
        with pytest.raises(ValidationError) as refused:
            services.reopen(complaint.pk, access_key=filing.access_key, reason="Encore une fois éteint.")
        assert refused.value.messages == [gettext("This complaint was already reopened once: it cannot be reopened "
                                                  "again.")]
    # The database refuses a second reopening whatever code runs.
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(reopened_at=timezone.now())

    late = file()
    services.answer(late.complaint.pk, text="Le lampadaire a été réparé.", actor=staff.voirie)
    with days_later(monkeypatch, 31), pytest.raises(ValidationError, match="30"):
        services.reopen(late.complaint.pk, access_key=late.access_key, reason="Le lampadaire est encore éteint.")


def test_reminders_at_45_days_and_when_late_once_each(staff, monkeypatch):
    voirie = file().complaint  # voirie's staff: an e-mail
    dechets = file(category="dechets").complaint  # hygiene's staff: an SMS (no e-mail)
    orphan = file(category="autre").complaint  # no service: the agents who assign
    answered = file().complaint
    services.answer(answered.pk, text="Déjà réparé, merci.", actor=staff.voirie)

    def outbox():
        return list(OutboxMessage.objects.filter(purpose__startswith="complaints.reminder")
                    .values_list("recipient", "body"))

    with days_later(monkeypatch, 44):
        # Nobody reminded yet; the answered one is closed, its 30 days to reopen being over.
        assert services.send_due_reminders() == {"reminded": 0, "overdue": 0, "closed": 1}
    with days_later(monkeypatch, 45):
        assert services.send_due_reminders()["reminded"] == 3
        assert services.send_due_reminders()["reminded"] == 0  # once
    sent = outbox()
    assert {recipient for recipient, _ in sent} == {"voirie@sefrou.example.ma", "+212661000000",
                                                    "accueil@sefrou.example.ma"}
    assert any(voirie.number in body and "15" in body for _, body in sent)
    assert not any(answered.number in body for _, body in sent)
    assert any(dechets.number in body for _, body in sent)
    with days_later(monkeypatch, 61):
        counts = services.send_due_reminders()
        assert counts == {"reminded": 0, "overdue": 3, "closed": 0}
        assert services.send_due_reminders()["overdue"] == 0
        assert selectors.counts(staff.agent).overdue == 3
        assert list(selectors.search(staff.agent, overdue=True)) == sorted(
            [voirie, dechets, orphan], key=lambda complaint: (complaint.due_on, complaint.received_at))
    late_mails = [body for recipient, body in outbox()[len(sent):] if recipient == "voirie@sefrou.example.ma"]
    assert len(late_mails) == 1 and voirie.number in late_mails[0]
    reminders = voirie.events.filter(kind="reminder")
    assert reminders.count() == 2 and not reminders.filter(public=True).exists()  # staff's business only
    assert Complaint.objects.get(pk=answered.pk).status == Complaint.Status.CLOSED


def test_the_task_runs_only_where_the_module_is_on(sefrou, berkane):
    from django.db import connection

    from modules.complaints.tasks import send_reminders
    from tests.conftest import inside

    with inside(sefrou):
        assert send_reminders.run() == {"reminded": 0, "overdue": 0, "closed": 0}
    with inside(berkane):
        assert connection.schema_name == "berkane" and send_reminders.run() is None


def test_a_complaint_is_never_deleted_and_keeps_its_number(staff):
    complaint = file().complaint
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).delete()
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(number="CH-1999-000001")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        ComplaintEvent.objects.filter(complaint=complaint).update(note="rewritten")


def test_public_statistics(staff, monkeypatch):
    base = selectors.public_statistics()
    in_time = file().complaint
    services.answer(in_time.pk, text="Réparé dans la semaine.", actor=staff.voirie)
    file(category="dechets", kind="suggestion")
    late = file().complaint
    with days_later(monkeypatch, 70):
        services.answer(late.pk, text="Réparé, avec du retard.", actor=staff.voirie)
        figures = selectors.public_statistics()
    assert figures.total == base.total + 3
    assert figures.by_kind["suggestion"] == base.by_kind["suggestion"] + 1
    assert figures.by_status["answered"] == base.by_status["answered"] + 2
    by_code = {category.code: (per_status, total) for category, per_status, total in figures.by_category}
    assert by_code["eclairage"][1] >= 2 and by_code["dechets"][0].get("new", 0) >= 1
    if base.total == 0:
        # Answered in time: 1; answered late: 1; still open past its 60 days: 1.
        assert figures.answered_in_time_share == pytest.approx(1 / 3)
        assert figures.median_answer_days == pytest.approx(35, abs=1)
