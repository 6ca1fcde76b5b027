"""Reads of the e-services engine: a request by tracking number and key, a citizen's history, the staff inbox."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from platform_core.eservices import keys
from platform_core.eservices.definitions import all_eservices, get_eservice
from platform_core.eservices.models import RequestEvent, ServiceRequest


def find_request(tracking_number: str, access_key: str) -> ServiceRequest | None:
    """The request with this number if the key matches, else None (one answer for a wrong number or key)."""
    number = keys.normalise_tracking_number(tracking_number)
    return keys.unlocked(ServiceRequest.objects.filter(tracking_number=number).first() if number else None,
                         number, access_key)


def requests_of(user) -> QuerySet[ServiceRequest]:
    """A citizen's requests, newest first."""
    if not getattr(user, "pk", None):
        return ServiceRequest.objects.none()
    return ServiceRequest.objects.filter(applicant=user).order_by("-submitted_at")


def public_timeline(service_request: ServiceRequest) -> QuerySet[RequestEvent]:
    return service_request.events.filter(public=True)


def full_timeline(service_request: ServiceRequest) -> QuerySet[RequestEvent]:
    return service_request.events.select_related("actor")


def current_step(service_request: ServiceRequest):
    service = get_eservice(service_request.service_code)
    return service.steps[min(service_request.step_index, len(service.steps) - 1)]


def can_process(user, service_request: ServiceRequest) -> bool:
    """Whether the user may act on the request's current step."""
    return service_request.is_open and user.has_perm(current_step(service_request).permission)


def services_user_works_on(user) -> list:
    return [service for service in all_eservices() if any(user.has_perm(step.permission) for step in service.steps)]


def inbox(user, *, status: str | None = None, service_code: str | None = None, waiting_for_me: bool = False,
          search: str = "") -> QuerySet[ServiceRequest]:
    """The requests of the services the user works on; `waiting_for_me`: open ones at a step they can approve."""
    services = services_user_works_on(user)
    requests = ServiceRequest.objects.filter(service_code__in=[service.code for service in services])
    if waiting_for_me:
        at_my_step = Q(pk__in=[])
        for service in services:
            for index, step in enumerate(service.steps):
                if user.has_perm(step.permission):
                    at_my_step |= Q(service_code=service.code, step_index=index)
        requests = requests.filter(at_my_step, status__in=[ServiceRequest.Status.SUBMITTED,
                                                           ServiceRequest.Status.IN_PROGRESS])
    if status:
        requests = requests.filter(status=status)
    if service_code:
        requests = requests.filter(service_code=service_code)
    if search:
        term = search.strip()
        requests = requests.filter(Q(tracking_number__icontains=term) | Q(applicant_name__icontains=term)
                                   | Q(applicant_name_ar__icontains=term) | Q(national_id__iexact=term))
    return requests.order_by("due_on", "submitted_at")
