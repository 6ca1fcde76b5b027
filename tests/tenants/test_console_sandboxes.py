"""Training sandboxes from the console: the list, creation from the scenario library (the trainee sheet reaches its
trainer once), reset, end date and archive; who may do what; a production commune is out of reach.

No `db` fixture here: creating and resetting a sandbox commit (durable transactions), so the tests run on
committed data, as tests/tenants/test_sandboxes.py does, and drop what they made."""

import datetime
import shutil
import subprocess

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context, schema_exists

from platform_core.audit.models import AuditEntry
from tenants.console import sandboxes as console_sandboxes
from tenants.models import Commune
from tenants.recipes import RecipeError
from tenants.services import sandboxes
from tenants.services.provisioning import ProvisioningError
from tenants.services.sandboxes import SandboxError
from tests.conftest import RECIPES, console_account, drop_commune, host_of, inside, says, table_state

PASSWORD = "trainer-pw-2026"
SLUG = "formation-console"
SCENARIO = "training/formation.yaml"
TODAY = timezone.localdate()
ENDS_ON = TODAY + datetime.timedelta(days=4)


def account(username: str, permission: str):
    """A console account with a confirmed authenticator app, committed once (kept for the session's other
    tests: the ORM's cascade cannot delete a public-schema user, see tests/e2e)."""
    with schema_context("public"):
        user = get_user_model().objects.filter(username=username).first()
        user = user or console_account(username, PASSWORD, permission=permission)
        TOTPDevice.objects.get_or_create(user=user, name="console", defaults={"confirmed": True})
    return user


def signed_in(user, **client_options) -> Client:
    """A client on the platform domain, signed in as the account with the password and the second factor."""
    connection.set_schema_to_public()
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN, **client_options)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def flashed(response, client) -> list[tuple[int, str]]:
    """The messages an action left for the next page, as the list shows them (which uses them up)."""
    assert response.status_code == 302 and response["Location"] == "/console/sandboxes/"
    page = client.get("/console/sandboxes/")
    return [(message.level, message.message) for message in page.context["messages"]]


def in_language(response, msgid: str) -> str:
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return gettext(msgid)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """A scenario library of three files: a training recipe, a production recipe and a broken file; only the
    first is a scenario."""
    root = tmp_path_factory.mktemp("recipes")
    (root / "training").mkdir()
    shutil.copy(RECIPES / "formation.yaml", root / SCENARIO)
    shutil.copy(RECIPES / "berkane.yaml", root / "berkane.yaml")
    (root / "broken.yaml").write_text("commune: [not, a, mapping\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(console_sandboxes, "SCENARIO_ROOT", root)
        yield root


@pytest.fixture
def unblocked(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        return {"trainer": account("sandbox.trainer", "run_trainings"),
                "other": account("sandbox.trainer2", "run_trainings"),
                "operator": account("sandbox.operator", "operate_communes")}


def form_data(**changes) -> dict:
    return {"scenario": SCENARIO, "slug": SLUG, "name": "", "trainees": "3", "ends_on": ENDS_ON.isoformat(),
            **changes}


@pytest.fixture(scope="module")
def created(django_db_setup, django_db_blocker, library, people):
    """A sandbox created through the console by the trainer, with three trainees; dropped with its snapshot."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        stale = Commune.objects.filter(slug=SLUG).first()
        if stale is not None:
            sandboxes.drop_sandbox(stale)
        client = signed_in(people["trainer"])
        response = client.post("/console/sandboxes/new/", form_data())
        try:
            assert response.status_code == 302, response.context["form"].errors if response.context else response
            yield {"client": client, "created_url": response["Location"]}
        finally:
            connection.set_schema_to_public()
            commune = Commune.objects.filter(slug=SLUG).first()
            if commune is not None:
                sandboxes.drop_sandbox(commune)


def test_the_library_offers_training_recipes_only(unblocked, library):
    assert [scenario.value for scenario in console_sandboxes.scenario_library()] == [SCENARIO]
    with pytest.MonkeyPatch.context() as patch:  # the real library: the demo training recipe, not Sefrou's
        patch.setattr(console_sandboxes, "SCENARIO_ROOT", settings.BASE_DIR / "recipes")
        real = {scenario.value: scenario for scenario in console_sandboxes.scenario_library()}
    assert "demo/formation-sefrou.yaml" in real and "demo/sefrou.yaml" not in real
    assert real["demo/formation-sefrou.yaml"].name_ar == "تكوين · جماعة صفرو"


def commune(slug: str) -> Commune:
    connection.set_schema_to_public()
    return Commune.objects.get(slug=slug)


def test_who_may_open_the_sandboxes(unblocked, people, client_for):
    sefrou = commune("sefrou")
    anonymous = client_for(None)
    for url in ("/console/sandboxes/", "/console/sandboxes/new/"):
        assert anonymous.get(url)["Location"].startswith("/console/login/")
    assert anonymous.post(f"/console/sandboxes/{sefrou.slug}/reset/")["Location"].startswith("/console/login/")
    # The password alone (no code yet) opens nothing.
    half = client_for(None)
    assert half.post("/console/login/", {"username": "sandbox.trainer", "password": PASSWORD})["Location"] == (
        "/console/login/code/")
    assert half.get("/console/sandboxes/")["Location"].startswith("/console/login/")

    trainer = signed_in(people["trainer"])
    page = trainer.get("/console/sandboxes/")
    assert page.status_code == 200 and 'href="/console/sandboxes/" aria-current="page"' in page.content.decode()
    assert 'href="/console/"' not in page.content.decode()  # no link to the communes for a trainer
    assert trainer.get("/console/")["Location"] == "/console/sandboxes/"
    assert trainer.get(f"/console/communes/{sefrou.slug}/").status_code == 403

    operator = signed_in(people["operator"])
    assert operator.get("/console/sandboxes/").status_code == 200
    assert operator.get("/console/").status_code == 200

    # A commune's own domain has no console.
    commune_host = Client(HTTP_HOST=host_of(sefrou))
    assert commune_host.get("/console/sandboxes/").status_code == 404


def test_the_list_shows_the_training_communes(unblocked, people):
    formation = commune("formation-sefrou")
    page = signed_in(people["trainer"]).get("/console/sandboxes/")
    rows = {row["commune"].slug: row for row in page.context["running"] + page.context["archived"]}
    assert "sefrou" not in rows and "berkane" not in rows
    demo = rows["formation-sefrou"]
    assert demo["url"] == f"http://formation-sefrou.{settings.PLATFORM_DOMAIN}/"
    assert demo["admin_url"].endswith("/admin/")
    assert demo["snapshot"] is False  # provisioned from a recipe, never snapshotted: it cannot be reset
    assert demo["time_left"] == in_language(page, "no end date")
    content = page.content.decode()
    assert formation.name_ar in content and formation.name_fr in content
    assert says(page, "No archived sandbox.") or page.context["archived"]


@pytest.mark.parametrize("changes, field", [
    ({"slug": "Formation_Juin"}, "slug"),
    ({"slug": "formation-sefrou"}, "slug"),  # the demo training commune exists
    ({"slug": "console"}, "slug"),  # reserved
    ({"slug": "f" * 54}, "slug"),  # its snapshot's name would be cut by PostgreSQL
    ({"trainees": "0"}, "trainees"),
    ({"trainees": "61"}, "trainees"),
    ({"ends_on": (TODAY - datetime.timedelta(days=1)).isoformat()}, "ends_on"),
    ({"ends_on": (TODAY + datetime.timedelta(days=366)).isoformat()}, "ends_on"),
    ({"scenario": "berkane.yaml"}, "scenario"),  # a production recipe is no scenario
    ({"scenario": "../tests/recipes/formation.yaml"}, "scenario"),
])
def test_bad_input_is_refused_on_the_form(unblocked, people, library, changes, field):
    communes = Commune.objects.count()
    page = signed_in(people["trainer"]).post("/console/sandboxes/new/",
                                             form_data(**({"slug": "formation-refused"} | changes)))
    assert page.status_code == 200 and field in page.context["form"].errors
    assert Commune.objects.count() == communes and not schema_exists("formation_refused")


def test_the_form_suggests_a_free_slug(unblocked, people, library):
    page = signed_in(people["trainer"]).get("/console/sandboxes/new/")
    suggested = page.context["form"]["slug"].value()
    assert suggested.startswith("formation-") and not Commune.objects.filter(slug=suggested).exists()
    assert says(page, "Create the sandbox (this takes about ten seconds)")


@pytest.mark.parametrize("error", [RecipeError("bad recipe"), ProvisioningError("provisioning broke"),
                                   SandboxError("sandbox refused")])
def test_the_services_errors_are_shown_on_the_form(unblocked, people, library, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(console_sandboxes, "create_sandbox", fail)
    page = signed_in(people["trainer"]).post("/console/sandboxes/new/", form_data(slug="formation-failing"))
    assert page.status_code == 200 and page.context["form"].non_field_errors() == [str(error)]
    assert str(error) in page.content.decode()


def test_a_failed_creation_keeps_nothing(unblocked, people, library, monkeypatch):
    """A schema of that name appears between the form's check and the creation: provisioning fails, the page says
    why, and neither a commune row nor a snapshot is left (the stray schema is not ours to drop)."""
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "formation_occupied"')
    try:
        monkeypatch.setattr(console_sandboxes, "_slug_taken", lambda slug: False)
        page = signed_in(people["trainer"]).post("/console/sandboxes/new/", form_data(slug="formation-occupied"))
        assert page.status_code == 200 and page.context["form"].non_field_errors()
        assert not Commune.objects.filter(slug="formation-occupied").exists()
        assert not schema_exists("snapshot__formation_occupied")
    finally:
        drop_commune("formation-occupied")


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


def test_the_trainee_sheet_reaches_its_trainer_once(unblocked, people, created):
    client = created["client"]
    page = client.get(created["created_url"])
    assert page.status_code == 200 and says(page, "Download the trainee sheet")
    assert f"http://{SLUG}.{settings.PLATFORM_DOMAIN}/" in page.content.decode()
    commune = Commune.objects.get(slug=SLUG)
    assert commune.is_training and commune.training_ends_on == ENDS_ON and schema_exists(commune.snapshot_schema)
    assert AuditEntry.objects.filter(action="tenants.sandbox_snapshot", object_id=str(commune.pk),
                                     actor_id=people["trainer"].pk).exists()
    sheet_url = created["created_url"].replace("/created/", "/sheet/")

    # Another trainer, or an operator, cannot take it (and does not learn that it exists).
    assert signed_in(people["other"]).get(sheet_url).status_code == 404
    assert signed_in(people["other"]).get(created["created_url"]).status_code == 404
    assert signed_in(people["operator"]).get(sheet_url).status_code == 404

    sheet = client.get(sheet_url)
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    assert sheet["Content-Disposition"].startswith("attachment;") and f"{SLUG}-trainees.pdf" in sheet[
        "Content-Disposition"]
    assert sheet.content.startswith(b"%PDF")
    text = pdf_text(sheet.content)
    assert f"{SLUG}." in text
    for username in ("stagiaire-01", "stagiaire-02", "stagiaire-03"):
        assert username in text
    with inside(commune):
        assert list(get_user_model().objects.filter(username__startswith="stagiaire-")
                    .order_by("username").values_list("username", flat=True)) == [
            "stagiaire-01", "stagiaire-02", "stagiaire-03"]

    again = client.get(sheet_url)
    assert again.status_code == 410 and says(again, "The trainee sheet is no longer available")
    assert b"%PDF" not in again.content
    later = client.get(created["created_url"])
    assert not says(later, "Download the trainee sheet") and says(later, "The trainee sheet is no longer available")


def test_a_reset_from_the_console_brings_back_the_snapshot(unblocked, people, created):
    commune = Commune.objects.get(slug=SLUG)
    at_snapshot = table_state(commune.snapshot_schema)
    with inside(commune):
        get_user_model().objects.create_user("was.here", password="x")
    assert table_state(commune.schema_name) != at_snapshot
    response = created["client"].post(f"/console/sandboxes/{SLUG}/reset/")
    assert response.status_code == 302 and response["Location"] == "/console/sandboxes/"
    (level, text), = flashed(response, created["client"])
    assert level == messages.SUCCESS and SLUG in text
    assert table_state(commune.schema_name) == at_snapshot
    assert AuditEntry.objects.filter(action="tenants.sandbox_reset", object_id=str(commune.pk),
                                     actor_id=people["trainer"].pk).exists()
    assert created["client"].get(f"/console/sandboxes/{SLUG}/reset/").status_code == 405


def test_the_end_date_changes_within_a_year_and_is_audited(unblocked, people, created):
    commune = Commune.objects.get(slug=SLUG)
    later = TODAY + datetime.timedelta(days=30)
    response = created["client"].post(f"/console/sandboxes/{SLUG}/end-date/", {"ends_on": later.isoformat()})
    assert [level for level, _text in flashed(response, created["client"])] == [messages.SUCCESS]
    commune.refresh_from_db()
    assert commune.training_ends_on == later
    entry = AuditEntry.objects.filter(action="tenants.sandbox_end_date", object_id=str(commune.pk)).latest(
        "sequence")
    assert entry.before == {"ends_on": ENDS_ON.isoformat()} and entry.after == {"ends_on": later.isoformat()}
    assert entry.actor_id == people["trainer"].pk
    for wrong in ((TODAY - datetime.timedelta(days=1)).isoformat(), "", "31/12/2026"):
        refused = created["client"].post(f"/console/sandboxes/{SLUG}/end-date/", {"ends_on": wrong})
        assert [level for level, _text in flashed(refused, created["client"])] == [messages.ERROR]
    commune.refresh_from_db()
    assert commune.training_ends_on == later
    page = created["client"].get("/console/sandboxes/")
    row = next(row for row in page.context["running"] if row["commune"].slug == SLUG)
    assert row["snapshot"] and not row["ended"] and "30" in row["time_left"]


def test_a_production_commune_is_out_of_reach(unblocked, people, created):
    sefrou = commune("sefrou")
    client = signed_in(people["operator"])  # even an operator: this page handles training communes only
    before = Commune.objects.get(pk=sefrou.pk)
    for action in ("reset", "archive"):
        assert client.post(f"/console/sandboxes/{sefrou.slug}/{action}/").status_code == 404
    assert client.post(f"/console/sandboxes/{sefrou.slug}/end-date/",
                       {"ends_on": ENDS_ON.isoformat()}).status_code == 404
    token = created["created_url"].rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/console/sandboxes/{sefrou.slug}/created/{token}/").status_code == 404
    assert client.get(f"/console/sandboxes/{sefrou.slug}/sheet/{token}/").status_code == 404
    after = Commune.objects.get(pk=sefrou.pk)
    assert (after.status, after.training_ends_on, after.snapshot_schema) == (
        before.status, before.training_ends_on, before.snapshot_schema)


def test_archive_now_expires_the_sandbox(unblocked, people, created):
    """Last of the sandbox's tests: it archives it."""
    commune = Commune.objects.get(slug=SLUG)
    snapshot = commune.snapshot_schema
    response = created["client"].post(f"/console/sandboxes/{SLUG}/archive/")
    (level, text), = flashed(response, created["client"])
    assert level == messages.SUCCESS and SLUG in text
    commune.refresh_from_db()
    assert commune.status == Commune.Status.ARCHIVED and commune.snapshot_schema == ""
    assert commune.training_ends_on == TODAY - datetime.timedelta(days=1)
    assert not schema_exists(snapshot) and schema_exists(commune.schema_name)
    assert AuditEntry.objects.filter(action="tenants.sandbox_expired", object_id=str(commune.pk),
                                     actor_id=people["trainer"].pk).exists()
    assert Commune.objects.get(slug="formation-sefrou").status != Commune.Status.ARCHIVED  # no end date: kept

    page = created["client"].get("/console/sandboxes/")
    assert SLUG in [row["commune"].slug for row in page.context["archived"]]
    assert SLUG not in [row["commune"].slug for row in page.context["running"]]
    row = next(row for row in page.context["archived"] if row["commune"].slug == SLUG)
    assert row["ended"] and row["time_left"] == in_language(page, "ended")

    for action, data in (("archive", {}), ("reset", {}), ("end-date", {"ends_on": ENDS_ON.isoformat()})):
        refused = created["client"].post(f"/console/sandboxes/{SLUG}/{action}/", data)
        assert [level for level, _text in flashed(refused, created["client"])] == [messages.ERROR], action
    commune.refresh_from_db()
    assert commune.status == Commune.Status.ARCHIVED and commune.training_ends_on == TODAY - datetime.timedelta(
        days=1)
