"""Provisioning from recipes: clone, idempotence, all-or-nothing, serialisation, clear errors."""

import copy
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import translation
from django_tenants.utils import schema_context, schema_exists
from wagtail.models import Site

from cms.models import HomePage
from platform_core.audit.models import AuditEntry
from tenants.models import Commune
from tenants.recipes import RecipeError, load_recipe, parse_recipe
from tenants.services.provisioning import ProvisioningError, provision_commune

from ..conftest import RECIPES

BASE = yaml.safe_load((RECIPES / "sefrou.yaml").read_text())


def recipe_data(slug, **changes):
    data = copy.deepcopy(BASE)
    data["commune"]["slug"] = slug
    data["domains"] = [slug]
    for key, value in changes.items():
        data[key] = value
    return data


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Provisioning commits for real; what a test creates is dropped afterwards."""
    made = []
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield made
        connection.set_schema_to_public()
        for slug in made:
            schema = slug.replace("-", "_")
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            Commune.objects.filter(slug=slug).delete()


def test_schemas_are_named_after_the_slug(db):
    assert Commune.objects.get(slug="formation-sefrou").schema_name == "formation_sefrou"
    assert schema_exists("formation_sefrou") and schema_exists("sefrou") and schema_exists("template")


def test_a_provisioned_commune_has_its_site_portal_accounts_and_roles(sefrou, in_commune):
    with in_commune(sefrou):
        site = Site.objects.get(is_default_site=True)
        assert site.hostname == "sefrou.localhost"
        homes = {page.locale.language_code: page for page in HomePage.objects.live().select_related("locale")}
        assert homes["ar"].title == "جماعة صفرو" and homes["fr"].title == "Commune de Sefrou"
        assert homes["fr"].translation_key == homes["ar"].translation_key
        assert site.root_page_id == homes["ar"].pk
        admin = get_user_model().objects.get(username="admin.sefrou")
        assert admin.is_superuser and admin.full_name_ar() == "كريم بناني"
        agent = get_user_model().objects.get(username="agent.sefrou")
        assert not agent.is_superuser
        assert list(agent.groups.values_list("role__role_key", flat=True)) == ["reader"]
        assert agent.wagtail_userprofile.preferred_language == "fr"


def test_provisioning_by_clone_and_rerunning_the_same_recipe_changes_nothing(committed):
    recipe = parse_recipe(recipe_data("ifrane"))
    committed.append("ifrane")
    first = provision_commune(recipe)
    assert first.created and first.changed
    commune = Commune.objects.get(slug="ifrane")
    assert commune.schema_name == "ifrane" and commune.get_primary_domain().domain == "ifrane.localhost"
    with schema_context("ifrane"):
        entries = AuditEntry.objects.count()
        password = get_user_model().objects.get(username="admin.sefrou").password
    again = provision_commune(parse_recipe(recipe_data("ifrane")))
    assert not again.created and not again.changed
    changed = recipe_data("ifrane")
    changed["commune"]["name_fr"] = "Commune d'Ifrane"
    updated = provision_commune(parse_recipe(changed))
    assert updated.changed and not updated.created
    with schema_context("ifrane"):
        assert AuditEntry.objects.count() > entries
        assert get_user_model().objects.get(username="admin.sefrou").password == password  # never reset
        assert HomePage.objects.get(locale__language_code="fr").title == "Commune d'Ifrane"


def test_a_failing_recipe_leaves_nothing_behind(committed):
    failing = recipe_data("azrou", sections={"noticeboard": {"fail": True}})
    committed.append("azrou")
    with translation.override("fr"), pytest.raises(ProvisioningError, match="rien n’a été conservé.*asked to fail"):
        provision_commune(parse_recipe(failing))
    assert not Commune.objects.filter(slug="azrou").exists()
    assert not schema_exists("azrou")


def test_a_domain_of_another_commune_is_refused(committed):
    committed.append("imouzzer")
    with translation.override("ar"), pytest.raises(ProvisioningError, match="النطاق sefrou.localhost تابع مسبقا"):
        provision_commune(parse_recipe(recipe_data("imouzzer", domains=["imouzzer", "sefrou"])))
    assert not schema_exists("imouzzer")


def test_concurrent_provisioning_of_one_recipe_is_serialised(committed):
    committed.append("bhalil")

    def provision():
        try:
            return provision_commune(parse_recipe(recipe_data("bhalil")), check_template=False)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: provision(), range(2)))
    assert sorted(result.created for result in results) == [False, True]
    assert Commune.objects.filter(slug="bhalil").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"modules": ["cadastre"]}, "unknown module"),
        ({"commune": {**BASE["commune"], "slug": "Bad Slug"}}, "commune.slug"),
        ({"commune": {**BASE["commune"], "slug": "template"}}, "reserved"),
        ({"modules": []}, "does not subscribe"),
        ({"staff": [{"username": "x.y", "roles": ["noticeboard.boss"]}]}, "has no role 'boss'"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_recipes_are_refused_with_the_reason(change, message):
    data = copy.deepcopy(BASE)
    data.update(change)
    with translation.override("en"), pytest.raises(RecipeError, match=message):
        parse_recipe(data)


def test_recipe_errors_are_in_the_operators_language():
    data = copy.deepcopy(BASE)
    del data["administrator"]
    data["commune"] = {**BASE["commune"], "kind": "museum"}
    with translation.override("fr"), pytest.raises(RecipeError) as refused:
        parse_recipe(data)
    with translation.override("fr"):
        required = translation.gettext("this field is required")
        assert required != "this field is required"  # the French catalogue has it
        assert f"administrator: {required}" in str(refused.value)
        assert "commune.kind: " + translation.gettext("must be one of: %(expected)s") % {
            "expected": "'production' or 'training'"} in str(refused.value)


def test_recipe_files_are_read_with_clear_errors(tmp_path):
    with translation.override("fr"), pytest.raises(RecipeError, match="Aucun fichier de recette"):
        load_recipe(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("commune: [unclosed")
    with translation.override("fr"), pytest.raises(RecipeError, match="n’est pas un YAML valide"):
        load_recipe(broken)


def test_the_demo_recipes_are_valid():
    from tenants.recipes import demo_recipe_paths

    slugs = {load_recipe(path).commune.slug for path in demo_recipe_paths()}
    assert slugs == {"sefrou", "berkane", "formation-sefrou"}


def test_a_template_holding_accounts_is_refused(committed):
    """Cloning copies the template's rows: an account or session left there would appear in every commune."""
    from django.contrib.auth import get_user_model

    committed.append("sidi-harazem")
    with schema_context("template"):
        stray = get_user_model().objects.create_user("stray.user", password="x-long-password-1")
    try:
        with translation.override("fr"), pytest.raises(ProvisioningError, match="compte"):
            provision_commune(parse_recipe(recipe_data("sidi-harazem")), check_template=False)
        assert not schema_exists("sidi_harazem")
    finally:
        with schema_context("template"):
            get_user_model().objects.filter(pk=stray.pk).delete()
