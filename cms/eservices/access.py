"""Who may see a request on the portal: the citizen account that made it, or a visitor who gave its access key
(remembered in their session, which lives in the commune's schema behind a host-only cookie).

Failed keys are counted per address, so that keys cannot be guessed by trying."""

from __future__ import annotations

from django.db import connection

from platform_core.attempts import AttemptLimit

ATTEMPTS = AttemptLimit("eservices.track.failures", max_failures=10, window_seconds=15 * 60)
GRANTED = "eservices.granted"
SUBMITTED = "eservices.submitted"
MAX_GRANTS = 20  # the requests a session remembers, most recent last


def _grant_key(tracking_number: str) -> str:
    return f"{connection.schema_name}:{tracking_number}"


def grant(request, service_request) -> None:
    granted = [key for key in request.session.get(GRANTED, []) if key != _grant_key(service_request.tracking_number)]
    request.session[GRANTED] = [*granted, _grant_key(service_request.tracking_number)][-MAX_GRANTS:]
    request.session.cycle_key()  # the session now opens a request: a new id, so a planted one is worth nothing


def may_see(request, service_request) -> bool:
    user = request.user
    if user.is_authenticated and service_request.applicant_id == user.pk:
        return True
    return _grant_key(service_request.tracking_number) in request.session.get(GRANTED, [])


def keep_for_confirmation(request, submission) -> None:
    """The number and key, for the one confirmation page that follows the submission's redirect."""
    request.session[SUBMITTED] = {"tracking_number": submission.request.tracking_number,
                                  "access_key": submission.access_key}


def take_confirmation(request) -> dict | None:
    return request.session.pop(SUBMITTED, None)
