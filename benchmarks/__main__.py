"""`python -m benchmarks [--only NAME[,NAME...]]`: run the benchmarks, print the table, write results.json.

Names: the group `provision` (the provisioning issue's three figures: provision.clone_s, routing.rps,
migrate.noop_200_s), `routing` or `migrate` (one figure each), the group `civil_status`
(civil_status.search_p95_ms, civil_status.import_rows_per_s, civil_status.extrait_render_ms), the group `regie`
(regie.receipts_per_s, regie.receipts_pdf_per_s, regie.close_day_5000_s), the group `portal` (portal.home_rps,
portal.home_p95_ms), the group `tenants` (tenants.sandbox_reset_s, tenants.migrate_all_noop_200_s,
tenants.migrate_all_one_200_s, tenants.console_figures_50_ms), or a figure's own name (`provision.clone_s`).
Without --only, everything runs. results.json holds the figures of this run only, so that no figure is ever
read beside a baseline from another run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import time
import traceback

from rich.console import Console

from benchmarks import environment
from benchmarks.report import print_table, write_results

# Each module under benchmarks/ measures one figure; they run in this order.
MODULES = {
    "provision.clone_s": "provision",
    "routing.rps": "routing",
    "migrate.noop_200_s": "migrate",
    "civil_status.search_p95_ms": "civil_status_search",
    "civil_status.import_rows_per_s": "civil_status_import",
    "civil_status.extrait_render_ms": "civil_status_extrait",
    **dict.fromkeys(("regie.receipts_per_s", "regie.receipts_pdf_per_s", "regie.close_day_5000_s"), "regie"),
    **dict.fromkeys(("portal.home_rps", "portal.home_p95_ms"), "portal"),
    "tenants.sandbox_reset_s": "tenants_sandbox",
    **dict.fromkeys(("tenants.migrate_all_noop_200_s", "tenants.migrate_all_one_200_s"), "tenants_migrate"),
    "tenants.console_figures_50_ms": "tenants_figures",
}
GROUPS = {
    "provision": ("provision.clone_s", "routing.rps", "migrate.noop_200_s"),
    "routing": ("routing.rps",),
    "migrate": ("migrate.noop_200_s",),
    "civil_status": ("civil_status.search_p95_ms", "civil_status.import_rows_per_s",
                     "civil_status.extrait_render_ms"),
    "regie": ("regie.receipts_per_s", "regie.receipts_pdf_per_s", "regie.close_day_5000_s"),
    "portal": ("portal.home_rps", "portal.home_p95_ms"),
    "tenants": ("tenants.sandbox_reset_s", "tenants.migrate_all_noop_200_s", "tenants.migrate_all_one_200_s",
                "tenants.console_figures_50_ms"),
}


def _selected_modules(only: str | None) -> list[str]:
    if not only:
        return list(dict.fromkeys(MODULES.values()))  # a module measuring several figures runs once
    figures: set[str] = set()
    for name in (item.strip() for item in only.split(",") if item.strip()):
        if name in GROUPS:
            figures.update(GROUPS[name])
        elif name in MODULES:
            figures.add(name)
        else:
            choices = ", ".join([*GROUPS, *MODULES])
            raise SystemExit(f"unknown benchmark {name!r}; choose among {choices}")
    return list(dict.fromkeys(module for figure, module in MODULES.items() if figure in figures))


def _setup_platform(console: Console) -> None:
    """What `setup_platform` (without --demo) does: migrate public, the template, then any commune behind."""
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    with console.status("Bringing the benchmark database up to date (setup_platform)..."):
        call_command("setup_platform", verbosity=0)
    console.log(f"setup_platform: {time.perf_counter() - started:.1f} s")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated groups or figures: " + ", ".join([*GROUPS, *MODULES]))
    options = parser.parse_args(argv)
    modules = _selected_modules(options.only)

    # A SIGTERM unwinds like Ctrl-C, so that the finally blocks stop the servers a benchmark started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    console = Console(highlight=False)
    started_servers = environment.prepare()
    console.log(f"benchmark database: {environment.BENCH_DATABASE} (DATABASE_URL={_redacted_db_url()})")
    figures, failed = [], []
    try:
        _setup_platform(console)
        for module in modules:
            console.rule(module)
            try:
                figures.extend(importlib.import_module(f"benchmarks.{module}").run(console))
            except Exception:  # one broken benchmark must not hide the others' figures
                console.print(traceback.format_exc(), markup=False)
                failed.append(module)
    finally:
        stopped = environment.stop_started(started_servers)
        if stopped:
            console.log(f"stopped the embedded {' and '.join(stopped)} this run started")
    print_table(console, figures)
    write_results(figures)
    console.print(f"Wrote {len(figures)} figure(s) to benchmarks/results.json.")
    if failed:
        console.print(f"[red]Failed: {', '.join(failed)}[/red]")
        return 1
    return 0


def _redacted_db_url() -> str:
    """The database URL without its password, for the log."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(os.environ["DATABASE_URL"])
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
