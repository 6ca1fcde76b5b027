from unittest import mock

from django.core.cache import caches


def test_healthz_checks_database_redis_and_storage(client_for, sefrou):
    response = client_for(sefrou).get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["schema"] == "sefrou"
    assert set(body["checks"]) == {"database", "redis", "storage"}
    assert all(check["ok"] for check in body["checks"].values())


def test_healthz_says_what_fails_with_503(client_for, sefrou):
    with mock.patch.object(type(caches["default"]), "set", side_effect=ConnectionError("redis is down")):
        response = client_for(sefrou).get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["redis"] == {"ok": False, "error": "ConnectionError: redis is down"}
    assert body["checks"]["database"]["ok"]


def test_livez_touches_nothing(client_for, sefrou, django_assert_num_queries):
    client = client_for(sefrou)
    client.get("/livez")
    with django_assert_num_queries(0):
        assert client.get("/livez").content == b"ok"


def test_platform_domain_has_health_too(client_for, db):
    response = client_for(None).get("/healthz")
    assert response.status_code == 200 and response.json()["schema"] == "public"
