"""The browser fixtures of tests/e2e (a live server over the test database, Debian's Chromium)."""

from tests.e2e.conftest import browser, live_port, page  # noqa: F401
