"""routing.rps: requests per second of a no-op view on a commune's domain, against a plain Django project.

Figure: GET /livez with `Host: sefrou.<platform domain>` through the whole Jamaa stack (commune routing from
the Host header, then the rest of the middleware). Baseline: the same view in benchmarks.plain_settings, a
Django project without tenancy and with the same middleware minus the routing one. Both run under gunicorn
with the same sync worker count and persistent database connections, DEBUG off; wrk loads them over loopback
in alternating rounds, so that the machine's noise falls on both alike.
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from benchmarks.environment import BASE_DIR, child_env
from benchmarks.report import Figure, median, samples_text, throughput_figure

WORKERS = 2  # one per core
CONNECTIONS = 4
WRK_THREADS = 1
ROUND_SECONDS = 6
WARMUP_SECONDS = 2
ROUNDS = 5
PATH = "/livez"
ROUTING_MIDDLEWARE = "platform_core.routing.CommuneRoutingMiddleware"
ROUTED_SLUG = "sefrou"
CONN_MAX_AGE = "600"


@dataclass
class Server:
    label: str
    process: subprocess.Popen
    port: int
    log: Path


@dataclass(frozen=True)
class LoadResult:
    rps: float
    p50_ms: float
    requests: int
    socket_errors: str


# --- The commune and the two applications -----------------------------------------------------------------


def ensure_routed_commune() -> str:
    """A commune with a domain to route to (provisioned on the first run, then reused); returns its host."""
    from benchmarks.provision import small_recipe
    from tenants.services.provisioning import provision_commune

    recipe = small_recipe(ROUTED_SLUG)
    provision_commune(recipe, check_template=False)
    return recipe.hostnames()[0]


def plain_middleware() -> list[str]:
    from django.conf import settings

    if ROUTING_MIDDLEWARE not in settings.MIDDLEWARE:
        raise RuntimeError(f"{ROUTING_MIDDLEWARE} is no longer in MIDDLEWARE: update this benchmark")
    return [name for name in settings.MIDDLEWARE if name != ROUTING_MIDDLEWARE]


def _server_env(settings_module: str, **extra: str) -> dict[str, str]:
    # DEBUG off as in production (DEBUG keeps every query in memory); the key only has to exist.
    return child_env(DJANGO_SETTINGS_MODULE=settings_module, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(40),
                     CONN_MAX_AGE=CONN_MAX_AGE, LOG_LEVEL="WARNING", **extra)


# --- gunicorn ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(label: str, wsgi_app: str, env: dict[str, str], log: Path) -> Server:
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", wsgi_app, "--workers", str(WORKERS),
               "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               "--graceful-timeout", "5"]
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Server(label, process, port, log)


def stop_gunicorn(server: Server) -> None:
    """SIGTERM to the master, which stops its workers; SIGKILL if it does not go within the grace period."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


def _get(server: Server, host: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("GET", PATH, headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_serving(server: Server, host: str, timeout: float = 90) -> None:
    """Wait for a 200 "ok" on the view: a 404 (no route, or /livez missing) must not be measured as speed."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.label} gunicorn exited:\n{server.log.read_text()[-3000:]}")
        try:
            status, body = _get(server, host)
        except OSError as error:
            last = str(error)
        else:
            if status == 200 and body.strip() == b"ok":
                return
            last = f"HTTP {status}: {body[:200]!r}"
        time.sleep(0.25)
    raise RuntimeError(f"{server.label} never answered 200 ok on {PATH} for Host {host} ({last})")


# --- wrk --------------------------------------------------------------------------------------------------

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> LoadResult:
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"wrk saw {non_2xx.group(1)} non-2xx responses:\n{output}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s*50%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    requests = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and requests):
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    errors = re.search(r"Socket errors: (.*)", output)
    return LoadResult(
        rps=float(rps.group(1)),
        p50_ms=float(p50.group(1)) * _UNIT_MS[p50.group(2)],
        requests=int(requests.group(1)),
        socket_errors=errors.group(1).strip() if errors else "",
    )


def run_wrk(server: Server, host: str, seconds: int) -> LoadResult:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "5s",
               "-H", f"Host: {host}", f"http://127.0.0.1:{server.port}{PATH}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def _check_wrk() -> None:
    try:
        subprocess.run(["wrk", "--version"], capture_output=True, timeout=10)
    except FileNotFoundError:
        raise RuntimeError("wrk is missing: run `bash infra/dev/bench-deps.sh` (or `make bench`)") from None


# --- The benchmark ----------------------------------------------------------------------------------------


def _measure(console: Console, servers: list[Server], host: str) -> dict[str, list[LoadResult]]:
    results: dict[str, list[LoadResult]] = {server.label: [] for server in servers}
    for server in servers:
        run_wrk(server, host, WARMUP_SECONDS)  # imports, URLconf, routing table, database connections
    for round_index in range(ROUNDS):
        # Alternate which side goes first, so that a drift in the machine's load does not favour one side.
        ordered = servers if round_index % 2 == 0 else list(reversed(servers))
        for server in ordered:
            result = run_wrk(server, host, ROUND_SECONDS)
            results[server.label].append(result)
            console.log(f"round {round_index + 1}/{ROUNDS} {server.label}: {result.rps:.0f} req/s, "
                        f"p50 {result.p50_ms:.2f} ms")
    return results


def _summary(results: list[LoadResult]) -> tuple[float, float]:
    return median([r.rps for r in results]), median([r.p50_ms for r in results])


def _detail(jamaa: list[LoadResult], plain: list[LoadResult], host: str, middleware: list[str]) -> str:
    _, jamaa_p50 = _summary(jamaa)
    _, plain_p50 = _summary(plain)
    jamaa_runs = samples_text([r.rps for r in jamaa], 0)
    plain_runs = samples_text([r.rps for r in plain], 0)
    errors = {r.socket_errors for r in jamaa + plain if r.socket_errors}
    return (
        f"p50 latency: Jamaa {jamaa_p50:.2f} ms, plain {plain_p50:.2f} ms. "
        f"value: GET {PATH} with Host {host} through the full Jamaa stack (platform_core.wsgi, "
        f"{ROUTING_MIDDLEWARE} + {len(middleware)} other middleware), runs {jamaa_runs} req/s. "
        "baseline: the same view in benchmarks.plain_settings (no tenancy, stock postgresql backend, the same "
        f"{len(middleware)} middleware without the routing one), runs {plain_runs} req/s. "
        f"Both: gunicorn {WORKERS} sync workers, DEBUG off, CONN_MAX_AGE={CONN_MAX_AGE}; "
        f"wrk -t{WRK_THREADS} -c{CONNECTIONS}, {ROUNDS} alternating rounds of {ROUND_SECONDS} s after a "
        f"{WARMUP_SECONDS} s warm-up, medians; loopback only. Goal: ratio >= 0.75."
        + (f" wrk socket errors: {'; '.join(sorted(errors))}." if errors else "")
    )


def run(console: Console) -> list[Figure]:
    _check_wrk()
    host = ensure_routed_commune()
    middleware = plain_middleware()
    with tempfile.TemporaryDirectory(prefix="jamaa-bench-") as logs, ExitStack() as stack:
        servers = []
        for label, wsgi_app, env in (
            ("jamaa", "platform_core.wsgi:application", _server_env("platform_core.settings")),
            ("plain", "benchmarks.plain_wsgi:application",
             _server_env("benchmarks.plain_settings", JAMAA_BENCH_PLAIN_MIDDLEWARE=json.dumps(middleware))),
        ):
            server = start_gunicorn(label, wsgi_app, env, Path(logs) / f"{label}.log")
            stack.callback(stop_gunicorn, server)  # stopped even if a later step fails
            servers.append(server)
        for server in servers:
            wait_until_serving(server, host)
        results = _measure(console, servers, host)
    jamaa_rps, _ = _summary(results["jamaa"])
    plain_rps, _ = _summary(results["plain"])
    detail = _detail(results["jamaa"], results["plain"], host, middleware)
    return [throughput_figure("routing.rps", jamaa_rps, plain_rps, "req/s", detail)]
