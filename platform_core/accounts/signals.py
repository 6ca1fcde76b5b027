from django.apps import apps
from django.db import connection

from platform_core.modules.roles import sync_roles


def sync_roles_after_migrate(sender, app_config, using, **kwargs):
    """After the last app of a commune schema is migrated, align module roles with the ModuleSpecs."""
    if connection.schema_name == "public":
        return
    if app_config is list(apps.get_app_configs())[-1]:
        sync_roles()
