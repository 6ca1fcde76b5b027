from django.dispatch import Signal

# Sent after the commit that pays an assessment in full, with `assessment`, `source` and `source_reference`:
# the module that charged the fee (services.charge_fee) learns that it is paid.
fee_paid = Signal()
