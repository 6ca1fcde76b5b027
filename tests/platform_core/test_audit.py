"""The audit journal: append-only in the database, hash-chained, and verify_audit finds any tampering."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from platform_core.audit.models import AuditEntry, AuditHead
from platform_core.audit.services import record, verify


def write(n, **kwargs):
    with transaction.atomic():
        return [record("test.action", object_type="test.thing", object_id=str(i), after={"i": i, "name": "سعيد"},
                       **kwargs) for i in range(n)]


def test_entries_chain_and_verify(sefrou, in_commune):
    with in_commune(sefrou):
        entries = write(3)
        assert entries[1].previous_hash == entries[0].entry_hash
        assert entries[2].previous_hash == entries[1].entry_hash
        assert verify() == []


def test_the_database_refuses_updates_and_deletes(sefrou, in_commune):
    with in_commune(sefrou):
        entry = write(1)[0]
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()
        with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic():
            AuditHead.objects.update(last_sequence=0)


def tamper(sql, params):
    """What a database superuser could do by going around the triggers."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # disables ordinary triggers
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE audit_auditentry SET after = '{\"i\": 99}' WHERE sequence = %s", "was edited"),
        ("DELETE FROM audit_auditentry WHERE sequence = %s", "missing"),
    ],
)
def test_verify_finds_an_edited_or_deleted_entry(sefrou, in_commune, sql, expected):
    with in_commune(sefrou):
        entries = write(4)
        victim = entries[1].sequence
        tamper(sql, [victim])
        problems = verify()
        assert problems and any(expected in p.message for p in problems)
        assert problems[0].sequence == victim


def test_verify_finds_the_newest_entries_deleted(sefrou, in_commune):
    with in_commune(sefrou):
        entries = write(3)
        tamper("DELETE FROM audit_auditentry WHERE sequence >= %s", [entries[1].sequence])
        assert any("end of the journal" in p.message for p in verify())


def test_verify_audit_command_reports_and_fails(sefrou, in_commune, capsys):
    with in_commune(sefrou):
        entries = write(2)
    call_command("verify_audit", schema=["sefrou", "berkane"])
    assert "sefrou: intact" in capsys.readouterr().out
    with in_commune(sefrou):
        tamper("UPDATE audit_auditentry SET actor_label = 'someone else' WHERE sequence = %s", [entries[0].sequence])
    connection.set_schema_to_public()
    with pytest.raises(CommandError, match="broken in 1 of 2"):
        call_command("verify_audit", schema=["sefrou", "berkane"])
    out = capsys.readouterr().out
    assert f"entry {entries[0].sequence}: was edited" in out and "berkane: intact" in out


def test_entries_are_written_only_inside_the_audited_transaction(django_db_setup, django_db_blocker):
    def outside_any_transaction():
        try:
            connection.set_schema("sefrou")
            with pytest.raises(transaction.TransactionManagementError):
                record("test.action")
        finally:
            connections.close_all()

    with django_db_blocker.unblock(), ThreadPoolExecutor(1) as pool:
        pool.submit(outside_any_transaction).result()


@pytest.mark.parametrize(
    ("remote", "forwarded", "recorded"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not through our proxy: the header is the client's word
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # our proxy appended the last hop
        ("127.0.0.1", "not-an-address", None),  # nonsense never aborts the audited write
        ("2001:0db8:0000::0001", "", "2001:db8::1"),  # stored and hashed in canonical form
    ],
)
def test_the_recorded_address_is_the_clients_and_cannot_be_forged(rf, sefrou, in_commune, remote, forwarded,
                                                                   recorded):
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with in_commune(sefrou), transaction.atomic():
        entry = record("test.action", request=request)
        assert entry.ip_address == recorded
        assert verify() == []
