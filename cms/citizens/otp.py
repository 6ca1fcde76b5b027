"""One-time codes: 6 digits, kept as a keyed hash, 10 minutes of life, 5 wrong tries, and a sending limit per
recipient (the schema's own tables, so every limit is per commune)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from cms.citizens.models import CitizenProfile, OneTimeCode
from platform_core.notifications.models import OutboxMessage

CODE_DIGITS = 6
LIFETIME = timedelta(minutes=10)
MAX_FAILED_ATTEMPTS = 5
# Sending limits per recipient: one message a minute, five an hour (codes and notices alike).
MIN_INTERVAL = timedelta(seconds=60)
HOURLY_LIMIT = 5
PURPOSE_PREFIX = "citizens:"


@dataclass(frozen=True)
class NewCode:
    record: OneTimeCode
    code: str  # the clear code, only for the message that carries it


def _digest(salt: str, code: str) -> str:
    return salted_hmac(f"citizens.otp:{connection.schema_name}:{salt}", code, algorithm="sha256").hexdigest()


def lock_recipient(recipient: str) -> None:
    """Serialise the sending and checking of codes for one recipient (two clicks on "resend" send one code)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':citizens-otp:' || %s))",
                       [recipient])


def check_sending_limit(recipient: str) -> None:
    """Raise ValidationError(code="throttled") when this recipient was sent too many account messages lately."""
    now = timezone.now()
    sent = OutboxMessage.objects.filter(recipient=recipient, purpose__startswith=PURPOSE_PREFIX,
                                        created_at__gte=now - timedelta(hours=1))
    if sent.filter(created_at__gte=now - MIN_INTERVAL).exists():
        raise ValidationError(_("A code was sent less than a minute ago. Wait a minute before asking for another."),
                              code="throttled")
    if sent.count() >= HOURLY_LIMIT:
        raise ValidationError(_("Too many codes were sent to this recipient in the last hour. Try again later."),
                              code="throttled")


def issue(profile: CitizenProfile, purpose: str) -> NewCode:
    """A fresh code for the profile; earlier live codes of the same purpose stop working."""
    now = timezone.now()
    OneTimeCode.objects.filter(profile=profile, purpose=purpose, used_at__isnull=True, revoked=False).update(
        revoked=True)
    code = "".join(secrets.choice("0123456789") for _digit in range(CODE_DIGITS))
    salt = secrets.token_hex(16)
    record = OneTimeCode.objects.create(profile=profile, purpose=purpose, recipient=profile.identifier, salt=salt,
                                        code_hash=_digest(salt, code), created_at=now, expires_at=now + LIFETIME)
    return NewCode(record, code)


def live_code(profile: CitizenProfile, purpose: str) -> OneTimeCode | None:
    return (OneTimeCode.objects.select_for_update()
            .filter(profile=profile, purpose=purpose, used_at__isnull=True, revoked=False,
                    expires_at__gt=timezone.now(), failed_attempts__lt=MAX_FAILED_ATTEMPTS)
            .order_by("-created_at", "-pk").first())


def consume(record: OneTimeCode | None, code: str) -> bool:
    """Whether `code` is the record's code; a match uses the code up, a miss counts as a wrong try."""
    if record is None:
        _digest(secrets.token_hex(16), code or "")  # the same work either way: no timing difference
        return False
    candidate = "".join(ch for ch in (code or "") if not ch.isspace())
    if constant_time_compare(_digest(record.salt, candidate), record.code_hash):
        record.used_at = timezone.now()
        record.save(update_fields=["used_at"])
        return True
    record.failed_attempts += 1
    record.save(update_fields=["failed_attempts"])
    return False
