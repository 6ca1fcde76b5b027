"""What every module's back-office screen shares: the Wagtail admin shell, the permission gate, the breadcrumb
back to the module's first screen, and service errors shown on forms."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class ModuleView(WagtailAdminTemplateMixin, TemplateView):
    """A module's screen inside the Wagtail admin; `permission` is checked on every request.

    Subclasses set `module_key` (its spec gives the breadcrumb's label) and `home_url_name` (the module's first
    screen, inside its admin namespace)."""

    module_key = ""
    home_url_name = ""
    permission = ""
    header_icon = "folder-open-inverse"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        home = reverse(f"module-{self.module_key}:{self.home_url_name}")
        return [*super().get_breadcrumbs_items(), {"url": home, "label": self.module_label()},
                {"url": "", "label": self.get_page_title()}]

    @classmethod
    def module_label(cls):
        from platform_core.modules.registry import registry

        return registry.get(cls.module_key).name()


def attach_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: under its field when the form has it, on top otherwise."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
