"""migrate.noop_200_s: `migrate_schemas --tenant` with nothing to migrate, across 200 communes.

Figure: `manage.py migrate_schemas --tenant --executor=pending` (Jamaa's executor, which reads every schema's
applied migrations in one query and visits none that is up to date). Baseline: the stock
`--executor=multiprocessing` on the same schemas, with the same process count; the stock sequential
`--executor=standard` is measured once as a second reference. Each run is a fresh `manage.py` process, timed
from start to exit, as an operator runs it after a deploy.

The 200 communes live in a database of their own (environment.MIGRATE_DATABASE), prepared by
benchmarks.migrate_fixture: cloned from the template on the first run, reused afterwards.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from pathlib import Path

from rich.console import Console

from benchmarks.environment import MIGRATE_DATABASE, manage, run_python
from benchmarks.migrate_fixture import COMMUNES
from benchmarks.report import Figure, median, samples_text, time_figure

PENDING_RUNS = 3
MULTIPROCESSING_RUNS = 3
STANDARD_RUNS = 1  # ~40 s each; a reference, not the baseline
RUN_TIMEOUT_SECONDS = 1800
FIXTURE_TIMEOUT_SECONDS = 3 * 3600  # the first run clones 200 schemas, and clones slow down as schemas add up


def prepare_database(console: Console, logs: Path) -> dict:
    """Set up the 200-commune database (in a subprocess); returns {"created": n, "schemas": n}."""
    result = logs / "fixture.json"
    started = time.perf_counter()
    console.log(f"Preparing {MIGRATE_DATABASE} (the first run clones {COMMUNES} communes)...")
    run_python("-m", "benchmarks.migrate_fixture", str(result), timeout=FIXTURE_TIMEOUT_SECONDS,
               database=MIGRATE_DATABASE, show_output=True)
    console.log(f"{MIGRATE_DATABASE} ready in {time.perf_counter() - started:.1f} s")
    return json.loads(result.read_text())


# --- The runs ---------------------------------------------------------------------------------------------


def migrate_once(executor: str, log: Path) -> float:
    started = time.perf_counter()
    manage("migrate_schemas", "--tenant", f"--executor={executor}", "--noinput", "-v", "1",
           timeout=RUN_TIMEOUT_SECONDS, output=log, database=MIGRATE_DATABASE)
    return time.perf_counter() - started


def check_nothing_pending(log: Path) -> str:
    """The pending executor's own summary line; anything to migrate would make this no no-op benchmark."""
    found = re.search(r"\[pending\] (\d+) schema\(s\) to migrate, (\d+) already up to date", log.read_text())
    if found is None:
        raise RuntimeError(f"the pending executor printed no summary:\n{log.read_text()[-2000:]}")
    if found.group(1) != "0":
        raise RuntimeError(f"{found.group(1)} schema(s) were pending: not a no-op run")
    return found.group(0)


def run(console: Console) -> list[Figure]:
    from django.conf import settings

    times: dict[str, list[float]] = {"pending": [], "multiprocessing": [], "standard": []}
    runs = {"pending": PENDING_RUNS, "multiprocessing": MULTIPROCESSING_RUNS, "standard": STANDARD_RUNS}
    summary = ""
    with tempfile.TemporaryDirectory(prefix="jamaa-bench-") as logs:
        fixture = prepare_database(console, Path(logs))
        # Interleaved, so that the machine's noise falls on every executor alike.
        for index in range(max(runs.values())):
            for executor, count in runs.items():
                if index >= count:
                    continue
                log = Path(logs) / f"{executor}-{index}.log"
                times[executor].append(migrate_once(executor, log))
                if executor == "pending":
                    summary = check_nothing_pending(log)
                console.log(f"{executor} run {index + 1}/{count}: {times[executor][-1]:.2f} s")
    processes = getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2)
    schemas = fixture["schemas"]
    reused = f"{fixture['created']} of them cloned in this run" if fixture["created"] else "reused"
    detail = (
        f"value: median of {PENDING_RUNS} runs of `manage.py migrate_schemas --tenant --executor=pending -v 1` "
        f"{samples_text(times['pending'])} s ({summary}). "
        f"baseline: median of {MULTIPROCESSING_RUNS} runs of the stock `--executor=multiprocessing` "
        f"{samples_text(times['multiprocessing'])} s. reference: the stock sequential `--executor=standard` "
        f"{samples_text(times['standard'])} s. {schemas} tenant schemas, all up to date: {COMMUNES} benchmark "
        f"communes cloned from the template ({reused}) plus {schemas - COMMUNES} other (the template), in "
        f"the database {MIGRATE_DATABASE}; {processes} processes (TENANT_MULTIPROCESSING_MAX_PROCESSES); each run "
        "a fresh process timed to its exit. Goal: value < 30 s. "
        f"Aside: one clone_schema() of the template takes {fixture['clone_s']:.2f} s in this database "
        "(rolled back), while provision.clone_s clones in a database holding few schemas."
    )
    value, baseline = median(times["pending"]), median(times["multiprocessing"])
    return [time_figure("migrate.noop_200_s", value, baseline, detail)]
