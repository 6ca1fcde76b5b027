"""The régie's items of the onboarding checklist, read from the commune's data (called inside its schema).

Two things stop a régie from collecting on its first day: no tariff in force (nothing can be priced) and no
counter receipt book of the year (every counter receipt takes its number from a book the cashier holds, and the
books come from the Trésorerie's stock): both are items. Taxpayers and budget lines are not: they grow with use.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.regie.models import ReceiptBook, Tariff
from platform_core.modules.checklist import ChecklistItem


def _path(name: str) -> str:
    # The commune's URLconf, also when the console (on the platform's domain) reads the checklist.
    return reverse(f"module-regie:{name}", urlconf=settings.ROOT_URLCONF)


def checks(commune) -> list[ChecklistItem]:
    return [_tariffs_item(), _receipt_books_item()]


def _tariffs_item() -> ChecklistItem:
    today = timezone.localdate()
    counts = Tariff.objects.filter(active=True).aggregate(
        active=Count("pk", distinct=True),
        in_force=Count("pk", distinct=True, filter=Q(versions__effective_from__lte=today)),
    )
    in_force, pending = counts["in_force"], counts["active"] - counts["in_force"]
    if not counts["active"]:
        detail = _("No tariff yet: load the fiscal order's catalogue (tariffs and their amounts).")
    else:
        detail = ngettext("%(count)d tariff in force today.", "%(count)d tariffs in force today.",
                          in_force) % {"count": in_force}
        if pending:
            detail += " " + ngettext("%(count)d active tariff has no amounts in force yet.",
                                     "%(count)d active tariffs have no amounts in force yet.",
                                     pending) % {"count": pending}
    return ChecklistItem(key="regie.tariffs", label=_("Tariff catalogue loaded"), done=in_force > 0, detail=detail,
                         back_office_path=_path("tariffs"))


def _receipt_books_item() -> ChecklistItem:
    year = timezone.localdate().year
    counts = ReceiptBook.objects.filter(
        use=ReceiptBook.Use.COUNTER, year=year,
        status__in=[ReceiptBook.Status.IN_STOCK, ReceiptBook.Status.ISSUED, ReceiptBook.Status.IN_USE],
    ).aggregate(books=Count("pk"), held=Count("pk", filter=~Q(status=ReceiptBook.Status.IN_STOCK)))
    if counts["books"]:
        detail = ngettext("%(count)d counter receipt book of %(year)d received.",
                          "%(count)d counter receipt books of %(year)d received.",
                          counts["books"]) % {"count": counts["books"], "year": year}
        detail += " " + ngettext("%(count)d of them in a cashier's hands.", "%(count)d of them in cashiers' hands.",
                                 counts["held"]) % {"count": counts["held"]}
    else:
        detail = _("No counter receipt book of %(year)d yet: record the books received from the Trésorerie.") % {
            "year": year}
    return ChecklistItem(key="regie.receipt_books", label=_("Receipt books received"), done=counts["books"] > 0,
                         detail=detail, back_office_path=_path("books"))
