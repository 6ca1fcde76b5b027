"""A commune's configuration read back as a recipe that provisions another commune with the same set-up.

What travels: the subscribed modules, each module's recipe section (from its ModuleSpec.export_recipe, written
beside the module's recipe reader), the portal section, and the staff's roles (as role names only). What does
not: people (the administrator and staff accounts, names, phones, passwords), the commune's own identity (slug,
names, domains, contacts, which the caller gives or the operator replaces), and what people did (acts, receipts,
complaints). The result always validates with tenants.recipes.parse_recipe.
"""

from __future__ import annotations

import html
import re
from collections import Counter

import yaml
from django.db import connection, transaction
from django.utils.html import strip_tags
from django_tenants.utils import tenant_context

from platform_core.audit import services as audit
from platform_core.modules.registry import registry
from tenants.models import Commune
from tenants.recipes import parse_recipe

PLACEHOLDER_SLUG = "nouvelle-commune"
PLACEHOLDER_NAME_FR = "Nouvelle commune"
PLACEHOLDER_NAME_AR = "جماعة جديدة"


def _text(rich_text: str) -> str:
    """Rich text written by cms.portal from plain lines (one paragraph a line), read back as those lines."""
    paragraphs = re.findall(r"<p[^>]*>(.*?)</p>", rich_text or "", flags=re.S) or [rich_text or ""]
    lines = [html.unescape(strip_tags(paragraph)).strip() for paragraph in paragraphs]
    return "\n".join(line for line in lines if line)


def _portal_section() -> dict:
    from cms.portal import home_pages

    home_ar, home_fr = home_pages()
    # The emblem is a file of this commune (its own image, by name): the operator adds the new one's.
    return {"package": "standard", "intro_fr": _text(home_fr.intro), "intro_ar": _text(home_ar.intro),
            "opening_hours_fr": home_fr.opening_hours, "opening_hours_ar": home_ar.opening_hours}


def staff_roles() -> dict[str, int]:
    """The module roles held by the commune's active staff, as 'module.role' -> number of people (no names)."""
    from platform_core.accounts.models import RoleGroup

    counts = Counter()
    for link in RoleGroup.objects.select_related("group"):
        held = link.group.user_set.filter(is_active=True).count()
        if held:
            counts[f"{link.module_key}.{link.role_key}"] += held
    return dict(sorted(counts.items()))


def export_recipe(commune: Commune, *, slug: str = PLACEHOLDER_SLUG, name_fr: str = PLACEHOLDER_NAME_FR,
                  name_ar: str = PLACEHOLDER_NAME_AR) -> dict:
    """The recipe (as a mapping) of a new commune `slug` set up like `commune`; validated before it is returned.

    The staff's roles are not in the mapping (the recipe format ties roles to accounts, and accounts are people):
    staff_roles() gives them, and export_recipe_yaml() writes them at the top of the file for the operator."""
    subscribed = set(commune.subscriptions.filter(active=True).values_list("module_key", flat=True))
    modules = [key for key in registry.keys() if key in subscribed]  # the registry's order; unknown keys dropped
    with tenant_context(commune):
        sections = {}
        for key in modules:
            spec = registry.get(key)
            section = spec.export_recipe() if spec.export_recipe is not None else None
            if section:
                sections[key] = section
        portal = _portal_section()
    data = {
        "commune": {"slug": slug, "name_fr": name_fr, "name_ar": name_ar, "region": commune.region,
                    "province": commune.province, "province_ar": commune.province_ar, "kind": "production",
                    "status": "onboarding"},
        "domains": [slug],
        "modules": modules,
        # Required by the format; the operator names the real administrator, whose password is generated.
        "administrator": {"username": f"administrateur.{slug}"},
        "staff": [],
        "portal": portal,
        "demo_data": False,
        "sections": sections,
    }
    parse_recipe(data)
    return data


def export_recipe_yaml(commune: Commune, *, actor=None, **identity) -> str:
    """export_recipe() as the YAML text of a recipe file, headed by the roles the staff hold (counts, no names);
    the export is audited in the public schema."""
    data = export_recipe(commune, **identity)
    with tenant_context(commune):
        roles = staff_roles()
    header = [f"# Recipe exported from {commune.slug}: its configuration, without people.",
              "# Replace the commune's identity (commune:, domains:, administrator:) and add the staff;",
              "# the roles held at the source were:"]
    header += [f"#   {role}: {count}" for role, count in roles.items()] or ["#   (none)"]
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    connection.set_schema_to_public()
    with transaction.atomic():
        audit.record("tenants.export_recipe", actor=actor, target=commune,
                     after={"slug": data["commune"]["slug"], "modules": data["modules"], "roles": roles})
    return "\n".join(header) + "\n" + body
