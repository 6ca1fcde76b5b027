"""civil_status.import_rows_per_s: the historical backlog's import, in acts per second, against plain ORM inserts.

Figure: a CSV of ROWS valid acts (births and deaths over twenty registers, Arabic and Latin names, parents and
declarant, Hijri dates left to compute) imported exactly as `manage.py import_acts` does it: the file stored,
read, every row checked, then one COPY in one transaction with the registers' counters and the audit entry.
Timed from the upload to the commit. Baseline: the same rows read with csv.DictReader and written by
Act.objects.bulk_create(batch_size=1000) in one transaction, without any check, on BASELINE_ROWS of them (the
rate does not depend on the count). Both go into a commune provisioned for the run (with the search keys'
trigram indexes that a real commune has) and dropped afterwards: signed acts cannot be deleted.
"""

from __future__ import annotations

import csv
import datetime
import os
import random
import tempfile
import time
from pathlib import Path

from django.db import connection, transaction
from rich.console import Console

from benchmarks.report import Figure, throughput_figure

ROWS = int(os.environ.get("JAMAA_BENCH_IMPORT_ROWS", "200000"))
BASELINE_ROWS = min(ROWS, 20000)
SLUG = "bench-import"
FIRST_YEAR, YEARS = 1970, 20

FIRST_NAMES = [("محمد", "Mohamed"), ("أحمد", "Ahmed"), ("يوسف", "Youssef"), ("فاطمة", "Fatima"),
               ("خديجة", "Khadija"), ("مريم", "Meryem"), ("عمر", "Omar"), ("زينب", "Zineb"), ("إدريس", "Driss"),
               ("سلمى", "Salma"), ("حسن", "Hassan"), ("نادية", "Nadia"), ("محمد أمين", "Mohamed Amine")]
FAMILY_NAMES = [("العلوي", "Alaoui"), ("بناني", "Bennani"), ("الفاسي", "El Fassi"), ("التازي", "Tazi"),
                ("الإدريسي", "El Idrissi"), ("بنعلي", "Benali"), ("القاسمي", "El Kasmi"), ("برادة", "Berrada")]
HEADER = ["kind", "year", "number", "first_names_ar", "first_names_latin", "family_name_ar", "family_name_latin",
          "sex", "event_date", "event_time", "event_place_fr", "event_place_ar", "father_name_ar",
          "father_name_latin", "father_occupation", "mother_name_ar", "mother_name_latin", "mother_occupation",
          "declarant_name", "declarant_age", "declarant_relation", "drawn_up_on", "officer_name", "officer_capacity"]


def registers(count: int):
    """(kind, year, number) of `count` acts over YEARS years, four births to a death, in the order typists
    type them: register after register, page after page."""
    for year_index in range(YEARS):
        in_year = count // YEARS + (1 if year_index < count % YEARS else 0)
        deaths = in_year // 5
        for kind, acts in (("birth", in_year - deaths), ("death", deaths)):
            for number in range(1, acts + 1):
                yield kind, FIRST_YEAR + year_index, number


def write_rows(path: Path, count: int) -> None:
    """`count` valid acts, numbered 1, 2, ... in each register (kind, year)."""
    chooser = random.Random(3699)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index, (kind, year, number) in enumerate(registers(count)):
            event = datetime.date(year, 1, 1) + datetime.timedelta(days=chooser.randrange(350))
            drawn_up = event + datetime.timedelta(days=chooser.randrange(1, 10))
            first_ar, first_latin = chooser.choice(FIRST_NAMES)
            family_ar, family_latin = chooser.choice(FAMILY_NAMES)
            father_ar, father_latin = chooser.choice(FIRST_NAMES[:3] + FIRST_NAMES[6:])
            mother_ar, mother_latin = chooser.choice(FIRST_NAMES[3:6])
            writer.writerow([
                kind, year, number, first_ar, first_latin, family_ar, family_latin, "MF"[index % 2],
                event.isoformat() if index % 3 else event.strftime("%d/%m/%Y"),
                f"{chooser.randrange(24):02d}:{chooser.randrange(60):02d}" if index % 4 == 0 else "",
                "Sefrou", "صفرو", f"{father_ar} {family_ar}", f"{father_latin} {family_latin}", "fellah",
                f"{mother_ar} {chooser.choice(FAMILY_NAMES)[0]}", mother_latin, "ménagère",
                f"{father_latin} {family_latin}", 20 + index % 40, "père" if kind == "birth" else "fils",
                drawn_up.isoformat(), "Driss Tazi / إدريس التازي", "Officier d'état civil délégué",
            ])


def drop_commune() -> None:
    from tenants.models import Commune

    connection.set_schema_to_public()
    for commune in Commune.objects.filter(slug=SLUG):
        commune.delete(force_drop=True)


def provision():
    from tenants.recipes import parse_recipe
    from tenants.services.provisioning import provision_commune

    recipe = parse_recipe({
        "commune": {"slug": SLUG, "name_fr": "Commune de benchmark", "name_ar": "جماعة الاختبار",
                    "province": "Province de Sefrou"},
        "domains": [SLUG],
        "modules": ["civil_status"],
        "administrator": {"username": "admin.bench", "first_name": "Karim", "last_name": "Bennani",
                          "first_name_ar": "كريم", "last_name_ar": "بناني", "password": "bench-admin-pw"},
        "portal": {"intro_fr": "Bienvenue", "intro_ar": "مرحبا"},
        "sections": {"civil_status": {"commune_code": "271999", "bureaux": [
            {"code": "principal", "name_fr": "Bureau principal", "name_ar": "المكتب الرئيسي"},
            {"code": "baseline", "name_fr": "Bureau de référence", "name_ar": "مكتب المقارنة"},
        ]}},
    })
    return provision_commune(recipe, check_template=False).commune


def time_import(path: Path, actor, bureau) -> tuple[float, float, object]:
    """Seconds for the whole import, seconds until the keys were scanned, and the batch."""
    from django.core.files import File

    from modules.civil_status.importing import services
    from modules.civil_status.importing.progress import CHECKING

    scanned_at: list[float] = []

    def progress(percent: int) -> None:
        if percent >= CHECKING[0] and not scanned_at:
            scanned_at.append(time.perf_counter())

    started = time.perf_counter()
    with path.open("rb") as handle:
        batch = services.create_batch(actor=actor, bureau=bureau, file=File(handle, name=path.name), language="fr")
    batch = services.process_batch(batch.pk, progress=progress)
    elapsed = time.perf_counter() - started
    return elapsed, (scanned_at or [time.perf_counter()])[0] - started, batch


def time_bulk_create(path: Path, actor, bureau, count: int) -> float:
    """The plain ORM way: every row an Act, bulk_create by thousands, no check at all."""
    from django.utils import timezone

    from modules.civil_status.models import Act
    from platform_core.dates import format_hijri

    started = time.perf_counter()
    acts = []
    with path.open(newline="", encoding="utf-8") as handle:
        for index, row in enumerate(csv.DictReader(handle)):
            if index == count:
                break
            event = _date(row["event_date"])
            drawn_up = datetime.date.fromisoformat(row["drawn_up_on"])
            acts.append(Act(
                bureau=bureau, kind=row["kind"], status=Act.Status.SIGNED, year=int(row["year"]),
                number=int(row["number"]), first_names_ar=row["first_names_ar"],
                first_names_latin=row["first_names_latin"], family_name_ar=row["family_name_ar"],
                family_name_latin=row["family_name_latin"], sex=row["sex"], event_date=event,
                event_time=datetime.time.fromisoformat(row["event_time"]) if row["event_time"] else None,
                event_hijri=format_hijri(event, "ar"), event_place_fr=row["event_place_fr"],
                event_place_ar=row["event_place_ar"], father_name_ar=row["father_name_ar"],
                father_name_latin=row["father_name_latin"], father={"occupation": row["father_occupation"]},
                mother_name_ar=row["mother_name_ar"], mother_name_latin=row["mother_name_latin"],
                mother={"occupation": row["mother_occupation"]},
                declarant={"name": row["declarant_name"], "age": row["declarant_age"],
                           "relation": row["declarant_relation"]},
                drafted_by=actor, drawn_up_on=drawn_up, drawn_up_hijri=format_hijri(drawn_up, "ar"),
                signed_at=timezone.now(), officer_name=row["officer_name"],
                officer_capacity=row["officer_capacity"],
            ))
    with transaction.atomic():
        Act.objects.bulk_create(acts, batch_size=1000)
    return time.perf_counter() - started


def _date(text: str) -> datetime.date:
    if "/" in text:
        day, month, year = text.split("/")
        return datetime.date(int(year), int(month), int(day))
    return datetime.date.fromisoformat(text)


def run(console: Console) -> list[Figure]:
    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage
    from django_tenants.utils import tenant_context

    from modules.civil_status.models import Act, Bureau

    drop_commune()  # leftovers of an interrupted run
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registres.csv"
        with console.status(f"Writing {ROWS:,} acts to a CSV file..."):
            write_rows(path, ROWS)
        console.log(f"{ROWS:,} acts, {path.stat().st_size / 1e6:.1f} MB of CSV")
        with console.status("Provisioning the benchmark commune..."):
            commune = provision()
        try:
            with tenant_context(commune):
                actor = get_user_model().objects.get(username="admin.bench")
                with console.status(f"Importing {ROWS:,} acts (check and COPY)..."):
                    elapsed, scanning, batch = time_import(path, actor, Bureau.objects.get(code="principal"))
                if batch.status != "imported" or Act.objects.count() != ROWS:
                    raise RuntimeError(f"the import did not load the file: {batch.status} {batch.report}")
                console.log(f"import: {elapsed:.2f} s ({scanning:.2f} s storing the file and scanning its keys)")
                with console.status(f"bulk_create of {BASELINE_ROWS:,} acts..."):
                    baseline = time_bulk_create(path, actor, Bureau.objects.get(code="baseline"), BASELINE_ROWS)
                console.log(f"bulk_create: {baseline:.2f} s for {BASELINE_ROWS:,} acts")
                default_storage.delete(batch.file.name)
        finally:
            drop_commune()
    rate, baseline_rate = ROWS / elapsed, BASELINE_ROWS / baseline
    detail = (f"import_acts of {ROWS:,} valid acts from CSV (stored, keys scanned, every row checked and streamed "
              f"into one COPY with the trigram-indexed search keys, committed): {elapsed:.2f} s, of which "
              f"{scanning:.2f} s storing the file and scanning its keys; baseline "
              f"Act.objects.bulk_create(batch_size=1000) of {BASELINE_ROWS:,} of the same rows without checks: "
              f"{baseline:.2f} s")
    return [throughput_figure("civil_status.import_rows_per_s", rate, baseline_rate, "acts/s", detail,
                              rows=ROWS, seconds=round(elapsed, 2))]
