"""The list of communes and a commune's page (identity, figures, onboarding checklist, actions, audit)."""

from __future__ import annotations

from datetime import datetime
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from platform_core.locale import is_arabic
from platform_core.modules.registry import registry
from tenants import selectors
from tenants.console import forms
from tenants.console.access import can_operate, is_signed_in, operator_required, trainer_required
from tenants.figures import live_figures
from tenants.models import Commune
from tenants.onboarding import Checklist, checklist

PER_PAGE = 50
# Where provisioning leaves the passwords it generated, for the commune's page to show once.
GENERATED_PASSWORDS = "console.generated_passwords"

Status = Commune.Status


def operator_page(view):
    """operator_required, except that a signed-in trainer (a console account without the right to operate
    communes) gets 403 rather than the sign-in page again."""
    guarded = operator_required(view)

    @wraps(view)
    def check(request, *args, **kwargs):
        if is_signed_in(request.user) and not can_operate(request.user):
            raise PermissionDenied
        return guarded(request, *args, **kwargs)

    return check


def module_names(keys) -> list[str]:
    return [registry.get(key).name() if key in registry else key for key in keys]


def listing(names) -> str:
    """Names joined with the comma of the page's language (Arabic has its own: ،)."""
    return ("، " if is_arabic() else ", ").join(names)


def days_ago(moment) -> str:
    if moment is None:
        return ""
    days = (timezone.localdate() - timezone.localtime(moment).date()).days
    if days <= 0:
        return _("today")
    return ngettext("%(count)d day ago", "%(count)d days ago", days) % {"count": days}


@trainer_required
def home(request):
    if not can_operate(request.user):  # a trainer's part of the console is the training sandboxes
        return redirect("console:sandboxes")
    filter_form = forms.CommuneFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {"q": "", "status": "", "kind": "", "module": ""}
    paginator = Paginator(selectors.console_communes(**filters), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    communes = list(page.object_list)
    # Figures for the page shown only: one query whatever the number of communes on the platform.
    figures = live_figures(communes)
    rows = [
        {
            "commune": commune,
            "url": selectors.commune_url(commune),
            "hostname": selectors.primary_hostname(commune),
            "modules": listing(module_names(selectors.active_module_keys(commune))),
            "figures": figures.get(commune.schema_name),
            "last_activity_ago": days_ago(getattr(figures.get(commune.schema_name), "last_activity", None)),
        }
        for commune in communes
    ]
    return render(request, "console/home.html", {
        "section": "communes", "rows": rows, "page": page, "paginator": paginator, "filter_form": filter_form,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filtered": any(filters.values()),
        "found": ngettext("%(count)d commune found", "%(count)d communes found", paginator.count)
        % {"count": paginator.count},
    })


def possible_actions(commune: Commune) -> set[str]:
    """The lifecycle actions allowed from the commune's status (the services refuse the others too)."""
    return {
        Status.ONBOARDING: {"modules", "take_live", "suspend", "archive"},
        Status.LIVE: {"modules", "suspend", "archive"},
        Status.SUSPENDED: {"modules", "resume", "archive"},
        Status.ARCHIVED: set(),
    }[commune.status]


def commune_context(request, commune: Commune, *, bound: dict | None = None) -> dict:
    """Everything the commune's page shows; `bound` replaces the blank form of the action that just failed, so
    that its errors and what the operator typed are shown again."""
    # An archived commune's schema is no longer migrated: the current code cannot read its tables.
    items = checklist(commune) if commune.status != Status.ARCHIVED else Checklist([])
    actions = possible_actions(commune)
    active = selectors.active_module_keys(commune)
    # Prefixed by the action: the forms share one page, and their fields must not share ids.
    action_forms = {
        "modules": forms.ModulesForm(prefix="modules", initial={"modules": active}),
        "take_live": forms.TakeLiveForm(prefix="take_live", checklist_complete=items.complete),
        "suspend": forms.ReasonForm(prefix="suspend"),
        "resume": forms.ReasonForm(prefix="resume", required=False),
        "archive": forms.ArchiveForm(prefix="archive", commune=commune),
    }
    action_forms.update(bound or {})
    missing = [item for item in items.items if not item.done]
    figures = live_figures([commune]).get(commune.schema_name)
    generated = request.session.get(GENERATED_PASSWORDS)
    if generated and generated.get("slug") == commune.slug:
        request.session.pop(GENERATED_PASSWORDS)  # shown once: they exist nowhere else
    else:
        generated = None
    return {
        "section": "communes",
        "commune": commune,
        "url": selectors.commune_url(commune),
        "domains": [(domain, selectors.platform_url("/", host=domain.domain)) for domain in commune.domains.all()],
        "modules": listing(module_names(active)),
        "figures": figures,
        "last_activity_ago": days_ago(getattr(figures, "last_activity", None)),
        "checklist": items,
        "checklist_rows": [
            {"item": item, "url": selectors.commune_url(commune, item.back_office_path)
             if item.back_office_path else ""}
            for item in items.items
        ],
        "missing": missing,
        "actions": actions,
        "forms": {name: form for name, form in action_forms.items() if name in actions},
        "audit": [describe_entry(entry) for entry in selectors.operator_actions(commune)],
        "generated_passwords": generated["passwords"] if generated else None,
    }


@operator_page
@never_cache
def commune_page(request, slug):
    commune = selectors.console_commune(slug)
    return render(request, "console/commune.html", commune_context(request, commune))


# --- the journal of operators' actions ------------------------------------------------------------------------


def action_labels() -> dict[str, str]:
    return {
        "tenants.provision_commune": _("Provisioned from a recipe"),
        "tenants.set_subscriptions": _("Modules changed"),
        "tenants.take_live": _("Taken live"),
        "tenants.suspend": _("Suspended"),
        "tenants.resume": _("Resumed"),
        "tenants.archive": _("Archived"),
        "tenants.sandbox_snapshot": _("Sandbox snapshot taken"),
        "tenants.sandbox_reset": _("Sandbox reset"),
        "tenants.sandbox_expired": _("Sandbox expired"),
        "tenants.sandbox_end_date": _("Training end date changed"),
        "tenants.backup_commune": _("Backed up"),
        "tenants.restore_commune": _("Restored from a backup"),
        "tenants.export_recipe": _("Recipe exported"),
        "tenants.support_opened": _("Support session opened"),
        "tenants.support_entered": _("Support session entered"),
        "tenants.support_ended": _("Support session ended"),
    }


def _moment(value) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "SHORT_DATETIME_FORMAT")


def _modules_text(keys) -> str:
    return listing(module_names(keys or [])) or "—"


def _detail_formats() -> dict:
    """How the journal's `after` values are told; keys not listed are shown as they are, `key: value`."""
    return {
        "recipe": lambda value: _("recipe %(recipe)s") % {"recipe": value},
        "modules": lambda value: _("modules: %(modules)s") % {"modules": _modules_text(value)},
        "missing": lambda value: _("checklist items missing: %(items)s") % {"items": ", ".join(value)},
        "expires_at": lambda value: _("until %(moment)s") % {"moment": _moment(value)},
        "ended_by": lambda value: _("ended by %(who)s") % {"who": value},
        "ends_on": lambda value: _("training ends on %(day)s") % {"day": value},
        "account": lambda value: _("support account %(account)s") % {"account": value},
        "file": lambda value: _("file %(file)s") % {"file": value},
    }


# Shown elsewhere in the row (reason, who), or of no use to a reader (digests, ids, timestamps of the row itself).
_HIDDEN_DETAILS = {"reason", "status", "digest", "session", "operator", "created", "ended_at", "sha256"}


def describe_entry(entry) -> dict:
    """One line of the journal as the page tells it: a translated label (the raw key when unknown), the reason,
    and the other details of `after` in words."""
    after = entry.after if isinstance(entry.after, dict) else {}
    formats = _detail_formats()
    details = []
    for key, value in after.items():
        if key in _HIDDEN_DETAILS or value in (None, "", [], {}):
            continue
        details.append(formats[key](value) if key in formats else f"{key}: {value}")
    before = entry.before if isinstance(entry.before, dict) else {}
    if entry.action == "tenants.set_subscriptions" and before.get("modules"):
        details.append(_("before: %(modules)s") % {"modules": _modules_text(before["modules"])})
    return {
        "entry": entry,
        "label": action_labels().get(entry.action, entry.action),
        "reason": after.get("reason", ""),
        "details": details,
    }
