"""migrate_all: public, the template first, then only the communes behind the code, in parallel; a failing commune
does not stop the others.

A commune is put behind the code by fake-unapplying `sessions.0001_initial` (a leaf migration: nothing depends
on it) in its schema: its django_migrations row deleted and the table it created dropped. Deleting the row
but keeping the table makes the migration fail there ("relation already exists").
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from platform_core.audit.models import AuditEntry
from platform_core.migration_executor import applied_by_schema
from tenants.models import Commune
from tenants.services.clone import clone_template
from tenants.services.migrations import migrate_all
from tenants.services.template import TEMPLATE_SCHEMA

PROCESSES = 2


@pytest.fixture
def communes(django_db_setup, django_db_blocker):
    """make(slug, status) clones the template into a committed commune, dropped afterwards."""
    made = []

    def make(slug, status=Commune.Status.LIVE):
        schema = Commune.schema_name_for(slug)
        connection.set_schema_to_public()
        with transaction.atomic():
            Commune.objects.create(schema_name=schema, slug=slug, name_fr=slug, name_ar=slug, status=status)
            clone_template(TEMPLATE_SCHEMA, schema)
        made.append(schema)
        return schema

    with django_db_blocker.unblock():
        yield make
        connection.set_schema_to_public()
        for schema in made:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            Commune.objects.filter(schema_name=schema).delete()


def put_behind(schema, *, drop_table=True):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM \"{schema}\".django_migrations WHERE app = 'sessions'")
        if drop_table:
            cursor.execute(f'DROP TABLE "{schema}".django_session')


def has_sessions_table(schema):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}".django_session'])
        return cursor.fetchone()[0]


def test_with_nothing_pending_no_commune_is_visited(communes):
    a = communes("mig-idle")
    result = migrate_all(processes=PROCESSES)
    assert result.ok and result.migrated == [] and result.pending == []
    assert not result.public_migrated
    assert {TEMPLATE_SCHEMA, "sefrou", "berkane", "formation_sefrou", a} <= set(result.skipped)
    assert AuditEntry.objects.filter(action="tenants.migrate_all").exists()


def test_only_the_commune_behind_is_migrated_and_ends_up_like_the_others(communes):
    behind, other = communes("mig-behind"), communes("mig-other")
    put_behind(behind)

    planned = migrate_all(processes=PROCESSES, dry_run=True)
    assert planned.pending == [behind] and planned.migrated == []
    assert not has_sessions_table(behind)

    result = migrate_all(processes=PROCESSES)
    assert result.ok and result.migrated_schemas == [behind]
    assert other in result.skipped and "sefrou" in result.skipped
    applied = applied_by_schema([behind, other])
    assert applied[behind] == applied[other]
    assert has_sessions_table(behind)


def test_a_failing_commune_is_reported_and_the_others_are_still_migrated(communes):
    broken = communes("mig-broken")
    fine = communes("mig-fine")
    suspended = communes("mig-suspended", Commune.Status.SUSPENDED)
    archived = communes("mig-archived", Commune.Status.ARCHIVED)
    put_behind(broken, drop_table=False)  # the migration's table is still there: CREATE TABLE fails
    for schema in (fine, suspended, archived):
        put_behind(schema)

    result = migrate_all(processes=PROCESSES)
    assert not result.ok
    assert [outcome.schema for outcome in result.failed] == [broken]
    assert "already exists" in result.failed[0].error
    assert set(result.migrated_schemas) == {fine, suspended}
    assert archived in result.archived and not has_sessions_table(archived)
    assert has_sessions_table(fine) and has_sessions_table(suspended)

    # The command says so through its exit code, and lists the failure.
    with pytest.raises(CommandError, match="1 schema"):
        call_command("migrate_all", "--processes", "1")


def test_the_template_is_migrated_before_the_communes(communes):
    behind = communes("mig-after-template")
    put_behind(TEMPLATE_SCHEMA)
    put_behind(behind)

    result = migrate_all(processes=PROCESSES)
    assert result.ok
    assert result.migrated_schemas == [TEMPLATE_SCHEMA, behind]
    template, commune = result.migrated
    assert template.finished <= commune.started
    assert has_sessions_table(TEMPLATE_SCHEMA) and schema_exists(behind)
    applied = applied_by_schema([TEMPLATE_SCHEMA, behind, "sefrou"])
    assert applied[TEMPLATE_SCHEMA] == applied[behind] == applied["sefrou"]
