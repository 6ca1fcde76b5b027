"""A migrate_schemas executor that visits only the schemas with something to migrate.

`migrate_schemas --executor=pending` (the default of `make run` and of the operators' commands) reads every
commune's applied migrations in one query, leaves the schemas that already match the code alone, migrates the
template first (communes are cloned from it), then the rest in parallel processes. With an explicit app label,
a migration target or --fake it behaves like the stock parallel executor on every schema.
"""

import functools

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django_tenants.migration_executors.base import MigrationExecutor, run_migrations
from django_tenants.migration_executors.multiproc import get_pool, run_migrations_percent
from django_tenants.routers import TenantSyncRouter


@functools.cache
def expected_tenant_migrations() -> frozenset[tuple[str, str]]:
    """Every migration on disk that belongs in a commune schema (read once per process: files do not change
    under a running process, and a deploy restarts it)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)  # reads the files only, not a database
    tenant_router = TenantSyncRouter()
    return frozenset(
        key for key in loader.disk_migrations if tenant_router.app_in_list(key[0], settings.TENANT_APPS)
    )


def applied_by_schema(schemas: list[str]) -> dict[str, set[tuple[str, str]]]:
    """The applied migrations of each schema that has a migrations table, in one round trip."""
    if not schemas:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [schemas],
        )
        with_table = [row[0] for row in cursor.fetchall()]
        applied: dict[str, set[tuple[str, str]]] = {schema: set() for schema in with_table}
        if with_table:
            union = " UNION ALL ".join(
                f"SELECT %s, app, name FROM {connection.ops.quote_name(schema)}.django_migrations"
                for schema in with_table
            )
            cursor.execute(union, with_table)
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))
    return applied


def pending_schemas(schemas: list[str]) -> list[str]:
    expected = expected_tenant_migrations()
    applied = applied_by_schema(schemas)
    return [schema for schema in schemas if not expected <= applied.get(schema, set())]


class PendingOnlyExecutor(MigrationExecutor):
    codename = "pending"

    def _filtering_allowed(self) -> bool:
        return not (self.args or self.options.get("app_label") or self.options.get("migration_name")
                    or self.options.get("fake") or self.options.get("fake_initial"))

    def run_migrations(self, tenants=None):
        tenants = list(tenants or [])
        if self.PUBLIC_SCHEMA_NAME in tenants:
            run_migrations(self.args, self.options, self.codename, self.PUBLIC_SCHEMA_NAME)
            tenants.remove(self.PUBLIC_SCHEMA_NAME)
        if not tenants:
            return
        connection.set_schema_to_public()
        todo = pending_schemas(tenants) if self._filtering_allowed() else tenants
        skipped = len(tenants) - len(todo)
        if int(self.options.get("verbosity", 1)) >= 1:
            print(f"[pending] {len(todo)} schema(s) to migrate, {skipped} already up to date")
        base = settings.TENANT_BASE_SCHEMA
        if base in todo:
            run_migrations(self.args, self.options, self.codename, base)
            todo.remove(base)
        if len(todo) <= 1:
            for schema in todo:
                run_migrations(self.args, self.options, self.codename, schema)
            return
        db = connections[self.TENANT_DB_ALIAS]
        db.close()
        db.connection = None
        run = functools.partial(run_migrations_percent, self.args, self.options, self.codename, len(todo))
        with get_pool() as pool:
            pool.map(run, enumerate(todo), getattr(settings, "TENANT_MULTIPROCESSING_CHUNKS", 2))

    def run_multi_type_migrations(self, tenants):
        raise NotImplementedError("Jamaa does not use multi-type tenants.")
