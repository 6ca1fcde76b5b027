"""Provisioning from the console: a recipe from the library or an uploaded file; the status chosen; generated
passwords shown once; recipe and provisioning errors shown on the form with nothing kept; operators only."""

import copy

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_exists

from platform_core.audit.models import AuditEntry
from tenants.console import forms as console_forms
from tenants.models import Commune
from tests.conftest import RECIPES, console_account, drop_commune, inside, says
from tests.tenants.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db

OPERATOR = "operator.provision"  # the `operator` fixture's username
BASE = yaml.safe_load((RECIPES / "sefrou.yaml").read_text())


def recipe_text(slug, **changes) -> str:
    data = copy.deepcopy(BASE)
    data["commune"].update(slug=slug, name_fr=f"Commune {slug}", name_ar="جماعة تجريبية")
    data["domains"] = [slug]
    data.update(changes)
    return yaml.safe_dump(data, allow_unicode=True)


def upload(text: str | bytes, name="recipe.yaml"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="application/yaml")


@pytest.fixture
def scratch():
    """Slugs a test provisions; each is dropped afterwards (schema and rows)."""
    made = []
    yield made
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # Inside the test's transaction: deferred foreign-key checks must run before their tables can go.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for slug in made:
        drop_commune(slug)
        assert nothing_kept(slug)


def nothing_kept(slug: str) -> bool:
    connection.set_schema_to_public()
    return not Commune.objects.filter(slug=slug).exists() and not schema_exists(Commune.schema_name_for(slug))


def test_the_page_lists_the_recipe_library_with_names_and_slugs(console):
    response = console.get("/console/provision/")
    assert response.status_code == 200
    rows = {row["value"]: row for row in response.context["form"].library_rows}
    assert {"demo/sefrou.yaml", "demo/berkane.yaml", "demo/formation-sefrou.yaml"} <= set(rows)
    assert rows["demo/sefrou.yaml"]["recipe"].commune.slug == "sefrou"
    assert rows["demo/sefrou.yaml"]["exists"]  # the test database has a Sefrou already
    page = response.content.decode()
    assert "demo/sefrou.yaml" in page and "جماعة صفرو" in page
    assert says(response, "Provision (takes about 5 seconds)")
    assert 'enctype="multipart/form-data"' in page and "button.disabled = true" in page


def test_an_uploaded_recipe_provisions_a_commune_in_onboarding_and_shows_generated_passwords_once(
        console, operator, scratch):
    scratch.append("console-t1")
    staff = [dict(person) for person in BASE["staff"]]
    staff[0].pop("password")
    administrator = {key: value for key, value in BASE["administrator"].items() if key != "password"}
    response = console.post("/console/provision/", {
        "upload": upload(recipe_text("console-t1", administrator=administrator, staff=staff)),
        "status": "onboarding",
    })
    assert response.status_code == 302 and response["Location"] == "/console/communes/console-t1/"
    commune = Commune.objects.get(slug="console-t1")
    assert commune.status == "onboarding" and commune.live_since is None
    assert schema_exists("console_t1")

    page = console.get(response["Location"])
    passwords = page.context["generated_passwords"]
    assert set(passwords) == {"admin.sefrou", staff[0]["username"]}
    assert says(page, "Passwords generated for the new accounts")
    assert passwords["admin.sefrou"] in page.content.decode()
    with inside(commune):
        assert get_user_model().objects.get(username="admin.sefrou").check_password(passwords["admin.sefrou"])
    connection.set_schema_to_public()
    again = console.get(response["Location"])
    assert again.context["generated_passwords"] is None  # shown once
    assert passwords["admin.sefrou"] not in again.content.decode()

    entry = AuditEntry.objects.filter(object_type="tenants.commune", object_id=str(commune.pk),
                                      action="tenants.provision_commune").get()
    assert entry.actor_label == "operator.provision" and entry.after["created"] is True
    assert again.context["audit"][0]["entry"].pk == entry.pk
    assert "take_live" in again.context["forms"]
    listed = console.get("/console/", {"q": "console-t1"})
    assert [row["commune"].slug for row in listed.context["rows"]] == ["console-t1"]


def test_a_recipe_from_the_library_and_the_live_status(console, scratch, tmp_path, monkeypatch):
    scratch.append("console-t2")
    (tmp_path / "communes").mkdir()
    (tmp_path / "communes" / "t2.yaml").write_text(recipe_text("console-t2"), encoding="utf-8")
    monkeypatch.setattr(console_forms, "RECIPES_DIR", tmp_path)
    page = console.get("/console/provision/")
    assert [row["value"] for row in page.context["form"].library_rows] == ["communes/t2.yaml"]
    response = console.post("/console/provision/", {"library": "communes/t2.yaml", "status": "live"})
    assert response["Location"] == "/console/communes/console-t2/"
    commune = Commune.objects.get(slug="console-t2")
    assert commune.status == "live" and commune.live_since is not None and commune.recipe_name == "t2"
    assert console.get(response["Location"]).context["generated_passwords"] is None  # the recipe gave them all
    # A path outside the list is not a choice.
    outside = console.post("/console/provision/", {"library": "../tests/recipes/sefrou.yaml", "status": "live"})
    assert outside.status_code == 200 and outside.context["form"].errors["library"]


def test_a_broken_recipe_shows_its_errors_and_keeps_nothing(console):
    broken = recipe_text("console-t3", modules=["portal", "teleportation"])
    response = console.post("/console/provision/", {"upload": upload(broken), "status": "onboarding"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "teleportation" in errors
    assert says(response, "The recipe is not valid:")
    assert nothing_kept("console-t3")


def test_a_provisioning_error_is_shown_and_nothing_is_kept(console):
    taken = recipe_text("console-t4", domains=["sefrou"])  # Sefrou's domain
    response = console.post("/console/provision/", {"upload": upload(taken), "status": "onboarding"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "sefrou.localhost" in errors
    assert nothing_kept("console-t4")


@pytest.mark.parametrize(("content", "message"), [
    ("commune: [unclosed", "is not valid YAML"),
    ("- just\n- a list\n", "A recipe is a YAML mapping"),
    ("commune:\n  slug: console-t5\n  name_fr: \xe9t\xe9\n".encode("latin-1"), "The recipe file is not UTF-8 text."),
])
def test_files_that_are_not_recipes(console, content, message):
    response = console.post("/console/provision/", {"upload": upload(content), "status": "onboarding"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert errors
    if message.endswith("."):
        assert says(response, message)
    assert nothing_kept("console-t5")


def test_one_source_only_a_size_limit_and_no_second_commune_with_a_slug(console, monkeypatch):
    neither = console.post("/console/provision/", {"status": "onboarding"})
    assert says(neither, "Pick a recipe from the library or upload a recipe file (one of the two).")
    both = console.post("/console/provision/", {"library": "demo/berkane.yaml", "upload": upload(recipe_text("x1")),
                                                "status": "onboarding"})
    assert says(both, "Pick a recipe from the library or upload a recipe file (one of the two).")
    monkeypatch.setattr(console_forms, "MAX_RECIPE_BYTES", 100)
    large = console.post("/console/provision/", {"upload": upload(recipe_text("console-t6")), "status": "onboarding"})
    assert large.context["form"].errors["upload"]
    monkeypatch.undo()
    existing = console.post("/console/provision/", {"library": "demo/berkane.yaml", "status": "onboarding"})
    assert existing.status_code == 200 and "berkane" in " ".join(existing.context["form"].non_field_errors())
    assert Commune.objects.get(slug="berkane").recipe_name == "berkane"  # untouched
    assert nothing_kept("console-t6") and nothing_kept("x1")


def test_only_operators_provision(client_for):
    anonymous = client_for(None).post("/console/provision/", {"upload": upload(recipe_text("console-t7")),
                                                              "status": "onboarding"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/console/login/")
    trainer = signed_in(client_for(None), console_account("trainer.provision", PASSWORD, permission="run_trainings"))
    assert trainer.get("/console/provision/").status_code == 403
    refused = trainer.post("/console/provision/", {"upload": upload(recipe_text("console-t7")), "status": "live"})
    assert refused.status_code == 403
    assert client_for(Commune.objects.get(slug="sefrou")).get("/console/provision/").status_code == 404
    assert nothing_kept("console-t7")
