"""Switching a commune's modules on and off (run-time: no migration, no restart)."""

from django.db import transaction
from django_tenants.utils import schema_context

from platform_core.audit import services as audit
from platform_core.modules.registry import registry
from tenants.models import Commune, Subscription


def set_subscriptions(commune: Commune, module_keys, *, actor=None, request=None) -> list[str]:
    """Make exactly these modules active for the commune, with those they require (kept on even when not asked
    for); returns the active keys."""
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
                subscription.active = False
                subscription.save(update_fields=["active", "changed_at"])
                changes.append(("off", key))
        if changes:
            audit.record(
                "tenants.set_subscriptions",
                actor=actor,
                target=commune,
                request=request,
                before={"modules": sorted(k for k, s in current.items() if s.active)},
                after={"modules": sorted(wanted)},
            )
    return wanted

