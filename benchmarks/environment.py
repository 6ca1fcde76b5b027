"""The benchmarks' own database and the environment handed to every subprocess.

Benchmarks create and drop communes by the hundred, so they never use the development database: they work
in a dedicated database (`jamaa_bench`, or JAMAA_BENCH_DB) on the same server, the one DATABASE_URL names or
the embedded one. This module must run before django.setup(), because the settings read DATABASE_URL once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DATABASE = os.environ.get("JAMAA_BENCH_DB", "jamaa_bench")
# The migrate benchmark's 200 communes live in a database of their own: every schema in a database slows
# down django-tenants' clone_schema() (its index-renaming query scans pg_indexes), so they would skew the
# provisioning figure.
MIGRATE_DATABASE = f"{BENCH_DATABASE}_200"
_server_url = ""  # the server's URL as given (DATABASE_URL or the embedded server), set by prepare()
# Redis database of the embedded server kept for benchmarks, so that their cache keys (named by schema, and
# the benchmark's communes share names with the demo ones) never mix with the development server's.
EMBEDDED_REDIS_DB = 6


def with_database(url: str, name: str) -> str:
    """The same server URL naming another database (keeps user, host, port and query such as ?host=)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _ensure_database(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    # CREATE DATABASE cannot run in a transaction; the maintenance database always exists.
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_url(name: str) -> str:
    """The URL of a benchmark database on the same server, created if missing."""
    _ensure_database(_server_url, name)
    return with_database(_server_url, name)


def prepare() -> dict[str, bool]:
    """Point DATABASE_URL at the benchmark database (created if missing) and make sure REDIS_URL is set.

    Returns which embedded servers this call started, so that the run can stop them when it ends (as the
    test suite does), and leave alone the ones somebody else is using.
    """
    global _server_url
    from platform_core import embedded

    started = {"postgres": False, "redis": False}
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        started["postgres"] = not embedded.postgres_running()
        server_url = embedded.start_postgres()
    if not os.environ.get("REDIS_URL"):
        started["redis"] = not embedded.redis_running()
        os.environ["REDIS_URL"] = f"{embedded.start_redis()}?db={EMBEDDED_REDIS_DB}"
    _server_url = server_url
    os.environ["DATABASE_URL"] = database_url(BENCH_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings")
    return started


def stop_started(started: dict[str, bool]) -> list[str]:
    from platform_core import embedded

    stopped = []
    if started.get("redis") and embedded.stop_redis():
        stopped.append("redis")
    if started.get("postgres") and embedded.stop_postgres():
        stopped.append("postgres")
    return stopped


def child_env(**overrides: str) -> dict[str, str]:
    """The environment of a subprocess: the same database and Redis as this process, plus overrides."""
    env = {**os.environ, **overrides}
    env.pop("EXECUTOR", None)  # setup_platform sets it; subprocesses name their executor explicitly
    return env


def run_python(*args: str, timeout: float, output: Path | None = None, database: str | None = None,
               show_output: bool = False) -> subprocess.CompletedProcess:
    """Run `python ARGS` in a fresh process (on another benchmark database if given); raises if it fails."""
    env = child_env(DATABASE_URL=database_url(database)) if database else child_env()
    with open(output or os.devnull, "w") as out:
        done = subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, stdout=None if show_output else out,
                              stderr=subprocess.PIPE, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


def manage(*args: str, timeout: float, output: Path | None = None, database: str | None = None):
    """Run `manage.py ARGS` in a fresh process against a benchmark database; raises if it fails."""
    return run_python(str(BASE_DIR / "manage.py"), *args, timeout=timeout, output=output, database=database)
