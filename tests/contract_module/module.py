from django.urls import path
from django.utils.safestring import mark_safe
from wagtail.admin.ui.components import Component

from platform_core.modules.registry import MenuEntry, ModuleSpec, Role, registry
from tests.contract_module.eservices import CERTIFICATE


def admin_urls():
    from tests.contract_module import views

    return [path("", views.admin_board, name="board")]


def portal_urls():
    from tests.contract_module import views

    return [path("", views.portal_board, name="board")]


def api_routes():
    from tests.contract_module.views import NoticeViewSet

    return [("notices", NoticeViewSet, "notice")]


class BoardPanel(Component):
    name = "noticeboard"
    order = 500

    def render_html(self, parent_context=None):
        return mark_safe("<section class='noticeboard-panel'>Noticeboard panel</section>")  # noqa: S308


APPLIED_SECTIONS: list[tuple[str, dict]] = []


def applied_recipe(commune, section):
    """Records what it was given; a section asking to fail makes provisioning fail (all-or-nothing tests)."""
    from django.db import connection

    if section.get("fail"):
        raise ValueError("the noticeboard section asked to fail")
    APPLIED_SECTIONS.append((connection.schema_name, section))


spec = registry.register(
    ModuleSpec(
        key="noticeboard",
        name_fr="Tableau d'affichage",
        name_ar="لوحة الإعلانات",
        app_label="noticeboard",
        roles=[
            Role("reader", "Lecteur", "قارئ", ["audit.view_auditentry"]),
            Role("editor", "Éditeur", "محرر", ["audit.view_auditentry", "numbering.view_sequence"]),
        ],
        menu=[MenuEntry("Tableau", "لوحة", "board")],
        admin_urls=admin_urls,
        api_prefix="noticeboard",
        api_routes=api_routes,
        portal_prefix="noticeboard",
        portal_urls=portal_urls,
        dashboard_panels=lambda request: [BoardPanel()],
        apply_recipe=applied_recipe,
        eservices=[CERTIFICATE],
    )
)
