from modules.civil_status.eservices import ESERVICES
from platform_core.modules.registry import MenuEntry, ModuleSpec, Role, registry

VIEW = ["civil_status.view_act", "civil_status.view_marginalmention", "civil_status.view_bureau"]
DRAFT = ["civil_status.add_act", "civil_status.change_act", "civil_status.add_marginalmention"]


def admin_urls():
    from modules.civil_status.admin_urls import urlpatterns

    return urlpatterns


def api_routes():
    from modules.civil_status.api import ActViewSet, BureauViewSet, MentionViewSet

    return [("acts", ActViewSet, "act"), ("mentions", MentionViewSet, "mention"), ("bureaux", BureauViewSet, "bureau")]


def dashboard_panels(request):
    from modules.civil_status.views.statistics import dashboard_panels

    return dashboard_panels(request)


def key_figures():
    from modules.civil_status.statistics import key_figures

    return key_figures()


def seed_demo_data(commune, section: dict) -> None:
    from modules.civil_status.demo import seed_demo_data as seed

    seed(commune, section)


def apply_recipe(commune, section: dict) -> None:
    """Recipe section `civil_status`: the commune's code, its bureaux (the first is the main one unless said),
    the officiers' delegations (by username and bureau code) and the paper registers declared for the backlog."""
    from django.contrib.auth import get_user_model

    from modules.civil_status.models import Bureau, Delegation, RegistrySettings

    if "commune_code" in section:
        RegistrySettings.objects.update_or_create(id=1, defaults={"commune_code": str(section["commune_code"])})
    for index, bureau in enumerate(section.get("bureaux", [])):
        Bureau.objects.update_or_create(
            code=bureau["code"],
            defaults={"name_fr": bureau["name_fr"], "name_ar": bureau["name_ar"],
                      "is_main": bureau.get("is_main", index == 0)},
        )
    for delegation in section.get("delegations", []):
        Delegation.objects.update_or_create(
            officer=get_user_model().objects.get(username=delegation["officer"]),
            bureau=Bureau.objects.get(code=delegation["bureau"]),
            decree_number=str(delegation["decree_number"]),
            defaults={"decree_date": delegation["decree_date"], "valid_from": delegation["valid_from"],
                      "valid_until": delegation.get("valid_until")},
        )
    if section.get("declared_registers"):
        from modules.civil_status.importing.declarations import load_declarations

        load_declarations(section["declared_registers"])


def export_recipe() -> dict:
    """The section `civil_status` read back: the bureaux and the declared paper registers. The commune code is the
    commune's own identity and delegations name people, so a recipe for another commune carries neither."""
    from modules.civil_status.importing.declarations import export_declarations
    from modules.civil_status.models import Bureau

    bureaux = Bureau.objects.order_by("-is_main", "code")
    section = {"bureaux": [{"code": bureau.code, "name_fr": bureau.name_fr, "name_ar": bureau.name_ar,
                            "is_main": bureau.is_main} for bureau in bureaux]}
    declared = export_declarations()
    return {**section, "declared_registers": declared} if declared else section


def onboarding_checks(commune) -> list:
    from modules.civil_status.onboarding import checks

    return checks(commune)


spec = registry.register(
    ModuleSpec(
        key="civil_status",
        name_fr="État civil",
        name_ar="الحالة المدنية",
        app_label="civil_status",
        roles=[
            Role("agent", "Agent d'état civil", "عون الحالة المدنية", [*VIEW, *DRAFT]),
            Role("officer", "Officier d'état civil", "ضابط الحالة المدنية", [*VIEW, *DRAFT, "civil_status.sign_act"]),
            Role("head", "Chef de bureau", "رئيس المكتب", [
                *VIEW, "civil_status.add_delegation", "civil_status.change_delegation", "civil_status.view_delegation",
                "civil_status.add_bureau", "civil_status.change_bureau",
                "civil_status.import_acts",  # the historical backlog
                *[f"civil_status.{action}_declaredregister" for action in ("view", "add", "change", "delete")],
            ], essential=False),
            Role("consultation", "Consultation", "اطلاع", VIEW, essential=False),
        ],
        admin_urls=admin_urls,
        dashboard_panels=dashboard_panels,
        statistics=key_figures,
        menu=[
            MenuEntry("Actes", "الرسوم", "acts", icon="doc-full", permission="civil_status.view_act"),
            MenuEntry("Bureaux", "المكاتب", "bureaux", icon="home", permission="civil_status.view_bureau"),
            MenuEntry("Délégations", "التفويضات", "delegations", icon="user",
                      permission="civil_status.view_delegation"),
            MenuEntry("Statistiques", "الإحصائيات", "statistics", icon="table",
                      permission="civil_status.view_delegation"),
            MenuEntry("Reprise de l'historique", "استرجاع السجلات القديمة", "imports", icon="upload",
                      permission="civil_status.import_acts"),
            MenuEntry("Registres déclarés", "السجلات المصرح بها", "declared_registers", icon="folder-open-inverse",
                      permission="civil_status.view_declaredregister"),
        ],
        menu_icon="doc-full-inverse",
        api_prefix="civil-status",
        api_routes=api_routes,
        menu_order=100,
        apply_recipe=apply_recipe,
        export_recipe=export_recipe,
        seed_demo_data=seed_demo_data,
        eservices=ESERVICES,
        onboarding_checks=onboarding_checks,
    )
)
