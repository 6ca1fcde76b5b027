"""Reads of the complaints module: a complaint by number and key, the back-office list and its filters, the
dashboard's counts, and the public statistics (counts only, no personal data)."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from modules.complaints.models import Category, Complaint, ComplaintEvent
from modules.complaints.services import ANSWER, RECEIVE, normalise_number
from platform_core.eservices import keys

Status = Complaint.Status


def find_complaint(number: str, access_key: str) -> Complaint | None:
    """The complaint with this number if the key matches, else None (one answer for a wrong number or key)."""
    number = normalise_number(number)
    complaint = Complaint.objects.filter(number=number).select_related("category", "department").first() \
        if number else None
    return keys.unlocked(complaint, number, access_key)


def visible_to(user) -> QuerySet[Complaint]:
    """Agents and consultation see every complaint; a responder only those of their services."""
    complaints = Complaint.objects.select_related("category", "department", "assignee")
    if not user.has_perm("complaints.view_complaint"):
        return complaints.none()
    if user.is_superuser or user.has_perm(RECEIVE) or not user.has_perm(ANSWER):
        return complaints
    return complaints.filter(department__members=user)


def search(user, *, status: str = "", category: Category | None = None, overdue: bool = False,
           days_left: int | None = None, number: str = "") -> QuerySet[Complaint]:
    today = timezone.localdate()
    complaints = visible_to(user)
    if status == "open":
        complaints = complaints.filter(status__in=Complaint.OPEN_STATUSES)
    elif status:
        complaints = complaints.filter(status=status)
    if category is not None:
        complaints = complaints.filter(category=category)
    if overdue:
        complaints = complaints.filter(status__in=Complaint.OPEN_STATUSES, due_on__lt=today)
    if days_left is not None:
        complaints = complaints.filter(status__in=Complaint.OPEN_STATUSES,
                                       due_on__lte=today + datetime.timedelta(days=days_left))
    if number:
        complaints = complaints.filter(number__icontains=number.strip())
    if status in ("", "open") or overdue or days_left is not None:
        return complaints.order_by("due_on", "received_at")
    return complaints.order_by("-received_at", "-pk")


def days_left(complaint: Complaint) -> int | None:
    """Days until the answer is due (negative when late); None once answered or closed."""
    if not complaint.is_open:
        return None
    return (complaint.due_on - timezone.localdate()).days


def public_timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.filter(public=True)


def full_timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor")


@dataclass(frozen=True)
class Counts:
    by_status: dict[str, int]
    open: int
    overdue: int
    due_soon: int  # open, due within 15 days


def counts(user) -> Counts:
    today = timezone.localdate()
    complaints = visible_to(user)
    by_status = dict(complaints.order_by().values_list("status").annotate(n=Count("pk")))
    open_ones = complaints.filter(status__in=Complaint.OPEN_STATUSES)
    return Counts(
        by_status={value: by_status.get(value, 0) for value in Status.values},
        open=open_ones.count(),
        overdue=open_ones.filter(due_on__lt=today).count(),
        due_soon=open_ones.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=15)).count(),
    )


@dataclass(frozen=True)
class PublicStatistics:
    total: int
    by_category: list[tuple[Category, dict[str, int], int]]  # category, count per status, total
    by_status: dict[str, int]
    by_kind: dict[str, int]
    answered_in_time_share: float | None  # of complaints answered or already late, the share answered in 60 days
    median_answer_days: float | None


def public_statistics(year: int | None = None) -> PublicStatistics:
    """What the commune publishes about complaints (all years, or one): counts and delays, nothing personal."""
    complaints = Complaint.objects.all()
    if year:
        complaints = complaints.filter(received_at__year=year)
    today = timezone.localdate()
    by_status = {value: 0 for value in Status.values}
    by_status.update(dict(complaints.order_by().values_list("status").annotate(n=Count("pk"))))
    by_kind = {value: 0 for value in Complaint.Kind.values}
    by_kind.update(dict(complaints.order_by().values_list("kind").annotate(n=Count("pk"))))
    per_category: dict[int, dict[str, int]] = {}
    for category_id, status, count in complaints.order_by().values_list("category", "status").annotate(
            n=Count("pk")):
        per_category.setdefault(category_id, {})[status] = count
    categories = Category.objects.filter(Q(active=True) | Q(pk__in=per_category.keys()))
    by_category = [(category, per_category.get(category.pk, {}), sum(per_category.get(category.pk, {}).values()))
                   for category in categories]
    # Each answer is measured against its own clock: from reception, or from the reopening it answers.
    delays, in_time = [], 0
    for received_at, answered_at, due_on, reopened_at in complaints.filter(
            status__in=(Status.ANSWERED, Status.CLOSED)).values_list("received_at", "answered_at", "due_on",
                                                                     "reopened_at"):
        delays.append((answered_at - (reopened_at or received_at)).total_seconds() / 86400)
        in_time += timezone.localdate(answered_at) <= due_on
    late_unanswered = complaints.filter(status__in=Complaint.OPEN_STATUSES, due_on__lt=today).count()
    decided = len(delays) + late_unanswered
    return PublicStatistics(
        total=sum(by_status.values()), by_category=by_category, by_status=by_status, by_kind=by_kind,
        answered_in_time_share=(in_time / decided) if decided else None,
        median_answer_days=round(statistics.median(delays), 1) if delays else None,
    )
