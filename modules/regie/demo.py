"""Demo data of the régie: a commune provisioned from a recipe with `demo_data: true` gets a year of collection
that holds together, so that the lists, the stock of books and the budget chart are alive.

What it writes, from the catalogue the recipe section loaded just before (tariffs found by their code; what the
catalogue lacks is skipped):

- taxpayers, people and companies, with Arabic and Latin names and valid-looking CIN, ICE, RC and IF;
- their taxable items: unbuilt parcels with zone and area (tnb), cafés (debits-boissons), terraces on public land
  (odp), signs (enseignes), hotels (sejour);
- assessments issued through the year (TNB and signs once a year, terraces, cafés and hotels each quarter), some
  paid on time, some late with their penalty, some partly, some not at all, two cancelled with their reason;
- every past working day of the year: the régisseur's counter receipts (papers, legalisations, construction
  tax, ...) and assessments paid, the field collector's market days on a field book through device blocks; each
  day closed (a few with an explained variance) with its bordereau de versement.

Past days cannot go through the services (they work on today), so rows are written directly, in date order, the
way the services would have written them: receipt numbers come from each book's own sequence, books, serials,
assessments and remittances from the numbering service, receipts are inserted while their day is open and the
day is closed after (the database's triggers hold), and one audit entry records the load. Recipe section key
`demo` (optional): {cashier, collector, ordonnateur: usernames; taxpayers: how many; cin_prefix: "C"; seed;
stock_books: books left in stock, as in the section's `books`}. The books in use are the demo's own, received and
issued on the first working day of the year; books in stock are received after them, so that serials follow
reception dates (the section's own `books` would be received at provisioning, before the demo's past).
Idempotent: a commune that has taxpayers or receipts already is left as it is.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import uuid
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from modules.regie import tariffs
from modules.regie.models import (
    Assessment,
    BookMovement,
    CashDay,
    DeviceBlock,
    Receipt,
    ReceiptBook,
    Remittance,
    Tariff,
    TaxableItem,
    Taxpayer,
)
from modules.regie.services.assessments import new_access_key
from platform_core.audit import services as audit
from platform_core.numbering.services import allocate, allocate_block

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

MEN = [("محمد", "Mohamed"), ("أحمد", "Ahmed"), ("يوسف", "Youssef"), ("عبد الله", "Abdellah"), ("رشيد", "Rachid"),
       ("مصطفى", "Mustapha"), ("عمر", "Omar"), ("حميد", "Hamid"), ("إدريس", "Driss"), ("سعيد", "Said"),
       ("خالد", "Khalid"), ("عبد الرحيم", "Abderrahim"), ("الحسن", "El Hassan"), ("نور الدين", "Noureddine")]
WOMEN = [("فاطمة", "Fatima"), ("خديجة", "Khadija"), ("مريم", "Meryem"), ("نادية", "Nadia"), ("سعاد", "Souad"),
         ("لطيفة", "Latifa"), ("حنان", "Hanane"), ("زينب", "Zineb"), ("أسماء", "Asmae"), ("سناء", "Sanae")]
FAMILIES = [("العلوي", "Alaoui"), ("بناني", "Bennani"), ("التازي", "Tazi"), ("الفاسي", "Fassi"), ("برادة", "Berrada"),
            ("الإدريسي", "Idrissi"), ("الشرايبي", "Chraibi"), ("بنجلون", "Benjelloun"), ("العمراني", "Amrani"),
            ("الصقلي", "Sekkat"), ("الوزاني", "Ouazzani"), ("المريني", "Merini"), ("بوزيان", "Bouziane"),
            ("الزياني", "Ziani"), ("القادري", "Kadiri"), ("الحمداوي", "Hamdaoui")]
COMPANIES = [("مقهى الأطلس", "Café Atlas", "SARL"), ("مقهى النخيل", "Café Les Palmiers", "SARL AU"),
             ("مقهى الشلال", "Café La Cascade", "SARL"), ("فندق حب الملوك", "Hôtel Habb Al Moulouk", "SA"),
             ("دار الضيافة الزيتونة", "Maison d'hôtes Zitouna", "SARL AU"),
             ("شركة البناء الحديث", "Société Bâtiment Moderne", "SARL"),
             ("صيدلية المدينة", "Pharmacie de la Médina", "SNC"),
             ("مخبزة السعادة", "Boulangerie Saada", "SARL AU"), ("مطعم الواحة", "Restaurant L'Oasis", "SARL"),
             ("شركة الكرز للتوزيع", "Cerise Distribution", "SARL"), ("مقهى الساحة", "Café de la Place", "SARL AU"),
             ("وكالة الأسفار الأمل", "Agence de voyages Amal", "SARL")]
STREETS = [("شارع محمد الخامس", "Avenue Mohammed V"), ("شارع الحسن الثاني", "Boulevard Hassan II"),
           ("حي القلعة", "Quartier El Kalaa"), ("حي بنصفار", "Quartier Bensafar"), ("زنقة الأندلس", "Rue Al Andalous"),
           ("ساحة المسيرة", "Place Al Massira"), ("حي الرياض", "Quartier Riad"), ("تجزئة النهضة", "Lotissement Nahda")]
VOID_REASONS = ["Erreur sur le montant", "Erreur sur le nom du payeur", "Saisie en double", "Mauvais tarif choisi"]
CANCEL_REASONS = ["Parcelle bâtie : permis d'habiter délivré avant l'exercice",
                  "Double émission pour le même article"]


@dataclass
class Plan:
    """A payment to write on a past day: for an assessment, or a fee computed from a tariff."""

    tariff: Tariff
    payer_name: str
    base_values: dict = field(default_factory=dict)
    taxpayer: Taxpayer | None = None
    item: TaxableItem | None = None
    assessment: Assessment | None = None
    share: Decimal = Decimal("1")  # of the principal still due, for an assessment
    method: str = Receipt.Method.CASH


@contextlib.contextmanager
def dated(*fields):
    """Let rows carry the past dates given to them: these fields normally take "now" when a row is inserted."""
    for model, name in fields:
        model._meta.get_field(name).auto_now_add = False
    try:
        yield
    finally:
        for model, name in fields:
            model._meta.get_field(name).auto_now_add = True


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class BookFeeder:
    """Numbers of one holder's books of a series, in order; a full book is returned and the next one issued."""

    def __init__(self, seeder: Seeder, series: str, use: str, holder, size: int):
        self.seeder, self.series, self.use, self.holder, self.size = seeder, series, use, holder, size
        self.book: ReceiptBook | None = None
        self.used = 0

    def take(self, count: int, day: datetime.date) -> list[tuple[ReceiptBook, int]]:
        numbers = []
        while count:
            if self.book is None or self.used == self.book.size:
                if self.book is not None:
                    self.seeder.return_book(self.book, at(day, 8, 5))
                self.book, self.used = self.seeder.new_book(self.series, self.use, self.holder, self.size,
                                                            at(day, 8, 10)), 0
            chunk = min(count, self.book.size - self.used)
            offsets = allocate_block(self.book.number_series, self.book.year, chunk)
            numbers += [(self.book, self.book.first_number + offset - 1) for offset in offsets]
            self.used += chunk
            count -= chunk
        return numbers


class Seeder:
    def __init__(self, section: dict):
        self.options = options = section.get("demo") or {}
        self.rng = random.Random(options.get("seed", zlib.crc32(connection.schema_name.encode())))
        self.today = timezone.localdate()
        self.year = self.today.year
        self.cin_prefix = options.get("cin_prefix", "C")
        self.taxpayer_count = int(options.get("taxpayers", 48))
        self.cashier = self.person(options.get("cashier"), "regisseur")
        self.collector = self.person(options.get("collector"), "field_collector")
        self.ordonnateur = self.person(options.get("ordonnateur"), "ordonnateur") or self.cashier
        self.tariffs = {tariff.code: tariff for tariff in Tariff.objects.filter(active=True)}
        self.versions = {}
        self.counts = defaultdict(int)

    def person(self, username, role):
        users = get_user_model().objects
        if username:
            return users.get(username=username)
        return users.filter(groups__role__module_key="regie", groups__role__role_key=role,
                            is_active=True).order_by("pk").first()

    def version(self, tariff: Tariff, on: datetime.date):
        """tariffs.version_in_force, from the versions read once (compute() reads the zone rates every time)."""
        if tariff.pk not in self.versions:
            self.versions[tariff.pk] = list(tariff.versions.prefetch_related("zone_rates")
                                            .order_by("-effective_from"))
        for version in self.versions[tariff.pk]:
            if version.effective_from <= on:
                return version
        return tariffs.version_in_force(tariff, on)  # raises the service's own message

    # Books ------------------------------------------------------------------------------------------------------

    def new_book(self, series, use, holder, size, when) -> ReceiptBook:
        numbers = allocate_block(f"regie.receipts.{series}", self.year, size)
        book = ReceiptBook.objects.create(
            series=series, year=self.year, serial=allocate(f"regie.books.{series}", self.year),
            first_number=numbers.start, last_number=numbers.stop - 1, use=use, status=ReceiptBook.Status.IN_USE,
            holder=holder, created_at=when - datetime.timedelta(days=1), issued_at=when)
        BookMovement.objects.bulk_create([
            BookMovement(book=book, kind=BookMovement.Kind.RECEIVED, at=when - datetime.timedelta(days=1),
                         by=self.ordonnateur, first_number=book.first_number, last_number=book.last_number),
            BookMovement(book=book, kind=BookMovement.Kind.ISSUED, at=when, by=self.ordonnateur, holder=holder),
        ])
        self.counts["books"] += 1
        return book

    def stock(self, entries: list[dict]) -> None:
        """Books received lately and still in stock: after the books in use, so serials follow reception dates."""
        when = at(self.today - datetime.timedelta(days=10), 9)
        for entry in entries:
            for _index in range(int(entry.get("count", 1))):
                series, size = entry["series"], int(entry["size"])
                numbers = allocate_block(f"regie.receipts.{series}", self.year, size)
                book = ReceiptBook.objects.create(
                    series=series, year=self.year, serial=allocate(f"regie.books.{series}", self.year),
                    first_number=numbers.start, last_number=numbers.stop - 1,
                    use=entry.get("use", ReceiptBook.Use.COUNTER), created_at=when)
                BookMovement.objects.create(book=book, kind=BookMovement.Kind.RECEIVED, at=when,
                                            by=self.ordonnateur, first_number=book.first_number,
                                            last_number=book.last_number)
                self.counts["books"] += 1

    def return_book(self, book: ReceiptBook, when) -> None:
        ReceiptBook.objects.filter(pk=book.pk).update(status=ReceiptBook.Status.RETURNED, returned_at=when)
        BookMovement.objects.create(book=book, kind=BookMovement.Kind.RETURNED, at=when, by=self.ordonnateur,
                                    holder=book.holder, note="Carnet épuisé")

    # Taxpayers and items -----------------------------------------------------------------------------------------

    def taxpayers(self) -> tuple[list[Taxpayer], list[Taxpayer]]:
        rng, people, companies = self.rng, [], []
        cins = rng.sample(range(100000, 999999), self.taxpayer_count)
        companies_wanted = min(len(COMPANIES), max(4, self.taxpayer_count // 4))
        for index in range(self.taxpayer_count - companies_wanted):
            (first_ar, first_fr), (family_ar, family_fr) = rng.choice(MEN + WOMEN), rng.choice(FAMILIES)
            street_ar, street_fr = rng.choice(STREETS)
            number = rng.randint(1, 180)
            people.append(Taxpayer(
                kind=Taxpayer.Kind.PERSON, name_ar=f"{first_ar} {family_ar}", name_latin=f"{first_fr} {family_fr}",
                cin=f"{self.cin_prefix}{cins[index]}", address=f"{number}, {street_fr} / {number}، {street_ar}",
                phone=f"06{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                created_at=at(datetime.date(self.year, 1, 2), 9)))
        for name_ar, name_fr, form in COMPANIES[:companies_wanted]:
            street_ar, street_fr = rng.choice(STREETS)
            companies.append(Taxpayer(
                kind=Taxpayer.Kind.COMPANY, name_ar=name_ar, name_latin=f"{name_fr} {form}",
                ice=f"00{rng.randint(1000000, 9999999)}{rng.randint(100000, 999999)}",
                rc=f"{rng.randint(1000, 39999)}", tax_id=f"{rng.randint(10000000, 99999999)}",
                address=f"{rng.randint(1, 90)}, {street_fr} / {street_ar}",
                phone=f"05{rng.randint(35, 39)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                created_at=at(datetime.date(self.year, 1, 2), 9)))
        for taxpayer in people + companies:
            taxpayer.full_clean(validate_unique=False, validate_constraints=False)
        Taxpayer.objects.bulk_create(people + companies)
        self.counts["taxpayers"] = len(people) + len(companies)
        return people, companies

    def zones(self, code: str) -> list[str]:
        version = self.version(self.tariffs[code], self.today)
        return sorted(version.zone_rates.values_list("zone", flat=True))

    def items(self, people, companies) -> list[TaxableItem]:
        rng, items, prefix = self.rng, [], connection.schema_name[:3].upper()
        cafes = [c for c in companies if c.name_latin.startswith(("Café", "Restaurant"))]
        hotels = [c for c in companies if c.name_latin.startswith(("Hôtel", "Maison"))]
        shops = [c for c in companies if c not in cafes and c not in hotels]

        def item(taxpayer, kind, code, reference, label, **extra):
            street_ar, street_fr = rng.choice(STREETS)
            items.append(TaxableItem(taxpayer=taxpayer, kind=kind, tariff=self.tariffs[code], reference=reference,
                                     label=label, address=f"{street_fr} / {street_ar}", **extra))

        if "tnb" in self.tariffs:
            zones = self.zones("tnb") or [""]
            for index, owner in enumerate(rng.sample(people, min(len(people), max(6, len(people) * 2 // 3)))):
                zone = rng.choice(zones)
                area = Decimal(rng.choice([180, 240, 300, 450, 600, 800, 1200, 1800, 2500]))
                item(owner, TaxableItem.Kind.PARCEL, "tnb", f"TF {rng.randint(1000, 69999)}/{prefix[:1]}{index}",
                     f"Terrain non bâti, zone {zone}", zone=zone, area_m2=area)
        if "debits-boissons" in self.tariffs:
            for index, cafe in enumerate(cafes):
                item(cafe, TaxableItem.Kind.ESTABLISHMENT, "debits-boissons", f"DB-{prefix}-{index + 1:03d}",
                     cafe.name_latin.split(" SARL")[0])
        if "odp" in self.tariffs:
            zones = self.zones("odp") or [""]
            for index, cafe in enumerate(cafes + rng.sample(shops, min(len(shops), 3))):
                area = Decimal(rng.choice([6, 8, 12, 16, 20, 24, 30]))
                item(cafe, TaxableItem.Kind.OCCUPATION, "odp", f"ODP-{prefix}-{index + 1:03d}",
                     f"Terrasse / étalage {area} m²", zone=rng.choice(zones), area_m2=area,
                     collector=self.collector)
        if "enseignes" in self.tariffs:
            for index, shop in enumerate(companies):
                area = Decimal(rng.choice([1, 2, 3, 4, 6]))
                item(shop, TaxableItem.Kind.SIGN, "enseignes", f"ENS-{prefix}-{index + 1:03d}",
                     f"Enseigne lumineuse {area} m²", area_m2=area)
        if "sejour" in self.tariffs:
            for index, hotel in enumerate(hotels):
                item(hotel, TaxableItem.Kind.ESTABLISHMENT, "sejour", f"TS-{prefix}-{index + 1:03d}",
                     hotel.name_latin.split(" SA")[0])
        TaxableItem.objects.bulk_create(items)
        self.counts["items"] = len(items)
        return items

    # Assessments -------------------------------------------------------------------------------------------------

    def assessment_plans(self, items) -> list[tuple[datetime.date, TaxableItem, dict, str]]:
        """(issue date, item, base values, period): TNB and signs in March, the others after each quarter."""
        rng, plans = self.rng, []
        quarters_done = [q for q in (1, 2, 3, 4) if datetime.date(self.year, 3 * q, 28) < self.today]
        for item in items:
            code = item.tariff.code
            if code in ("tnb", "enseignes"):
                plans.append((datetime.date(self.year, 3, rng.randint(2, 20)), item, {}, str(self.year)))
            elif code == "odp":
                for quarter in [q for q in (1, 2, 3, 4) if datetime.date(self.year, 3 * q - 2, 10) < self.today]:
                    plans.append((datetime.date(self.year, 3 * quarter - 2, rng.randint(2, 9)), item,
                                  {"quarters": 1}, f"T{quarter}-{self.year}"))
            elif code == "debits-boissons":
                for quarter in quarters_done[:3]:
                    plans.append((datetime.date(self.year, 3 * quarter + 1, rng.randint(5, 20)), item,
                                  {"takings": rng.randrange(60000, 260000, 500)}, f"T{quarter}-{self.year}"))
            elif code == "sejour":
                for quarter in quarters_done[:3]:
                    plans.append((datetime.date(self.year, 3 * quarter + 1, rng.randint(5, 20)), item,
                                  {"persons": rng.randint(150, 600), "nights": 2}, f"T{quarter}-{self.year}"))
        return sorted([plan for plan in plans if plan[0] < self.today], key=lambda plan: plan[0])

    def assessments(self, items) -> list[Assessment]:
        plans = self.assessment_plans(items)
        if not plans:
            return []
        numbers = allocate_block("regie.assessment", self.year, len(plans))
        made = []
        for number, (day, item, values, period) in zip(numbers, plans, strict=True):
            version = self.version(item.tariff, day)
            computation = tariffs.compute(version, {**values, **({"area_m2": item.area_m2} if item.area_m2 else {})},
                                          zone=item.zone)
            if computation.principal <= 0:
                continue
            made.append(Assessment(
                year=self.year, number=number, access_key=new_access_key(), taxpayer=item.taxpayer,
                payer_name=item.taxpayer.name_latin, item=item, tariff_version=version, period=period,
                base_values=computation.base_values, principal=computation.principal,
                due_date=day + datetime.timedelta(days=version.payment_days), issued_at=at(day, 10),
                issued_by=self.ordonnateur))
        Assessment.objects.bulk_create(made)
        self.counts["assessments"] = len(made)
        return made

    # Days --------------------------------------------------------------------------------------------------------

    def working_day_on_or_after(self, day: datetime.date) -> datetime.date | None:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        return day if day < self.today else None

    def payment_plans(self, assessments) -> tuple[dict, list[Assessment]]:
        """Which assessments are paid, when, by whom: most on time, some late, some in part, some never."""
        rng, plans, cancelled = self.rng, defaultdict(list), []
        for assessment in assessments:
            item, draw = assessment.item, rng.random()
            who = "field" if item.tariff.code == "odp" and self.collector else "counter"
            window = max((assessment.due_date - assessment.issued_at.date()).days, 1)
            if item.tariff.code == "tnb" and len(cancelled) < 2 and draw > 0.9:
                cancelled.append(assessment)
                continue
            if draw < 0.55:  # on time
                day = assessment.issued_at.date() + datetime.timedelta(days=rng.randint(1, window))
                share = Decimal("1")
            elif draw < 0.72:  # late, with the penalty
                day = assessment.due_date + datetime.timedelta(days=rng.randint(10, 120))
                share = Decimal("1")
            elif draw < 0.85:  # a first half
                day = assessment.issued_at.date() + datetime.timedelta(days=rng.randint(1, window))
                share = Decimal("0.5")
            else:  # not paid
                continue
            day = self.working_day_on_or_after(day)
            if day is None:
                continue
            method = Receipt.Method.CHEQUE if assessment.principal > 3000 and rng.random() < 0.6 else \
                Receipt.Method.CASH
            plans[(who, day)].append(Plan(tariff=item.tariff, payer_name=assessment.payer_name,
                                          taxpayer=assessment.taxpayer, item=item, assessment=assessment,
                                          share=share, method=method))
        return plans, cancelled

    def counter_fees(self, day: datetime.date) -> list[Plan]:
        """The day's fees paid at the counter without an assessment (papers, legalisations, ...)."""
        rng, plans = self.rng, []
        weights = [("legalisation", 10, lambda: {"units": rng.choice([1, 1, 1, 2, 2, 3, 4])}),
                   ("copie-conforme", 6, lambda: {"units": rng.randint(1, 8)}),
                   ("extrait-naissance", 6, lambda: {"units": rng.choice([1, 1, 2, 3])}),
                   ("copie-integrale", 2, lambda: {"units": 1}),
                   ("fiche-etat-civil", 2, lambda: {"units": 1}),
                   ("autorisation-commerce", 1, lambda: {"units": 1}),
                   ("fourriere", 1, lambda: {"units": rng.randint(1, 6)}),
                   ("construction", 1, lambda: {"area_m2": rng.choice([90, 120, 160, 240, 320])}),
                   ("transport-voyageurs", 1, lambda: {"units": 1}),
                   ("abattage", 1, lambda: {"units": rng.randrange(300, 2500, 50)})]
        weights = [entry for entry in weights if entry[0] in self.tariffs]
        if not weights:
            return plans
        codes = rng.choices(weights, weights=[weight for _code, weight, _values in weights],
                            k=rng.randint(3, 11) if day.weekday() != 0 else rng.randint(8, 16))
        for code, _weight, values in codes:
            (_first_ar, first_fr), (_family_ar, family_fr) = rng.choice(MEN + WOMEN), rng.choice(FAMILIES)
            plans.append(Plan(tariff=self.tariffs[code], payer_name=f"{first_fr} {family_fr}", base_values=values()))
        return plans

    def market_fees(self, day: datetime.date) -> list[Plan]:
        if "souk" not in self.tariffs or not self.collector or day.weekday() != 3:  # the weekly souk, Thursday
            return []
        rng = self.rng
        return [Plan(tariff=self.tariffs["souk"], payer_name=" ".join(
            (rng.choice(MEN)[1], rng.choice(FAMILIES)[1])), base_values={"units": rng.choice([1, 1, 1, 2])})
            for _ in range(rng.randint(12, 30))]

    def price(self, plan: Plan, day: datetime.date, due: dict) -> tuple[Decimal, Decimal, object, dict]:
        if plan.assessment is not None:
            assessment = plan.assessment
            remaining = due[assessment.pk]
            penalty = tariffs.penalty(assessment.tariff_version, remaining, assessment.due_date, day)
            principal = remaining if plan.share == 1 else money(remaining * plan.share)
            due[assessment.pk] -= principal
            return principal, penalty, assessment.tariff_version, assessment.base_values
        version = self.version(plan.tariff, day)
        computation = tariffs.compute(version, plan.base_values, zone=plan.item.zone if plan.item else "")
        return computation.principal, ZERO, version, computation.base_values

    def write_day(self, cashier, day, plans, feeder: BookFeeder, due, *, field_day=False, closer=None) -> None:
        rng = self.rng
        plans = [plan for plan in plans if plan.assessment is None or due[plan.assessment.pk] > 0]
        if not plans:
            return
        cash_day = CashDay.objects.create(cashier=cashier, day=day, opened_at=at(day, 8, 30))
        numbers = feeder.take(len(plans), day)
        block = None
        if field_day:
            book, first = numbers[0]
            block = DeviceBlock.objects.create(book=book, collector=cashier, device_id="TAB-01",
                                               first_number=first, last_number=numbers[-1][1],
                                               issued_at=at(day, 7, 45))
            BookMovement.objects.create(book=book, kind=BookMovement.Kind.DEVICE_BLOCK, at=at(day, 7, 45),
                                        by=cashier, holder=cashier, first_number=first,
                                        last_number=numbers[-1][1], note="TAB-01")
        receipts, minute = [], 8 * 60 + 35
        for (book, number), plan in zip(numbers, plans, strict=True):
            minute += rng.randint(2, 25)
            when = at(day, min(minute // 60, 16), minute % 60)
            principal, penalty, version, values = self.price(plan, day, due)
            voided = plan.assessment is None and rng.random() < 0.025
            reference = f"CHQ {rng.randint(1000000, 9999999)}" if plan.method == Receipt.Method.CHEQUE else ""
            receipts.append(Receipt(
                book=book, number=number, cash_day=cash_day, cashier=cashier, collected_at=when,
                issued_at=at(day, 17, 30) if field_day else when, taxpayer=plan.taxpayer,
                payer_name=plan.payer_name, assessment=plan.assessment, item=plan.item, tariff_version=version,
                base_values=values, principal=principal, penalty=penalty, amount=principal + penalty,
                method=plan.method, method_reference=reference,
                status=Receipt.Status.VOIDED if voided else Receipt.Status.VALID,
                void_reason=rng.choice(VOID_REASONS) if voided else "",
                voided_at=when + datetime.timedelta(minutes=3) if voided else None,
                voided_by=cashier if voided else None, device_block=block,
                idempotency_key=f"demo-{uuid.UUID(int=rng.getrandbits(128))}" if field_day else None))
            if plan.assessment is not None:
                plan.assessment.principal_paid += principal
                plan.assessment.penalty_paid += penalty
        Receipt.objects.bulk_create(receipts)
        self.counts["receipts"] += len(receipts)
        valid = [receipt for receipt in receipts if receipt.status == Receipt.Status.VALID]
        cash = sum((r.amount for r in valid if r.method == Receipt.Method.CASH), ZERO)
        other = sum((r.amount for r in valid if r.method != Receipt.Method.CASH), ZERO)
        variance, explanation = ZERO, ""
        if rng.random() < 0.05 and cash > 20:
            variance, explanation = rng.choice([(Decimal("-10.00"), "Billet de 10 DH manquant, rendu de monnaie"),
                                                (Decimal("5.00"), "Pièce de 5 DH en trop, payeur non identifié")])
        CashDay.objects.filter(pk=cash_day.pk).update(
            status=CashDay.Status.CLOSED, system_cash=cash, system_other=other, counted_cash=cash + variance,
            variance=variance, variance_explanation=explanation, closed_at=at(day, 17, 45),
            closed_by=closer or cashier)
        Remittance.objects.create(year=day.year, number=allocate("regie.remittance", day.year), cash_day=cash_day,
                                  cash=cash, other=other, amount=cash + other, prepared_at=at(day, 17, 50),
                                  prepared_by=closer or cashier)
        self.counts["days"] += 1

    def collect(self, assessments) -> None:
        plans, cancelled = self.payment_plans(assessments)
        due = {assessment.pk: assessment.principal for assessment in assessments}
        counter = BookFeeder(self, "QC", ReceiptBook.Use.COUNTER, self.cashier, 500)
        field_book = BookFeeder(self, "QT", ReceiptBook.Use.FIELD, self.collector, 400) if self.collector else None
        day = datetime.date(self.year, 1, 2)
        while day < self.today:
            if day.weekday() < 5:
                self.write_day(self.cashier, day, self.counter_fees(day) + plans.get(("counter", day), []),
                               counter, due)
                if field_book is not None:
                    self.write_day(self.collector, day, self.market_fees(day) + plans.get(("field", day), []),
                                   field_book, due, field_day=True, closer=self.cashier)
            day += datetime.timedelta(days=1)
        for assessment in assessments:
            if assessment.principal_paid >= assessment.principal:
                assessment.status = Assessment.Status.PAID
            elif assessment.principal_paid > 0:
                assessment.status = Assessment.Status.PARTLY_PAID
        for assessment in cancelled:
            if assessment.principal_paid == 0:
                assessment.status = Assessment.Status.CANCELLED
                assessment.cancellation_reason = CANCEL_REASONS[cancelled.index(assessment) % len(CANCEL_REASONS)]
                assessment.cancellation_requested_by = self.cashier
                assessment.cancellation_requested_at = assessment.issued_at + datetime.timedelta(days=12)
                assessment.cancelled_by = self.ordonnateur
                assessment.cancelled_at = assessment.issued_at + datetime.timedelta(days=14)
                self.counts["cancelled"] += 1
        Assessment.objects.bulk_update(assessments, ["principal_paid", "penalty_paid", "status", "cancellation_reason",
                                                     "cancellation_requested_by", "cancellation_requested_at",
                                                     "cancelled_by", "cancelled_at"], batch_size=500)

    def run(self) -> dict:
        if self.cashier is None:
            raise ValidationError("regie demo: the recipe has no régisseur to collect the demo receipts")
        people, companies = self.taxpayers()
        items = self.items(people, companies)
        assessments = self.assessments(items)
        self.collect(assessments)
        self.stock(self.options.get("stock_books", []))
        return dict(self.counts)


def seed_demo_data(section: dict) -> dict:
    """Load the demo data into the current schema; returns what was written (nothing when data exists)."""
    if Taxpayer.objects.exists() or Receipt.objects.exists() or not Tariff.objects.exists():
        return {}
    with transaction.atomic(), dated((ReceiptBook, "created_at"), (BookMovement, "at"), (DeviceBlock, "issued_at"),
                                     (CashDay, "opened_at"), (Remittance, "prepared_at"), (Assessment, "issued_at"),
                                     (Taxpayer, "created_at")):
        counts = Seeder(section).run()
        audit.record("regie.seed_demo_data", actor=None, object_type="regie.receipt", after=counts)
    return counts
