"""The back office's forms for online requests: the inbox's filters and the actions on a request."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from platform_core.eservices.models import ServiceRequest

SHOW_MINE, SHOW_ALL = "mine", "all"


class InboxFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("show"), required=False,
                             choices=[(SHOW_MINE, _("Waiting for me")), (SHOW_ALL, _("All requests"))])
    status = forms.ChoiceField(label=_("status"), required=False)
    service = forms.ChoiceField(label=_("service"), required=False)
    q = forms.CharField(label=_("number, name or CIN"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"dir": "auto", "type": "search"}))

    def __init__(self, data=None, *, services, language):
        super().__init__(data)
        self.fields["status"].choices = [("", _("Any status")), *ServiceRequest.Status.choices]
        self.fields["service"].choices = [("", _("Any service")),
                                          *[(service.code, service.name(language)) for service in services]]

    def filters(self) -> dict:
        """The inbox selector's arguments; what is unreadable counts as not given, and the default is "mine"."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"waiting_for_me": (data.get("show") or SHOW_MINE) == SHOW_MINE,
                "status": data.get("status") or None, "service_code": data.get("service") or None,
                "search": data.get("q", "").strip()}


def _text(label, help_text=""):
    return forms.CharField(label=label, help_text=help_text, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}))


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("note for the timeline (optional)"), required=False, max_length=2000,
                           widget=forms.TextInput(attrs={"dir": "auto"}))


class RefuseForm(forms.Form):
    reason = _text(_("reason for the refusal"), _("The citizen reads it on the request page and in the SMS."))


class AskForPaperForm(forms.Form):
    note = _text(_("paper asked for"), _("Say which paper is missing or unreadable; the citizen reads it."))


class NoteForm(forms.Form):
    note = _text(_("internal note"), _("Seen by staff only."))
