from platform_core.modules.registry import ModuleSpec, Role, registry

VIEW = ["civil_status.view_act", "civil_status.view_marginalmention", "civil_status.view_bureau"]
DRAFT = ["civil_status.add_act", "civil_status.change_act", "civil_status.add_marginalmention"]


def admin_urls():
    from modules.civil_status.admin_urls import urlpatterns

    return urlpatterns


def apply_recipe(commune, section: dict) -> None:
    """Recipe section `civil_status`: the commune's code and its bureaux (the first is the main one unless said)."""
    from modules.civil_status.models import Bureau, RegistrySettings

    if "commune_code" in section:
        RegistrySettings.objects.update_or_create(id=1, defaults={"commune_code": str(section["commune_code"])})
    for index, bureau in enumerate(section.get("bureaux", [])):
        Bureau.objects.update_or_create(
            code=bureau["code"],
            defaults={"name_fr": bureau["name_fr"], "name_ar": bureau["name_ar"],
                      "is_main": bureau.get("is_main", index == 0)},
        )


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
            ]),
            Role("consultation", "Consultation", "اطلاع", VIEW),
        ],
        admin_urls=admin_urls,
        api_prefix="civil-status",
        menu_order=100,
        apply_recipe=apply_recipe,
    )
)
