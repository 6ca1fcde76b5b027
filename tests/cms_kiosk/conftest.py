"""The browser test of the kiosk drives the same live server and Chromium as tests/e2e."""

from tests.e2e.conftest import browser, live_port  # noqa: F401
