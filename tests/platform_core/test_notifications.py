"""Notifications: queued in the outbox inside the caller's transaction, delivered after commit by a
tenant-aware Celery task, never sent out by a training commune, each commune's outbox its own."""

import pytest
from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import override_settings

from platform_core.celery import app as celery_app
from platform_core.notifications import delivery, selectors, services, tasks
from platform_core.notifications.backends import OUTBOX_BACKEND, BaseBackend
from platform_core.notifications.models import OutboxMessage
from platform_core.notifications.validators import normalise_email, normalise_phone

EMAIL_BACKEND = "platform_core.notifications.backends.EmailBackend"
RECORDING_BACKEND = f"{__name__}.RecordingBackend"
FAILING_BACKEND = f"{__name__}.FailingBackend"


class RecordingBackend(BaseBackend):
    """A backend that would send everything, and remembers what it was given."""

    sent: list[int] = []

    def send(self, message):
        self.sent.append(message.pk)
        return OutboxMessage.Status.SENT


class FailingBackend(BaseBackend):
    def send(self, message):
        raise ConnectionError("gateway unreachable")


@pytest.fixture(autouse=True)
def _fresh_recording_backend():
    RecordingBackend.sent = []


@pytest.fixture
def eager_celery():
    """Tasks run in the calling process, as a worker would run them (schema switching included)."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    celery_app.conf.update(saved)


@pytest.fixture
def scheduled(monkeypatch):
    """The delivery tasks sent to the broker, instead of sending them."""
    calls = []
    monkeypatch.setattr(tasks.deliver_message, "apply_async", lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


# --- Queueing inside the caller's transaction -------------------------------------------------------------


def test_a_rolled_back_write_schedules_nothing(sefrou, in_commune, scheduled, django_capture_on_commit_callbacks):
    with in_commune(sefrou), django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.send_sms("0612345678", "Votre acte est prêt.", purpose="civil_status.act_ready")
            raise RuntimeError("the act could not be registered")
        assert not OutboxMessage.objects.exists()
    assert callbacks == []
    assert scheduled == []


def test_a_committed_write_schedules_delivery_in_its_schema(
    sefrou, in_commune, scheduled, django_capture_on_commit_callbacks
):
    with in_commune(sefrou), django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            message = services.send_sms("0612345678", "Votre acte est prêt.", purpose="civil_status.act_ready")
            assert scheduled == []  # not before the commit
    assert scheduled == [((), {"args": (message.pk,), "headers": {"_schema_name": "sefrou"}})]
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.recipient == "+212612345678"


def test_the_schema_is_the_one_of_the_write_even_if_the_caller_moves(
    sefrou, berkane, in_commune, scheduled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with in_commune(sefrou):
            services.send_sms("0612345678", "Bonjour")
        connection.set_schema(berkane.schema_name)
    assert scheduled[0][1]["headers"] == {"_schema_name": "sefrou"}


def test_a_broker_failure_after_commit_leaves_the_message_queued(
    sefrou, in_commune, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(tasks.deliver_message, "apply_async", broker_down)
    with in_commune(sefrou), django_capture_on_commit_callbacks(execute=True):
        message = services.send_email("citoyen@example.ma", "Demande", "Reçue.")
    with in_commune(sefrou):
        assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.QUEUED


# --- Delivery ----------------------------------------------------------------------------------------------


def test_delivery_by_the_task_keeps_the_message_with_the_default_backend(
    sefrou, in_commune, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with in_commune(sefrou):
            message = services.send_sms("0612345678", "Votre acte est prêt.", purpose="civil_status.act_ready")
        assert connection.schema_name == "public"  # the task finds Sefrou's schema by itself
    with in_commune(sefrou):
        message.refresh_from_db()
    assert message.status == OutboxMessage.Status.KEPT
    assert message.attempts == 1
    assert message.backend == OUTBOX_BACKEND
    assert message.sent_at is None


@override_settings(NOTIFICATIONS_BACKEND=EMAIL_BACKEND)
def test_email_backend_sends_email_and_keeps_sms(berkane, in_commune, mailoutbox):
    with in_commune(berkane):
        email = services.send_email("Citoyen@Example.MA", "Votre demande", "Elle est prête.", purpose="portal.request")
        sms = services.send_sms("0712345678", "Elle est prête.")
        tasks.deliver_message(email.pk)
        tasks.deliver_message(sms.pk)
        email.refresh_from_db()
        sms.refresh_from_db()
    assert email.status == OutboxMessage.Status.SENT and email.sent_at is not None
    assert email.backend == EMAIL_BACKEND
    assert sms.status == OutboxMessage.Status.KEPT
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [
        (["Citoyen@example.ma"], "Votre demande", "Elle est prête.")
    ]


@pytest.mark.parametrize("backend", [EMAIL_BACKEND, RECORDING_BACKEND])
def test_a_training_commune_never_sends_whatever_the_backend(
    formation, in_commune, mailoutbox, eager_celery, django_capture_on_commit_callbacks, backend
):
    with override_settings(NOTIFICATIONS_BACKEND=backend):
        with in_commune(formation), django_capture_on_commit_callbacks(execute=True):
            email = services.send_email("stagiaire@example.ma", "Exercice", "Acte prêt.")
            sms = services.send_sms("0612345678", "Acte prêt.")
        with in_commune(formation):
            statuses = set(OutboxMessage.objects.filter(pk__in=[email.pk, sms.pk]).values_list("status", "backend"))
    assert statuses == {(OutboxMessage.Status.KEPT, OUTBOX_BACKEND)}
    assert mailoutbox == []
    assert RecordingBackend.sent == []


@override_settings(NOTIFICATIONS_BACKEND=EMAIL_BACKEND)
def test_a_suspended_commune_sends_nothing(berkane, in_commune, mailoutbox):
    from tenants.models import Commune

    Commune.objects.filter(pk=berkane.pk).update(status=Commune.Status.SUSPENDED)
    with in_commune(berkane):
        email = services.send_email("citoyen@example.ma", "Votre demande", "Elle est prête.")
        tasks.deliver_message(email.pk)
        email.refresh_from_db()
    assert email.status == OutboxMessage.Status.KEPT
    assert mailoutbox == []


def test_a_training_commune_is_recognised_without_its_tenant_object(formation, berkane, in_commune):
    from django_tenants.utils import schema_context

    with schema_context(formation.schema_name):  # connection.tenant is a stand-in here, without a kind
        assert not delivery.may_send_outside()
    with in_commune(berkane):
        assert delivery.may_send_outside()


@override_settings(NOTIFICATIONS_BACKEND=RECORDING_BACKEND)
def test_a_message_is_delivered_once_even_if_its_task_runs_twice(sefrou, in_commune):
    with in_commune(sefrou):
        message = services.send_sms("0612345678", "Bonjour")
        tasks.deliver_message(message.pk)
        tasks.deliver_message(message.pk)
        message.refresh_from_db()
    assert RecordingBackend.sent == [message.pk]
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1


@override_settings(NOTIFICATIONS_BACKEND=FAILING_BACKEND)
def test_a_failing_backend_is_retried_then_the_message_failed(sefrou, in_commune):
    with in_commune(sefrou):
        message = services.send_sms("0612345678", "Bonjour")
        with pytest.raises(Retry):
            tasks.deliver_message(message.pk)
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.QUEUED
        assert message.attempts == 1
        assert message.last_error == "ConnectionError: gateway unreachable"
        for _attempt in range(delivery.MAX_ATTEMPTS - 1):
            delivery.deliver(message.pk)
        message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == delivery.MAX_ATTEMPTS


# --- The outbox, per schema ------------------------------------------------------------------------------


def test_sefrou_outbox_is_invisible_from_berkane(sefrou, berkane, in_commune):
    with in_commune(sefrou):
        message = services.send_sms("0612345678", "Message de Sefrou")
        assert list(selectors.outbox_messages()) == [message]
    with in_commune(berkane):
        assert not selectors.outbox_messages().filter(body="Message de Sefrou").exists()
        assert not OutboxMessage.objects.filter(pk=message.pk, body="Message de Sefrou").exists()
    assert not selectors.outbox_messages().filter(body="Message de Sefrou").exists()  # nor from the platform's


def test_outbox_selector_filters_by_channel_and_status(sefrou, in_commune):
    with in_commune(sefrou):
        sms = services.send_sms("0612345678", "SMS")
        email = services.send_email("a@example.ma", "Objet", "E-mail")
        tasks.deliver_message(sms.pk)
        assert list(selectors.outbox_messages(channel="sms")) == [sms]
        assert list(selectors.outbox_messages(status="queued")) == [email]
        assert list(selectors.outbox_messages(channel="email", status="kept")) == []
        assert list(selectors.outbox_messages()) == [email, sms]


def test_outbox_admin_is_read_only_and_for_superusers(sefrou, in_commune, client_for):
    from django.contrib.auth import get_user_model

    admin_client, agent_client = client_for(sefrou), client_for(sefrou)
    with in_commune(sefrou):  # users and sessions live in the commune's schema
        message = services.send_sms("0612345678", "Visible dans la console")
        admin_client.force_login(get_user_model().objects.get(username="admin.sefrou"))
        agent_client.force_login(get_user_model().objects.get(username="agent.sefrou"))
    listing = admin_client.get("/admin/outbox/")
    assert listing.status_code == 200
    assert "+212612345678" in listing.content.decode()
    assert admin_client.get(f"/admin/outbox/inspect/{message.pk}/").status_code == 200
    # Refused views send Wagtail users back to the dashboard: nobody adds, edits or deletes outbox messages.
    assert admin_client.get("/admin/outbox/new/").status_code == 302
    assert admin_client.get(f"/admin/outbox/edit/{message.pk}/").status_code == 302
    assert admin_client.post(f"/admin/outbox/delete/{message.pk}/").status_code == 302
    with in_commune(sefrou):
        assert OutboxMessage.objects.filter(pk=message.pk).exists()
    assert agent_client.get("/admin/outbox/").status_code == 302  # staff who are not superusers do not see it


# --- Recipients --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("0612345678", "+212612345678"),
        ("06 12 34 56 78", "+212612345678"),
        ("07.12.34.56.78", "+212712345678"),
        ("+212 6 12-34-56-78", "+212612345678"),
        ("00212612345678", "+212612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(given, normalised):
    assert normalise_phone(given) == normalised


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("", "invalid_phone"),
        ("12345", "invalid_phone"),
        ("06123", "invalid_phone"),
        ("06 12 34 56 7A", "invalid_phone"),
        ("+2126123", "invalid_phone"),
        ("0535660000", "not_mobile"),  # a fixed line
        ("+212535660000", "not_mobile"),
        ("+2126123456789", "not_mobile"),
    ],
)
def test_bad_phone_numbers_are_refused_with_a_clear_error(given, code):
    with pytest.raises(ValidationError) as error:
        normalise_phone(given)
    assert error.value.code == code
    assert given in error.value.messages[0]


def test_email_addresses_are_checked():
    assert normalise_email("  Citoyen@Example.MA ") == "Citoyen@example.ma"
    for bad in ("", "citoyen", "citoyen@", "a@b", "deux@@example.ma"):
        with pytest.raises(ValidationError) as error:
            normalise_email(bad)
        assert error.value.code == "invalid_email"


def test_nothing_is_queued_for_a_bad_recipient_channel_or_body(sefrou, in_commune, scheduled):
    with in_commune(sefrou):
        for channel, recipient, body, code in [
            ("sms", "0535660000", "Bonjour", "not_mobile"),
            ("email", "pas-une-adresse", "Bonjour", "invalid_email"),
            ("fax", "0612345678", "Bonjour", "invalid_channel"),
            ("sms", "0612345678", "   ", "empty_body"),
        ]:
            with pytest.raises(ValidationError) as error:
                services.notify(channel, recipient, body)
            assert error.value.code == code
        assert not OutboxMessage.objects.exists()
    assert scheduled == []
