"""What every back-office screen of the module shares: the Wagtail admin shell and the permission gate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class ModuleView(WagtailAdminTemplateMixin, TemplateView):
    """A screen of the civil-status module inside the Wagtail admin; `permission` is checked on every request."""

    permission = "civil_status.view_act"
    header_icon = "folder-open-inverse"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": url("acts"), "label": self.module_label()},
                {"url": "", "label": self.get_page_title()}]

    @staticmethod
    def module_label():
        from modules.civil_status.module import spec

        return spec.name()


def url(name: str, *args) -> str:
    return reverse(f"module-civil_status:{name}", args=args)


def attach_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: under its field when the form has it, on top otherwise."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
