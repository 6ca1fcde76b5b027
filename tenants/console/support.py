"""Support access from the console: an operator opens a time-limited session in a commune's back office (with a
reason the commune sees), is sent to the commune's domain with a one-time entry link, and may end it here."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tenants import selectors
from tenants.console.access import operator_required
from tenants.models import Commune, SupportSession
from tenants.services import support

PANEL_SESSIONS = 10


def _duration_choices():
    return [(minutes, ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
            if minutes < 60 else
            (minutes, ngettext("%(count)d hour", "%(count)d hours", minutes // 60) % {"count": minutes // 60})
            for minutes in support.DURATIONS]


class SupportForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the commune's administrators read it)"), min_length=support.MIN_REASON_LENGTH,
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("E.g. the ticket number and what the commune asked for."))
    minutes = forms.TypedChoiceField(label=gettext_lazy("Duration"), coerce=int, choices=_duration_choices,
                                     initial=30)


def panel_context(commune: Commune, form: SupportForm | None = None) -> dict:
    """What console/support_panel.html shows: the form and the commune's latest sessions."""
    now = timezone.now()
    sessions = list(support.sessions_of(commune)[:PANEL_SESSIONS])
    return {
        "form": form or SupportForm(),
        "rows": [(session, support.status_of(session, now)) for session in sessions],
        "can_open": not commune.is_template and commune.status not in (Commune.Status.SUSPENDED,
                                                                       Commune.Status.ARCHIVED),
    }


def _commune(slug: str) -> Commune:
    return get_object_or_404(Commune.objects.exclude(kind=Commune.Kind.TEMPLATE).prefetch_related("domains"),
                             slug=slug)


def _back(commune: Commune):
    return redirect(reverse("console:commune", args=[commune.slug]) + "#support")


@operator_required
@never_cache
@require_POST
def open_session(request, slug):
    commune = _commune(slug)
    form = SupportForm(request.POST)
    if form.is_valid():
        entry_url = selectors.commune_url(commune, "/admin/support/enter/")
        try:
            if not entry_url:
                raise support.SupportError(_("This commune has no domain: its back office cannot be reached."))
            opened = support.open_session(commune, operator=request.user, reason=form.cleaned_data["reason"],
                                          minutes=form.cleaned_data["minutes"], request=request)
        except support.SupportError as error:
            form.add_error(None, str(error))
        else:
            # The token travels once, to the commune's domain; the console keeps only its hash.
            response = HttpResponseRedirect(f"{entry_url}{opened.token}/")
            response["Referrer-Policy"] = "no-referrer"
            return response
    return _page_with(request, commune, form)


def _page_with(request, commune: Commune, form: SupportForm):
    """The commune's page again, with the support form's errors and what the operator typed."""
    from tenants.console.communes import commune_context

    context = commune_context(request, commune)
    context["support_form"] = form
    return render(request, "console/commune.html", context, status=400)


@operator_required
@never_cache
@require_POST
def end_session(request, slug, pk):
    commune = _commune(slug)
    session = get_object_or_404(SupportSession, pk=pk, commune=commune)
    if support.end(session, ended_by=support.operator_label(request.user), actor=support.operator_label(request.user),
                   request=request, by=request.user):
        messages.success(request, _("The support session has ended; its browser is signed out of the commune."))
    else:
        messages.info(request, _("This support session had already ended."))
    return _back(commune)


# Included by tenants.console.urls under communes/<slug>/support/ (namespace "console").
urlpatterns = [
    path("open/", open_session, name="support_open"),
    path("<int:pk>/end/", end_session, name="support_end"),
]
