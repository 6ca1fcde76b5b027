"""What every back-office screen of the module shares: the platform's module view, set for civil status."""

from __future__ import annotations

from django.urls import reverse

from platform_core.modules import admin_views
from platform_core.modules.admin_views import attach_errors

__all__ = ["ModuleView", "attach_errors", "url"]


class ModuleView(admin_views.ModuleView):
    module_key = "civil_status"
    home_url_name = "acts"
    permission = "civil_status.view_act"


def url(name: str, *args) -> str:
    return reverse(f"module-civil_status:{name}", args=args)
