"""The module contract, exercised with the noticeboard module defined under tests/."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.admin.menu import admin_menu

from platform_core.modules.registry import registry
from platform_core.modules.roles import role_group, sync_roles
from tenants.services.subscriptions import set_subscriptions
from tests.contract_module.module import APPLIED_SECTIONS


def admin_client(client_for, commune, username, password):
    client = client_for(commune)
    assert client.post("/admin/login/", {"username": username, "password": password}).status_code == 302
    return client


@pytest.fixture
def sefrou_admin(client_for, sefrou):
    return admin_client(client_for, sefrou, "admin.sefrou", "sefrou-admin-pw")


@pytest.fixture
def berkane_admin(client_for, berkane):
    return admin_client(client_for, berkane, "admin.berkane", "berkane-admin-pw")


def test_the_module_is_discovered_from_its_module_py():
    spec = registry.get("noticeboard")
    assert spec.name_fr == "Tableau d'affichage" and spec.namespace == "module-noticeboard"


def test_roles_are_groups_with_exactly_their_permissions(sefrou, in_commune):
    with in_commune(sefrou):
        editor = role_group("noticeboard", "editor")
        codes = {f"{p.content_type.app_label}.{p.codename}" for p in editor.permissions.all()}
        assert codes == {"wagtailadmin.access_admin", "audit.view_auditentry", "numbering.view_sequence"}
        assert editor.name == "Tableau d'affichage · Éditeur | لوحة الإعلانات · محرر"
        # An edit made by hand is put back in step (as every migrate and provisioning does).
        editor.permissions.add(Permission.objects.get(codename="delete_group"))
        editor.name = "renamed"
        editor.save()
        sync_roles()
        editor.refresh_from_db()
        assert "delete_group" not in set(editor.permissions.values_list("codename", flat=True))
        assert editor.name.startswith("Tableau d'affichage")
        assert Group.objects.filter(role__module_key="noticeboard").count() == 2


def test_recipe_sections_reach_the_module(db):
    assert ("sefrou", {"welcome": "Ahlan"}) in APPLIED_SECTIONS


@pytest.mark.parametrize("path", ["/admin/noticeboard/", "/api/v1/noticeboard/notices/", "/fr/noticeboard/"])
def test_a_subscribed_module_answers_and_an_unsubscribed_one_is_404(sefrou_admin, berkane_admin, path):
    answer = sefrou_admin.get(path)
    assert answer.status_code == 200, answer.content[:300]
    assert b"sefrou" in answer.content
    assert berkane_admin.get(path).status_code == 404


def test_menu_and_dashboard_panel_only_where_the_module_is_on(sefrou_admin, berkane_admin):
    for client, shown in ((sefrou_admin, True), (berkane_admin, False)):
        page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert ("Noticeboard panel" in page) is shown
        assert ("module-noticeboard" in page) is shown


def test_menu_item_is_shown_per_subscription(rf, sefrou, berkane):
    items = {item.name: item for item in admin_menu.menu_items_for_request(_request(rf, sefrou))}
    assert "module-noticeboard" in items
    items = {item.name: item for item in admin_menu.menu_items_for_request(_request(rf, berkane))}
    assert "module-noticeboard" not in items


def _request(rf, commune):
    from django.contrib.auth.models import AnonymousUser

    from platform_core.routing import routing_table

    request = rf.get("/admin/")
    request.commune = routing_table.lookup(f"{commune.slug}.localhost")
    request.user = type("Admin", (AnonymousUser,), {"is_active": True, "has_perm": lambda *a: True,
                                                     "is_authenticated": True})()
    return request


def test_switching_a_module_on_at_run_time(berkane, client_for, django_capture_on_commit_callbacks):
    from platform_core.routing import routing_table

    with django_capture_on_commit_callbacks(execute=True):
        set_subscriptions(berkane, ["noticeboard"])
    routing_table.clear()
    client = admin_client(client_for, berkane, "admin.berkane", "berkane-admin-pw")
    assert client.get("/api/v1/noticeboard/notices/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        set_subscriptions(berkane, [])
    routing_table.clear()
    assert client.get("/api/v1/noticeboard/notices/").status_code == 404


def test_the_openapi_schema_documents_only_the_modules_switched_on(client_for, sefrou, berkane):
    assert b"/api/v1/noticeboard/notices/" in client_for(sefrou).get("/api/schema/").content
    berkane_schema = client_for(berkane).get("/api/schema/").content
    assert b"/api/v1/noticeboard/" not in berkane_schema and b"/api/v1/me/" in berkane_schema
