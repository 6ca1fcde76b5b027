import pytest
from django.db import connection

from platform_core.routing import routing_table
from tenants.models import Commune


def test_commune_domain_serves_its_portal_in_both_languages(client_for, sefrou):
    client = client_for(sefrou)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] in ("/ar/", "/fr/")
    arabic = client.get("/ar/")
    assert arabic.status_code == 200
    assert "جماعة صفرو" in arabic.content.decode()
    assert 'dir="rtl"' in arabic.content.decode()
    french = client.get("/fr/")
    assert french.status_code == 200
    assert "Commune de Sefrou" in french.content.decode()
    assert 'dir="ltr"' in french.content.decode()


def test_each_domain_reaches_its_own_commune(client_for, sefrou, berkane):
    assert "جماعة بركان" in client_for(berkane).get("/ar/").content.decode()
    assert "جماعة بركان" not in client_for(sefrou).get("/ar/").content.decode()


def test_unknown_host_gets_the_platform_404_page(client, db):
    response = client.get("/", HTTP_HOST="nowhere.localhost")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Aucune commune à cette adresse" in body and "لا توجد جماعة بهذا العنوان" in body


def test_template_commune_is_not_reachable(client, db):
    assert Commune.objects.filter(kind="template").exists()
    assert client.get("/", HTTP_HOST="template.localhost").status_code == 404


def test_suspended_commune_gets_a_bilingual_page(client_for, berkane):
    berkane.status = Commune.Status.SUSPENDED
    berkane.save()
    routing_table.clear()  # in production the commit of this change tells every worker
    response = client_for(berkane).get("/ar/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "momentanément suspendus" in body and "معلقة مؤقتا" in body
    assert client_for(berkane).get("/api/v1/me/").status_code == 503


def test_platform_domain_serves_the_operators_side(client_for, sefrou):
    response = client_for(None).get("/")
    assert response.status_code == 200
    assert "Commune de Sefrou" in response.content.decode()
    assert client_for(None).get("/console/").status_code == 302


def test_routing_does_not_query_the_domain_table_once_cached(client_for, sefrou, django_assert_num_queries):
    client = client_for(sefrou)
    client.get("/healthz")
    with django_assert_num_queries(1):  # SELECT 1 of the health check; no Domain lookup
        client.get("/healthz")


def test_a_change_of_commune_moves_the_routing_generation(sefrou, django_capture_on_commit_callbacks):
    routing_table.lookup("sefrou.localhost")
    with django_capture_on_commit_callbacks(execute=True):
        sefrou.contact_phone = "+212 5 00"
        sefrou.save()
    assert routing_table._routes == {}
    connection.set_schema_to_public()


@pytest.mark.parametrize("path", ["/admin/login/", "/api/schema/", "/healthz"])
def test_commune_endpoints_answer(client_for, sefrou, path):
    assert client_for(sefrou).get(path).status_code == 200


def test_the_routing_generation_is_the_same_key_from_every_schema(sefrou, berkane, in_commune):
    """A worker reads the generation while its connection is still in the previous request's schema."""
    from platform_core.routing import GENERATION_KEY, _shared_cache, bump_generation

    with in_commune(sefrou):
        before = _shared_cache().get(GENERATION_KEY, 0)
    bump_generation()
    with in_commune(berkane):
        assert _shared_cache().get(GENERATION_KEY) == before + 1


def test_a_suspension_reaches_a_worker_whose_connection_is_in_a_commune(client_for, sefrou, berkane, monkeypatch):
    import platform_core.routing as routing

    monkeypatch.setattr(routing, "GENERATION_CHECK_SECONDS", 0)
    client = client_for(berkane)
    assert client.get("/livez").status_code == 200  # routed once; the connection stays in berkane's schema
    connection.set_schema("berkane")
    berkane.status = Commune.Status.SUSPENDED
    connection.set_schema_to_public()
    berkane.save()
    # What the commit of the change does in another process: move the generation, without touching this table.
    routing._shared_cache().add(routing.GENERATION_KEY, 0, timeout=None)
    routing._shared_cache().incr(routing.GENERATION_KEY)
    connection.set_schema("sefrou")
    assert client.get("/livez").status_code == 503
