"""`/healthz` for the load balancer: the database, Redis and the file storage, each timed."""

import time
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


def _check(fn) -> dict:
    started = time.perf_counter()
    try:
        fn()
    except Exception as error:  # a health probe reports failures, it does not raise them
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("value written was not read back")
    cache.delete(key)


def _storage():
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise RuntimeError("file written was not read back")
    finally:
        default_storage.delete(name)


@never_cache
def healthz(request):
    checks = {"database": _check(_database), "redis": _check(_redis), "storage": _check(_storage)}
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "failing", "schema": connection.schema_name, "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


def livez(request):
    """Liveness: the process answers. Touches nothing, so a failing database does not restart web workers."""
    return HttpResponse("ok", content_type="text/plain")
