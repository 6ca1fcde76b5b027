"""Browser tests: a real server on a free port over the test database, driven by Debian's Chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import subprocess_database_url

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def live_port(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        url = subprocess_database_url()
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "platform_core.settings_test", "DATABASE_URL": url,
           "REDIS_URL": settings.REDIS_URL, "PLATFORM_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=(ARTIFACTS / "server.log").open("w"),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the test server did not start") from None
                time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is open, and Django
# refuses database calls from a thread with a running loop, which later (non-browser) tests make.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: run `make system-deps` (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def outside_the_browser_loop(work):
    """Run database work in its own thread: Django refuses it in a thread where Playwright's loop runs."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def run():
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


@contextmanager
def scratch_commune(slug: str, name_fr: str, name_ar: str):
    """A commune provisioned from Sefrou's test recipe for a browser test's committed data, dropped afterwards, so
    that Sefrou's registers stay as the other tests expect. Call it with the database unblocked; yields the
    Commune."""
    import yaml
    from django.db import connection

    from tenants.models import Commune
    from tenants.recipes import parse_recipe
    from tenants.services.provisioning import provision_commune
    from tests.conftest import RECIPES, drop_commune

    def create():
        connection.set_schema_to_public()
        data = yaml.safe_load((RECIPES / "sefrou.yaml").read_text())
        data["commune"].update(slug=slug, name_fr=name_fr, name_ar=name_ar)
        data["domains"] = [slug]
        provision_commune(parse_recipe(data), check_template=False)
        return Commune.objects.get(slug=slug)

    try:
        yield outside_the_browser_loop(create)
    finally:
        outside_the_browser_loop(lambda: drop_commune(slug))


def current_code(django_db_blocker, username: str, *, confirmed: bool = True) -> str:
    """What the account's authenticator app shows now, from the key the console gave it (the enrolling, not yet
    confirmed device while the console asks for the first code)."""
    from django.db import connection
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def read():
        connection.set_schema_to_public()
        device = TOTPDevice.objects.filter(user__username=username, confirmed=confirmed).order_by("pk").first()
        return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"

    with django_db_blocker.unblock():
        return outside_the_browser_loop(read)


def console_sign_in(page, base_url: str, username: str, password: str, django_db_blocker, *, enrol: bool = False,
                    lands_on: str = "**/console/") -> None:
    """Both steps of the console's sign-in, from its home page: the password, then the app's code (on the
    enrolment page the first time, `enrol`); waits for `lands_on`."""
    page.goto(f"{base_url}/console/")
    page.wait_for_url("**/console/login/**")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/console/login/enrol/" if enrol else "**/console/login/code/")
    page.fill("#id_code", current_code(django_db_blocker, username, confirmed=not enrol))
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(lands_on)


def admin_sign_in(page, origin: str, username: str, password: str) -> None:
    """A commune account signs in to the commune's back office (Wagtail's login form)."""
    page.goto(f"{origin}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")
