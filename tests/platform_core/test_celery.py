"""A task sent from one commune runs in that commune's schema, on a real worker over a real Redis broker."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from tests.conftest import subprocess_database_url
from tests.contract_module.tasks import record_schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        url = subprocess_database_url()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "platform_core.settings_test", "DATABASE_URL": url,
           "REDIS_URL": settings.REDIS_URL}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform_core", "worker", "--pool", "solo", "-Q", queue,
         "--loglevel", "warning", "--hostname", f"{queue}@%h"],
        env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(key, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cache.get(key)
        if value is not None:
            return value
        time.sleep(0.2)
    return None


@pytest.mark.django_db
def test_task_runs_in_the_schema_of_the_commune_that_sent_it(worker, sefrou, berkane, in_commune):
    token = uuid.uuid4().hex
    with in_commune(sefrou):
        sefrou_users = get_user_model().objects.count()
        record_schema.apply_async(args=[token], queue=worker)
        proof = wait_for(f"celery-proof:{token}")
    assert proof == {"schema": "sefrou", "users": sefrou_users}
    with in_commune(berkane):
        assert get_user_model().objects.count() != sefrou_users
        assert cache.get(f"celery-proof:{token}") is None  # what the task left is Sefrou's alone

    token = uuid.uuid4().hex
    with in_commune(berkane):
        record_schema.apply_async(args=[token], queue=worker)
        proof = wait_for(f"celery-proof:{token}")
    assert proof["schema"] == "berkane"
