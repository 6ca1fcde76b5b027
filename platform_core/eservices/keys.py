"""Tracking numbers and access keys. Both are digits only, so that a kiosk needs no keyboard beyond a keypad;
the key is kept as a keyed hash (HMAC with the deployment's secret), compared in constant time."""

import hashlib
import hmac
import secrets

from django.conf import settings

ACCESS_KEY_DIGITS = 8


def tracking_number(year: int, number: int) -> str:
    return f"{year}-{number:06d}"


def normalise_tracking_number(value: str, form=tracking_number) -> str:
    """"2026000123", "2026-000123" and "2026 123" all name request 123 of 2026; `form(year, number)` writes it."""
    digits = "".join(character for character in (value or "") if character.isdigit())
    if len(digits) < 5:
        return ""
    return form(int(digits[:4]), int(digits[4:]))


def new_access_key() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(ACCESS_KEY_DIGITS))


def access_key_digest(tracking: str, access_key: str) -> str:
    key = "".join(character for character in (access_key or "") if character.isdigit())
    message = f"eservices:{tracking}:{key}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def access_key_matches(tracking: str, access_key: str, digest: str) -> bool:
    return hmac.compare_digest(access_key_digest(tracking, access_key), digest)


def unlocked(found, number: str, access_key: str):
    """`found` (a record with an `access_key_digest`, or None) if the key matches its number, else None: one
    answer, and the same work, for a wrong number or a wrong key, so that timing does not tell them apart."""
    matches = access_key_matches(number, access_key, found.access_key_digest if found is not None else "")
    return found if found is not None and matches else None
