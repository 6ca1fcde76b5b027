"""Plugs online requests into the Wagtail admin: their URLs, and a menu item that says how many requests wait for
the user, shown to staff who work on at least one e-service of the commune."""

from django.urls import include, path, reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem

from platform_core.eservices import admin_urls
from platform_core.eservices.admin_views import NAMESPACE, my_services, waiting_count


@hooks.register("register_admin_urls")
def eservices_admin_urls():
    return [path("online-requests/", include((admin_urls.urlpatterns, "eservices"), namespace=NAMESPACE))]


class OnlineRequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(my_services(request))

    def render_component(self, request):
        # Menu items are shared by every request: the count goes in this request's component only.
        count = waiting_count(request)
        label = _("Online requests (%(count)s)") % {"count": count} if count else _("Online requests")
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name, classname=self.classname,
                            attrs=self.attrs)


@hooks.register("register_admin_menu_item")
def online_requests_menu_item():
    return OnlineRequestsMenuItem(gettext_lazy("Online requests"), lazy(reverse, str)(f"{NAMESPACE}:inbox"),
                                  name="online-requests", icon_name="mail", order=90)
