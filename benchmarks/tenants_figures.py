"""tenants.console_figures_50_ms: the console's live figures for a page of 50 communes, in one query.

Figure: tenants.figures.live_figures(page) — staff, signed acts, receipts, online requests and last activity of
50 communes in one UNION ALL query (plus the query that checks their schemas exist). Baseline: the naive way to
the same numbers, for each commune `tenant_context(commune)` then the five counts with the ORM. (Storage used is
measured nightly, not here: sizing every relation of 50 schemas took seconds.) Both run on the same pages in the same
process, interleaved, and must give the same numbers.

The communes are the 200 of the migrate benchmarks' database (environment.MIGRATE_DATABASE, built by
benchmarks.migrate_fixture through benchmarks.migrate.prepare_database, reused when it is there); the runs go
through its 4 pages of 50 in turn. Django reads DATABASE_URL once per process, so the measuring happens in a
process of its own: `python -m benchmarks.tenants_figures RESULT.json` with DATABASE_URL naming that database.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from benchmarks.environment import MIGRATE_DATABASE, run_python
from benchmarks.migrate import prepare_database
from benchmarks.migrate_fixture import SLUG_PREFIX
from benchmarks.report import Figure, median, samples_text, time_figure

PAGE = 50
RUNS = 20  # each way at most; the first round of each page is a warm-up, not counted
MIN_RUNS = 5
BUDGET_SECONDS = 150  # after MIN_RUNS, no new run starts past this (a slow figure must not stall the group)
TIMEOUT_SECONDS = 900


def _naive_figures(communes) -> dict[str, tuple]:
    """What the console would do without live_figures: enter each commune and count there."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from cms.citizens.models import CitizenProfile
    from modules.civil_status.models import Act
    from modules.regie.models import Receipt
    from platform_core.audit.models import AuditEntry
    from platform_core.eservices.models import ServiceRequest
    from tenants.services.support import SUPPORT_PREFIX

    figures = {}
    for commune in communes:
        with tenant_context(commune):
            staff = (get_user_model().objects.filter(is_active=True).exclude(username__startswith=SUPPORT_PREFIX)
                     .exclude(pk__in=CitizenProfile.objects.values("user_id")).count())
            acts = Act.objects.filter(status="signed").count()
            receipts = Receipt.objects.count()
            requests = ServiceRequest.objects.count()
            last = AuditEntry.objects.order_by("-sequence").values_list("recorded_at", flat=True).first()
        figures[commune.schema_name] = (staff, acts, receipts, requests, last)
    return figures


def _as_tuples(figures) -> dict[str, tuple]:
    return {schema: (f.staff, f.acts, f.receipts, f.requests, f.last_activity)
            for schema, f in figures.items()}


def measure(result: Path) -> None:
    """In the 200-commune database: time both ways on each page in turn, check they agree, write the times."""
    from django.db import connection

    from tenants.figures import live_figures
    from tenants.models import Commune

    connection.set_schema_to_public()
    communes = list(Commune.objects.filter(slug__startswith=SLUG_PREFIX).order_by("slug"))
    pages = [communes[start:start + PAGE] for start in range(0, len(communes), PAGE)]
    pages = [page for page in pages if len(page) == PAGE]
    if not pages:
        raise RuntimeError(f"no page of {PAGE} benchmark communes in this database")
    times: dict[str, list[float]] = {"figure": [], "baseline": []}
    started_all = time.perf_counter()
    for index in range(len(pages) + RUNS):
        if len(times["figure"]) >= MIN_RUNS and time.perf_counter() - started_all > BUDGET_SECONDS:
            break
        page = pages[index % len(pages)]
        started = time.perf_counter()
        fast = live_figures(page)
        figure_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        naive = _naive_figures(page)
        baseline_ms = (time.perf_counter() - started) * 1000
        connection.set_schema_to_public()
        if _as_tuples(fast) != naive:
            raise RuntimeError("live_figures and the per-commune counts disagree")
        if index >= len(pages):  # every page warmed up once (connection, catalogue caches, plans)
            times["figure"].append(figure_ms)
            times["baseline"].append(baseline_ms)
    sample = _as_tuples(live_figures(pages[0]))[pages[0][0].schema_name]
    result.write_text(json.dumps({**times, "communes": len(communes), "pages": len(pages),
                                  "sample": [value if isinstance(value, int) else str(value) for value in sample]}))


def run(console: Console) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="jamaa-bench-") as logs:
        fixture = prepare_database(console, Path(logs))
        result = Path(logs) / "figures.json"
        started = time.perf_counter()
        run_python("-m", "benchmarks.tenants_figures", str(result), timeout=TIMEOUT_SECONDS,
                   database=MIGRATE_DATABASE)
        data = json.loads(result.read_text())
    runs = len(data["figure"])
    console.log(f"{runs} runs each way in {time.perf_counter() - started:.1f} s")
    figure, baseline = median(data["figure"]), median(data["baseline"])
    console.log(f"live_figures: {figure:.1f} ms; per-commune ORM: {baseline:.1f} ms (medians, {PAGE} communes)")
    staff, acts, receipts, requests, last = data["sample"]
    detail = (
        f"value: median of {runs} runs of tenants.figures.live_figures(page of {PAGE} communes) "
        f"{samples_text(data['figure'], 1)} ms (one UNION ALL query, plus the schemas-exist check). baseline: "
        f"median of {runs} runs of the naive way on the same pages {samples_text(data['baseline'], 1)} ms: for "
        "each commune tenant_context() then the five figures with the ORM (staff accounts, signed acts, "
        "receipts, online requests, last audit entry); both give the same numbers (checked each run). Runs "
        f"interleaved over the {data['pages']} pages of the {data['communes']} benchmark communes of "
        f"{MIGRATE_DATABASE} ({fixture['schemas']} tenant schemas), each page warmed up once first ({MIN_RUNS} "
        f"to {RUNS} runs within about {BUDGET_SECONDS} s). The communes are clones of the template with few "
        f"records (e.g. staff {staff}, acts {acts}, receipts {receipts}, requests {requests}, last activity "
        f"{last}), so the figure is mostly round trips and schema switches, which is what the single query saves."
    )
    return [time_figure("tenants.console_figures_50_ms", figure, baseline, detail, unit="ms")]


def main(argv: list[str]) -> int:
    import django

    django.setup()
    measure(Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
