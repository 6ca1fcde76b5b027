"""Settings for the test suite: the real settings, plus a module defined under tests/ to exercise the contract."""

import os

from platform_core.settings import *  # noqa: F403
from platform_core.settings import INSTALLED_APPS, TENANT_APPS

TEST_MODULE_APPS = ["tests.contract_module"]
TENANT_APPS = [*TENANT_APPS, *TEST_MODULE_APPS]
INSTALLED_APPS = [*INSTALLED_APPS, *TEST_MODULE_APPS]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = "test"  # noqa: F405
CACHES["platform"]["KEY_PREFIX"] = "test-platform"  # noqa: F405
TENANT_ROUTING_CACHE_SECONDS = 300

# Parallel test runs (several developers on one server) each name their own test database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("JAMAA_TEST_DB", "test_jamaa")}  # noqa: F405
