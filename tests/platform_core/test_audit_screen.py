"""The commune's Journal in its back office: its audit journal and its support sessions, read-only, for the
commune's administrators only (other staff get 403), each commune seeing only its own."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from platform_core.audit import services as audit
from platform_core.audit.models import AuditEntry
from tenants.models import SupportSession
from tests.conftest import console_account, inside, says


def login(client_for, commune, username, password):
    client = client_for(commune)
    assert client.post("/admin/login/", {"username": username, "password": password}).status_code == 302
    return client


@pytest.fixture
def admin_client(client_for, sefrou):
    return login(client_for, sefrou, "admin.sefrou", "sefrou-admin-pw")


def write(action, actor_label="", object_id="1"):
    with transaction.atomic():
        return audit.record(action, actor=actor_label or None, object_type="test.thing", object_id=object_id)


def test_the_administrator_reads_the_journal_newest_first(admin_client, sefrou):
    with inside(sefrou):
        write("test.first", "agent.sefrou")
        write("test.second", "agent.sefrou")
        last = write("support.session_opened", "Karim Alaoui")
    response = admin_client.get("/admin/journal/")
    assert response.status_code == 200
    rows = [entry for entry, _support in response.context["rows"]]
    assert rows[0].sequence == last.sequence and [e.sequence for e in rows] == sorted(
        [e.sequence for e in rows], reverse=True)
    assert dict((entry.action, support) for entry, support in response.context["rows"])["support.session_opened"]
    page = response.content.decode()
    assert 'class="jr-support"' in page and "test.second" in page


def test_filters_by_action_prefix_and_by_who(admin_client, sefrou):
    with inside(sefrou):
        write("test.alpha.one", "agent.sefrou")
        write("test.alpha.two", "regisseur.sefrou")
        write("test.beta", "agent.sefrou")
    actions = {entry.action for entry, _ in admin_client.get("/admin/journal/?action=test.alpha").context["rows"]}
    assert actions == {"test.alpha.one", "test.alpha.two"}
    rows = admin_client.get("/admin/journal/?action=test.&actor=regisseur").context["rows"]
    assert [entry.action for entry, _ in rows] == ["test.alpha.two"]
    rows = admin_client.get("/admin/journal/?action=test.&support_only=on").context["rows"]
    assert rows == []


def test_the_journal_is_paginated(admin_client, sefrou):
    with inside(sefrou):
        for number in range(60):
            write("test.many", "agent.sefrou", object_id=str(number))
    first = admin_client.get("/admin/journal/?action=test.many")
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 60
    second = admin_client.get("/admin/journal/?action=test.many&page=2")
    assert len(second.context["rows"]) == 10
    assert says(second, "Previous")


def test_staff_without_administrator_rights_get_403(client_for, sefrou):
    agent = login(client_for, sefrou, "agent.sefrou", "sefrou-agent-pw")
    assert agent.get("/admin/journal/").status_code == 403
    assert agent.get("/admin/journal/support-sessions/").status_code == 403
    assert "/admin/journal/" not in agent.get("/admin/").content.decode()  # no Journal menu
    anonymous = client_for(sefrou)
    assert anonymous.get("/admin/journal/").status_code == 302  # to the sign-in page


def test_the_journal_is_read_only(admin_client):
    assert admin_client.post("/admin/journal/", {"action": "x"}).status_code == 405
    assert admin_client.post("/admin/journal/support-sessions/").status_code == 405


def test_the_menu_shows_the_journal_to_administrators(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "/admin/journal/" in page and "/admin/journal/support-sessions/" in page


@pytest.fixture
def sessions(db, sefrou, berkane):
    operator = console_account("ops.journal", "operator-pw-2026")
    now = timezone.now()

    def make(commune, reason, **extra):
        return SupportSession.objects.create(commune=commune, operator=operator, operator_name="Karim Alaoui",
                                             reason=reason, expires_at=now + datetime.timedelta(minutes=30), **extra)

    return {
        "sefrou_open": make(sefrou, "Sefrou: birth copy does not print", entered_at=now),
        "sefrou_ended": make(sefrou, "Sefrou: tariff import", entered_at=now, ended_at=now,
                             ended_by="Karim Alaoui"),
        "berkane": make(berkane, "Berkane: receipts book"),
    }


def test_the_support_sessions_of_this_commune_only(admin_client, sessions, client_for, berkane):
    response = admin_client.get("/admin/journal/support-sessions/")
    assert response.status_code == 200
    statuses = {session.reason: status for session, status in response.context["rows"]}
    assert statuses == {"Sefrou: birth copy does not print": "open", "Sefrou: tariff import": "ended"}
    page = response.content.decode()
    assert "Berkane: receipts book" not in page and "Karim Alaoui" in page
    assert says(response, "In progress")
    berkane_admin = login(client_for, berkane, "admin.berkane", "berkane-admin-pw")
    reasons = [session.reason for session, _ in berkane_admin.get("/admin/journal/support-sessions/").context["rows"]]
    assert reasons == ["Berkane: receipts book"]


def test_each_commune_reads_its_own_journal(client_for, sefrou, berkane):
    with inside(sefrou):
        write("test.sefrou.only", "agent.sefrou")
    berkane_admin = login(client_for, berkane, "admin.berkane", "berkane-admin-pw")
    actions = {entry.action for entry, _ in berkane_admin.get("/admin/journal/?action=test.").context["rows"]}
    assert "test.sefrou.only" not in actions
    with inside(berkane):
        assert not AuditEntry.objects.filter(action="test.sefrou.only").exists()
        assert get_user_model().objects.filter(username="admin.berkane", is_superuser=True).exists()
