"""Every write of the régie, one module per concern (catalogue, assessments, books, receipts, closing, field).

What other modules may use is re-exported here and kept small and stable: quote a fee, charge it, ask whether
it is paid, and the `fee_paid` signal sent once it is.
"""

from modules.regie.services.fees import FeeStatus, charge_fee, fee_status, quote_fee
from modules.regie.signals import fee_paid

__all__ = ["FeeStatus", "charge_fee", "fee_paid", "fee_status", "quote_fee"]
