"""Migrating the whole platform after a deploy: the public schema, the template commune, then the communes.

The communes whose applied migrations already match the code are found in one query
(platform_core.migration_executor.applied_by_schema) and never visited; the others are migrated in parallel
processes, each commune on its own, so that one failing commune does not stop the rest. The template goes
first and alone: communes are cloned from it with their migrations faked, so a template behind the code would
yield communes behind the code.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.routers import TenantSyncRouter
from django_tenants.utils import get_public_schema_name

from platform_core.audit import services as audit
from platform_core.migration_executor import applied_by_schema, pending_schemas
from tenants.models import Commune
from tenants.services.template import TEMPLATE_SCHEMA, ensure_template


@dataclass(frozen=True)
class SchemaOutcome:
    schema: str
    error: str = ""  # empty when it succeeded
    started: float = 0.0  # time.time() in the process that migrated it
    finished: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class MigrateAllResult:
    dry_run: bool = False
    public_migrated: bool = False
    # Schemas migrated, in the order they finished (the template first when it was behind).
    migrated: list[SchemaOutcome] = field(default_factory=list)
    failed: list[SchemaOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already up to date: not visited
    archived: list[str] = field(default_factory=list)  # archived communes are left as they are
    pending: list[str] = field(default_factory=list)  # what was behind the code when the run started
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def migrated_schemas(self) -> list[str]:
        return [outcome.schema for outcome in self.migrated]

    def summary_line(self) -> str:
        """One line that scripts (and the benchmark) can read."""
        verb, public = ("would migrate", "behind") if self.dry_run else ("migrated", "migrated")
        count = len(self.pending) if self.dry_run else len(self.migrated)
        return (f"migrate_all: {verb} {count}, skipped {len(self.skipped)} up to date, failed {len(self.failed)}, "
                f"archived {len(self.archived)}, public {public if self.public_migrated else 'up to date'}, "
                f"{self.seconds:.2f} s")


@functools.cache
def expected_shared_migrations() -> frozenset[tuple[str, str]]:
    """Every migration on disk that belongs in the public schema (the shared apps)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)  # reads the files only
    router = TenantSyncRouter()
    return frozenset(key for key in loader.disk_migrations if router.app_in_list(key[0], settings.SHARED_APPS))


def public_is_pending() -> bool:
    public = get_public_schema_name()
    return not expected_shared_migrations() <= applied_by_schema([public]).get(public, set())


def commune_schemas() -> tuple[list[str], list[str]]:
    """(schemas to consider, archived schemas), the template excluded: it is migrated on its own, first."""
    connection.set_schema_to_public()
    rows = (Commune.objects.exclude(schema_name__in=[get_public_schema_name(), TEMPLATE_SCHEMA])
            .order_by("schema_name").values_list("schema_name", "status"))
    active, archived = [], []
    for schema, status in rows:
        (archived if status == Commune.Status.ARCHIVED else active).append(schema)
    return active, archived


def _migrate_schema(schema: str) -> SchemaOutcome:
    """Migrate one commune schema in a worker process; any error is returned, not raised."""
    started = time.time()
    try:
        call_command("migrate_schemas", schema_name=schema, executor="standard", interactive=False, verbosity=0,
                     skip_checks=True)
    except Exception as error:  # a commune failing must not stop the others
        connections.close_all()  # the connection may be in an aborted transaction
        return SchemaOutcome(schema, f"{type(error).__name__}: {error}".strip(), started, time.time())
    finally:
        connection.set_schema_to_public()
    return SchemaOutcome(schema, "", started, time.time())


def migrate_all(*, processes: int | None = None, dry_run: bool = False,
                on_commune: Callable[[SchemaOutcome], None] | None = None,
                on_plan: Callable[[list[str]], None] | None = None,
                before_migrating: Callable[[], None] | None = None) -> MigrateAllResult:
    """Bring every schema in line with the code: public, then the template, then the communes behind (in
    parallel, `processes` at a time, default os.cpu_count()). Archived communes are left alone; suspended ones
    are migrated. `before_migrating` runs once before the first migration, only if anything is behind (the
    command's system checks); `on_plan` receives the communes about to be migrated, `on_commune` each outcome.
    """
    started = time.perf_counter()
    result = MigrateAllResult(dry_run=dry_run)
    connection.set_schema_to_public()
    public_pending = public_is_pending()
    active, result.archived = commune_schemas()
    todo = pending_schemas([TEMPLATE_SCHEMA, *active])
    result.pending = list(todo)
    result.skipped = [schema for schema in [TEMPLATE_SCHEMA, *active] if schema not in todo]
    result.public_migrated = public_pending
    if dry_run:
        result.seconds = time.perf_counter() - started
        return result
    if (public_pending or todo) and before_migrating is not None:
        before_migrating()

    if public_pending:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0, skip_checks=True)
        connection.set_schema_to_public()

    if TEMPLATE_SCHEMA in todo:
        todo.remove(TEMPLATE_SCHEMA)
        template_started = time.time()
        try:
            ensure_template()  # migrates it and prepares its content again, under the provisioning lock
        except Exception as error:
            # Communes are not touched behind a template that the code cannot migrate: the same migrations
            # would most likely fail in each of them, and new communes would be cloned from a broken template.
            result.failed.append(SchemaOutcome(TEMPLATE_SCHEMA, f"{type(error).__name__}: {error}",
                                               template_started, time.time()))
            result.skipped = [schema for schema in result.skipped if schema != TEMPLATE_SCHEMA]
            _finish(result, started)
            return result
        result.migrated.append(SchemaOutcome(TEMPLATE_SCHEMA, "", template_started, time.time()))
        connection.set_schema_to_public()

    if on_plan is not None:
        on_plan(todo)
    for outcome in _migrate_communes(todo, processes or os.cpu_count() or 1):
        (result.migrated if outcome.ok else result.failed).append(outcome)
        if on_commune is not None:
            on_commune(outcome)
    _finish(result, started)
    return result


def _migrate_communes(schemas: list[str], processes: int):
    if not schemas:
        return
    if processes <= 1 or len(schemas) == 1:
        for schema in schemas:
            yield _migrate_schema(schema)
        return
    # Workers are forked: they inherit the loaded apps and settings (the test database's name too); no
    # connection may cross the fork.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=min(processes, len(schemas))) as pool:
        yield from pool.imap_unordered(_migrate_schema, schemas)


def _finish(result: MigrateAllResult, started: float) -> None:
    result.seconds = time.perf_counter() - started
    connection.set_schema_to_public()
    with transaction.atomic():
        audit.record("tenants.migrate_all", object_type="platform", after={
            "migrated": result.migrated_schemas,
            "failed": {outcome.schema: outcome.error for outcome in result.failed},
            "skipped": len(result.skipped),
            "archived": len(result.archived),
            "public_migrated": result.public_migrated,
            "seconds": round(result.seconds, 2),
        })
