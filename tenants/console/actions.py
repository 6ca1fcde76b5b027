"""A commune's actions from its console page: modules, take live, suspend, resume, archive; measuring its storage.

POST only, each through its service (audited there); success and refusal are told with messages, and a
refused action changes nothing and shows the page again with what the operator typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants import selectors
from tenants.console import forms
from tenants.console.communes import commune_context, listing, module_names, operator_page, possible_actions
from tenants.onboarding import checklist
from tenants.services import lifecycle
from tenants.services.subscriptions import set_subscriptions
from tenants.services.usage import measure_storage


def _form_for(action: str, request, commune, checklist_complete: bool):
    data, prefix = request.POST, action
    return {
        "modules": lambda: forms.ModulesForm(data, prefix=prefix),
        "take_live": lambda: forms.TakeLiveForm(data, prefix=prefix, checklist_complete=checklist_complete),
        "suspend": lambda: forms.ReasonForm(data, prefix=prefix),
        "resume": lambda: forms.ReasonForm(data, prefix=prefix, required=False),
        "archive": lambda: forms.ArchiveForm(data, prefix=prefix, commune=commune),
    }[action]()


def _set_modules(request, commune, form):
    wanted = form.cleaned_data["modules"]
    active = set_subscriptions(commune, wanted, actor=request.user, request=request)
    kept = [key for key in active if key not in wanted]
    message = _("Modules saved: %(modules)s.") % {"modules": listing(module_names(active)) or "—"}
    if kept:
        message += " " + _("Kept on because another module needs them: %(modules)s.") % {
            "modules": listing(module_names(kept))}
    return message


def _take_live(request, commune, form):
    lifecycle.take_live(commune, actor=request.user, reason=form.cleaned_data["reason"], request=request)
    return _("%(commune)s is live: its portal is open to the public.") % {"commune": commune.name()}


def _suspend(request, commune, form):
    lifecycle.suspend(commune, actor=request.user, reason=form.cleaned_data["reason"], request=request)
    return _("%(commune)s is suspended.") % {"commune": commune.name()}


def _resume(request, commune, form):
    lifecycle.resume(commune, actor=request.user, reason=form.cleaned_data["reason"], request=request)
    return _("%(commune)s is open again (%(status)s).") % {
        "commune": commune.name(), "status": commune.get_status_display().lower()}


def _archive(request, commune, form):
    lifecycle.archive(commune, actor=request.user, reason=form.cleaned_data["reason"], request=request)
    return _("%(commune)s is archived.") % {"commune": commune.name()}


DO = {"modules": _set_modules, "take_live": _take_live, "suspend": _suspend, "resume": _resume, "archive": _archive}


@operator_page
@require_POST
def act(request, slug, action):
    commune = selectors.console_commune(slug)
    if action not in possible_actions(commune):
        messages.error(request, _("%(commune)s is %(status)s: this change is not possible from that status.") % {
            "commune": commune.name(), "status": commune.get_status_display().lower()})
        return redirect("console:commune", slug=commune.slug)
    checklist_complete = action != "take_live" or checklist(commune).complete
    form = _form_for(action, request, commune, checklist_complete)
    if form.is_valid():
        try:
            messages.success(request, DO[action](request, commune, form))
            return redirect("console:commune", slug=commune.slug)
        except (lifecycle.LifecycleError, ValueError, LookupError) as error:
            # LifecycleError is a ValueError; set_subscriptions raises ValueError (a needed module) or LookupError.
            form.add_error(None, str(error))
    messages.error(request, _("Nothing was changed: see the form below."))
    commune.refresh_from_db()
    return render(request, "console/commune.html", commune_context(request, commune, bound={action: form}))


@operator_page
@require_POST
def measure(request, slug):
    """Measure the commune's storage now rather than at its night-time turn (a second or two)."""
    commune = selectors.console_commune(slug)
    used = measure_storage(commune)
    messages.success(request, _("Storage measured: %(total)s (database %(database)s, files %(files)s).") % {
        "total": filesizeformat(used.total), "database": filesizeformat(used.database_bytes),
        "files": filesizeformat(used.files_bytes)})
    return redirect("console:commune", slug=commune.slug)
