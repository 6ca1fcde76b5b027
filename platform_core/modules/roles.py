"""Module roles as Groups in the current commune schema, kept exactly in step with the ModuleSpecs."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from platform_core.modules.registry import Role, registry

# Every module role is back-office work, so every role opens the Wagtail admin.
BACK_OFFICE_ACCESS = "wagtailadmin.access_admin"


def group_name(spec, role: Role) -> str:
    return f"{spec.name_fr} · {role.name_fr} | {spec.name_ar} · {role.name_ar}"[:150]


def _permissions(codes) -> list[Permission]:
    if not codes:
        return []
    query = Q()
    for code in codes:
        app_label, codename = code.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = set(codes) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"Unknown permissions in a module role: {', '.join(sorted(missing))}")
    return found


@transaction.atomic
def sync_roles() -> dict[str, Group]:
    """Create or update one Group per module role in the current schema; returns them by 'module.role'."""
    from platform_core.accounts.models import RoleGroup

    for spec in registry.all():
        # A module's own permissions may not exist yet: post_migrate receivers of the last app run in app order,
        # and a migrate interrupted before auth's receiver leaves none. Creating them is idempotent.
        create_permissions(apps.get_app_config(spec.app_label), verbosity=0)
    groups = {}
    for spec in registry.all():
        for role in spec.roles:
            link = RoleGroup.objects.select_related("group").filter(module_key=spec.key, role_key=role.key).first()
            name = group_name(spec, role)
            if link is None:
                group, _ = Group.objects.get_or_create(name=name)
                RoleGroup.objects.create(group=group, module_key=spec.key, role_key=role.key)
            else:
                group = link.group
                if group.name != name:
                    group.name = name
                    group.save(update_fields=["name"])
            wanted = _permissions([BACK_OFFICE_ACCESS, *role.permissions])
            if set(group.permissions.all()) != set(wanted):
                group.permissions.set(wanted)
            groups[f"{spec.key}.{role.key}"] = group
    return groups


def role_group(module_key: str, role_key: str) -> Group:
    from platform_core.accounts.models import RoleGroup

    return RoleGroup.objects.select_related("group").get(module_key=module_key, role_key=role_key).group
