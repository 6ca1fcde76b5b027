"""The migrate benchmark's database: the platform set up, and 200 communes cloned from the template.

Run by benchmarks.migrate as `python -m benchmarks.migrate_fixture RESULT.json` with DATABASE_URL naming that
database: a process of its own, because Django reads DATABASE_URL once per process. The communes
(`bench-noop-001` ... `bench-noop-200`) are made on the first run and reused afterwards; setup_platform has
migrated them first if the code moved on, so that the benchmark's runs find nothing to do.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

COMMUNES = 200
SLUG_PREFIX = "bench-noop-"
SCHEMA_PREFIX = SLUG_PREFIX.replace("-", "_")


def _slug(number: int) -> str:
    return f"{SLUG_PREFIX}{number:03d}"


def _existing_schemas() -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [SCHEMA_PREFIX])
        return {row[0] for row in cursor.fetchall()}


def _create_commune(slug: str, has_row: bool, has_schema: bool) -> None:
    """A Commune row and a clone of the template (DATA mode: migration records included), together."""
    from django.db import connection, transaction

    from tenants.models import Commune
    from tenants.services.clone import clone_template
    from tenants.services.template import TEMPLATE_SCHEMA

    schema = Commune.schema_name_for(slug)
    with transaction.atomic():
        if has_schema and not has_row:  # left by an interrupted run: its content is unknown
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA {connection.ops.quote_name(schema)} CASCADE")
            has_schema = False
        if not has_row:
            Commune.objects.create(schema_name=schema, slug=slug, name_fr=f"Commune {slug}",
                                   name_ar=f"جماعة {slug}", status=Commune.Status.LIVE)
        if not has_schema:
            clone_template(TEMPLATE_SCHEMA, schema)
    # A server session that has made many schemas keeps growing catalog caches: one connection per clone.
    connection.close()


def ensure_communes(console: Console) -> int:
    """Create whichever of the 200 communes is missing; returns how many were created."""
    from django.db import connection

    from tenants.models import Commune

    connection.set_schema_to_public()
    rows = set(Commune.objects.filter(slug__startswith=SLUG_PREFIX).values_list("schema_name", flat=True))
    schemas = _existing_schemas()
    missing = [_slug(n) for n in range(1, COMMUNES + 1)
               if Commune.schema_name_for(_slug(n)) not in rows & schemas]
    if not missing:
        return 0
    started = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"Cloning {len(missing)} benchmark communes (once)", total=len(missing))
        for slug in missing:
            schema = Commune.schema_name_for(slug)
            _create_commune(slug, schema in rows, schema in schemas)
            progress.advance(task)
    console.log(f"cloned {len(missing)} communes in {time.perf_counter() - started:.0f} s")
    return len(missing)


def time_one_clone() -> float:
    """Seconds to clone the template here, rolled back: cloning slows down as schemas add up in a database."""
    from django.db import connection, transaction

    from tenants.services.clone import clone_template
    from tenants.services.template import TEMPLATE_SCHEMA

    connection.close()  # a fresh session, as provisioning has
    with transaction.atomic():
        started = time.perf_counter()
        clone_template(TEMPLATE_SCHEMA, f"{SCHEMA_PREFIX}probe")
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def tenant_schema_count() -> int:
    from tenants.models import Commune

    return Commune.objects.exclude(schema_name="public").count()


def main(argv: list[str]) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    console = Console(highlight=False)
    call_command("setup_platform", verbosity=0)
    created = ensure_communes(console)
    result = {"created": created, "schemas": tenant_schema_count(), "clone_s": time_one_clone()}
    Path(argv[1]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
