"""Switching a commune's modules on and off (run-time: no migration, no restart)."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from platform_core.audit import services as audit
from platform_core.modules.registry import registry
from tenants.models import Commune, Subscription


def set_subscriptions(commune: Commune, module_keys, *, actor=None) -> list[str]:
    """Make exactly these modules (and those they require) active for the commune; returns the active keys."""
    wanted = registry.with_dependencies(module_keys)
    with schema_context("public"), transaction.atomic():
        current = {s.module_key: s for s in Subscription.objects.select_for_update().filter(commune=commune)}
        changes = []
        for key in wanted:
            subscription = current.get(key)
            if subscription is None:
                Subscription.objects.create(commune=commune, module_key=key, active=True)
                changes.append(("on", key))
            elif not subscription.active:
                subscription.active = True
                subscription.save(update_fields=["active", "changed_at"])
                changes.append(("on", key))
        for key, subscription in current.items():
            if key not in wanted and subscription.active:
                _refuse_if_required(key, wanted)
                subscription.active = False
                subscription.save(update_fields=["active", "changed_at"])
                changes.append(("off", key))
        if changes:
            audit.record(
                "tenants.set_subscriptions",
                actor=actor,
                target=commune,
                before={"modules": sorted(k for k, s in current.items() if s.active)},
                after={"modules": sorted(wanted)},
            )
    return wanted


def _refuse_if_required(key: str, wanted: list[str]) -> None:
    for other in wanted:
        if key in registry.get(other).requires:
            raise ValueError(
                _("The module %(module)s cannot be switched off: %(other)s needs it.") % {"module": key, "other": other}
            )
