from platform_core.modules.registry import MenuEntry, ModuleSpec, Role, registry

VIEW = ["complaints.view_complaint", "complaints.view_complaintevent", "complaints.view_category",
        "complaints.view_department"]


def admin_urls():
    from modules.complaints.views import urlpatterns

    return urlpatterns


def portal_urls():
    from modules.complaints.portal import urlpatterns

    return urlpatterns


def dashboard_panels(request):
    from modules.complaints.views import dashboard_panels as panels

    return panels(request)


def key_figures():
    from modules.complaints.selectors import public_statistics

    figures = public_statistics()
    return {"complaints": figures.total, "complaints_open": sum(
        figures.by_status[status] for status in ("new", "assigned", "in_progress", "reopened"))}


def apply_recipe(commune, section: dict) -> None:
    from modules.complaints.recipe import apply_recipe as apply

    apply(section)


def export_recipe() -> dict:
    from modules.complaints.recipe import export_section

    return export_section()


def seed_demo_data(commune, section: dict) -> None:
    from modules.complaints.demo import seed_demo_data as seed

    seed(section)


def onboarding_checks(commune) -> list:
    from modules.complaints.onboarding import checks

    return checks(commune)


spec = registry.register(
    ModuleSpec(
        key="complaints",
        name_fr="Réclamations",
        name_ar="الشكايات",
        app_label="complaints",
        roles=[
            Role("agent", "Agent d'accueil des réclamations", "مكلف باستقبال الشكايات", [
                *VIEW, "complaints.add_complaint", "complaints.receive_complaint",
            ]),
            Role("responder", "Répondant du service", "مجيب المصلحة", [*VIEW, "complaints.answer_complaint"]),
            Role("consultation", "Consultation", "اطلاع", VIEW, essential=False),
        ],
        admin_urls=admin_urls,
        portal_prefix="reclamations",
        portal_urls=portal_urls,
        dashboard_panels=dashboard_panels,
        statistics=key_figures,
        menu=[
            MenuEntry("Réclamations", "الشكايات", "complaints", icon="warning",
                      permission="complaints.view_complaint"),
            MenuEntry("Réclamation au guichet", "شكاية بالشباك", "counter", icon="edit",
                      permission="complaints.receive_complaint"),
        ],
        menu_icon="warning",
        menu_order=130,
        apply_recipe=apply_recipe,
        export_recipe=export_recipe,
        seed_demo_data=seed_demo_data,
        onboarding_checks=onboarding_checks,
    )
)
