"""Support access (accès support): an operator enters a commune's back office for a limited time, with a reason.

The session is kept in the public schema (tenants.SupportSession) and mirrored in the commune's own journal, so
the commune's administrators see every session. The operator's console account never exists in the commune:
the operator works there as a support account of the commune's schema (`support.<operator username>`), which
has no usable password and is active only while a session is open, so that it can only be reached through a
one-time entry token. Everything done with it is audited by the commune's services with that account as actor.

Sessions end from the banner, the console, the back office's "Log out", a request after their time, beat's
`expire_sessions` (every few minutes, for sessions nobody came back to) and the suspension or archiving of their
commune. The cached state is a convenience: when Redis is away, the database answers.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from platform_core.audit import services as audit
from tenants.models import Commune, SupportSession

logger = logging.getLogger(__name__)

DURATIONS = (15, 30, 60, 120)  # minutes offered by the console
MAX_MINUTES = 240
MIN_REASON_LENGTH = 10
ENTRY_TOKEN_SECONDS = 120
SESSION_KEY = "support.session_id"  # in the Django session of the commune's domain
SUPPORT_PREFIX = "support."  # usernames of support accounts; reserved in every commune
STATE_CACHE_SECONDS = 5
EXPIRED = "expired"
PLATFORM = "platform"


def is_reserved_username(username: str) -> bool:
    """Whether the username is in the support accounts' reserved space (any case: "Support.x" looks the same)."""
    return (username or "").lower().startswith(SUPPORT_PREFIX)


class SupportError(ValueError):
    """The support session cannot be opened, entered or ended; the message says why."""


@dataclass(frozen=True)
class OpenedSession:
    session: SupportSession
    token: str  # travels once, in the redirect to the commune's domain; only its hash is kept


@dataclass(frozen=True)
class SessionState:
    """What the middleware needs on every request of a support session (cached for a few seconds)."""

    pk: int
    commune_id: int
    operator_name: str
    expires_at: datetime.datetime
    ended: bool

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        return not self.ended and (now or timezone.now()) < self.expires_at


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def operator_label(operator) -> str:
    if operator is None:  # a command or task acting for the platform, not a console account
        return PLATFORM
    return (operator.get_full_name() or operator.get_username())[:200]


def is_support_account(user) -> bool:
    return bool(user and user.is_authenticated and user.get_username().startswith(SUPPORT_PREFIX))


def _cache():
    # The platform cache: its keys are the same whatever schema the connection is in.
    return caches["platform"]


def _state_key(pk: int) -> str:
    return f"support-session:{pk}"


# Redis failing must not turn a committed change into a 500: the cache only saves a query per request, and a copy
# left behind by a failed delete lives STATE_CACHE_SECONDS at most.
def _cached_state(pk: int) -> SessionState | None:
    try:
        return _cache().get(_state_key(pk))
    except Exception:
        logger.exception("support session %s: cache unreachable, reading the database", pk)
        return None


def _cache_state(found: SessionState) -> None:
    try:
        _cache().set(_state_key(found.pk), found, STATE_CACHE_SECONDS)
    except Exception:
        logger.exception("support session %s: cache unreachable, state not cached", found.pk)


def _forget_state(pk: int) -> None:
    try:
        _cache().delete(_state_key(pk))
    except Exception:
        logger.exception("support session %s: cache unreachable, its cached state expires by itself", pk)


def _commune_journal(commune: Commune, action: str, *, actor, after: dict, request=None):
    """An entry in the commune's own journal, written inside the caller's transaction."""
    with schema_context(commune.schema_name):
        audit.record(action, actor=actor, object_type="tenants.supportsession",
                     object_id=str(after["session"]), after=after, request=request)


def _platform_journal(commune: Commune, action: str, *, actor, after: dict, request=None):
    with schema_context("public"):
        audit.record(action, actor=actor, object_type="tenants.commune", object_id=str(commune.pk), after=after,
                     request=request)


def _refuse_if_closed(commune: Commune) -> None:
    if commune.status in (Commune.Status.SUSPENDED, Commune.Status.ARCHIVED):
        raise SupportError(_("%(commune)s is %(status)s: its back office is closed, support access too.")
                           % {"commune": commune.name(), "status": commune.get_status_display().lower()})


def open_session(commune: Commune, *, operator, reason: str, minutes: int, request=None) -> OpenedSession:
    """Open a support session of `operator` (a console account) in `commune` for `minutes`, with the reason kept
    verbatim; returns the session and its one-time entry token (valid ENTRY_TOKEN_SECONDS, usable once)."""
    if commune.is_template:
        raise SupportError(_("The template commune has no back office to enter."))
    _refuse_if_closed(commune)
    if len((reason or "").strip()) < MIN_REASON_LENGTH:
        raise SupportError(_("Give the reason for entering (at least %(count)d characters): the commune sees it.")
                           % {"count": MIN_REASON_LENGTH})
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 0 < minutes <= MAX_MINUTES:
        raise SupportError(_("A support session lasts at most %(hours)d hours.") % {"hours": MAX_MINUTES // 60})
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    name = operator_label(operator)
    with transaction.atomic(durable=True):
        # One open session per operator and commune: the lock makes two quick clicks open only one. It also
        # orders this with a suspension or archiving, which ends the commune's open sessions once it commits.
        _refuse_if_closed(Commune.objects.select_for_update().get(pk=commune.pk))
        already = (SupportSession.objects.filter(commune=commune, operator=operator, ended_at__isnull=True,
                                                 expires_at__gt=now).order_by("-expires_at").first())
        if already is not None:
            raise SupportError(_("You already have a support session open in this commune until %(time)s: end it "
                                 "before opening another.")
                               % {"time": timezone.localtime(already.expires_at).strftime("%H:%M")})
        session = SupportSession.objects.create(
            commune=commune, operator=operator, operator_name=name, reason=reason,
            expires_at=now + datetime.timedelta(minutes=minutes), entry_token_hash=token_hash(token))
        details = {"session": session.pk, "reason": reason, "expires_at": session.expires_at.isoformat()}
        _platform_journal(commune, "tenants.support_opened", actor=operator, after=details, request=request)
        _commune_journal(commune, "support.session_opened", actor=name, request=request,
                         after={**details, "operator": operator.get_username()})
    _forget_state(session.pk)  # a test database re-created with the same ids must not reuse it
    return OpenedSession(session, token)


def enter(commune: Commune, token: str, *, request=None):
    """Check the entry token against a session of THIS commune (unexpired, unused) and return
    (session, support account) for the caller to sign in. Run in the commune's schema (its domain's request)."""
    refused = SupportError(_("This support link is not valid: it was already used, it has expired, or it is for "
                             "another commune. Open a new session from the console."))
    if not token or connection.schema_name != commune.schema_name:
        raise refused
    now = timezone.now()
    with transaction.atomic(durable=True):
        session = (SupportSession.objects.select_for_update()
                   .filter(commune_id=commune.pk, entry_token_hash=token_hash(token)).first())
        if (session is None or session.entered_at is not None or session.ended_at is not None
                or now > session.opened_at + datetime.timedelta(seconds=ENTRY_TOKEN_SECONDS)
                or now >= session.expires_at):
            logger.warning("support entry refused on %s", commune.schema_name)
            raise refused
        # The operator is a user of the public schema: read it there, never through the commune's user table.
        with schema_context("public"):
            operator = get_user_model().objects.get(pk=session.operator_id)
        session.entered_at = now
        session.entry_token_hash = ""
        session.save(update_fields=["entered_at", "entry_token_hash"])
        account = _support_account(operator)
        details = {"session": session.pk, "operator": operator.get_username(), "account": account.get_username(),
                   "expires_at": session.expires_at.isoformat()}
        audit.record("support.session_entered", actor=account, object_type="tenants.supportsession",
                     object_id=str(session.pk), after=details, request=request)
        _platform_journal(commune, "tenants.support_entered", actor=operator, after=details, request=request)
    _forget_state(session.pk)
    return session, account


def _account_username(operator) -> str:
    return f"{SUPPORT_PREFIX}{operator.get_username()}"[:150]


def _support_account(operator):
    """The commune's account for this operator's support sessions (current schema), active and superuser while a
    session is open. An account of that name that support did not make (it has groups, permissions or a usable
    password: a staff account, or one someone gave a password) is refused, never taken over."""
    full_name = operator.get_full_name() or operator.get_username()
    arabic_name = operator.full_name_ar() or full_name
    # Locked: an end() of another session of this operator switches the account off under the same lock.
    account = get_user_model().objects.select_for_update().filter(username=_account_username(operator)).first()
    if account is None:
        account = get_user_model()(username=_account_username(operator))
    elif account.has_usable_password() or account.groups.exists() or account.user_permissions.exists():
        logger.warning("support entry refused on %s: %s was not made by support", connection.schema_name,
                       account.get_username())
        raise SupportError(_("This commune has an account named %(username)s that is not a support account "
                             "(it has a password, groups or permissions): support access will not take it over. "
                             "Ask the commune to rename or delete it.") % {"username": account.get_username()})
    account.first_name, account.last_name = full_name[:150], "(support ICT4D)"
    account.first_name_ar, account.last_name_ar = arabic_name[:150], "(دعم ICT4D)"
    account.email = ""
    account.is_active = account.is_superuser = account.is_staff = True
    account.set_unusable_password()
    account.save()
    return account


def end(session: SupportSession, *, ended_by: str, actor=None, request=None, by=None) -> bool:
    """End the session once (operator from the console, the support account, expiry, the commune's suspension):
    record it in both journals and switch the support account off, unless another session of the same operator
    is in use in the commune. `by` is the console account that ended it, for the platform's journal (the
    session's operator by default, nobody on expiry). False if it had already ended."""
    commune = Commune.objects.get(pk=session.commune_id)
    now = timezone.now()
    with transaction.atomic(durable=True):
        locked = SupportSession.objects.select_for_update().get(pk=session.pk)
        if locked.ended_at is not None:
            return False
        locked.ended_at = now if ended_by != EXPIRED else min(now, locked.expires_at)
        locked.ended_by = ended_by[:200]
        locked.entry_token_hash = ""
        locked.save(update_fields=["ended_at", "ended_by", "entry_token_hash"])
        with schema_context("public"):
            operator = get_user_model().objects.get(pk=locked.operator_id)
        details = {"session": locked.pk, "ended_by": locked.ended_by, "ended_at": locked.ended_at.isoformat(),
                   "operator": operator.get_username()}
        with schema_context(commune.schema_name):
            _switch_off(commune, operator, ending=locked, now=now)
            # `actor` is a user of the schema it acts in (the support account), or a label (an operator's name).
            audit.record("support.session_ended", actor=actor, object_type="tenants.supportsession",
                         object_id=str(locked.pk), after=details, request=request)
        _platform_journal(commune, "tenants.support_ended",
                          actor=None if ended_by == EXPIRED else (by or operator), after=details, request=request)
    _forget_state(locked.pk)
    session.ended_at, session.ended_by = locked.ended_at, locked.ended_by
    return True


def _switch_off(commune: Commune, operator, *, ending: SupportSession, now) -> None:
    """Switch the operator's support account of the commune (current schema) fully off (it is set again at each
    entry), unless another of the operator's sessions there is entered and still running: a stale session ending
    late must not sign out the one in use."""
    account = get_user_model().objects.select_for_update().filter(username=_account_username(operator)).first()
    if account is None:
        return
    # Read after the account's lock: an entry that holds it has committed by now and is seen.
    in_use = (SupportSession.objects.filter(commune_id=commune.pk, operator_id=operator.pk, entered_at__isnull=False,
                                            ended_at__isnull=True, expires_at__gt=now)
              .exclude(pk=ending.pk).exists())
    if not in_use:
        get_user_model().objects.filter(pk=account.pk).update(is_active=False, is_superuser=False, is_staff=False)


def expire_sessions(now: datetime.datetime | None = None) -> list[int]:
    """End every session past its time that nobody ended (its browser never came back): beat runs this every few
    minutes, so that the support account does not stay switched on. Returns the ids of the sessions ended."""
    now = now or timezone.now()
    ended = []
    for session in SupportSession.objects.filter(ended_at__isnull=True, expires_at__lte=now).order_by("pk"):
        try:
            if end(session, ended_by=EXPIRED):
                ended.append(session.pk)
        except Exception:  # one commune's failure (a broken schema) must not keep the others' sessions open
            logger.exception("support session %s could not be ended", session.pk)
    return ended


def end_sessions_of(commune: Commune, *, actor, request=None) -> list[int]:
    """End the commune's sessions that have not ended (it is being suspended or archived: its domain closes).
    Recorded as ended by the operator who closed it (`actor`, a console account); sessions already past their
    time as expired. Returns the ids of the sessions ended."""
    now = timezone.now()
    label = operator_label(actor)
    ended = []
    for session in SupportSession.objects.filter(commune_id=commune.pk, ended_at__isnull=True).order_by("pk"):
        expired = session.expires_at <= now
        try:
            if end(session, ended_by=EXPIRED if expired else label, actor=None if expired else label,
                   request=request, by=actor):
                ended.append(session.pk)
        except Exception:  # the commune's change is committed; its domain is closed and beat ends it at expiry
            logger.exception("support session %s could not be ended with its commune", session.pk)
    return ended


def state(pk: int) -> SessionState | None:
    """The session's state for the middleware: read by id in the public table, cached a few seconds (ending a
    session drops the cached copy at once, and expiry is checked against the cached end time)."""
    cached = _cached_state(pk)
    if cached is not None:
        return cached
    row = (SupportSession.objects.filter(pk=pk)
           .values("pk", "commune_id", "operator_name", "expires_at", "ended_at").first())
    if row is None:
        return None
    found = SessionState(pk=row["pk"], commune_id=row["commune_id"], operator_name=row["operator_name"],
                         expires_at=row["expires_at"], ended=row["ended_at"] is not None)
    _cache_state(found)
    return found


def sessions_of(commune: Commune):
    """A commune's support sessions, newest first (the operator's account is not joined: it lives in public)."""
    return SupportSession.objects.filter(commune_id=commune.pk).order_by("-opened_at", "-pk")


def status_of(session: SupportSession, now: datetime.datetime | None = None) -> str:
    """open, waiting (not entered yet), ended or expired."""
    now = now or timezone.now()
    if session.ended_at is not None:
        return "expired" if session.ended_by == EXPIRED else "ended"
    if now >= session.expires_at:
        return "expired"
    return "open" if session.entered_at else "waiting"
