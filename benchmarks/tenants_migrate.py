"""tenants.migrate_all_noop_200_s and tenants.migrate_all_one_200_s: `manage.py migrate_all` over 200 communes.

Both figures run in the migrate benchmark's database (environment.MIGRATE_DATABASE: 200 communes cloned from the
template by benchmarks.migrate_fixture, shared with benchmarks.migrate), each beside the stock sequential
`manage.py migrate_schemas --executor=standard` on the same state in the same run (baseline). Every run is a fresh
`manage.py` process timed from start to exit, as an operator runs it after a deploy.

"One new migration": every tenant schema (the template and the 200 communes) is put one migration behind the
code by fake-unapplying `sessions.0001_initial`, a leaf migration nothing depends on: its django_migrations row
is deleted and the table it created dropped, so migrating really creates the table and its index again. The
state is set up again before each run, so both commands face exactly the same work.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from rich.console import Console

from benchmarks.environment import MIGRATE_DATABASE, database_url, manage
from benchmarks.migrate import RUN_TIMEOUT_SECONDS, prepare_database
from benchmarks.migrate_fixture import COMMUNES
from benchmarks.report import Figure, median, samples_text, time_figure

NOOP_RUNS = 3
STANDARD_RUNS = 1  # ~40 s or more each
SUMMARY = re.compile(r"migrate_all: migrated (\d+), skipped (\d+) up to date, failed (\d+), archived (\d+)")


def _tenant_schemas(conn) -> list[str]:
    rows = conn.execute("SELECT schema_name FROM public.tenants_commune WHERE schema_name <> 'public' "
                        "AND status <> 'archived' ORDER BY schema_name").fetchall()
    return [row[0] for row in rows]


def put_every_schema_behind() -> int:
    """Fake-unapply sessions.0001_initial in every tenant schema, in one transaction; returns how many."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(database_url(MIGRATE_DATABASE)) as conn:
        schemas = _tenant_schemas(conn)
        for schema in schemas:
            conn.execute(sql.SQL("DELETE FROM {}.django_migrations WHERE app = 'sessions'")
                         .format(sql.Identifier(schema)))
            conn.execute(sql.SQL("DROP TABLE {}.django_session").format(sql.Identifier(schema)))
    return len(schemas)


def check_all_caught_up() -> None:
    import psycopg

    with psycopg.connect(database_url(MIGRATE_DATABASE)) as conn:
        missing = [schema for schema in _tenant_schemas(conn)
                   if conn.execute("SELECT to_regclass(%s)", [f'"{schema}".django_session']).fetchone()[0] is None]
    if missing:
        raise RuntimeError(f"{len(missing)} schema(s) still behind after the run, e.g. {missing[:3]}")


def migrate_all_once(log: Path) -> tuple[float, re.Match]:
    started = time.perf_counter()
    manage("migrate_all", timeout=RUN_TIMEOUT_SECONDS, output=log, database=MIGRATE_DATABASE)
    elapsed = time.perf_counter() - started
    found = SUMMARY.search(log.read_text())
    if found is None:
        raise RuntimeError(f"migrate_all printed no summary:\n{log.read_text()[-2000:]}")
    return elapsed, found


def stock_once(log: Path) -> float:
    started = time.perf_counter()
    manage("migrate_schemas", "--executor=standard", "--noinput", "-v", "1", timeout=RUN_TIMEOUT_SECONDS,
           output=log, database=MIGRATE_DATABASE)
    return time.perf_counter() - started


def run(console: Console) -> list[Figure]:
    import os

    processes = os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="jamaa-bench-") as logs:
        fixture = prepare_database(console, Path(logs))
        schemas = fixture["schemas"]

        noop, noop_stock = [], []
        for index in range(NOOP_RUNS):  # interleaved, so that the machine's noise falls on both alike
            elapsed, found = migrate_all_once(Path(logs) / f"noop-{index}.log")
            if found.group(1) != "0" or found.group(3) != "0":
                raise RuntimeError(f"not a no-op run: {found.group(0)}")
            noop.append(elapsed)
            noop_summary = found.group(0)
            console.log(f"migrate_all, nothing pending, run {index + 1}/{NOOP_RUNS}: {elapsed:.2f} s")
            if index < STANDARD_RUNS:
                noop_stock.append(stock_once(Path(logs) / f"noop-stock-{index}.log"))
                console.log(f"stock migrate_schemas --executor=standard, nothing pending: {noop_stock[-1]:.2f} s")

        behind = put_every_schema_behind()
        one, found = migrate_all_once(Path(logs) / "one.log")
        if found.group(1) != str(behind) or found.group(3) != "0":
            raise RuntimeError(f"expected {behind} schemas migrated: {found.group(0)}")
        check_all_caught_up()
        console.log(f"migrate_all, one migration behind in {behind} schemas: {one:.2f} s")
        put_every_schema_behind()
        one_stock = stock_once(Path(logs) / "one-stock.log")
        check_all_caught_up()
        console.log(f"stock migrate_schemas --executor=standard, one migration behind: {one_stock:.2f} s")

    where = (f"{schemas} tenant schemas ({COMMUNES} benchmark communes cloned from the template, plus the template) "
             f"in the database {MIGRATE_DATABASE}; migrate_all with its default {processes} processes "
             "(os.cpu_count()); each run a fresh process timed to its exit, public schema included in both.")
    noop_detail = (
        f"value: median of {NOOP_RUNS} runs of `manage.py migrate_all` with nothing pending {samples_text(noop)} s "
        f"({noop_summary}). baseline: the stock sequential `manage.py migrate_schemas --executor=standard` on the "
        f"same state {samples_text(noop_stock)} s. {where} Goals: value < 5 s and ratio >= 8."
    )
    one_detail = (
        f"value: one run of `manage.py migrate_all` with every tenant schema ({behind}) one migration behind the "
        f"code {one:.2f} s ({found.group(0)}); baseline: one run of the stock sequential `manage.py migrate_schemas "
        f"--executor=standard` on the same state, set up again {one_stock:.2f} s. The state: sessions.0001_initial "
        "fake-unapplied in every schema (its django_migrations row deleted and its table dropped; a leaf "
        "migration), so both commands really create a table and its index in each schema, as a deploy adding one "
        f"small migration does. {where}"
    )
    return [
        time_figure("tenants.migrate_all_noop_200_s", median(noop), median(noop_stock), noop_detail),
        time_figure("tenants.migrate_all_one_200_s", one, one_stock, one_detail),
    ]
