"""`make run`: bring the database up to date, provision the demo communes, then serve Jamaa with a Celery worker
and beat."""

import base64
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from rich.console import Console

from platform_core import embedded
from platform_core.management.commands.setup_platform import DEMO_OPERATOR, DEMO_OPERATOR_TOTP_KEY, DEMO_TRAINER
from tenants.recipes import demo_recipe_paths, load_recipe


class Command(BaseCommand):
    help = ("Run Jamaa for development: embedded services, migrations, demo communes, web server, Celery worker "
            "and beat.")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Do not start a Celery worker and beat.")
        parser.add_argument("--setup-only", action="store_true", help="Prepare everything, print the URLs, exit.")

    def handle(self, *args, port, no_worker, setup_only, **options):
        console = Console(highlight=False)
        started = time.perf_counter()
        with console.status("Migrating and provisioning the demo communes..."):
            call_command("setup_platform", demo=True, verbosity=0)
        console.print(f"Ready in {time.perf_counter() - started:.1f} s.")
        self._print_urls(console, port)
        if setup_only:
            return
        env = {**os.environ, "PLATFORM_PORT": str(port)}
        children = []
        if not no_worker:
            children.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "platform_core", "worker", "--loglevel", "warning",
                 "--concurrency", "2", "--hostname", f"jamaa-dev-{os.getpid()}@%h"],
                env=env,
            ))
            # Beat sends the scheduled jobs, each commune at its own time (tenants.scheduling); only ever one beat.
            children.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "platform_core", "beat", "--loglevel", "warning",
                 "--schedule", str(settings.DATA_DIR / "celerybeat-schedule")],
                env=env,
            ))
        children.append(subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=settings.BASE_DIR, env=env,
        ))
        self._wait(children, console)

    def _wait(self, children, console):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
            if os.environ.get("JAMAA_EMBEDDED_POSTGRES") or os.environ.get("JAMAA_EMBEDDED_REDIS"):
                stopped = embedded.stop_all()
                if stopped:
                    console.print(f"Stopped the embedded {' and '.join(stopped)}.")

    def _print_urls(self, console, port):
        # Plain lines rather than a table: URLs must stay whole and copyable in any terminal width.
        def url(host, path="/"):
            return f"http://{host}:{port}{path}"

        def line(what, address, account=""):
            console.print(f"  {what:<22} {address:<48} {account}".rstrip(), soft_wrap=True)

        domain = settings.PLATFORM_DOMAIN
        console.print("[bold]Jamaa is running[/bold]")
        line("Platform home", url(domain))
        line("Operators' console", url(domain, "/console/"), f"{DEMO_OPERATOR[0]} / {DEMO_OPERATOR[1]}")
        totp_key = base64.b32encode(bytes.fromhex(DEMO_OPERATOR_TOTP_KEY)).decode()
        line("  second factor", "", f"TOTP key {totp_key} (authenticator app), or: manage.py console_code")
        line("  trainer (sandboxes)", url(domain, "/console/sandboxes/"),
             f"{DEMO_TRAINER[0]} / {DEMO_TRAINER[1]}, same TOTP key")
        for path in demo_recipe_paths():
            recipe = load_recipe(path)
            host = recipe.hostnames()[0]
            account = f"{recipe.administrator.username} / {recipe.administrator.password}"
            console.print(f"[bold]{recipe.commune.name_fr} · {recipe.commune.name_ar}[/bold]")
            line("portal", url(host))
            line("  online requests", url(host, "/fr/demandes/"))
            line("  kiosk (touch screen)", url(host, "/ar/borne/"))
            line("back office", url(host, "/admin/"), account)
            for person in recipe.staff:
                line("  staff", "", f"{person.username} / {person.password} ({', '.join(person.roles)})")
            line("API docs", url(host, "/api/docs/"), account)
            if "complaints" in recipe.module_keys():
                line("Open311 API", url(host, "/api/open311/v2/services.json"))
            line("health", url(host, "/healthz"))
        console.print("Stop with Ctrl-C (the embedded PostgreSQL and Redis stop with it).")
