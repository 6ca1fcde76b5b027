"""A commune's onboarding checklist, read from its data: the platform's items and those of its modules."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tenants.utils import tenant_context

from platform_core.locale import is_arabic
from platform_core.modules.checklist import ChecklistItem, percent
from platform_core.modules.registry import registry
from tenants.models import Commune


@dataclass(frozen=True)
class Checklist:
    items: list[ChecklistItem]

    @property
    def done(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.items)

    @property
    def progress(self) -> int:
        return percent(self.done, len(self.items))

    def missing(self) -> list[str]:
        return [item.key for item in self.items if not item.done]


def active_modules(commune: Commune) -> list:
    keys = set(commune.subscriptions.filter(active=True).values_list("module_key", flat=True))
    return [spec for spec in registry.all() if spec.key in keys]


def checklist(commune: Commune) -> Checklist:
    """Every item, computed now inside the commune's schema (a few counts per module)."""
    modules = active_modules(commune)
    with tenant_context(commune):
        items = [_staff_item(modules)]
        for spec in modules:
            if spec.onboarding_checks:
                items.extend(spec.onboarding_checks(commune))
    return Checklist(items)


def _staff_item(modules) -> ChecklistItem:
    """Someone active in each essential role of the modules the commune subscribes to."""
    from platform_core.accounts.models import RoleGroup

    roles = [(spec, role) for spec in modules for role in spec.roles if role.essential]
    staffed = set(
        RoleGroup.objects.filter(group__user__is_active=True).values_list("module_key", "role_key").distinct()
    )
    empty = [f"{spec.name()} · {spec_role_name(role)}" for spec, role in roles if (spec.key, role.key) not in staffed]
    filled = len(roles) - len(empty)
    if empty:
        detail = ngettext("Nobody yet in the role: %(roles)s.", "Nobody yet in the roles: %(roles)s.",
                          len(empty)) % {"roles": "; ".join(empty)}
    else:
        detail = ngettext("%(count)d role filled.", "All %(count)d roles filled.", filled) % {"count": filled}
    return ChecklistItem(key="platform.staff", label=_("Staff accounts created"), done=not empty, detail=detail,
                         progress=percent(filled, len(roles)), back_office_path="/admin/users/")


def spec_role_name(role) -> str:
    return role.name_ar if is_arabic() else role.name_fr
