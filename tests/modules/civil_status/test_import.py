"""The historical backlog: files of acts typed from paper registers, imported whole or not at all, with scanned
pages, second entry and a progress bar; from the command line and from the back office."""

import csv
import datetime
import html
import io
import os
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context
from openpyxl import Workbook
from wagtail.users.models import UserProfile

from modules.civil_status import citizen_id, services
from modules.civil_status.importing import progress
from modules.civil_status.importing import services as imports
from modules.civil_status.importing.models import ActPageImage, ImportBatch, ImportMismatch
from modules.civil_status.importing.tasks import process_import_batch
from modules.civil_status.models import Act, Bureau, Delegation
from platform_core.audit.models import AuditEntry
from platform_core.celery import app as celery_app
from platform_core.modules.roles import role_group
from platform_core.numbering.services import peek
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import subprocess_database_url

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "civil-status-import.csv"
PASSWORD = "import-pw-2024"
BASE = "/admin/civil_status/imports/"
TODAY = timezone.localdate()


def person(username, role, *, language="fr"):
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name="Nadia",
                                                last_name="Berrada", first_name_ar="نادية", last_name_ar="برادة")
    user.groups.add(role_group("civil_status", role))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def act_row(number, **changes):
    """One valid birth act of 1990 as a typist writes it."""
    row = {
        "kind": "birth", "year": "1990", "number": str(number), "first_names_ar": "محمد أمين",
        "first_names_latin": "Mohamed Amine", "family_name_ar": "العلوي", "family_name_latin": "Alaoui", "sex": "M",
        "event_date": "1990-03-02", "event_place_fr": "Sefrou", "event_place_ar": "صفرو",
        "father_name_ar": "أحمد العلوي", "father_name_latin": "Ahmed Alaoui", "father_occupation": "fellah",
        "mother_name_ar": "فاطمة بناني", "mother_name_latin": "Fatima Bennani", "declarant_name": "Ahmed Alaoui",
        "declarant_relation": "père", "drawn_up_on": "05/03/1990", "officer_name": "Driss Tazi",
    }
    return {**row, **{key: str(value) for key, value in changes.items()}}


def csv_upload(rows, name="registre.csv", header=None):
    header = header or list(dict.fromkeys(key for row in rows for key in row))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=header, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode())


def pages_zip(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as packed:
        for name in names:
            packed.writestr(name, b"\xff\xd8\xff\xe0 scanned page " + name.encode())
    return SimpleUploadedFile("pages.zip", buffer.getvalue())


def run_import(actor, bureau, upload, **options):
    batch = imports.create_batch(actor=actor, bureau=bureau, file=upload, language="fr", **options)
    return imports.process_batch(batch.pk)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def bureau(sefrou, in_commune):
    with in_commune(sefrou):
        return Bureau.objects.get(code="principal")


@pytest.fixture
def head(sefrou, in_commune):
    """The chef de bureau, who imports."""
    with in_commune(sefrou):
        return person("head.import", "head")


@pytest.fixture
def eager_celery():
    """Tasks run in the calling process, as a worker would run them (schema switching included)."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    celery_app.conf.update(saved)


def login(client_for, commune, username):
    client = client_for(commune)
    assert client.post("/admin/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


# --- Good files -------------------------------------------------------------------------------------------------


def test_the_documented_example_imports_as_signed_acts(sefrou, in_commune, bureau, head):
    with in_commune(sefrou):
        batch = run_import(head, bureau, SimpleUploadedFile(EXAMPLE.name, EXAMPLE.read_bytes()))
        assert batch.status == ImportBatch.Status.IMPORTED, batch.report
        assert (batch.rows_total, batch.acts_imported, batch.progress) == (4, 4, 100)
        first = Act.objects.get(bureau=bureau, kind="birth", year=1987, number=1)
        assert first.status == Act.Status.SIGNED and first.drafted_by == head and first.signed_by is None
        assert first.event_time == datetime.time(8, 30) and first.event_hijri  # computed: the file left it out
        assert first.father == {"occupation": "fellah", "birth_date": "1955-05-12"}
        assert first.declarant == {"name": "Ahmed Alaoui", "age": "31", "relation": "père"}
        assert first.drawn_up_on == datetime.date(1987, 1, 5) and first.signed_at.date() == first.drawn_up_on
        assert "alaoui" in first.name_key  # the search key PostgreSQL computes
        late = Act.objects.get(kind="birth", year=1987, number=3)
        assert (late.judgment_number, late.judgment_date) == ("112/1986", datetime.date(1986, 12, 20))
        assert Act.objects.get(kind="birth", year=1987, number=2).drawn_up_on == datetime.date(1987, 1, 5)
        entries = AuditEntry.objects.filter(action="civil_status.import_acts", object_id=str(batch.pk))
        assert entries.count() == 1 and entries.get().after["acts"] == 4


def test_this_years_import_moves_the_counter_so_live_signatures_follow(sefrou, in_commune, bureau, head):
    day = TODAY.isoformat()
    rows = [act_row(number, year=TODAY.year, event_date=day, drawn_up_on=day) for number in (1, 2, 3)]
    identifier = "271001" + "00000777"
    rows[0]["citizen_id"] = identifier + citizen_id.luhn_digit(identifier)
    with in_commune(sefrou):
        assert run_import(head, bureau, csv_upload(rows)).status == ImportBatch.Status.IMPORTED
        assert peek(f"civil_status.{bureau.code}.birth", TODAY.year) == 3
        assert peek(citizen_id.SERIES, 0) == 777
        officer = person("officer.import", "officer")
        Delegation.objects.create(officer=officer, bureau=bureau, decree_number="3/2026", decree_date=TODAY,
                                  valid_from=TODAY)
        draft = services.draft_act(actor=officer, bureau=bureau, kind="birth", data={
            "first_names_ar": "سلمى", "first_names_latin": "Salma", "family_name_ar": "الفاسي",
            "family_name_latin": "Fassi", "sex": "F", "event_date": TODAY, "event_place_fr": "Sefrou",
            "event_place_ar": "صفرو", "declarant": {"name": "Ali Fassi"}})
        signed = services.sign_act(draft.pk, actor=officer)
        assert signed.number == 4 and int(signed.citizen_id[6:-1]) == 778


def test_an_xlsx_workbook_with_french_headers_and_date_cells(sefrou, in_commune, bureau, head):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Type", "Année", "Numéro", "Prénoms AR", "Prénoms latin", "Nom AR", "Nom latin", "Sexe",
                  "Date événement", "Lieu événement FR", "Lieu événement AR", "Date rédaction", "Officier nom"])
    sheet.append(["naissance", 1991, 7, "سلمى", "Salma", "الفاسي", "Fassi", "F", datetime.datetime(1991, 5, 1),
                  "Sefrou", "صفرو", datetime.date(1991, 5, 3), "Driss Tazi"])
    sheet.append(["décès", 1991, 1, "علي", "Ali", "الفاسي", "Fassi", "H", "01/06/1991", "Sefrou", "صفرو",
                  "1991-06-02", "Driss Tazi"])
    content = io.BytesIO()
    workbook.save(content)
    with in_commune(sefrou):
        batch = run_import(head, bureau, SimpleUploadedFile("registre-1991.xlsx", content.getvalue()))
        assert batch.status == ImportBatch.Status.IMPORTED, batch.report
        birth = Act.objects.get(kind="birth", year=1991, number=7)
        assert (birth.sex, birth.event_date, birth.first_names_latin) == ("F", datetime.date(1991, 5, 1), "Salma")
        assert Act.objects.get(kind="death", year=1991, number=1).sex == "M"


# --- Bad files: every problem reported, nothing written -----------------------------------------------------------


def test_every_bad_row_is_reported_and_nothing_is_written(sefrou, in_commune, bureau, head):
    rows = [
        act_row(1),
        act_row(2, sex="X", event_date="31/02/1990"),
        act_row(3, first_names_latin="Mohamed Amine Karim"),
        act_row(0, officer_name=""),
        act_row(5, event_date="1990-04-01"),  # after the day it was drawn up
        act_row(6, year=1991),  # not the year it was drawn up
        act_row(7, citizen_id="271001000001231"),
    ]
    with in_commune(sefrou):
        before = Act.objects.count()
        batch = run_import(head, bureau, csv_upload(rows))
        assert batch.status == ImportBatch.Status.FAILED
        assert Act.objects.count() == before and not AuditEntry.objects.filter(action="civil_status.import_acts")
        problems = {(problem["line"], problem["column"]): problem["reason"] for problem in batch.report["problems"]}
        with translation.override("fr"):
            assert problems[(3, "sex")] == _("Write M or F.")
            assert problems[(3, "event_date")] == _("Write the date as YYYY-MM-DD or DD/MM/YYYY.")
            assert "deux prénoms" in problems[(4, "first_names_latin")]  # the law's rule, cited
            assert problems[(5, "number")] == _("Write a whole number from %(low)s to %(high)s.") % {
                "low": 1, "high": 999_999}
            assert problems[(5, "officer_name")] == _("This field is required.")
            assert problems[(6, "event_date")] == _("The event cannot come after the day the act was drawn up.")
            assert (7, "year") in problems
            assert problems[(8, "citizen_id")] == _("This citizen identifier is not valid (check digit).")
        assert 2 not in {line for line, _column in problems}
        assert (batch.rows_total, batch.rows_refused, batch.report["problems_total"]) == (7, 6, 8)


def test_a_bad_header_refuses_the_file(sefrou, in_commune, bureau, head):
    row = act_row(1)
    row["prenom_ar"] = row.pop("first_names_ar")
    with in_commune(sefrou):
        batch = run_import(head, bureau, csv_upload([row]))
        reasons = {(problem["line"], problem["column"]) for problem in batch.report["problems"]}
        assert batch.status == ImportBatch.Status.FAILED
        assert {(1, "prenom_ar"), (1, "first_names_ar")} <= reasons


def test_duplicate_numbers_in_the_file_and_against_the_register(sefrou, in_commune, bureau, head):
    with in_commune(sefrou):
        batch = run_import(head, bureau, csv_upload([act_row(1), act_row(2), act_row(1), act_row(1, kind="death")]))
        assert batch.status == ImportBatch.Status.FAILED
        assert [(p["line"], p["column"]) for p in batch.report["problems"]] == [(4, "number")]
        with translation.override("fr"):
            assert batch.report["problems"][0]["reason"] == _(
                "Act %(number)s/%(year)s (%(kind)s) is already on line %(line)s."
            ) % {"number": 1, "year": 1990, "kind": Act.Kind.BIRTH.label, "line": 2}
        assert run_import(head, bureau, csv_upload([act_row(1), act_row(2)])).status == ImportBatch.Status.IMPORTED
        again = run_import(head, bureau, csv_upload([act_row(3), act_row(2)]))
        assert again.status == ImportBatch.Status.FAILED
        assert [(p["line"], p["column"]) for p in again.report["problems"]] == [(3, "number")]
        assert not Act.objects.filter(year=1990, number=3).exists()
        # The annex keeps its own register: the same numbers are free there.
        annex = Bureau.objects.get(code="annexe-1")
        assert run_import(head, annex, csv_upload([act_row(1), act_row(2)])).status == ImportBatch.Status.IMPORTED


# --- Scanned pages ----------------------------------------------------------------------------------------------


def test_scanned_pages_are_attached_to_their_acts(sefrou, berkane, in_commune, bureau, head, media, client_for):
    rows = [act_row(1, image="1990/p1.jpg"), act_row(2, image="1990/p1.jpg; 1990/p2.jpg"), act_row(3)]
    with in_commune(sefrou):
        batch = run_import(head, bureau, csv_upload(rows), images=pages_zip("1990/p1.jpg", "1990/p2.jpg"))
        assert batch.status == ImportBatch.Status.IMPORTED, batch.report
        second = Act.objects.get(year=1990, number=2)
        assert sorted(page.original_name for page in second.page_images.all()) == ["1990/p1.jpg", "1990/p2.jpg"]
        stored = second.page_images.get(original_name="1990/p2.jpg").image
        assert stored.read().endswith(b"1990/p2.jpg")
        assert (media / "sefrou" / stored.name).is_file()  # under the commune's own area
        assert batch.report["pages"] == 2 and ActPageImage.objects.filter(batch=batch).count() == 3
        page_url = stored.url
    # The act's page shows its scans through short-lived signed URLs, valid on the commune's own domain only.
    officer = login(client_for, sefrou, head.username)
    assert html.escape(page_url) in officer.get(f"/admin/civil_status/acts/{second.pk}/").content.decode()
    assert client_for(sefrou).get(page_url).status_code == 200
    assert client_for(berkane).get(page_url).status_code == 403
    with in_commune(sefrou):

        missing = run_import(head, bureau, csv_upload([act_row(4, image="1990/p9.jpg")]),
                             images=pages_zip("1990/p1.jpg"))
        assert missing.status == ImportBatch.Status.FAILED and missing.report["problems"][0]["column"] == "image"
        assert not Act.objects.filter(year=1990, number=4).exists()


def test_the_command_imports_with_a_folder_of_pages(sefrou, in_commune, bureau, head, tmp_path):
    folder = tmp_path / "scans" / "1990"
    folder.mkdir(parents=True)
    (folder / "p1.jpg").write_bytes(b"\xff\xd8 page one")
    data = tmp_path / "registre.csv"
    data.write_bytes(csv_upload([act_row(1, image="1990/p1.jpg"), act_row(2)]).read())
    output = io.StringIO()
    call_command("import_acts", str(data), commune="sefrou", bureau="principal", user=head.username,
                 images=str(tmp_path / "scans"), stdout=output)
    assert "Imported 2 acts" in output.getvalue()
    with in_commune(sefrou):
        assert Act.objects.get(year=1990, number=1).page_images.get().image.read() == b"\xff\xd8 page one"

    data.write_bytes(csv_upload([act_row(2)]).read())
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_acts", str(data), commune="sefrou", bureau="principal", user=head.username,
                     stdout=io.StringIO())


# --- Second entry -----------------------------------------------------------------------------------------------


def test_a_matching_second_entry_loads_the_acts(sefrou, in_commune, bureau, head):
    with in_commune(sefrou):
        first = run_import(head, bureau, csv_upload([act_row(1), act_row(2)]), entry="first")
        assert first.status == ImportBatch.Status.AWAITING_SECOND and not Act.objects.filter(year=1990).exists()
        # The same values written another way agree: dates in the other form, spaces, the sex in French.
        second = run_import(head, None, csv_upload([act_row(1, drawn_up_on="1990-03-05", sex="h"),
                                                    act_row(2, first_names_latin=" Mohamed  Amine ")]),
                            entry="second", first_batch=first)
        assert second.status == ImportBatch.Status.IMPORTED and second.acts_imported == 2
        first.refresh_from_db()
        assert first.status == ImportBatch.Status.IMPORTED and first.report["loaded_by"] == second.pk
        assert AuditEntry.objects.filter(action="civil_status.import_acts").count() == 1


def test_second_entry_mismatches_are_reviewed_side_by_side_then_loaded(sefrou, in_commune, bureau, head, client_for,
                                                                        eager_celery,
                                                                        django_capture_on_commit_callbacks):
    with in_commune(sefrou):
        first = run_import(head, bureau, csv_upload([act_row(1), act_row(2, family_name_latin="Alaoui")]),
                           entry="first")
        second = run_import(head, None, csv_upload([act_row(1, event_date="1990-03-01"),
                                                    act_row(2, family_name_latin="Allaoui")]),
                            entry="second", first_batch=first)
        assert second.status == ImportBatch.Status.REVIEW and not Act.objects.filter(year=1990).exists()
        cells = {(m.line, m.column): (m.first_value, m.second_value) for m in second.mismatches.all()}
        assert cells == {(2, "event_date"): ("1990-03-02", "1990-03-01"),
                         (3, "family_name_latin"): ("Alaoui", "Allaoui")}
        date_cell = second.mismatches.get(column="event_date")
        name_cell = second.mismatches.get(column="family_name_latin")

    client = login(client_for, sefrou, head.username)
    page = client.get(f"{BASE}{second.pk}/review/").content.decode()
    assert "Allaoui" in page and "1990-03-01" in page
    # A correction must be well formed; nothing is kept from a refused form.
    refused = client.post(f"{BASE}{second.pk}/review/", {f"choice_{date_cell.pk}": "other",
                                                          f"other_{date_cell.pk}": "le 2 mars", "load": "1"})
    with translation.override("fr"):
        assert refused.status_code == 200
        assert _("Write the date as YYYY-MM-DD or DD/MM/YYYY.") in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        early = client.post(f"{BASE}{second.pk}/review/", {f"choice_{date_cell.pk}": "first", "load": "1"})
    assert early.status_code == 200  # one difference is still open
    with in_commune(sefrou):
        assert ImportMismatch.objects.get(pk=date_cell.pk).resolved_value == "1990-03-02"
        assert not Act.objects.filter(year=1990).exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"{BASE}{second.pk}/review/", {f"choice_{name_cell.pk}": "other",
                                                           f"other_{name_cell.pk}": "Alaoui", "load": "1"})
    assert done.status_code == 302
    with in_commune(sefrou):
        second.refresh_from_db()
        assert second.status == ImportBatch.Status.IMPORTED, second.report
        assert Act.objects.get(year=1990, number=1).event_date == datetime.date(1990, 3, 2)
        assert Act.objects.get(year=1990, number=2).family_name_latin == "Alaoui"
        assert ImportMismatch.objects.get(pk=name_cell.pk).resolved_by == head


def test_a_review_that_breaks_the_file_goes_back_to_review(sefrou, in_commune, bureau, head):
    with in_commune(sefrou):
        first = run_import(head, bureau, csv_upload([act_row(1), act_row(2)]), entry="first")
        second = run_import(head, None, csv_upload([act_row(1), act_row(3)]), entry="second", first_batch=first)
        cell = second.mismatches.get()
        assert (cell.line, cell.column, cell.first_value, cell.second_value) == (3, "number", "2", "3")
        imports.resolve_mismatches(second.pk, actor=head, values={cell.pk: "1"})
        imports.load_reviewed(second.pk, actor=head)
        second = imports.process_batch(second.pk)
        assert second.status == ImportBatch.Status.REVIEW and not Act.objects.filter(year=1990).exists()
        assert [(p["line"], p["column"]) for p in second.report["problems"]] == [(3, "number")]
        imports.resolve_mismatches(second.pk, actor=head, values={cell.pk: "2"})
        imports.load_reviewed(second.pk, actor=head)
        assert imports.process_batch(second.pk).status == ImportBatch.Status.IMPORTED
        assert sorted(Act.objects.filter(year=1990).values_list("number", flat=True)) == [1, 2]


def test_a_second_entry_of_other_pages_is_refused(sefrou, in_commune, bureau, head):
    with in_commune(sefrou):
        first = run_import(head, bureau, csv_upload([act_row(1), act_row(2)]), entry="first")
        second = run_import(head, None, csv_upload([act_row(1)]), entry="second", first_batch=first)
        assert second.status == ImportBatch.Status.FAILED and "2" in second.report["problems"][0]["reason"]
        assert ImportBatch.objects.get(pk=first.pk).status == ImportBatch.Status.AWAITING_SECOND


# --- The back office: upload, Celery task, progress ---------------------------------------------------------------


def test_the_upload_runs_as_a_task_and_the_page_follows_its_progress(sefrou, in_commune, bureau, head, client_for,
                                                                      eager_celery,
                                                                      django_capture_on_commit_callbacks):
    client = login(client_for, sefrou, head.username)
    form = client.get(f"{BASE}new/")
    assert form.status_code == 200 and "first_names_ar" in form.content.decode()  # the columns are listed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}new/", {"bureau": bureau.pk, "entry": "single",
                                               "file": csv_upload([act_row(1), act_row(2)])})
    assert response.status_code == 302
    with in_commune(sefrou):
        batch = ImportBatch.objects.get()
        assert batch.status == ImportBatch.Status.IMPORTED and batch.language == "fr" and batch.uploaded_by == head
        assert Act.objects.filter(year=1990).count() == 2
    with translation.override("fr"):  # the head's language; the label is read before the request changes it
        imported = str(ImportBatch.Status.IMPORTED.label)
    assert client.get(f"{BASE}{batch.pk}/progress/").json() == {
        "status": "imported", "status_label": imported, "percent": 100, "running": False}
    detail = client.get(response["Location"]).content.decode()
    assert "1990" in detail and "data-import-progress" not in detail
    assert f"#{batch.pk}" in client.get(BASE).content.decode()

    # While a worker runs a batch, the page's bar follows what the worker reports.
    with in_commune(sefrou):
        running = imports.create_batch(actor=head, bureau=bureau, file=csv_upload([act_row(3)]))
        ImportBatch.objects.filter(pk=running.pk).update(status=ImportBatch.Status.VALIDATING)
        progress.CacheProgress(running.pk)(40)
    assert client.get(f"{BASE}{running.pk}/progress/").json()["percent"] == 40
    assert 'value="40"' in client.get(f"{BASE}{running.pk}/").content.decode()


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker over the test database and Redis, on a queue of its own; (queue, media root)."""
    queue, media_root = f"test-import-{uuid.uuid4().hex[:8]}", tmp_path_factory.mktemp("worker-media")
    with django_db_blocker.unblock():
        url = subprocess_database_url()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "platform_core.settings_test", "DATABASE_URL": url,
           "REDIS_URL": django_settings.REDIS_URL, "MEDIA_ROOT": str(media_root)}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform_core", "worker", "--pool", "solo", "-Q", queue,
         "--loglevel", "warning", "--hostname", f"{queue}@%h"],
        env=env, cwd=django_settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        yield queue, media_root
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.slow
def test_a_worker_checks_the_batch_in_its_communes_schema(django_db_setup, django_db_blocker, worker, settings):
    """Real commits: the batch is checked by a worker process, in Sefrou's schema, which finds Sefrou's file."""
    queue, settings.MEDIA_ROOT = worker
    with django_db_blocker.unblock(), schema_context("sefrou"):
        head = get_user_model().objects.get(username="admin.sefrou")
        batch = imports.create_batch(actor=head, bureau=Bureau.objects.get(code="principal"), entry="first",
                                     file=csv_upload([act_row(1), act_row(2)]))
        try:
            process_import_batch.apply_async(args=(batch.pk,), queue=queue)
            deadline = time.monotonic() + 60
            while ImportBatch.objects.get(pk=batch.pk).is_running and time.monotonic() < deadline:
                time.sleep(0.2)
            batch.refresh_from_db()
            assert batch.status == ImportBatch.Status.AWAITING_SECOND, batch.report
            assert batch.rows_total == 2 and progress.read(batch.pk) is None
        finally:
            ImportBatch.objects.filter(pk=batch.pk).delete()
        connection.set_schema_to_public()


def test_a_refused_upload_shows_its_report_in_the_users_language(sefrou, in_commune, bureau, head, client_for,
                                                                  eager_celery, django_capture_on_commit_callbacks):
    client = login(client_for, sefrou, head.username)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}new/", {"bureau": bureau.pk, "entry": "single",
                                               "file": csv_upload([act_row(1, sex="X")])})
    page = client.get(response["Location"]).content.decode()
    with translation.override("fr"):
        assert _("Write M or F.") in page and _("Nothing was written. Correct the file and upload it again.") in page
    with in_commune(sefrou):
        batch = ImportBatch.objects.get()
    report = client.get(f"{BASE}{batch.pk}/report.csv").content.decode("utf-8-sig")
    assert "2,sex," in report


def test_only_importers_reach_the_screens(sefrou, in_commune, client_for):
    with in_commune(sefrou):
        person("agent.import", "agent")
    client = login(client_for, sefrou, "agent.import")
    assert client.get(BASE).status_code in (302, 403)  # Wagtail sends a refused page back home
    refused = client.post(f"{BASE}new/", {"entry": "single", "file": csv_upload([act_row(1)])})
    assert refused.status_code in (302, 403) and refused.get("Location", "/admin/") == "/admin/"
    with in_commune(sefrou):
        assert not ImportBatch.objects.exists()


def test_a_wrong_file_type_is_refused_at_upload(sefrou, in_commune, bureau, head, client_for):
    client = login(client_for, sefrou, head.username)
    response = client.post(f"{BASE}new/", {"bureau": bureau.pk, "entry": "single",
                                           "file": SimpleUploadedFile("registre.pdf", b"%PDF-1.4")})
    assert response.status_code == 200 and "CSV" in response.content.decode()
    with in_commune(sefrou):
        assert not ImportBatch.objects.exists()


# --- Communes apart ---------------------------------------------------------------------------------------------


def test_a_berkane_batch_is_out_of_reach_from_sefrou(sefrou, berkane, in_commune, head, client_for):
    set_subscriptions(berkane, ["civil_status"])
    with in_commune(berkane):
        their_bureau = Bureau.objects.create(code="principal", name_fr="Bureau de Berkane", name_ar="مكتب بركان")
        theirs = run_import(person("head.berkane", "head"), their_bureau, csv_upload([act_row(1)]), entry="first")
        assert theirs.status == ImportBatch.Status.AWAITING_SECOND
    with in_commune(sefrou):
        assert not ImportBatch.objects.filter(pk=theirs.pk).exists()  # ids are per commune
    client = login(client_for, sefrou, head.username)
    for path in ("", "progress/", "review/", "report.csv"):
        assert client.get(f"{BASE}{theirs.pk}/{path}").status_code == 404
    assert "registre.csv" not in client.get(BASE).content.decode()
    # Nor can a Sefrou file be made the second entry of Berkane's first entry.
    refused = client.post(f"{BASE}new/", {"entry": "second", "first_batch": theirs.pk,
                                          "file": csv_upload([act_row(1)])})
    assert refused.status_code == 200 and "first_batch" in refused.context["form"].errors
    with pytest.raises(CommandError, match="No account"):
        call_command("import_acts", str(EXAMPLE), commune="berkane", bureau="principal", user=head.username,
                     stdout=io.StringIO())
    with in_commune(berkane):
        assert not Act.objects.exists() and ImportBatch.objects.get(pk=theirs.pk).status == "awaiting_second"
