"""Settings for the test suite: the real settings, plus a module defined under tests/ to exercise the contract."""

import os

from platform_core.settings import *  # noqa: F403
from platform_core.settings import INSTALLED_APPS, MODULE_APPS, TENANT_APPS

# Before the real modules, so that the last installed app is a real module, as in production (post_migrate order).
TEST_MODULE_APPS = ["tests.contract_module"]


def _before_modules(installed: list[str]) -> list[str]:
    others = [app for app in installed if app not in MODULE_APPS]
    return [*others, *TEST_MODULE_APPS, *MODULE_APPS]


TENANT_APPS = _before_modules(TENANT_APPS)
INSTALLED_APPS = _before_modules(INSTALLED_APPS)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = "test"  # noqa: F405
CACHES["platform"]["KEY_PREFIX"] = "test-platform"  # noqa: F405
TENANT_ROUTING_CACHE_SECONDS = 300

# Parallel test runs (several developers on one server) each name their own test database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("JAMAA_TEST_DB", "test_jamaa")}  # noqa: F405
# Cached portal pages live in Redis, which a test's rollback does not undo: the cache tests turn it on themselves.
PORTAL_CACHE_SECONDS = 0
