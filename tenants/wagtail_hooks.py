"""Support access in a commune's back office: the "End now" URL, the support sessions screen of the Journal menu
(commune administrators only), and the banner every page shows during a support session."""

from django.template.loader import render_to_string
from django.urls import path, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from platform_core.audit.views import can_read_journal
from tenants import support_views
from tenants.support_middleware import current_support_request


@hooks.register("register_admin_urls")
def support_urls():
    return [
        path("support/end/", support_views.end_now, name="support_end"),
        path("journal/support-sessions/", support_views.SupportSessionsView.as_view(), name="support_sessions"),
    ]


class SupportSessionsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_read_journal(request.user)


@hooks.register("register_journal_menu_item")
def support_sessions_item():
    return SupportSessionsMenuItem(_("Support sessions"), reverse_lazy("support_sessions"), icon_name="help",
                                   order=200, name="support-sessions")


@hooks.register("insert_global_admin_js")
def support_banner():
    # Wagtail's hook has no request: the support middleware hands over the request of a support session.
    request = current_support_request.get()
    if request is None or not getattr(request, "support_session", None):
        return ""
    state = request.support_session
    return render_to_string("support/banner.html", {
        "operator": state.operator_name, "ends_at": timezone.localtime(state.expires_at),
    }, request=request)
