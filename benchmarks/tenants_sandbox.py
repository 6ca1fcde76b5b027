"""tenants.sandbox_reset_s: resetting a demo-sized training sandbox to its snapshot, against provisioning it again.

Figure: tenants.services.sandboxes.reset_sandbox on a sandbox made by create_sandbox from the demo formation
recipe (recipes/demo/formation-sefrou.yaml, every module, its demo data: a year of régie collection, civil-status
registers, ...) with 20 trainees; before each reset a trainee's work is simulated (an SMS in the outbox and a
cache entry), so that every reset has something to undo. Baseline: the slow way to the same state, dropping the
sandbox and provisioning it again from its recipe (provision_commune, demo data seeded again; trainees not even
counted). Runs are interleaved so that the machine's noise falls on both sides alike.
"""

from __future__ import annotations

import datetime
import time

from django.db import connection
from rich.console import Console

from benchmarks.report import Figure, median, samples_text, time_figure

RESET_RUNS = 5
REPROVISION_RUNS = 2
TRAINEES = 20
SLUG = "bench-sandbox"


def _recipe():
    from tenants.recipes import DEMO_RECIPES_DIR, load_recipe

    return load_recipe(DEMO_RECIPES_DIR / "formation-sefrou.yaml")


def _drop() -> None:
    from tenants.models import Commune
    from tenants.services.sandboxes import drop_sandbox

    connection.set_schema_to_public()
    commune = Commune.objects.filter(slug=SLUG).first()
    if commune is not None:
        drop_sandbox(commune)


def _create():
    from tenants.services.sandboxes import create_sandbox

    return create_sandbox(_recipe(), slug=SLUG, trainees=TRAINEES,
                          ends_on=datetime.date.today() + datetime.timedelta(days=30))


def _trainee_was_here(commune) -> None:
    from django.core.cache import cache
    from django_tenants.utils import tenant_context

    from platform_core.notifications import services as notifications

    with tenant_context(commune):
        notifications.send_sms("0612345678", "Exercice")
        cache.set("bench-sandbox", "trainee was here")
    connection.set_schema_to_public()


def _reprovision_once() -> float:
    """The slow way: drop the sandbox, provision it from its recipe again (untimed drop)."""
    from tenants.services.provisioning import provision_commune
    from tenants.services.sandboxes import _scenario

    _drop()
    scenario = _scenario(_recipe(), slug=SLUG, name=None)
    started = time.perf_counter()
    provision_commune(scenario, check_template=False)
    elapsed = time.perf_counter() - started
    _drop()
    return elapsed


def _table_count(schema: str) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables WHERE schemaname = %s",
                       [schema])
        return cursor.fetchone()


def run(console: Console) -> list[Figure]:
    from tenants.models import Commune
    from tenants.services.sandboxes import reset_sandbox

    _drop()  # leftovers of an interrupted run
    resets: list[float] = []
    reprovisions: list[float] = []
    try:
        with console.status("Creating the demo sandbox..."):
            created = _create()
        console.log(f"sandbox created in {created.seconds:.2f} s ({created.timings})")
        tables, rows = _table_count(created.commune.schema_name)
        for index in range(max(RESET_RUNS, REPROVISION_RUNS)):
            if index < RESET_RUNS:
                commune = Commune.objects.get(slug=SLUG)
                _trainee_was_here(commune)
                resets.append(reset_sandbox(commune))
                console.log(f"reset run {index + 1}/{RESET_RUNS}: {resets[-1]:.3f} s")
            if index < REPROVISION_RUNS:
                reprovisions.append(_reprovision_once())
                console.log(f"re-provisioning run {index + 1}/{REPROVISION_RUNS}: {reprovisions[-1]:.3f} s")
                if index + 1 < RESET_RUNS:
                    _create()  # untimed: the sandbox back for the next resets
    finally:
        _drop()
    detail = (
        f"value: median of {RESET_RUNS} reset_sandbox runs {samples_text(resets, 3)} s on the demo formation "
        f"sandbox (recipes/demo/formation-sefrou.yaml, all modules, demo data, {TRAINEES} trainees; {tables} "
        f"tables, ~{rows} rows), each = drop the schema + clone the snapshot schema back (rows, sequences, "
        "constraints, indexes, triggers) under the provisioning lock + audit + files + the schema's cache keys; "
        f"an SMS and a cache entry made before each. baseline: median of {REPROVISION_RUNS} provision_commune "
        f"runs of the same recipe from scratch {samples_text(reprovisions, 2)} s (demo data seeded again, no "
        "trainees). Goal: value < 5 s."
    )
    return [time_figure("tenants.sandbox_reset_s", median(resets), median(reprovisions), detail)]
