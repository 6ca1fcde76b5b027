"""Reads of the régie: listings, registers and figures, one module per concern."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from modules.regie.models import Assessment, Receipt


def key_figures() -> dict:
    """This year's valid receipts and takings and the assessments still unpaid, as JSON-ready values."""
    year = timezone.localdate().year
    receipts = Receipt.objects.filter(issued_at__year=year).aggregate(
        count=Count("id", filter=Q(status=Receipt.Status.VALID)),
        takings=Sum("amount", filter=Q(status=Receipt.Status.VALID)),
    )
    unpaid = Assessment.objects.filter(status__in=[Assessment.Status.ISSUED, Assessment.Status.PARTLY_PAID]).count()
    return {"year": year, "receipts": receipts["count"], "takings": str(receipts["takings"] or Decimal("0.00")),
            "unpaid_assessments": unpaid}
