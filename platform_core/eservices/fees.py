"""Fees of online requests, charged through the régie when the commune subscribes to it.

The engine lives in the platform, the cashier in a module: this is the one place where they meet, and it
asks the module registry first, so a commune without the régie simply charges nothing online.
"""

from __future__ import annotations

from django.db import connection

from platform_core.modules.registry import module_enabled, registry

SOURCE = "eservices"


def _regie_enabled() -> bool:
    return "regie" in registry and module_enabled(getattr(connection, "tenant", None), "regie")


def quote(tariff_code: str, base_values: dict | None = None):
    """The fee in dirhams today, or None when the commune has no régie or no such tariff."""
    if not _regie_enabled():
        return None
    from django.core.exceptions import ValidationError

    from modules.regie.services import quote_fee

    try:
        return quote_fee(tariff_code, base_values)
    except ValidationError:
        return None


def charge(service_request, tariff_code: str, base_values: dict | None):
    """Charge the request's fee; returns the régie's FeeStatus, or None when nothing is charged."""
    if not _regie_enabled() or quote(tariff_code, base_values) is None:
        return None
    from modules.regie.services import charge_fee

    return charge_fee(tariff_code=tariff_code, base_values=base_values, source=SOURCE,
                      source_reference=service_request.tracking_number,
                      payer_name=service_request.display_name("fr") or service_request.tracking_number)


def status(service_request):
    """The régie's FeeStatus of the request's fee, or None if none was charged."""
    if not service_request.fee_reference or "regie" not in registry:
        return None
    from modules.regie.services import fee_status

    return fee_status(SOURCE, service_request.tracking_number)


def _on_fee_paid(sender, assessment, **kwargs):
    if assessment.source != SOURCE:
        return
    from platform_core.eservices.services import record_fee_paid

    record_fee_paid(assessment.source_reference)


def connect() -> None:
    from django.conf import settings

    if "modules.regie" in settings.INSTALLED_APPS:
        from modules.regie.services import fee_paid

        fee_paid.connect(_on_fee_paid, dispatch_uid="eservices.fee_paid")

