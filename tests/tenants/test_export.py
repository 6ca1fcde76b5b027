"""A recipe exported from Sefrou provisions a new commune whose configuration equals Sefrou's, and carries no
personal data."""

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from wagtail.models import Page

from modules.civil_status.models import Bureau
from modules.complaints.models import Category, Department
from modules.regie.models import BudgetLine, TariffVersion, ZoneRate
from tenants.models import Commune
from tenants.recipes import parse_recipe
from tenants.services.export import export_recipe, export_recipe_yaml
from tenants.services.provisioning import provision_commune

from ..conftest import RECIPES, drop_commune, inside

COPY = "sefrou-copie"


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        drop_commune(COPY)


def configuration(commune) -> dict:
    """Everything a recipe sets up, in comparable form."""
    with inside(commune):
        return {
            "modules": sorted(commune.subscriptions.filter(active=True).values_list("module_key", flat=True)),
            "bureaux": sorted(Bureau.objects.values_list("code", "name_fr", "name_ar", "is_main")),
            "tariffs": sorted(TariffVersion.objects.values_list(
                "tariff__code", "tariff__name_fr", "tariff__name_ar", "tariff__kind", "tariff__legal_basis",
                "tariff__budget_code", "tariff__active", "effective_from", "fiscal_order", "base", "rate",
                "minimum_amount", "exemption_threshold", "penalty_rate", "penalty_monthly_rate", "penalty_minimum",
                "payment_days")),
            "zone_rates": sorted(ZoneRate.objects.values_list("version__tariff__code", "version__effective_from",
                                                              "zone", "rate")),
            "budget": sorted(BudgetLine.objects.values_list("year", "code", "label_fr", "label_ar", "forecast")),
            "departments": sorted(Department.objects.values_list("code", "name_fr", "name_ar", "active")),
            "categories": sorted(Category.objects.values_list(
                "code", "name_fr", "name_ar", "description_fr", "description_ar", "keywords", "department__code",
                "position", "active")),
            "groups": sorted(Group.objects.values_list("name", flat=True)),
            "group_permissions": sorted(Group.objects.values_list("name", "permissions__codename")),
            "pages": sorted((page.depth, page.locale.language_code, page.slug, page.title, page.live)
                            for page in Page.objects.filter(depth__gt=2).select_related("locale")),
        }


def test_a_recipe_exported_from_sefrou_provisions_a_commune_configured_like_sefrou(committed):
    sefrou = Commune.objects.get(slug="sefrou")
    data = export_recipe(sefrou, slug=COPY, name_fr="Commune de Sefrou (copie)", name_ar="جماعة صفرو (نسخة)")
    text = export_recipe_yaml(sefrou, slug=COPY, name_fr="Commune de Sefrou (copie)", name_ar="جماعة صفرو (نسخة)")
    assert yaml.safe_load(text) == data

    people = yaml.safe_load((RECIPES / "sefrou.yaml").read_text())
    for person in [people["administrator"], *people["staff"]]:
        for key in ("username", "first_name", "last_name", "first_name_ar", "last_name_ar", "phone", "password"):
            if person.get(key):
                assert person[key] not in text, f"{key} {person[key]} leaked into the export"
    assert people["commune"]["contact_phone"] not in text
    with inside(sefrou):  # the roles travel as counts, without names (other tests may have added staff)
        regisseurs = get_user_model().objects.filter(groups__role__module_key="regie",
                                                     groups__role__role_key="regisseur", is_active=True).count()
    assert regisseurs >= 2 and f"regie.regisseur: {regisseurs}" in text

    result = provision_commune(parse_recipe(data), check_template=False)
    copy = result.commune
    assert copy.status == Commune.Status.ONBOARDING and copy.name_fr == "Commune de Sefrou (copie)"
    assert sorted(result.generated_passwords) == [f"administrateur.{COPY}"]

    source, made = configuration(sefrou), configuration(copy)
    for key in source:
        assert made[key] == source[key], key
    assert source["tariffs"] and source["zone_rates"] and source["budget"] and source["bureaux"]
    assert source["categories"] and source["pages"]

    with inside(copy):
        from cms.models import HomePage

        intros = {home.locale.language_code: home.intro for home in HomePage.objects.select_related("locale")}
    assert "Bienvenue à Sefrou" in intros["fr"] and "مرحبا بكم في صفرو" in intros["ar"]
