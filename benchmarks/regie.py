"""The régie's three figures: receipts issued per second without and with the A5 PDF, and closing a day of 5,000.

All three run in the commune `bench-regie`, provisioned for the run and dropped at its end (receipts, cash days
and books can never be deleted, and a closed day cannot be reopened, so each run starts from a fresh commune):
cashiers with the régisseur role, each holding a book of 5,000 numbers, and a flat fee of 20 DH.

- regie.receipts_per_s: receipts issued at the counter by modules.regie.services.receipts.issue_receipt, one
  after the other on one connection (a cashier issues one receipt at a time; what a receipt costs is what
  matters), each its own transaction: permission, the cashier's cash day locked, the book's next number from
  the gap-free sequence, the fee computed from the tariff in force, the receipt written (triggers checked), the
  audit entry chained, the commit. Baseline, interleaved in rounds: the same receipt row written by
  Receipt.objects.create() in autocommit in another cashier's book, with the number counted in Python and no
  pricing, locking, numbering or audit. ratio = figure / baseline (the share of a bare INSERT's rate that the
  whole issue keeps). The detail adds the rate of four cashiers issuing at once on four threads.
- regie.receipts_pdf_per_s: issue_receipt then modules.regie.printing.receipt_pdf(receipt, layout="a5"), which
  typesets the bilingual A5 receipt with its QR code and records the issued paper. Baseline, interleaved: the
  rate of platform_core.documents.rendering.render_pdf() of the platform's sample certificate (one short
  bilingual paragraph, nothing recorded). ratio = figure / baseline.
- regie.close_day_5000_s: modules.regie.services.closing.close_day on a cash day of 5,000 receipts (a tenth by
  cheque, one in fifty voided), the median over DAYS days of DAYS cashiers. The days are filled by bulk INSERTs
  while open (the receipts' trigger checks each row against its day). Baseline: the median time of the plain
  SUM of the same day's valid cash receipts (one aggregate query, no lock, no write). ratio = baseline / figure,
  bigger is better as everywhere (here below 1: closing is that SUM plus the locks, the writes and the audit).
"""

from __future__ import annotations

import datetime
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.db import connection, connections, transaction
from rich.console import Console

from benchmarks.report import Figure, median, samples_text, throughput_figure, time_figure

SLUG = "bench-regie"
ROUNDS = 8
PER_ROUND = int(os.environ.get("JAMAA_BENCH_REGIE_RECEIPTS", "50"))  # receipts per round, each way
CONCURRENT_CASHIERS, CONCURRENT_EACH = 4, 50
PDF_RUNS, PDF_WARMUP = 12, 2
DAY_SIZE, DAYS = 5000, 3
FEE = Decimal("20.00")
SAMPLE_CONTEXT = {"title_fr": "Certificat administratif", "title_ar": "شهادة إدارية",
                  "holder_name_fr": "Mohammed Ben Ali", "holder_name_ar": "محمد بن علي", "lines": []}

COUNTER = ["caisse1", "caisse2", "caisse3", "caisse4"]  # caisse1 is the sequential one and the PDF one
BASELINE = "caisse0"
CLOSERS = [f"cloture{index}" for index in range(1, DAYS + 1)]


def _person(username: str, role: str) -> dict:
    return {"username": f"{username}.bench", "first_name": "Hassan", "last_name": "Alaoui", "first_name_ar": "حسن",
            "last_name_ar": "العلوي", "password": f"{username}-bench-pw", "roles": [role]}


def _recipe():
    from tenants.recipes import parse_recipe

    cashiers = [BASELINE, *COUNTER, *CLOSERS]
    return parse_recipe({
        "commune": {"slug": SLUG, "name_fr": "Commune de benchmark (régie)", "name_ar": "جماعة الاختبار (المداخيل)",
                    "province": "Province de Sefrou", "province_ar": "إقليم صفرو"},
        "domains": [SLUG],
        "modules": ["regie"],
        "administrator": {"username": "admin.bench", "first_name": "Karim", "last_name": "Bennani",
                          "first_name_ar": "كريم", "last_name_ar": "بناني", "password": "bench-admin-pw"},
        "staff": [*(_person(name, "regie.regisseur") for name in cashiers),
                  _person("ordonnateur", "regie.ordonnateur")],
        "sections": {"regie": {
            "tariffs": [{"code": "legalisation", "name_fr": "Droit de légalisation de signature",
                         "name_ar": "رسم تصحيح الإمضاء", "kind": "fee", "legal_basis": "Loi 47-06, art. 137",
                         "budget_code": "10.40.11",
                         "versions": [{"effective_from": "2020-01-01", "base": "flat", "rate": str(FEE)}]}],
            "books": [{"series": "QB", "count": 1, "size": 5000, "use": "counter", "holder": f"{name}.bench"}
                      for name in cashiers],
        }},
    })


def drop_commune() -> None:
    from tenants.models import Commune

    connection.set_schema_to_public()
    for commune in Commune.objects.filter(slug=SLUG):
        commune.delete(force_drop=True)


def _provision():
    from tenants.services.provisioning import provision_commune

    drop_commune()  # a run that was interrupted left it behind
    return provision_commune(_recipe(), check_template=False).commune


def _users():
    from django.contrib.auth import get_user_model

    return {user.username.split(".")[0]: user for user in get_user_model().objects.filter(username__endswith=".bench")}


def _payment():
    from modules.regie.models import Tariff
    from modules.regie.services.receipts import Payment

    return Payment(tariff=Tariff.objects.get(code="legalisation"), payer_name="Fatima Zahra Idrissi")


class _PlainInserts:
    """The baseline: the receipt's row as issue_receipt writes it, by a bare ORM create in autocommit."""

    def __init__(self, cashier):
        from django.utils import timezone

        from modules.regie.models import Receipt, ReceiptBook, Tariff
        from modules.regie.services.common import open_cash_day
        from modules.regie.tariffs import version_in_force

        self.cashier = cashier
        self.book = ReceiptBook.objects.get(holder=cashier)
        with transaction.atomic():
            self.day = open_cash_day(cashier)
        self.version = version_in_force(Tariff.objects.get(code="legalisation"), timezone.localdate())
        self.next_number = self.book.first_number
        self.Receipt, self.now = Receipt, timezone.now

    def insert(self) -> None:
        now = self.now()
        self.Receipt.objects.create(
            book=self.book, number=self.next_number, cash_day=self.day, cashier=self.cashier, issued_at=now,
            collected_at=now, payer_name="Fatima Zahra Idrissi", tariff_version=self.version,
            base_values={"units": "1"}, principal=FEE, penalty=Decimal("0.00"), amount=FEE)
        self.next_number += 1


def _rate(count: int, action) -> float:
    started = time.perf_counter()
    for _ in range(count):
        action()
    return count / (time.perf_counter() - started)


def _receipts_per_s(console: Console, users) -> list[Figure]:
    from modules.regie.services.receipts import issue_receipt

    cashier = users["caisse1"]
    plain = _PlainInserts(users[BASELINE])

    def issue():
        issue_receipt(actor=cashier, payment=_payment())

    for _ in range(5):  # warm: permissions cached, statements and connection warm, the day opened
        issue(), plain.insert()
    issued, inserted = [], []
    for index in range(ROUNDS):  # interleaved, so that the machine's noise falls on both alike
        issued.append(_rate(PER_ROUND, issue))
        inserted.append(_rate(PER_ROUND, plain.insert))
        console.log(f"round {index + 1}/{ROUNDS}: issue_receipt {issued[-1]:.0f}/s, plain INSERT {inserted[-1]:.0f}/s")
    concurrent = _concurrent_rate(users)
    console.log(f"{CONCURRENT_CASHIERS} cashiers at once: {concurrent:.0f} receipts/s in all")
    detail = (
        f"value: median over {ROUNDS} rounds of {PER_ROUND} receipts issued one after the other by one cashier "
        f"through services.receipts.issue_receipt {samples_text(issued, 0)}/s, each its own transaction "
        "(permission, cash day locked, gap-free number, fee from the tariff in force, receipt with its triggers, "
        "chained audit entry, commit). baseline: median of the same rounds of Receipt.objects.create() of the same "
        f"row in autocommit in another book {samples_text(inserted, 0)}/s (number counted in Python; no pricing, "
        f"lock, numbering or audit). Rounds interleaved after a warm-up. {CONCURRENT_CASHIERS} cashiers issuing "
        f"{CONCURRENT_EACH} each at once on {CONCURRENT_CASHIERS} threads (own connections, own books): "
        f"{concurrent:.0f} receipts/s in all."
    )
    return [throughput_figure("regie.receipts_per_s", median(issued), median(inserted), "receipts/s", detail,
                              concurrent_per_s=round(concurrent, 2))]


def _concurrent_rate(users) -> float:
    from modules.regie.services.receipts import issue_receipt

    schema = connection.schema_name
    start = threading.Barrier(CONCURRENT_CASHIERS + 1)

    def cashier_at_work(username):
        try:
            connection.set_schema(schema)
            cashier = type(users[username]).objects.get(pk=users[username].pk)
            issue_receipt(actor=cashier, payment=_payment())  # warm this thread's connection
            start.wait()
            for _ in range(CONCURRENT_EACH):
                issue_receipt(actor=cashier, payment=_payment())
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=CONCURRENT_CASHIERS) as pool:
        futures = [pool.submit(cashier_at_work, name) for name in COUNTER]
        start.wait()
        started = time.perf_counter()
        for future in futures:
            future.result()
        elapsed = time.perf_counter() - started
    return CONCURRENT_CASHIERS * CONCURRENT_EACH / elapsed


def _receipts_pdf_per_s(console: Console, users) -> list[Figure]:
    from modules.regie.printing import receipt_pdf
    from modules.regie.services.receipts import issue_receipt
    from platform_core.documents.rendering import render_pdf

    cashier = users["caisse1"]
    sizes = []

    def issue_and_print():
        receipt = issue_receipt(actor=cashier, payment=_payment())
        sizes.append(len(receipt_pdf(receipt, layout="a5", language="ar", actor=cashier)))

    def sample():
        render_pdf("documents/sample_certificate.html", SAMPLE_CONTEXT)

    for _ in range(PDF_WARMUP):  # fonts loaded, templates compiled
        issue_and_print(), sample()
    printed, samples = [], []
    for index in range(PDF_RUNS):
        printed.append(_rate(1, issue_and_print))
        samples.append(_rate(1, sample))
        if (index + 1) % 4 == 0:
            console.log(f"run {index + 1}/{PDF_RUNS}: issue + A5 PDF {1000 / printed[-1]:.0f} ms, "
                        f"sample certificate {1000 / samples[-1]:.0f} ms")
    detail = (
        f"value: median rate of {PDF_RUNS} receipts each issued (issue_receipt) and printed "
        "(printing.receipt_pdf, layout a5, Arabic first: bilingual A5 receipt with amount in words and QR code, "
        f"WeasyPrint PDF/A, issued document recorded and journaled; ~{median(sizes) / 1024:.0f} KiB) "
        f"{samples_text(printed)}/s. baseline: median rate of render_pdf(documents/sample_certificate.html) "
        f"{samples_text(samples)}/s (the platform's simplest bilingual paper, same typesetter, no QR, nothing "
        f"recorded). Runs interleaved after {PDF_WARMUP} warm-up rounds."
    )
    return [throughput_figure("regie.receipts_pdf_per_s", median(printed), median(samples), "receipts/s", detail)]


def _fill_day(cashier) -> tuple[object, Decimal]:
    """A cash day of DAY_SIZE receipts in the cashier's book, inserted in bulk while the day is open; the book's
    sequence is advanced by as many numbers, as if they had been issued one by one."""
    from django.utils import timezone

    from modules.regie.models import Receipt, ReceiptBook, Tariff
    from modules.regie.services.common import open_cash_day
    from modules.regie.tariffs import version_in_force
    from platform_core.numbering.services import allocate_block

    book = ReceiptBook.objects.get(holder=cashier)
    version = version_in_force(Tariff.objects.get(code="legalisation"), timezone.localdate())
    opening = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        day = open_cash_day(cashier)
        taken = allocate_block(book.number_series, book.year, DAY_SIZE)
        rows, cash = [], Decimal("0.00")
        for index, offset in enumerate(taken):
            at = opening + datetime.timedelta(seconds=5 * index)
            units = 1 + index % 5
            amount = FEE * units
            by_cheque, voided = index % 10 == 9, index % 50 == 17
            rows.append(Receipt(
                book=book, number=book.first_number + offset - 1, cash_day=day, cashier=cashier, issued_at=at,
                collected_at=at, payer_name=f"Redevable {index}", tariff_version=version,
                base_values={"units": str(units)}, principal=amount, amount=amount,
                method=Receipt.Method.CHEQUE if by_cheque else Receipt.Method.CASH,
                method_reference=f"CHQ-{index}" if by_cheque else "",
                status=Receipt.Status.VOIDED if voided else Receipt.Status.VALID,
                void_reason="Erreur de saisie" if voided else "", voided_at=at if voided else None,
                voided_by=cashier if voided else None))
            if not by_cheque and not voided:
                cash += amount
        Receipt.objects.bulk_create(rows, batch_size=1000)
    return day, cash


def _close_day_5000_s(console: Console, users) -> list[Figure]:
    from django.db.models import Q, Sum

    from modules.regie.models import CashDay, Receipt
    from modules.regie.services.closing import close_day

    closes, sums, fills = [], [], []
    for name in CLOSERS:
        cashier = users[name]
        started = time.perf_counter()
        day, cash = _fill_day(cashier)
        fills.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE regie_receipt")  # as autovacuum would have by the evening

        def plain_sum(day=day):
            return Receipt.objects.filter(Q(cash_day=day) & Q(status=Receipt.Status.VALID)
                                          & Q(method=Receipt.Method.CASH)).aggregate(total=Sum("amount"))["total"]

        plain_sum()  # warm: the day's rows in the buffer cache for both
        for _ in range(3):
            started = time.perf_counter()
            assert plain_sum() == cash
            sums.append(time.perf_counter() - started)
        started = time.perf_counter()
        close_day(day.pk, actor=cashier, counted_cash=cash)
        closes.append(time.perf_counter() - started)
        closed = CashDay.objects.get(pk=day.pk)
        assert closed.status == CashDay.Status.CLOSED and closed.system_cash == cash and closed.variance == 0
        console.log(f"{name}: {DAY_SIZE} receipts inserted in {fills[-1]:.1f} s, closed in {closes[-1]:.3f} s "
                    f"(plain SUM {min(sums[-3:]) * 1000:.1f} ms), system cash {cash} DH")
    detail = (
        f"value: median over {DAYS} cash days of {DAY_SIZE} receipts each (10 % by cheque, 2 % voided) of "
        f"services.closing.close_day {samples_text(closes, 3)} s (day locked, cash and other totals of the valid "
        "receipts, day counted and locked, remittance slip numbered, audit entry, commit). baseline: median of "
        f"{3 * DAYS} plain SUM(amount) queries over the same days' valid cash receipts {samples_text(sums, 4)} s. "
        f"The days were filled by bulk INSERTs while open ({samples_text(fills, 1)} s each, not counted)."
    )
    return [time_figure("regie.close_day_5000_s", median(closes), median(sums), detail, receipts=DAY_SIZE)]


def run(console: Console) -> list[Figure]:
    from django_tenants.utils import tenant_context

    started = time.perf_counter()
    commune = _provision()
    console.log(f"commune {SLUG} provisioned in {time.perf_counter() - started:.1f} s")
    figures: list[Figure] = []
    try:
        with tenant_context(commune):
            users = _users()
            figures += _receipts_per_s(console, users)
            figures += _receipts_pdf_per_s(console, users)
            figures += _close_day_5000_s(console, users)
    finally:
        connections.close_all()
        drop_commune()
    return figures
