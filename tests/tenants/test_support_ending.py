"""Support sessions end for good: beat ends the ones nobody came back to, suspending or archiving a commune ends its
own, ending switches the support account fully off (unless another session of the same operator is in use), a
browser holding an ended session can still enter a new one, the `support.` usernames are kept for support, and a
Redis failure never turns a committed change into an error."""

import datetime
import html

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from platform_core.audit.models import AuditEntry
from platform_core.celery import app as celery_app
from tenants.models import SupportSession
from tenants.recipes import RecipeError, parse_recipe
from tenants.scheduling import commune_jobs
from tenants.services import lifecycle, support
from tenants.tasks import end_expired_support_sessions
from tests.conftest import inside, says
from tests.tenants import test_support
from tests.tenants.test_support import (
    REASON,
    entry_path,
    forget_state,
    open_from_console,
    platform_journal,
    signed_in_console,
)

ACCOUNT = "support.karim.ops"
operator = test_support.operator  # the same operator fixture: signed_in_console signs in as that account


def enter(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == "/admin/", response.content.decode()[:2000]
    return client


def entered_session(client_for, console, commune, client=None):
    """Open a session from the console and enter it (with `client`, or a fresh browser of the commune)."""
    path = entry_path(open_from_console(console, commune))
    client = enter(client or client_for(commune), path)
    return SupportSession.objects.filter(commune=commune).latest("pk"), client


def run_out(session, minutes_ago=1):
    """The session's time ran out `minutes_ago` (nobody ended it); the middleware's cached copy is dropped."""
    now = timezone.now()
    SupportSession.objects.filter(pk=session.pk).update(opened_at=now - datetime.timedelta(minutes=31),
                                                       expires_at=now - datetime.timedelta(minutes=minutes_ago))
    forget_state(session)
    session.refresh_from_db()


def account_in(commune):
    with inside(commune):
        return get_user_model().objects.get(username=ACCOUNT)


def switched_off(account) -> bool:
    return not (account.is_active or account.is_superuser or account.is_staff)


def commune_journal(commune, action):
    with inside(commune):
        return list(AuditEntry.objects.filter(action=action))


# --- 1. Sessions nobody came back to, and closed communes ----------------------------------------------------------


def test_beat_ends_every_session_nobody_came_back_to_every_five_minutes(client_for, operator, sefrou, berkane):
    entry = settings.CELERY_BEAT_SCHEDULE["support-expiry"]
    assert entry["task"] == "tenants.tasks.end_expired_support_sessions" and entry["task"] in celery_app.tasks
    assert entry["tenant_schemas"] == ["public"] and entry["schedule"] == 5 * 60
    assert "support-expiry" not in commune_jobs()  # once for the platform, not once per commune

    console = signed_in_console(client_for)
    gone, _ = entered_session(client_for, console, sefrou)
    assert account_in(sefrou).is_superuser
    run_out(gone)
    waiting = support.open_session(sefrou, operator=operator, reason=REASON, minutes=15).session  # never entered
    run_out(waiting, minutes_ago=3)
    running, berkane_browser = entered_session(client_for, console, berkane)  # another commune, still running

    assert sorted(end_expired_support_sessions()) == sorted([gone.pk, waiting.pk])
    for session in (gone, waiting):
        session.refresh_from_db()
        assert session.ended_by == support.EXPIRED and session.ended_at == session.expires_at
    # Recorded as end() records it: once in each journal, by nobody (the clock ended it).
    ended = {entry.after["session"]: entry for entry in commune_journal(sefrou, "support.session_ended")}
    assert set(ended) == {gone.pk, waiting.pk}
    assert all(entry.after["ended_by"] == support.EXPIRED and entry.actor_id is None for entry in ended.values())
    platform = platform_journal("tenants.support_ended", sefrou)
    assert sorted(entry.after["session"] for entry in platform) == sorted([gone.pk, waiting.pk])
    assert all(entry.actor_id is None for entry in platform)
    assert switched_off(account_in(sefrou))

    # The other commune's running session is untouched, and its browser still works.
    running.refresh_from_db()
    assert running.ended_at is None and account_in(berkane).is_active
    assert berkane_browser.get("/admin/").status_code == 200
    assert not commune_journal(berkane, "support.session_ended")
    assert end_expired_support_sessions() == []  # once only


@pytest.mark.parametrize("close", ["suspend", "archive"])
def test_suspending_or_archiving_a_commune_ends_its_open_sessions(client_for, operator, sefrou, berkane, close):
    console = signed_in_console(client_for)
    inside_sefrou, _ = entered_session(client_for, console, sefrou)
    in_berkane, berkane_browser = entered_session(client_for, console, berkane)

    connection.set_schema_to_public()  # as the console's request is
    getattr(lifecycle, close)(sefrou, actor=operator, reason="Convention ended")

    inside_sefrou.refresh_from_db()
    assert inside_sefrou.ended_at is not None and inside_sefrou.ended_by == "Karim Alaoui"
    assert support.status_of(inside_sefrou) == "ended"
    assert switched_off(account_in(sefrou))
    (ended,) = commune_journal(sefrou, "support.session_ended")
    assert ended.after["ended_by"] == "Karim Alaoui" and ended.actor_label == "Karim Alaoui"
    (platform,) = platform_journal("tenants.support_ended", sefrou)
    assert platform.actor_id == operator.pk
    # Another commune's session goes on.
    in_berkane.refresh_from_db()
    assert in_berkane.ended_at is None and account_in(berkane).is_active
    assert berkane_browser.get("/admin/").status_code == 200


# --- 2. A browser holding an ended session enters a new one --------------------------------------------------------


@pytest.mark.parametrize("how", ["ended from the console", "ran out"])
def test_a_browser_holding_an_ended_session_enters_a_new_one(client_for, operator, sefrou, berkane, how):
    console = signed_in_console(client_for)
    first, browser = entered_session(client_for, console, sefrou)
    if how == "ran out":
        run_out(first)
    else:
        support.end(first, ended_by="Karim Alaoui", actor="Karim Alaoui")
    path = entry_path(open_from_console(console, sefrou))
    second = SupportSession.objects.filter(commune=sefrou).latest("pk")

    # The new link on another commune's domain opens nothing.
    assert client_for(berkane).get(path).status_code == 403

    response = browser.get(path)  # no redirect to the login page: the entry view takes it
    assert response.status_code == 302 and response["Location"] == "/admin/"
    home = browser.get("/admin/")
    assert home.status_code == 200 and says(home, "End now")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.ended_at is not None and second.entered_at is not None and second.ended_at is None
    assert first.ended_by == (support.EXPIRED if how == "ran out" else "Karim Alaoui")
    with inside(sefrou):  # the Django session is in the commune's schema
        assert browser.session[support.SESSION_KEY] == second.pk
    assert account_in(sefrou).is_active and account_in(sefrou).is_superuser
    assert len(commune_journal(sefrou, "support.session_ended")) == 1


# --- 3. Ending one session leaves the one in use alone -------------------------------------------------------------


def test_a_stale_session_ending_late_does_not_switch_off_the_session_in_use(client_for, operator, sefrou, berkane):
    console = signed_in_console(client_for)
    stale, stale_browser = entered_session(client_for, console, sefrou)
    run_out(stale)  # its browser is left open on another PC; nobody ended it yet
    current, browser = entered_session(client_for, console, sefrou)

    # The old browser comes back: its session ends (expired), not the new one's account.
    response = stale_browser.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    stale.refresh_from_db()
    assert stale.ended_by == support.EXPIRED
    account = account_in(sefrou)
    assert account.is_active and account.is_superuser and account.is_staff
    assert browser.get("/admin/").status_code == 200

    # The same operator's session in another commune does not keep Sefrou's account on.
    in_berkane, berkane_browser = entered_session(client_for, console, berkane)
    assert browser.post("/admin/support/end/").status_code == 302
    current.refresh_from_db()
    assert current.ended_at is not None and switched_off(account_in(sefrou))
    assert account_in(berkane).is_active and berkane_browser.get("/admin/").status_code == 200


# --- 5. The support. prefix is reserved --------------------------------------------------------------------------


def reserved_message(prefix="support."):
    return gettext("usernames starting with '%(prefix)s' are reserved for the platform's support accounts") % {
        "prefix": prefix}


@pytest.mark.parametrize("username", ["support.karim", "Support.Admin"])
def test_recipes_refuse_support_usernames(username):
    data = {"commune": {"slug": "taza", "name_fr": "Commune de Taza", "name_ar": "جماعة تازة"}, "domains": ["taza"],
            "modules": ["portal"], "administrator": {"username": "admin.taza"}}
    parse_recipe(data)
    for where in ("administrator", "staff"):
        bad = {**data, where: {"username": username}} if where == "administrator" else \
            {**data, "staff": [{"username": username}]}
        with pytest.raises(RecipeError) as refused:
            parse_recipe(bad)
        assert reserved_message() in str(refused.value)


def admin_client(client_for, commune):
    client = client_for(commune)
    assert client.post("/admin/login/", {"username": "admin.sefrou", "password": "sefrou-admin-pw"}).status_code == 302
    return client


def refused_as_reserved(response) -> bool:
    form = response.context["form"]
    with translation.override(response.get("Content-Language") or settings.LANGUAGE_CODE):
        message = gettext("Usernames starting with “%(prefix)s” are reserved for the platform's support accounts.") \
            % {"prefix": support.SUPPORT_PREFIX}
    return response.status_code == 200 and form.has_error("username", code="reserved_username") and \
        message in html.unescape(response.content.decode())


def test_the_back_office_refuses_support_usernames(client_for, sefrou, berkane):
    client = admin_client(client_for, sefrou)
    fields = {"email": "clerk@sefrou.example.ma", "first_name": "Youssef", "last_name": "Amrani",
              "first_name_ar": "يوسف", "last_name_ar": "العمراني", "phone": "+212600000000",
              "password1": "A-long-passphrase-1", "password2": "A-long-passphrase-1"}
    for username in ("support.karim.ops", "SUPPORT.someone"):
        assert refused_as_reserved(client.post("/admin/users/new/", {"username": username, **fields}))
    with inside(sefrou):
        assert not get_user_model().objects.filter(username__istartswith="support.").exists()
    # The same form accepts an ordinary name (the refusal is the prefix, nothing else).
    assert client.post("/admin/users/new/", {"username": "clerk.sefrou", **fields}).status_code == 302
    with inside(sefrou):
        clerk = get_user_model().objects.get(username="clerk.sefrou")
    edit = {"username": "support.karim.ops", "email": clerk.email, "first_name": "Youssef", "last_name": "Amrani",
            "first_name_ar": "يوسف", "last_name_ar": "العمراني", "phone": "+212600000000", "is_active": "on"}
    assert refused_as_reserved(client.post(f"/admin/users/edit/{clerk.pk}/", edit))
    with inside(sefrou):
        assert get_user_model().objects.get(pk=clerk.pk).username == "clerk.sefrou"
    # Berkane's administrator reaching Sefrou's user screens gets nothing (cross-commune).
    other = client_for(berkane)
    other.post("/admin/login/", {"username": "admin.berkane", "password": "berkane-admin-pw"})
    assert other.get(f"/admin/users/edit/{clerk.pk}/", HTTP_HOST=f"sefrou.{settings.PLATFORM_DOMAIN}") \
        .status_code == 302


@pytest.mark.parametrize("made_by", ["a password", "a group"])
def test_support_does_not_take_over_an_account_it_did_not_make(client_for, operator, sefrou, made_by):
    with inside(sefrou):
        # Made before the prefix was reserved (or by hand in a shell): a member of staff's account.
        staff = get_user_model().objects.create_user(ACCOUNT, first_name="Karim", last_name="Staff")
        if made_by == "a password":
            staff.set_password("A-long-passphrase-1")
            staff.save()
        else:
            staff.groups.add(Group.objects.first())
    console = signed_in_console(client_for)
    path = entry_path(open_from_console(console, sefrou))
    browser = client_for(sefrou)
    response = browser.get(path)
    assert response.status_code == 403
    with translation.override(response.get("Content-Language") or settings.LANGUAGE_CODE):
        expected = gettext("This commune has an account named %(username)s that is not a support account (it has a "
                           "password, groups or permissions): support access will not take it over. Ask the commune "
                           "to rename or delete it.") % {"username": ACCOUNT}
    assert expected in html.unescape(response.content.decode())
    assert browser.get("/admin/").status_code == 302
    account = account_in(sefrou)
    assert not account.is_superuser and not account.is_staff and account.last_name == "Staff"
    assert account.has_usable_password() == (made_by == "a password")
    session = SupportSession.objects.get(commune=sefrou)
    assert session.entered_at is None  # nothing half-written: the entry rolled back
    assert not commune_journal(sefrou, "support.session_entered")


# --- 6. Redis away ------------------------------------------------------------------------------------------------


class UnreachableCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise redis.exceptions.ConnectionError("Error 111 connecting to redis: Connection refused.")

        return fail


def test_redis_failing_does_not_turn_a_committed_change_into_an_error(client_for, operator, sefrou, monkeypatch,
                                                                     caplog):
    monkeypatch.setattr(support, "_cache", UnreachableCache)
    opened = support.open_session(sefrou, operator=operator, reason=REASON, minutes=15)
    browser = client_for(sefrou)
    enter(browser, f"/admin/support/enter/{opened.token}/")
    # The middleware reads the state from the database.
    assert support.state(opened.session.pk).is_open()
    assert browser.get("/admin/").status_code == 200
    response = browser.post("/admin/support/end/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    opened.session.refresh_from_db()
    assert opened.session.ended_at is not None and not support.state(opened.session.pk).is_open()
    assert browser.get("/admin/").status_code == 302
    assert "cache unreachable" in caplog.text
