"""What every back-office screen of the régie shares: the platform's module view, set for the régie."""

from __future__ import annotations

from django.urls import reverse

from platform_core.modules import admin_views
from platform_core.modules.admin_views import attach_errors

__all__ = ["ModuleView", "attach_errors", "url"]


class ModuleView(admin_views.ModuleView):
    module_key = "regie"
    home_url_name = "receipts"
    permission = "regie.view_receipt"
    header_icon = "tasks"


def url(name: str, *args) -> str:
    return reverse(f"module-regie:{name}", args=args)
