"""The commune's journal in its back office: its audit entries, read-only, for the commune's administrators.

Only superusers of the commune see it (the journal names every account and address); other staff get 403.
Entries of support sessions (operators of the platform working in the commune) are highlighted.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from platform_core.audit.models import AuditEntry

PER_PAGE = 50
SUPPORT_PREFIX = "support."  # actions of support sessions, and usernames of the accounts operators work as


def can_read_journal(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


class JournalView(WagtailAdminTemplateMixin, TemplateView):
    """A read-only screen of the Journal menu; the commune's administrators only."""

    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        if not can_read_journal(request.user):
            # A real 403, not Wagtail's redirect to the dashboard: the screen exists but is not theirs.
            return TemplateResponse(request, "audit/admin/forbidden.html", {"page_title": self.get_page_title()},
                                    status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]


class JournalFilterForm(forms.Form):
    action = forms.CharField(label=gettext_lazy("Action starts with"), required=False, max_length=120,
                             help_text=gettext_lazy("E.g. civil_status. or support."),
                             widget=forms.TextInput(attrs={"dir": "ltr"}))
    actor = forms.CharField(label=gettext_lazy("Who"), required=False, max_length=200,
                            widget=forms.TextInput(attrs={"dir": "ltr"}))
    support_only = forms.BooleanField(label=gettext_lazy("Support sessions only"), required=False)

    def entries(self):
        entries = AuditEntry.objects.order_by("-sequence")
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["action"].strip():
            entries = entries.filter(action__startswith=data["action"].strip())
        if data["actor"].strip():
            entries = entries.filter(actor_label__icontains=data["actor"].strip())
        if data["support_only"]:
            entries = entries.filter(Q(action__startswith=SUPPORT_PREFIX) | Q(actor_label__startswith=SUPPORT_PREFIX))
        return entries


def is_support_entry(entry: AuditEntry) -> bool:
    return entry.action.startswith(SUPPORT_PREFIX) or entry.actor_label.startswith(SUPPORT_PREFIX)


class AuditJournalView(JournalView):
    template_name = "audit/admin/journal.html"
    page_title = gettext_lazy("Audit journal")

    def get_context_data(self, **kwargs):
        form = JournalFilterForm(self.request.GET or None)
        page = Paginator(form.entries(), PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        rows = [(entry, is_support_entry(entry)) for entry in page.object_list]
        return super().get_context_data(form=form, page=page, rows=rows, query=query.urlencode(), **kwargs)
