"""Support access on a commune's domain: the entry link the console sends the operator to, the banner's "End now",
and the commune administrators' list of support sessions (Journal menu).

The entry view is a plain Django URL (`urlpatterns` below, included under /admin/support/ before the Wagtail
admin): Wagtail requires a signed-in user for every URL registered through `register_admin_urls`, and the
operator arrives signed out. The other views are Wagtail admin URLs (tenants.wagtail_hooks).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from platform_core.audit.views import JournalView
from tenants.models import SupportSession
from tenants.services import support

PER_PAGE = 50


def _hhmm(moment) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


@never_cache
def enter(request, token: str):
    """The one-time entry link: signs the operator in as the commune's support account for this session."""
    commune = getattr(request, "commune", None)
    try:
        if commune is None:
            raise support.SupportError(_("This support link is not valid."))
        session, account = support.enter(commune, token, request=request)
    except support.SupportError as error:
        response = render(request, "support/entry_refused.html", {"message": str(error)}, status=403)
        response["Referrer-Policy"] = "no-referrer"
        return response
    # login() starts a new Django session (a commune user signed in on this browser is signed out).
    login(request, account, backend="django.contrib.auth.backends.ModelBackend")
    request.session[support.SESSION_KEY] = session.pk
    messages.warning(request, _("Support session in %(commune)s until %(time)s: everything you do is recorded in "
                                "the commune's journal.") % {"commune": commune.name(),
                                                             "time": _hhmm(session.expires_at)})
    response = redirect(reverse("wagtailadmin_home"))
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
def end_now(request):
    """The banner's "End now": ends the support session of this browser and signs it out."""
    support_id = request.session.get(support.SESSION_KEY)
    session = SupportSession.objects.filter(pk=support_id, commune_id=request.commune.pk).first() \
        if support_id else None
    if session is None:
        return redirect(reverse("wagtailadmin_home"))
    support.end(session, ended_by=session.operator_name, actor=request.user, request=request)
    logout(request)
    messages.success(request, _("The support session has ended: you have been signed out."))
    return redirect(reverse("wagtailadmin_login"))


class SupportSessionsView(JournalView):
    """Every support session of this commune (read from the public table, filtered by the routed commune)."""

    template_name = "support/sessions.html"
    page_title = gettext_lazy("Support sessions")

    def get_context_data(self, **kwargs):
        page = Paginator(support.sessions_of(self.request.commune), PER_PAGE).get_page(self.request.GET.get("page"))
        now = timezone.now()
        rows = [(session, support.status_of(session, now)) for session in page.object_list]
        return super().get_context_data(page=page, rows=rows, **kwargs)


urlpatterns = [path("enter/<str:token>/", enter, name="support_enter")]
