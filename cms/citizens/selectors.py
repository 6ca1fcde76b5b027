"""Reads of citizen accounts, for this app and for other portal views."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from cms.citizens.models import CitizenProfile
from platform_core.eservices.definitions import get_eservice
from platform_core.eservices.selectors import requests_of
from platform_core.notifications.validators import normalise_email, normalise_phone


def citizen_of(user) -> CitizenProfile | None:
    """The verified citizen account of a signed-in user, else None (anonymous, staff, or not yet verified)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        profile = user.citizen_profile
    except CitizenProfile.DoesNotExist:
        return None
    return profile if profile.is_verified else None


def normalise_identifier(value: str) -> tuple[str, str]:
    """("email", address) or ("phone", E.164 number); raises ValidationError for anything else."""
    value = (value or "").strip()
    if "@" in value:
        return "email", normalise_email(value)
    return "phone", normalise_phone(value)


def profile_by_identifier(value: str) -> CitizenProfile | None:
    """The account signed up with this phone number or e-mail address (in any accepted spelling), or None."""
    try:
        kind, identifier = normalise_identifier(value)
    except ValidationError:
        return None
    lookup = {"email__iexact": identifier} if kind == "email" else {"phone": identifier}
    return CitizenProfile.objects.select_related("user").filter(**lookup).first()


@dataclass(frozen=True)
class HistoryRow:
    tracking_number: str
    service_name: str
    status: str
    status_label: str
    submitted_at: datetime.datetime
    url: str


def history(user, language: str) -> list[HistoryRow]:
    """The citizen's online requests, newest first, each with its public page (/<language>/demandes/suivi/...)."""
    rows = []
    for service_request in requests_of(user):
        try:
            service_name = get_eservice(service_request.service_code).name(language)
        except LookupError:  # a service since withdrawn from the catalogue
            service_name = service_request.service_code
        rows.append(HistoryRow(
            tracking_number=service_request.tracking_number, service_name=service_name,
            status=service_request.status, status_label=service_request.get_status_display(),
            submitted_at=service_request.submitted_at,
            url=f"/{language}/demandes/suivi/{service_request.tracking_number}/"))
    return rows
