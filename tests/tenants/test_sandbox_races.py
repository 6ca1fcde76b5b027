"""Sandbox actions that meet another one: an action that queued for the provisioning lock re-reads the sandbox once
the lock is its own (an archive, an end date moved meanwhile, a snapshot gone); and the operator's address is in
the journal entry of every sandbox action taken from the console.

The other party is real: a second database session takes the provisioning lock, waits until this session queues
behind it, then runs the real service (the lock is re-entrant within its session) and lets go. No `db` fixture:
sandboxes commit (durable transactions), so the tests run on committed data and drop what they made."""

import datetime
import shutil
import threading
import time
from contextlib import contextmanager

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext
from django_tenants.utils import schema_context, schema_exists

from platform_core.audit.models import AuditEntry
from tenants.console import sandboxes as console_sandboxes
from tenants.models import Commune
from tenants.services import sandboxes
from tenants.services.locks import PROVISIONING_LOCK, provisioning_session_lock
from tests.conftest import RECIPES
from tests.tenants.test_console_sandboxes import account, flashed, in_language, signed_in

SLUG = "formation-course"
SCENARIO = "training/formation.yaml"
TODAY = timezone.localdate()
ENDS_ON = TODAY + datetime.timedelta(days=3)
TRAINER_ADDRESS = "198.51.100.23"  # documentation range (RFC 5737): no test client uses it by chance


def sandbox() -> Commune:
    connection.set_schema_to_public()
    return Commune.objects.get(slug=SLUG)


def journal(action: str) -> list[AuditEntry]:
    connection.set_schema_to_public()
    return list(AuditEntry.objects.filter(action=action, object_type="tenants.commune",
                                          object_id=str(sandbox().pk)).order_by("sequence"))


def _queued_behind_the_lock() -> bool:
    """Whether a session of this database waits for the provisioning lock (an advisory lock on a bigint key is
    listed as classid = high half, objid = low half, objsubid = 1)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = %s AND objid = %s "
            "AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [PROVISIONING_LOCK >> 32, PROVISIONING_LOCK & 0xFFFFFFFF])
        return cursor.fetchone() is not None


@contextmanager
def another_session_first(work):
    """Inside the block, this session's next wait for the provisioning lock lets another session, which holds the
    lock, run `work` and commit first."""
    holding, failures = threading.Event(), []

    def run():
        try:
            with provisioning_session_lock():
                holding.set()
                deadline = time.monotonic() + 30
                while not _queued_behind_the_lock():
                    if time.monotonic() > deadline:
                        raise AssertionError("nobody queued for the provisioning lock")
                    time.sleep(0.02)
                connection.set_schema_to_public()
                work()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)
        finally:
            holding.set()
            connection.close()

    thread = threading.Thread(target=run, name="other-session")
    thread.start()
    assert holding.wait(30)
    try:
        yield
    finally:
        thread.join(60)
        connection.set_schema_to_public()
    assert not thread.is_alive()
    if failures:
        raise failures[0]


@pytest.fixture(scope="module")
def trainers(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        return {"trainer": account("racefix.trainer", "run_trainings"),
                "colleague": account("racefix.colleague", "run_trainings")}


@pytest.fixture(scope="module")
def created(django_db_setup, django_db_blocker, trainers, tmp_path_factory):
    """A sandbox created through the console from a one-scenario library; dropped with its snapshot at the end."""
    root = tmp_path_factory.mktemp("recipes")
    (root / "training").mkdir()
    shutil.copy(RECIPES / "formation.yaml", root / SCENARIO)
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(console_sandboxes, "SCENARIO_ROOT", root)
        connection.set_schema_to_public()
        stale = Commune.objects.filter(slug=SLUG).first()
        if stale is not None:
            sandboxes.drop_sandbox(stale)
        client = signed_in(trainers["trainer"], REMOTE_ADDR=TRAINER_ADDRESS)
        response = client.post("/console/sandboxes/new/", {
            "scenario": SCENARIO, "slug": SLUG, "name": "", "trainees": "2", "ends_on": ENDS_ON.isoformat()})
        try:
            assert response.status_code == 302, response.context["form"].errors if response.context else response
            client.get(response["Location"])  # shows (and so uses up) the creation's message
            yield client
        finally:
            connection.set_schema_to_public()
            commune = Commune.objects.filter(slug=SLUG).first()
            if commune is not None:
                sandboxes.drop_sandbox(commune)


@pytest.fixture
def unblocked(django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


def running_again(commune: Commune) -> Commune:
    """Bring an archived test sandbox back to a running one with a fresh snapshot (tests only)."""
    Commune.objects.filter(pk=commune.pk).update(status=Commune.Status.LIVE, training_ends_on=ENDS_ON)
    commune = sandbox()
    sandboxes.take_snapshot(commune)
    return sandbox()


# --- The operator's address in the journal ---------------------------------------------------------------


def test_creating_a_sandbox_from_the_console_records_the_trainers_address(unblocked, created):
    for action in ("tenants.provision_commune", "tenants.sandbox_snapshot"):
        entries = journal(action)
        assert [entry.ip_address for entry in entries] == [TRAINER_ADDRESS], action


def test_a_reset_from_the_console_records_the_trainers_address(unblocked, created):
    response = created.post(f"/console/sandboxes/{SLUG}/reset/")
    assert [level for level, _text in flashed(response, created)] == [messages.SUCCESS]
    assert [entry.ip_address for entry in journal("tenants.sandbox_reset")][-1:] == [TRAINER_ADDRESS]


def test_a_production_commune_cannot_be_reset_from_the_console(unblocked, created):
    """Cross-commune attempt: the sandbox pages only know training communes; Sefrou is not found."""
    sefrou = Commune.objects.get(slug="sefrou")
    before = AuditEntry.objects.filter(object_type="tenants.commune", object_id=str(sefrou.pk)).count()
    assert created.post("/console/sandboxes/sefrou/reset/").status_code == 404
    assert created.post("/console/sandboxes/sefrou/archive/").status_code == 404
    assert AuditEntry.objects.filter(object_type="tenants.commune", object_id=str(sefrou.pk)).count() == before
    assert Commune.objects.get(pk=sefrou.pk).status == sefrou.status


# --- Races --------------------------------------------------------------------------------------------------


def test_the_daily_expiry_spares_a_sandbox_whose_training_was_extended_meanwhile(unblocked, created, trainers):
    """The expiry lists the sandbox as ended, then waits for the lock while a trainer moves its last day on."""
    later = TODAY + datetime.timedelta(days=10)
    commune = sandbox()
    assert commune.status == Commune.Status.LIVE
    with another_session_first(lambda: console_sandboxes.change_end_date(sandbox(), later,
                                                                         actor=trainers["colleague"])):
        expired = sandboxes.expire_sandboxes(today=ENDS_ON + datetime.timedelta(days=1))
    assert SLUG not in [commune.slug for commune in expired]
    commune = sandbox()
    assert (commune.status, commune.training_ends_on) == (Commune.Status.LIVE, later)
    assert commune.snapshot_schema and schema_exists(commune.snapshot_schema)
    assert journal("tenants.sandbox_expired") == []


def test_two_archives_at_once_archive_once(unblocked, created, trainers):
    """Two trainers press Archive together: the second, queued behind the first, is told it is already archived;
    one journal entry, not two."""
    assert sandbox().status == Commune.Status.LIVE
    with another_session_first(lambda: console_sandboxes.archive_now(sandbox(), actor=trainers["colleague"])):
        response = created.post(f"/console/sandboxes/{SLUG}/archive/")
    assert flashed(response, created) == [
        (messages.ERROR, in_language(response, "%(slug)s is already archived.") % {"slug": SLUG})]
    entries = journal("tenants.sandbox_expired")
    assert [entry.actor_label for entry in entries] == ["racefix.colleague"]
    assert sandbox().status == Commune.Status.ARCHIVED


def test_a_stale_row_does_not_archive_again(unblocked, created, trainers):
    """The service itself, given the row as it was read before the archive: it does nothing."""
    stale = sandbox()
    stale.status = Commune.Status.LIVE  # as a caller read it before the archive above
    assert sandboxes.retire_sandbox(stale, actor=trainers["trainer"]) is None
    assert len(journal("tenants.sandbox_expired")) == 1


def test_a_reset_queued_behind_an_archive_is_refused_with_a_message(unblocked, created, trainers):
    """A trainer resets while a colleague archives: the reset, queued behind the archive, finds the snapshot gone
    and says so (no 500), and the sandbox's schema is left as the archive left it."""
    commune = running_again(sandbox())
    with schema_context(commune.schema_name):
        trainees = sorted(get_user_model().objects.filter(username__startswith=sandboxes.TRAINEE_PREFIX)
                          .values_list("username", flat=True))
    resets = len(journal("tenants.sandbox_reset"))
    with another_session_first(lambda: console_sandboxes.archive_now(sandbox(), actor=trainers["colleague"])):
        response = created.post(f"/console/sandboxes/{SLUG}/reset/")
    assert flashed(response, created) == [(messages.ERROR, in_language(
        response, "The sandbox %(slug)s has expired; it cannot be reset.") % {"slug": SLUG})]
    commune = sandbox()
    assert commune.status == Commune.Status.ARCHIVED and commune.snapshot_schema == ""
    assert schema_exists(commune.schema_name)
    with schema_context(commune.schema_name):
        assert sorted(get_user_model().objects.filter(username__startswith=sandboxes.TRAINEE_PREFIX)
                      .values_list("username", flat=True)) == trainees
    assert len(journal("tenants.sandbox_reset")) == resets


def test_a_snapshot_is_not_taken_of_an_archived_sandbox(unblocked, created):
    commune = sandbox()
    assert commune.status == Commune.Status.ARCHIVED
    with pytest.raises(sandboxes.SandboxError) as refused:
        sandboxes.take_snapshot(commune)
    assert str(refused.value) == gettext(
        "%(slug)s is archived and its snapshot is gone: create a new sandbox instead.") % {"slug": SLUG}
    assert not schema_exists(sandboxes.snapshot_schema_for(commune))
