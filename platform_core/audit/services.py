"""Writing to and checking the audit journal of the current schema."""

from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from platform_core.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _jsonable(value):
    """What the JSON column will give back, so that the hash computed now matches the one recomputed later."""
    return None if value is None else json.loads(json.dumps(value, default=str, ensure_ascii=False))


def compute_hash(entry: AuditEntry) -> str:
    payload = {
        "sequence": entry.sequence,
        "recorded_at": entry.recorded_at.astimezone(UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "ip_address": entry.ip_address,
        "before": entry.before,
        "after": entry.after,
        "previous_hash": entry.previous_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def canonical_ip(value: str | None) -> str | None:
    """The address as the database stores it (so that the hash recomputed later matches), or None."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, when the request came through one of TRUSTED_PROXIES, the last
    X-Forwarded-For hop, the one our proxy appended (the hops before it are whatever the client sent)."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    if address in settings.TRUSTED_PROXIES:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            address = hops[-1]
    return canonical_ip(address)


def _actor_label(actor) -> str:
    label = actor.get_username() if hasattr(actor, "get_username") else str(actor or "")
    return label[:200]


def record(
    action: str,
    *,
    actor=None,
    target=None,
    object_type: str = "",
    object_id: str = "",
    before=None,
    after=None,
    request=None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry; call it inside the transaction of the write it describes."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("Audit entries are written inside the audited transaction.")
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    with connection.cursor() as cursor:
        # One writer at a time per schema: the chain is a sequence.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':audit'))")
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    entry = AuditEntry(
        sequence=head.last_sequence + 1,
        recorded_at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_label=_actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip_address=canonical_ip(ip_address) if ip_address else client_ip(request),
        before=_jsonable(before),
        after=_jsonable(after),
        previous_hash=head.last_hash,
    )
    entry.entry_hash = compute_hash(entry)
    entry.save(force_insert=True)
    AuditHead.objects.filter(id=1).update(last_sequence=entry.sequence, last_hash=entry.entry_hash)
    return entry


@dataclass(frozen=True)
class Problem:
    sequence: int
    message: str


def verify() -> list[Problem]:
    """Recompute the chain of the current schema; an empty list means intact."""
    problems: list[Problem] = []
    expected_previous = GENESIS
    expected_sequence = 1
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            gap = f"entries {expected_sequence} to {entry.sequence - 1} are missing"
            problems.append(Problem(expected_sequence, gap))
        elif entry.previous_hash != expected_previous:
            problems.append(Problem(entry.sequence, "does not follow the entry before it"))
        if compute_hash(entry) != entry.entry_hash:
            problems.append(Problem(entry.sequence, "was edited after it was written"))
        expected_previous = entry.entry_hash
        expected_sequence = entry.sequence + 1
    head = AuditHead.objects.filter(id=1).first()
    last = expected_sequence - 1
    if head is not None and head.last_sequence > last:
        gap = f"entries {last + 1} to {head.last_sequence} are missing (end of the journal)"
        problems.append(Problem(last + 1, gap))
    elif head is not None and head.last_sequence == last and last and head.last_hash != expected_previous:
        problems.append(Problem(last, "the last entry does not match the journal's head"))
    return problems
