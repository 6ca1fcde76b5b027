"""provision.clone_s: provisioning a commune from a recipe by cloning the template, against migrating a schema.

Figure: tenants.services.provisioning.provision_commune with a small recipe (check_template=False, the
template being already up to date). Baseline: the stock django-tenants creation path, a Commune row, CREATE
SCHEMA and migrate_schemas for that schema (Commune.create_schema with TENANT_CREATION_FAKES_MIGRATIONS off).
The runs are interleaved so that the machine's noise falls on both sides alike; each run's commune is
dropped before the next run.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

from django.db import connection
from django.test import override_settings
from rich.console import Console

from benchmarks.report import Figure, median, samples_text, time_figure

CLONE_RUNS = 5
MIGRATE_RUNS = 3
SLUG_PREFIX = "bench-provision-"
SCHEMA_PREFIX = SLUG_PREFIX.replace("-", "_")


def small_recipe(slug: str):
    """A commune with no module, one administrator and the standard portal: the smallest real recipe."""
    from tenants.recipes import parse_recipe

    return parse_recipe({
        "commune": {"slug": slug, "name_fr": f"Commune {slug}", "name_ar": f"جماعة {slug}",
                    "province": "Province de Sefrou"},
        "domains": [slug],
        "modules": [],
        "administrator": {"username": "admin.bench", "first_name": "Karim", "last_name": "Bennani",
                          "first_name_ar": "كريم", "last_name_ar": "بناني", "password": "bench-admin-pw"},
        "portal": {"intro_fr": "Bienvenue", "intro_ar": "مرحبا"},
    })


def clone_once(index: int) -> float:
    from tenants.services.provisioning import provision_commune

    recipe = small_recipe(f"{SLUG_PREFIX}clone-{index}")
    started = time.perf_counter()
    result = provision_commune(recipe, check_template=False)
    elapsed = time.perf_counter() - started
    if not result.created:
        raise RuntimeError(f"{recipe.commune.slug} already existed: the clean-up before the runs failed")
    return elapsed


@contextmanager
def _stock_executor():
    # setup_platform makes `pending` this process's default executor; the baseline is the stock one.
    previous = os.environ.get("EXECUTOR")
    os.environ["EXECUTOR"] = "standard"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("EXECUTOR", None)
        else:
            os.environ["EXECUTOR"] = previous


def migrate_once(index: int) -> float:
    from tenants.models import Commune

    slug = f"{SLUG_PREFIX}migrate-{index}"
    commune = Commune(schema_name=Commune.schema_name_for(slug), slug=slug, name_fr=f"Commune {slug}",
                      name_ar=f"جماعة {slug}", status=Commune.Status.LIVE)
    connection.set_schema_to_public()
    started = time.perf_counter()
    commune.save()
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False), _stock_executor():
        commune.create_schema(sync_schema=True, verbosity=0)
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def drop_benchmark_communes() -> int:
    """Drop the communes (rows, domains, subscriptions, schemas) this benchmark made, even half-made ones.

    The public audit journal keeps its provisioning entries: it is append-only by design (database triggers).
    """
    from tenants.models import Commune

    connection.set_schema_to_public()
    dropped = 0
    for commune in Commune.objects.filter(slug__startswith=SLUG_PREFIX):
        commune.delete(force_drop=True)
        dropped += 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [SCHEMA_PREFIX])
        for (schema,) in cursor.fetchall():
            cursor.execute(f"DROP SCHEMA {connection.ops.quote_name(schema)} CASCADE")
            dropped += 1
    return dropped


def tenant_schema_count() -> int:
    from tenants.models import Commune

    connection.set_schema_to_public()
    return Commune.objects.exclude(schema_name="public").count()


def run(console: Console) -> list[Figure]:
    drop_benchmark_communes()  # leftovers of an interrupted run
    # Cloning slows down as schemas add up in the database (see environment.MIGRATE_DATABASE), so every run
    # starts from the same database: each commune is dropped (untimed) before the next run.
    schemas = tenant_schema_count()
    clones: list[float] = []
    migrations: list[float] = []
    try:
        for index in range(max(CLONE_RUNS, MIGRATE_RUNS)):
            if index < CLONE_RUNS:
                clones.append(clone_once(index))
                drop_benchmark_communes()
                console.log(f"clone run {index + 1}/{CLONE_RUNS}: {clones[-1]:.3f} s")
            if index < MIGRATE_RUNS:
                migrations.append(migrate_once(index))
                drop_benchmark_communes()
                console.log(f"migrations run {index + 1}/{MIGRATE_RUNS}: {migrations[-1]:.3f} s")
    finally:
        drop_benchmark_communes()
    detail = (
        f"value: median of {CLONE_RUNS} provision_commune(small recipe, check_template=False) runs "
        f"{samples_text(clones, 3)} s, each = Commune row + clone of the template schema (DATA mode, "
        "migrations faked) + domain + subscriptions + portal home pages ar/fr + Site + roles + administrator "
        "(password hashed) + audit, in one transaction under the provisioning lock. "
        f"baseline: median of {MIGRATE_RUNS} stock creations {samples_text(migrations, 2)} s, each = "
        "Commune row + CREATE SCHEMA + migrate_schemas for that schema (Commune.create_schema, "
        "TENANT_CREATION_FAKES_MIGRATIONS=False, standard executor); no recipe applied. "
        f"Each run starts with {schemas} tenant schema(s) in the database (the runs' communes are dropped "
        "between runs). Goal: value < 1 s and ratio >= 5."
    )
    return [time_figure("provision.clone_s", median(clones), median(migrations), detail)]
