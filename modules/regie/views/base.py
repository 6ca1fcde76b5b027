"""What every back-office screen of the régie shares: the platform's module view, set for the régie."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from platform_core.modules import admin_views
from platform_core.modules.admin_views import attach_errors

__all__ = ["ModuleView", "ServiceFormView", "attach_errors", "url"]


class ModuleView(admin_views.ModuleView):
    module_key = "regie"
    home_url_name = "receipts"
    permission = "regie.view_receipt"
    header_icon = "tasks"


class ServiceFormView(ModuleView):
    """A screen with one form whose data goes to one service: saved, a message and the next screen; refused by the
    service, its reasons on the form."""

    def get_form(self, data=None):
        raise NotImplementedError

    def save(self, form) -> str:
        """Hands the form's data to the service, says it is done, and returns where to go next; the service's
        ValidationError goes back to the form."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                next_url = self.save(form)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect(next_url)
        return self.render_to_response(self.get_context_data(form=form))


def url(name: str, *args) -> str:
    return reverse(f"module-regie:{name}", args=args)
