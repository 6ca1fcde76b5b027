"""The portal in the back office: the "Pages to translate" report, in the menu and as a panel on the dashboard,
for the staff who edit pages."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from cms.selectors import pages_to_translate
from cms.views import PagesToTranslateView, can_edit_pages


@hooks.register("register_admin_urls")
def portal_admin_urls():
    return [path("portal/translations/", PagesToTranslateView.as_view(), name="cms_pages_to_translate")]


class TranslationsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_edit_pages(request.user)


@hooks.register("register_admin_menu_item")
def translations_menu_item():
    return TranslationsMenuItem(_("Pages to translate"), reverse("cms_pages_to_translate"), icon_name="globe",
                                name="cms-pages-to-translate", order=250)


class TranslationsPanel(Component):
    name = "cms_translations"
    order = 150
    template_name = "cms/admin/translations_panel.html"

    def get_context_data(self, parent_context=None):
        return {"count": len(pages_to_translate()), "report_url": reverse("cms_pages_to_translate")}


@hooks.register("construct_homepage_panels")
def translations_panel(request, panels):
    if can_edit_pages(request.user):
        panels.append(TranslationsPanel())
