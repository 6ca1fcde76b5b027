"""Plugs the modules into the Wagtail admin: their URLs, menus and dashboard panels, each shown only where the
commune has the module switched on (and, for menu entries, to users holding the entry's permission)."""

from django.urls import reverse
from django.utils.functional import lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from platform_core.locale import is_arabic
from platform_core.modules.registry import module_enabled, registry
from platform_core.modules.urls import admin_urlpatterns


def bilingual(french: str, arabic: str):
    return lazy(lambda: arabic if is_arabic() else french, str)()


class ModuleEntryItem(MenuItem):
    def __init__(self, spec, entry, order):
        url = lazy(reverse, str)(f"{spec.namespace}:{entry.url_name}")
        super().__init__(bilingual(entry.label_fr, entry.label_ar), url, icon_name=entry.icon, order=order,
                         name=f"{spec.key}-{entry.url_name}")
        self.spec, self.entry = spec, entry

    def is_shown(self, request):
        if not module_enabled(getattr(request, "commune", None), self.spec.key):
            return False
        return self.entry.permission is None or request.user.has_perm(self.entry.permission)


class ModuleMenu(SubmenuMenuItem):
    def __init__(self, spec):
        items = [ModuleEntryItem(spec, entry, index) for index, entry in enumerate(spec.menu)]
        super().__init__(bilingual(spec.name_fr, spec.name_ar), Menu(items=items), icon_name=spec.menu_icon,
                         order=spec.menu_order, name=f"module-{spec.key}")
        self.spec = spec

    def is_shown(self, request):
        return module_enabled(getattr(request, "commune", None), self.spec.key) and super().is_shown(request)


@hooks.register("register_admin_urls")
def module_admin_urls():
    return admin_urlpatterns()


def _register_menu(spec):
    hooks.register("register_admin_menu_item", lambda: ModuleMenu(spec))


for _spec in registry.all():
    if _spec.menu:
        _register_menu(_spec)


class CommunePanel(Component):
    """The commune's own card on the back-office home: who it is, whether it is a training commune, its modules."""

    name = "commune"
    order = 0
    template_name = "platform/admin/commune_panel.html"

    def __init__(self, commune):
        self.commune = commune

    def get_context_data(self, parent_context=None):
        from django.contrib.auth import get_user_model

        commune = self.commune
        return {
            "commune_name": commune.name(),
            "province": commune.province_name(),
            "is_training": commune.is_training,
            "staff_count": get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct().count(),
            "modules": [spec.name() for spec in registry.all() if module_enabled(commune, spec.key)],
        }


@hooks.register("construct_homepage_panels")
def module_dashboard_panels(request, panels):
    commune = getattr(request, "commune", None)
    if commune is not None:
        panels.insert(0, CommunePanel(commune))
    for spec in registry.all():
        if spec.dashboard_panels and module_enabled(commune, spec.key):
            panels.extend(spec.dashboard_panels(request))
