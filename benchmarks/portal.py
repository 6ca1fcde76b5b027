"""portal.home_rps and portal.home_p95_ms: the town portal's home page under concurrent load, cache warm.

Figure: GET /ar/ (the home page in the commune's first language) on a commune provisioned from the demo recipe of
Sefrou (its modules, portal pages and demo data), through the whole Jamaa stack under gunicorn, with the portal's
page cache on (cms.caching) and warmed before measuring. Baseline: /livez, a view that touches nothing, on the
same server in the same run, under the same load. wrk keeps CONNECTIONS requests in flight; its Lua hook prints
the 95th percentile, which `wrk --latency` does not. Rounds alternate between the two paths, so that the
machine's noise falls on both alike.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import yaml
from rich.console import Console

from benchmarks.report import Figure, median, samples_text, throughput_figure, time_figure
from benchmarks.routing import (
    WORKERS,
    _check_wrk,
    _server_env,
    parse_wrk,
    start_gunicorn,
    stop_gunicorn,
    wait_until_serving,
)

SLUG = "portal-bench"
DEMO_RECIPE = Path(__file__).resolve().parent.parent / "recipes" / "demo" / "sefrou.yaml"
HOME_PATH = "/ar/"
BASELINE_PATH = "/livez"
CONNECTIONS = 8  # citizens waiting on the server at any moment, twice the routing benchmark's
WRK_THREADS = 1
ROUND_SECONDS = 6
WARMUP_SECONDS = 2
ROUNDS = 3
# As nginx tells the application (infra/nginx/jamaa.conf); without it, DEBUG off redirects every page to https.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
P95_SCRIPT = 'done = function(summary, latency, requests) io.write(string.format("p95_us: %d\\n", ' \
             'latency:percentile(95))) end\n'


@dataclass(frozen=True)
class Load:
    rps: float
    p95_ms: float


def ensure_demo_commune() -> str:
    """A commune made from the demo recipe of Sefrou under another name (provisioned on the first run, then
    reused); returns its host."""
    from tenants.recipes import parse_recipe
    from tenants.services.provisioning import provision_commune

    data = yaml.safe_load(DEMO_RECIPE.read_text(encoding="utf-8"))
    data["commune"]["slug"] = SLUG
    data["domains"] = [SLUG]
    recipe = parse_recipe(data, source=DEMO_RECIPE)
    provision_commune(recipe, check_template=False)
    return recipe.hostnames()[0]


def _get(port: int, host: str, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": host, **PROXY_HEADERS})
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def warm_cache(port: int, host: str) -> None:
    """Two requests of the home page: the second must come from the portal's cache, or the figure is not the
    cached page the issue asks for."""
    for _ in range(2):
        response = _get(port, host, HOME_PATH)
        if response.status != 200:
            raise RuntimeError(f"GET {HOME_PATH} on {host} answered HTTP {response.status}")
    if response.getheader("X-Portal-Cache") != "hit":
        raise RuntimeError(f"GET {HOME_PATH} on {host} is not served from the portal's cache "
                           f"(X-Portal-Cache: {response.getheader('X-Portal-Cache')})")


def run_wrk(port: int, host: str, path: str, seconds: int, script: Path) -> Load:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s",
               "-s", str(script), "-H", f"Host: {host}",
               *(option for name, value in PROXY_HEADERS.items() for option in ("-H", f"{name}: {value}")),
               f"http://127.0.0.1:{port}{path}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    p95 = re.search(r"^p95_us: (\d+)$", done.stdout, re.MULTILINE)
    if p95 is None:
        raise RuntimeError(f"wrk printed no 95th percentile:\n{done.stdout}")
    return Load(rps=parse_wrk(done.stdout).rps, p95_ms=int(p95.group(1)) / 1000)


def _measure(console: Console, port: int, host: str, script: Path) -> dict[str, list[Load]]:
    paths = [HOME_PATH, BASELINE_PATH]
    results: dict[str, list[Load]] = {path: [] for path in paths}
    for path in paths:
        run_wrk(port, host, path, WARMUP_SECONDS, script)
    for round_index in range(ROUNDS):
        for path in paths if round_index % 2 == 0 else list(reversed(paths)):
            load = run_wrk(port, host, path, ROUND_SECONDS, script)
            results[path].append(load)
            console.log(f"round {round_index + 1}/{ROUNDS} {path}: {load.rps:.0f} req/s, p95 {load.p95_ms:.1f} ms")
    return results


def run(console: Console) -> list[Figure]:
    _check_wrk()
    with console.status("Provisioning the demo-like commune (first run only)..."):
        host = ensure_demo_commune()
    with tempfile.TemporaryDirectory(prefix="jamaa-bench-portal-") as work, ExitStack() as stack:
        script = Path(work) / "p95.lua"
        script.write_text(P95_SCRIPT)
        server = start_gunicorn("jamaa", "platform_core.wsgi:application", _server_env("platform_core.settings"),
                                Path(work) / "gunicorn.log")
        stack.callback(stop_gunicorn, server)  # stopped even if a later step fails
        wait_until_serving(server, host)
        warm_cache(server.port, host)
        results = _measure(console, server.port, host, script)
    home, trivial = results[HOME_PATH], results[BASELINE_PATH]
    home_rps, trivial_rps = median([r.rps for r in home]), median([r.rps for r in trivial])
    home_p95, trivial_p95 = median([r.p95_ms for r in home]), median([r.p95_ms for r in trivial])
    detail = (
        f"value: GET {HOME_PATH} with Host {host} (a commune provisioned from recipes/demo/sefrou.yaml), the "
        f"portal's page cache on and warm (X-Portal-Cache: hit), runs {samples_text([r.rps for r in home], 0)} "
        f"req/s, p95 {samples_text([r.p95_ms for r in home], 1)} ms. baseline: GET {BASELINE_PATH} on the same "
        f"server, runs {samples_text([r.rps for r in trivial], 0)} req/s, p95 "
        f"{samples_text([r.p95_ms for r in trivial], 1)} ms. Both with X-Forwarded-Proto: https, as behind nginx. "
        f"Load: wrk -t{WRK_THREADS} -c{CONNECTIONS} "
        f"(concurrency {CONNECTIONS}), {ROUNDS} alternating rounds of {ROUND_SECONDS} s after a {WARMUP_SECONDS} s "
        f"warm-up, medians; gunicorn {WORKERS} sync workers, DEBUG off; loopback only, client and server on the "
        "same cores."
    )
    return [
        throughput_figure("portal.home_rps", home_rps, trivial_rps, "req/s", detail, concurrency=CONNECTIONS,
                          duration_s=ROUNDS * ROUND_SECONDS, cache=True),
        time_figure("portal.home_p95_ms", home_p95, trivial_p95, detail, unit="ms", concurrency=CONNECTIONS,
                    duration_s=ROUNDS * ROUND_SECONDS, cache=True),
    ]
