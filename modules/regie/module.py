from platform_core.modules.registry import MenuEntry, ModuleSpec, Role, registry

MODELS = ("tariff", "tariffversion", "zonerate", "taxpayer", "taxableitem", "assessment", "receipt", "receiptbook",
          "bookmovement", "deviceblock", "cashday", "remittance", "budgetline", "annualcheck", "bookcheck")
VIEW = [f"regie.view_{model}" for model in MODELS]
TAXPAYERS = ["regie.add_taxpayer", "regie.change_taxpayer", "regie.add_taxableitem", "regie.change_taxableitem"]


def admin_urls():
    from modules.regie.admin_urls import urlpatterns

    return urlpatterns


def portal_urls():
    from modules.regie.portal import urlpatterns

    return urlpatterns


def api_routes():
    from modules.regie.api import routes

    return routes()


def dashboard_panels(request):
    from modules.regie.views.budget import dashboard_panels

    return dashboard_panels(request)


def key_figures():
    from modules.regie.selectors import key_figures

    return key_figures()


def apply_recipe(commune, section: dict) -> None:
    from modules.regie.recipe import apply_recipe as apply

    apply(section)


def export_recipe() -> dict:
    from modules.regie.recipe import export_section

    return export_section()


def seed_demo_data(commune, section: dict) -> None:
    from modules.regie.demo import seed_demo_data as seed

    seed(section)


def onboarding_checks(commune) -> list:
    from modules.regie.onboarding import checks

    return checks(commune)


spec = registry.register(
    ModuleSpec(
        key="regie",
        name_fr="Régie de recettes",
        name_ar="وكالة المداخيل",
        app_label="regie",
        roles=[
            Role("regisseur", "Régisseur de recettes", "شسيع المداخيل", [
                *VIEW, *TAXPAYERS, "regie.add_receipt", "regie.void_receipt", "regie.close_cashday",
            ]),
            Role("field_collector", "Percepteur de terrain", "محصل ميداني", [
                "regie.view_tariff", "regie.view_tariffversion", "regie.view_zonerate", "regie.view_taxpayer",
                "regie.view_taxableitem", "regie.view_assessment", "regie.view_receipt", "regie.view_deviceblock",
                "regie.collect_in_field",
            ], essential=False),
            Role("ordonnateur", "Ordonnateur", "الآمر بالصرف", [
                *VIEW, *TAXPAYERS, "regie.add_tariff", "regie.change_tariff", "regie.add_tariffversion",
                "regie.add_zonerate", "regie.add_assessment", "regie.approve_cancellation",
                "regie.manage_receipt_books", "regie.void_receipt", "regie.add_budgetline", "regie.change_budgetline",
                "regie.add_annualcheck",
            ]),
            Role("consultation", "Consultation", "اطلاع", VIEW, essential=False),
        ],
        admin_urls=admin_urls,
        portal_prefix="paiements",
        portal_urls=portal_urls,
        dashboard_panels=dashboard_panels,
        statistics=key_figures,
        menu=[
            MenuEntry("Caisse", "الصندوق", "counter", icon="pick", permission="regie.add_receipt"),
            MenuEntry("Quittances", "الوصولات", "receipts", icon="list-ul", permission="regie.view_receipt"),
            MenuEntry("Ordres de recette", "أوامر المداخيل", "assessments", icon="doc-full",
                      permission="regie.view_assessment"),
            MenuEntry("Redevables", "الملزمون", "taxpayers", icon="group", permission="regie.view_taxpayer"),
            MenuEntry("Tarifs", "التعريفات", "tariffs", icon="table", permission="regie.view_tariff"),
            MenuEntry("Quittanciers", "دفاتر الوصولات", "books", icon="folder-inverse",
                      permission="regie.view_receiptbook"),
            MenuEntry("Journées de caisse", "أيام الصندوق", "cash_days", icon="date",
                      permission="regie.view_cashday"),
            MenuEntry("Budget", "الميزانية", "budget", icon="order", permission="regie.view_budgetline"),
        ],
        menu_icon="tasks",
        api_prefix="regie",
        api_routes=api_routes,
        menu_order=110,
        apply_recipe=apply_recipe,
        export_recipe=export_recipe,
        seed_demo_data=seed_demo_data,
        onboarding_checks=onboarding_checks,
    )
)
