"""A commune's life on the platform: onboarding, live, suspended, archived. Every change is the operators' act,
with a reason where the law of least surprise wants one, audited in the platform's journal."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.audit import services as audit
from tenants.models import Commune
from tenants.onboarding import checklist
from tenants.services import support

Status = Commune.Status


class LifecycleError(ValueError):
    """The change is not allowed from the commune's current state; the message says why."""


def take_live(commune: Commune, *, actor, reason: str = "", request=None) -> Commune:
    """Open the commune's portal to the public. Refused while the checklist is incomplete, unless the operator
    records why it goes live anyway (the missing items are kept with the reason)."""
    reason = reason.strip()
    items = checklist(commune)
    if not items.complete and not reason:
        raise LifecycleError(_("The onboarding checklist is not complete: give the reason for going live anyway."))
    return _change(commune, Status.LIVE, allowed_from={Status.ONBOARDING}, actor=actor, reason=reason,
                   request=request, action="tenants.take_live", extra={"missing": items.missing()})


def suspend(commune: Commune, *, actor, reason: str, request=None) -> Commune:
    """Close the commune's domain (portal, back office, API) with a clear page; nothing is deleted. Its open
    support sessions end, as ended by `actor`."""
    commune = _change(commune, Status.SUSPENDED, allowed_from={Status.ONBOARDING, Status.LIVE}, actor=actor,
                      reason=_required(reason), request=request, action="tenants.suspend")
    support.end_sessions_of(commune, actor=actor, request=request)
    return commune


def resume(commune: Commune, *, actor, reason: str = "", request=None) -> Commune:
    """Reopen a suspended commune where it was: live if it had gone live, onboarding otherwise."""
    target = Status.LIVE if commune.live_since else Status.ONBOARDING
    return _change(commune, target, allowed_from={Status.SUSPENDED}, actor=actor, reason=reason.strip(),
                   request=request, action="tenants.resume")


def archive(commune: Commune, *, actor, reason: str, request=None) -> Commune:
    """Retire the commune: its domain closes, its schema and files are kept (backups, the archives law),
    `migrate_all` and the scheduled jobs leave it alone. Its open support sessions end, as ended by `actor`."""
    commune = _change(commune, Status.ARCHIVED, allowed_from={Status.ONBOARDING, Status.LIVE, Status.SUSPENDED},
                      actor=actor, reason=_required(reason), request=request, action="tenants.archive")
    support.end_sessions_of(commune, actor=actor, request=request)
    return commune


def _required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError(_("Give the reason: it is kept in the platform's journal."))
    return reason


def _change(commune: Commune, target: str, *, allowed_from: set, actor, reason: str, request, action: str,
            extra: dict | None = None) -> Commune:
    if commune.is_template:
        raise LifecycleError(_("The template commune is always live; it has no domain to open or close."))
    with transaction.atomic(durable=True):
        locked = Commune.objects.select_for_update().get(pk=commune.pk)
        if locked.status not in allowed_from:
            raise LifecycleError(
                _("%(commune)s is %(status)s: this change is not possible from that status.")
                % {"commune": locked.name(), "status": locked.get_status_display().lower()}
            )
        before = locked.status
        locked.status = target
        fields = ["status", "updated_at"]
        if target == Status.LIVE and not locked.live_since:
            locked.live_since = timezone.now()
            fields.append("live_since")
        locked.save(update_fields=fields)
        audit.record(action, actor=actor, target=locked, request=request,
                     before={"status": before}, after={"status": target, "reason": reason, **(extra or {})})
    commune.status, commune.live_since = locked.status, locked.live_since
    return commune
