"""What every régie write shares: the permission check and the cashier's open day."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.regie.models import CashDay


def require(actor, permission: str) -> None:
    if not actor.has_perm(f"regie.{permission}"):
        raise PermissionDenied(_("Your role does not allow this action."))


def open_cash_day(cashier) -> CashDay:
    """The cashier's day of today, opened on the first receipt and locked until the transaction ends (closing
    it waits for the receipts being written, and a receipt started after the closing sees it closed)."""
    today = timezone.localdate()
    CashDay.objects.get_or_create(cashier=cashier, day=today)
    day = CashDay.objects.select_for_update().get(cashier=cashier, day=today)
    if day.status == CashDay.Status.CLOSED:
        raise ValidationError(_("Your cash day of %(day)s is closed: no receipt can be issued or changed until "
                                "tomorrow.") % {"day": today.strftime("%d/%m/%Y")})
    return day
