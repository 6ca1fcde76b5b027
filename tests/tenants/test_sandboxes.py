"""Training sandboxes: created from a scenario recipe with trainees and a snapshot; a trainee's work (acts drafted,
receipts issued, messages, sessions) vanishes on reset, table by table; expired sandboxes are archived.

That a training commune's messages never leave the outbox whatever the backend is proven for every training
commune in tests/platform_core/test_notifications.py (test_a_training_commune_never_sends_whatever_the_backend);
here it is checked again inside a sandbox made by create_sandbox."""

import copy
import datetime
import io
import time

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tenants.utils import schema_exists

from platform_core.audit.models import AuditEntry
from platform_core.notifications import services as notifications
from platform_core.notifications import tasks as notification_tasks
from platform_core.notifications.models import OutboxMessage
from tenants.models import Commune
from tenants.recipes import parse_recipe
from tenants.services import sandboxes
from tenants.services.sandboxes import SandboxError, create_sandbox, expire_sandboxes, reset_sandbox

from ..conftest import RECIPES, inside, table_state

SLUG = "formation-bac"
TODAY = timezone.localdate()
ENDS_ON = TODAY + datetime.timedelta(days=5)


def scenario():
    """The test training commune's recipe, with the two modules a trainee practises on and their set-up."""
    data = copy.deepcopy(yaml.safe_load((RECIPES / "formation.yaml").read_text()))
    data["modules"] = ["noticeboard", "portal", "civil_status", "regie"]
    data["staff"] = [
        {"username": "modele.guichet", "roles": ["civil_status.agent", "regie.regisseur"]},
        {"username": "modele.officier", "roles": ["civil_status.officer"]},
    ]
    data["sections"] = {
        "civil_status": {"commune_code": "999002", "bureaux": [
            {"code": "principal", "name_fr": "Bureau principal", "name_ar": "المكتب الرئيسي"}]},
        "regie": {"tariffs": [{
            "code": "legalisation", "name_fr": "Droit de légalisation de signature", "name_ar": "رسم تصحيح الإمضاء",
            "kind": "fee", "legal_basis": "Loi 47-06, art. 137", "budget_code": "10.40.11",
            "versions": [{"effective_from": "2020-01-01", "base": "flat", "rate": "2"}]}]},
    }
    return parse_recipe(data, source=RECIPES / "formation.yaml")


@pytest.fixture(scope="module")
def sandbox(django_db_setup, django_db_blocker):
    """A sandbox committed for real (resets commit), dropped with its snapshot at the end."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        stale = Commune.objects.filter(slug=SLUG).first()
        if stale is not None:
            sandboxes.drop_sandbox(stale)
        result = create_sandbox(scenario(), slug=SLUG, name="Formation · Bac à sable", trainees=3, ends_on=ENDS_ON)
        print(f"\nsandbox created in {result.seconds:.2f} s ({result.timings})")
        try:
            yield result
        finally:
            connection.set_schema_to_public()
            commune = Commune.objects.filter(slug=SLUG).first()
            if commune is not None:
                sandboxes.drop_sandbox(commune)


@pytest.fixture
def unblocked(django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def trainee_work(commune, trainee_name: str) -> dict:
    """What a trainee does in a morning: a birth act drafted, a receipt issued, an SMS sent, a session opened."""
    from django.contrib.sessions.backends.db import SessionStore

    from modules.civil_status import services as civil_status
    from modules.civil_status.models import Act, Bureau
    from modules.regie.models import ReceiptBook, Tariff
    from modules.regie.services import books, receipts
    from modules.regie.services.receipts import Payment

    with inside(commune):
        trainee = get_user_model().objects.get(username=trainee_name)
        act = civil_status.draft_act(actor=trainee, bureau=Bureau.objects.get(code="principal"), kind=Act.Kind.BIRTH,
                                     data={"first_names_ar": "محمد", "first_names_latin": "Mohamed",
                                           "family_name_ar": "العلوي", "family_name_latin": "Alaoui", "sex": "M",
                                           "event_date": TODAY - datetime.timedelta(days=2),
                                           "event_place_fr": "Sefrou", "event_place_ar": "صفرو",
                                           "mother_name_ar": "فاطمة", "mother_name_latin": "Fatima",
                                           "declarant": {"name": "Ahmed Alaoui", "relation": "père"}})
        with transaction.atomic():
            (book,) = books.create_books(series="QC", year=TODAY.year, count=1, size=50,
                                         use=ReceiptBook.Use.COUNTER)
            books.hand_over(book, trainee)
        receipt = receipts.issue_receipt(actor=trainee, payment=Payment(
            tariff=Tariff.objects.get(code="legalisation"), payer_name="Fatima Zahra Idrissi"))
        sms = notifications.send_sms("0612345678", "Votre acte est prêt.")
        notification_tasks.deliver_message(sms.pk)
        sms.refresh_from_db()
        session = SessionStore()
        session["_auth_user_id"] = str(trainee.pk)
        session.create()
        cache.set("sandbox-test", "trainee was here")
        return {"act": act, "receipt": receipt, "sms": sms}


def test_a_reset_brings_back_exactly_the_snapshot(sandbox, unblocked):
    commune = sandbox.commune
    assert commune.is_training and commune.snapshot_schema == "snapshot__formation_bac"
    assert commune.training_ends_on == ENDS_ON
    at_snapshot = table_state(commune.schema_name)
    assert at_snapshot == table_state(commune.snapshot_schema)

    done = trainee_work(commune, sandbox.trainees[0].username)
    assert done["act"].pk and done["receipt"].amount
    assert done["sms"].status == OutboxMessage.Status.KEPT  # a sandbox's SMS stays in the outbox
    changed = table_state(commune.schema_name)
    assert {table for table in at_snapshot if changed[table] != at_snapshot[table]} >= {
        "civil_status_act", "regie_receipt", "regie_receiptbook", "notifications_outboxmessage", "django_session"}

    seconds = reset_sandbox(commune)
    print(f"\nsandbox reset in {seconds:.3f} s ({len(at_snapshot)} tables)")
    after = table_state(commune.schema_name)
    assert after.keys() == at_snapshot.keys()
    assert {table: after[table] for table in after if after[table] != at_snapshot[table]} == {}
    with inside(commune):
        assert cache.get("sandbox-test") is None
        # The sandbox works after a reset: the same trainee can do it all again, numbered from the start again.
        again = trainee_work(commune, sandbox.trainees[0].username)
        assert again["receipt"].number == done["receipt"].number
    assert AuditEntry.objects.filter(action="tenants.sandbox_reset", object_id=str(commune.pk)).exists()
    reset_sandbox(commune)
    assert table_state(commune.schema_name) == at_snapshot


def test_a_snapshot_behind_the_code_is_migrated_and_taken_again(sandbox, unblocked):
    """A deploy migrates the sandbox but not its snapshot: a reset must not bring back an old schema."""
    commune = sandbox.commune
    snapshots = AuditEntry.objects.filter(action="tenants.sandbox_snapshot", object_id=str(commune.pk)).count()
    with connection.cursor() as cursor:  # as if a deploy had applied a migration to the sandbox only
        cursor.execute(f'INSERT INTO "{commune.schema_name}".django_migrations (app, name, applied) '
                       "VALUES ('sandbox_test', '0001_deployed', now())")
    reset_sandbox(commune)
    assert AuditEntry.objects.filter(action="tenants.sandbox_snapshot", object_id=str(commune.pk)).count() == (
        snapshots + 1)
    assert table_state(commune.schema_name) == table_state(commune.snapshot_schema)


def test_trainees_and_their_sheet(sandbox, unblocked):
    from pypdf import PdfReader

    commune = sandbox.commune
    assert [t.username for t in sandbox.trainees] == ["stagiaire-01", "stagiaire-02", "stagiaire-03"]
    assert [t.roles for t in sandbox.trainees] == [["civil_status.agent", "regie.regisseur"],
                                                   ["civil_status.officer"],
                                                   ["civil_status.agent", "regie.regisseur"]]
    with inside(commune):
        for trainee in sandbox.trainees:
            user = get_user_model().objects.get(username=trainee.username)
            assert user.check_password(trainee.password)
    # The passwords are in the sheet only: no row of the sandbox or its snapshot holds one in clear.
    with connection.cursor() as cursor:
        for schema in (commune.schema_name, commune.snapshot_schema):
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
            for (table,) in cursor.fetchall():
                for trainee in sandbox.trainees:
                    cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}" t WHERE t::text LIKE %s',
                                   [f"%{trainee.password}%"])
                    assert cursor.fetchone()[0] == 0, (schema, table)
    assert sandbox.sheet.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(sandbox.sheet)).pages)
    assert "formation-bac." in text
    for trainee in sandbox.trainees:
        assert trainee.username in text and trainee.password in text
    # The sheet is a paper of a training commune, so it carries the watermark.
    from platform_core.documents.rendering import paper_context

    with inside(commune):
        html = render_to_string(sandboxes.SHEET_TEMPLATE, paper_context({"trainees": sandbox.trainees}))
    assert "FORMATION / تكوين" in html


def test_a_second_sandbox_with_the_same_slug_is_refused(sandbox, unblocked):
    with pytest.raises(SandboxError):
        create_sandbox(scenario(), slug=SLUG, trainees=1, ends_on=ENDS_ON)


def test_the_commands(sandbox, unblocked, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("sandbox", "reset", SLUG, stdout=out)
    assert "back to its snapshot" in out.getvalue()
    sheet = tmp_path / "sheet.pdf"
    try:
        call_command("sandbox", "create", str(RECIPES / "formation.yaml"), "--slug", "formation-cmd", "--trainees",
                     "2", "--ends", ENDS_ON.isoformat(), "--sheet", str(sheet), stdout=out)
        made = Commune.objects.get(slug="formation-cmd")
        assert made.is_training and schema_exists(made.snapshot_schema)
        assert sheet.read_bytes().startswith(b"%PDF")
    finally:
        connection.set_schema_to_public()
        made = Commune.objects.filter(slug="formation-cmd").first()
        if made is not None:
            sandboxes.drop_sandbox(made)
    assert not schema_exists("formation_cmd") and not schema_exists("snapshot__formation_cmd")


def test_expiry_archives_the_sandbox_and_drops_its_snapshot(sandbox, unblocked):
    """Last in this file, as it archives the module's sandbox (no `db` fixture here: pytest-django would move
    the test ahead of the others)."""
    from django.core.management import call_command

    commune = sandbox.commune
    out = io.StringIO()
    call_command("sandbox", "expire", stdout=out)  # today: the training runs on
    assert "0 sandbox(es) archived" in out.getvalue()
    assert expire_sandboxes(today=ENDS_ON) == []  # the last day is still a training day
    started = time.perf_counter()
    expired = expire_sandboxes(today=ENDS_ON + datetime.timedelta(days=1))
    assert [c.slug for c in expired] == [SLUG]
    commune.refresh_from_db()
    assert commune.status == Commune.Status.ARCHIVED and commune.snapshot_schema == ""
    assert not schema_exists(sandboxes.SNAPSHOT_PREFIX + commune.schema_name)
    assert schema_exists(commune.schema_name)
    assert Commune.objects.get(slug="formation-sefrou").status != Commune.Status.ARCHIVED  # no end date: kept
    with pytest.raises(SandboxError):
        reset_sandbox(commune)
    assert expire_sandboxes(today=ENDS_ON + datetime.timedelta(days=2)) == []
    print(f"\nexpiry in {time.perf_counter() - started:.3f} s")
