"""Support access: an operator opens a time-limited session with a reason from the console, enters the commune's
back office once through a one-time link, as the commune's support account; the session ends by expiry, from the
banner, from the console or by signing out; every step is in both journals. Operators act in a commune only this
way: their console accounts cannot sign in there, commune accounts cannot reach the console, and a link replayed,
expired or used on another commune's domain opens nothing."""

import datetime
import hashlib
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from platform_core.audit.models import AuditEntry
from platform_core.modules.roles import role_group
from tenants.models import Commune, SupportSession
from tenants.services import support
from tests.conftest import console_account, host_of, inside, says

PASSWORD = "operator-pw-2026"
REASON = "Ticket 4512: the civil-status officer cannot print a birth copy"


@pytest.fixture
def operator(db):
    from django.db import connection

    connection.set_schema_to_public()
    user = console_account("karim.ops", PASSWORD)
    user.first_name, user.last_name, user.first_name_ar, user.last_name_ar = "Karim", "Alaoui", "كريم", "العلوي"
    user.save()
    return user


def signed_in_console(client_for, username="karim.ops"):
    """A console client past both steps (password, then the code of the operator's authenticator app)."""
    client = client_for(None)
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    assert client.post("/console/login/", {"username": username, "password": PASSWORD}).status_code == 302
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    assert client.post("/console/login/code/", {"code": code}).status_code == 302
    return client


def open_from_console(console, commune, reason=REASON, minutes=30):
    return console.post(f"/console/communes/{commune.slug}/support/open/", {"reason": reason, "minutes": minutes})


def entry_path(response) -> str:
    """The path of the entry link the console redirects to, on the commune's own domain."""
    assert response.status_code == 302, response.content.decode()[:2000]
    location = urlsplit(response["Location"])
    commune = Commune.objects.get(pk=SupportSession.objects.latest("pk").commune_id)
    assert location.hostname == host_of(commune)
    assert location.path.startswith("/admin/support/enter/")
    return location.path


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def platform_journal(action, commune):
    """The platform's journal entries of `action` about the commune (public schema, whatever the last request)."""
    with schema_context("public"):
        return list(AuditEntry.objects.filter(action=action, object_type="tenants.commune",
                                              object_id=str(commune.pk)))


def forget_state(session):
    caches["platform"].delete(f"support-session:{session.pk}")


def enter(client_for, commune, path):
    client = client_for(commune)
    return client, client.get(path)


def test_opening_records_both_journals_and_sends_the_operator_to_the_commune(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    path = entry_path(open_from_console(console, sefrou, minutes=60))
    session = SupportSession.objects.get(commune=sefrou)
    assert session.reason == REASON and session.operator_name == "Karim Alaoui"
    assert session.entry_token_hash == hashlib.sha256(token_of(path).encode()).hexdigest()
    assert token_of(path) not in session.entry_token_hash
    lasts = session.expires_at - session.opened_at
    assert abs(lasts - datetime.timedelta(minutes=60)) < datetime.timedelta(seconds=2)
    platform_entry = platform_journal("tenants.support_opened", sefrou)[0]
    assert (platform_entry.object_type, platform_entry.object_id) == ("tenants.commune", str(sefrou.pk))
    assert platform_entry.actor_label == "karim.ops" and platform_entry.after["reason"] == REASON
    assert platform_entry.after["session"] == session.pk and platform_entry.after["expires_at"]
    with inside(sefrou):
        mirrored = AuditEntry.objects.get(action="support.session_opened")
        assert mirrored.actor_label == "Karim Alaoui" and mirrored.actor_id is None
        assert mirrored.after["reason"] == REASON and mirrored.after["operator"] == "karim.ops"
    with inside(Commune.objects.get(slug="berkane")):
        assert not AuditEntry.objects.filter(action__startswith="support.").exists()


def test_entering_signs_in_as_the_communes_support_account_with_the_banner(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    path = entry_path(open_from_console(console, sefrou))
    client, response = enter(client_for, sefrou, path)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    home = client.get("/admin/")
    assert home.status_code == 200
    assert says(home, "End now") and 'class="jamaa-support-banner"' in home.content.decode()
    assert "Karim Alaoui" in home.content.decode()
    session = SupportSession.objects.get(commune=sefrou)
    assert session.entered_at is not None and session.entry_token_hash == ""
    with inside(sefrou):
        account = get_user_model().objects.get(username="support.karim.ops")
        assert account.is_superuser and account.is_active and not account.has_usable_password()
        assert account.get_full_name() == "Karim Alaoui (support ICT4D)"
        assert account.full_name_ar() == "كريم العلوي (دعم ICT4D)"
        entered = AuditEntry.objects.get(action="support.session_entered")
        assert entered.actor_id == account.pk and entered.actor_label == "support.karim.ops"
    assert len(platform_journal("tenants.support_entered", sefrou)) == 1
    # The operator's account does not exist in the commune: the support account is the commune's own.
    with inside(sefrou):
        assert not get_user_model().objects.filter(username="karim.ops").exists()


def test_work_done_in_a_support_session_is_audited_as_the_support_account(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    client, _ = enter(client_for, sefrou, entry_path(open_from_console(console, sefrou)))
    with inside(sefrou):
        editor = role_group("noticeboard", "editor")
    response = client.post("/admin/users/new/", {
        "username": "clerk.support", "email": "clerk@sefrou.example.ma", "first_name": "Youssef",
        "last_name": "Amrani", "first_name_ar": "يوسف", "last_name_ar": "العمراني", "phone": "+212600000000",
        "password1": "A-long-passphrase-1", "password2": "A-long-passphrase-1", "groups": [editor.pk],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    with inside(sefrou):
        assert get_user_model().objects.filter(username="clerk.support").exists()
        from wagtail.models import ModelLogEntry

        assert ModelLogEntry.objects.filter(user__username="support.karim.ops").exists()


def test_an_entry_link_is_usable_once(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    path = entry_path(open_from_console(console, sefrou))
    enter(client_for, sefrou, path)
    replay, response = enter(client_for, sefrou, path)
    assert response.status_code == 403 and says(response, "Support access")
    assert replay.get("/admin/").status_code == 302  # nothing signed in


def test_an_entry_link_on_another_communes_domain_opens_nothing(client_for, operator, sefrou, berkane):
    console = signed_in_console(client_for)
    path = entry_path(open_from_console(console, sefrou))
    elsewhere, response = enter(client_for, berkane, path)
    assert response.status_code == 403
    assert elsewhere.get("/admin/").status_code == 302
    with inside(berkane):
        assert not get_user_model().objects.filter(username__startswith="support.").exists()
    session = SupportSession.objects.get(commune=sefrou)
    assert session.entered_at is None
    # Not spent by the attempt: the operator still enters Sefrou with it.
    client, response = enter(client_for, sefrou, path)
    assert response.status_code == 302 and client.get("/admin/").status_code == 200


def test_an_entry_link_expires_after_two_minutes(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    path = entry_path(open_from_console(console, sefrou))
    earlier = timezone.now() - datetime.timedelta(seconds=support.ENTRY_TOKEN_SECONDS + 5)
    SupportSession.objects.filter(commune=sefrou).update(opened_at=earlier)
    client, response = enter(client_for, sefrou, path)
    assert response.status_code == 403 and client.get("/admin/").status_code == 302
    bogus, response = enter(client_for, sefrou, "/admin/support/enter/not-a-token/")
    assert response.status_code == 403


def test_the_session_ends_at_its_time_limit(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    client, _ = enter(client_for, sefrou, entry_path(open_from_console(console, sefrou)))
    assert client.get("/admin/").status_code == 200
    session = SupportSession.objects.get(commune=sefrou)
    now = timezone.now()
    SupportSession.objects.filter(pk=session.pk).update(opened_at=now - datetime.timedelta(minutes=31),
                                                       expires_at=now - datetime.timedelta(minutes=1))
    forget_state(session)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    session.refresh_from_db()
    assert session.ended_by == support.EXPIRED and session.ended_at == session.expires_at
    assert client.get("/admin/").status_code == 302  # signed out for good
    with inside(sefrou):
        assert AuditEntry.objects.filter(action="support.session_ended").count() == 1
        assert not get_user_model().objects.get(username="support.karim.ops").is_active
    login_page = client.get("/admin/login/")
    assert says(login_page, "The support session has ended: you have been signed out.")


def test_end_now_in_the_banner_ends_and_signs_out(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    client, _ = enter(client_for, sefrou, entry_path(open_from_console(console, sefrou)))
    response = client.post("/admin/support/end/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    session = SupportSession.objects.get(commune=sefrou)
    assert session.ended_at and session.ended_by == "Karim Alaoui"
    assert client.get("/admin/").status_code == 302
    with inside(sefrou):
        ended = AuditEntry.objects.get(action="support.session_ended")
        assert ended.actor_label == "support.karim.ops" and ended.after["ended_by"] == "Karim Alaoui"
        assert not get_user_model().objects.get(username="support.karim.ops").is_active
    assert len(platform_journal("tenants.support_ended", sefrou)) == 1


def test_signing_out_of_the_back_office_ends_the_session(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    client, _ = enter(client_for, sefrou, entry_path(open_from_console(console, sefrou)))
    client.post("/admin/logout/")
    session = SupportSession.objects.get(commune=sefrou)
    assert session.ended_at and session.ended_by == "Karim Alaoui"
    with inside(sefrou):
        assert AuditEntry.objects.filter(action="support.session_ended").count() == 1


def test_the_operator_ends_it_from_the_console(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    client, _ = enter(client_for, sefrou, entry_path(open_from_console(console, sefrou)))
    session = SupportSession.objects.get(commune=sefrou)
    page = console.get(f"/console/communes/{sefrou.slug}/")
    assert page.status_code == 200 and f'data-session="{session.pk}" data-status="open"' in page.content.decode()
    response = console.post(f"/console/communes/{sefrou.slug}/support/{session.pk}/end/")
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.ended_by == "Karim Alaoui"
    # The commune's browser is signed out on its next request, the end recorded once.
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    with inside(sefrou):
        ended = AuditEntry.objects.get(action="support.session_ended")
        assert ended.actor_label == "Karim Alaoui" and ended.actor_id is None
    # Another commune's id in the URL ends nothing.
    berkane = Commune.objects.get(slug="berkane")
    assert console.post(f"/console/communes/{berkane.slug}/support/{session.pk}/end/").status_code == 404


def test_opening_needs_a_reason_and_a_duration_within_the_limit(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    response = open_from_console(console, sefrou, reason="help")
    assert response.status_code == 400 and response.context["support_form"].errors["reason"]
    response = open_from_console(console, sefrou, minutes=999)
    assert response.status_code == 400 and response.context["support_form"].errors["minutes"]
    assert not SupportSession.objects.exists()
    with pytest.raises(support.SupportError):
        support.open_session(sefrou, operator=operator, reason=REASON, minutes=support.MAX_MINUTES + 1)
    with pytest.raises(support.SupportError):
        support.open_session(sefrou, operator=operator, reason="   short   ", minutes=15)
    assert not SupportSession.objects.exists()


def test_one_open_session_per_operator_and_commune(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    entry_path(open_from_console(console, sefrou))
    again = open_from_console(console, sefrou)
    assert again.status_code == 400 and again.context["support_form"].non_field_errors()
    assert SupportSession.objects.filter(commune=sefrou).count() == 1


@pytest.mark.parametrize("status", [Commune.Status.SUSPENDED, Commune.Status.ARCHIVED])
def test_closed_communes_and_the_template_refuse_support(client_for, operator, berkane, status):
    Commune.objects.filter(pk=berkane.pk).update(status=status)
    berkane.refresh_from_db()
    with pytest.raises(support.SupportError) as refused:
        support.open_session(berkane, operator=operator, reason=REASON, minutes=15)
    assert berkane.name() in str(refused.value)
    template = Commune.objects.get(kind=Commune.Kind.TEMPLATE)
    with pytest.raises(support.SupportError):
        support.open_session(template, operator=operator, reason=REASON, minutes=15)
    console = signed_in_console(client_for)
    assert open_from_console(console, berkane).status_code == 400
    assert console.post(f"/console/communes/{template.slug}/support/open/",
                        {"reason": REASON, "minutes": 15}).status_code == 404
    assert not SupportSession.objects.exists()


def test_only_operators_open_support_sessions(client_for, db, sefrou):
    console_account("trainer.ops", PASSWORD, permission="run_trainings")
    trainer = signed_in_console(client_for, "trainer.ops")
    response = open_from_console(trainer, sefrou)
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    anonymous = client_for(None)
    assert open_from_console(anonymous, sefrou).status_code == 302
    assert not SupportSession.objects.exists()


def test_an_operators_console_account_cannot_sign_in_to_a_commune(client_for, operator, sefrou):
    client = client_for(sefrou)
    response = client.post("/admin/login/", {"username": "karim.ops", "password": PASSWORD})
    assert response.status_code == 200  # the commune's user table has no such account
    assert client.get("/admin/").status_code == 302


def test_commune_administrators_cannot_reach_the_console(client_for, sefrou):
    client = client_for(sefrou)
    assert client.post("/admin/login/", {"username": "admin.sefrou", "password": "sefrou-admin-pw"}).status_code == 302
    assert client.get("/console/", follow=True).status_code == 404
    assert client.get("/console/login/", follow=True).status_code == 404


def test_a_support_account_never_works_outside_a_support_session(client_for, operator, sefrou):
    console = signed_in_console(client_for)
    client, _ = enter(client_for, sefrou, entry_path(open_from_console(console, sefrou)))
    client.post("/admin/support/end/")
    # Someone in the commune switches the account back on and gives it a password: it still opens nothing.
    with inside(sefrou):
        account = get_user_model().objects.get(username="support.karim.ops")
        account.is_active = True
        account.set_password("A-long-passphrase-1")
        account.save()
    intruder = client_for(sefrou)
    intruder.post("/admin/login/", {"username": "support.karim.ops", "password": "A-long-passphrase-1"})
    response = intruder.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert intruder.get("/admin/").status_code == 302


def test_the_session_state_is_cached_briefly_and_dropped_when_it_ends(client_for, operator, sefrou):
    opened = support.open_session(sefrou, operator=operator, reason=REASON, minutes=15)
    state = support.state(opened.session.pk)
    assert state.is_open() and state.commune_id == sefrou.pk
    started = time.monotonic()
    assert support.state(opened.session.pk) == state and time.monotonic() - started < 0.5
    support.end(opened.session, ended_by="Karim Alaoui", actor="Karim Alaoui")
    assert not support.state(opened.session.pk).is_open()
    assert not support.end(opened.session, ended_by="Karim Alaoui", actor="Karim Alaoui")  # once only
