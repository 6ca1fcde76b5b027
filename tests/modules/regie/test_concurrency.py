"""Receipts under real concurrency: threads with their own connections and real commits.

Receipts, cash days and books can be neither deleted nor truncated (triggers of migration 0002), so these tests
cannot run in Sefrou's schema and be rolled back or flushed: pytest-django's transactional flush truncates the
public schema only, and anything committed in Sefrou would stay there for the other régie tests (a cashier's day
closed, a book half used). Each test works in a throwaway commune provisioned from tests/recipes/sefrou.yaml
under another slug (same staff, catalogue and books), and drops its schema afterwards (DROP SCHEMA fires no
row or TRUNCATE trigger).
"""

import copy
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from modules.regie.models import CashDay, Receipt, ReceiptBook, Remittance, Tariff
from modules.regie.selectors.receipts import cancelled_receipts
from modules.regie.services import closing, receipts
from modules.regie.services.books import used_count
from modules.regie.services.receipts import Payment
from tenants.models import Commune
from tenants.recipes import parse_recipe
from tenants.services.provisioning import provision_commune
from tests.conftest import RECIPES

pytestmark = pytest.mark.slow

CASHIERS = ("regisseur.sefrou", "regisseur2.sefrou")
THREADS_PER_CASHIER = 10
RECEIPTS_PER_THREAD = 5  # 2 cashiers x 10 threads x 5 = 100 receipts


@pytest.fixture
def scratch(django_db_setup, django_db_blocker):
    """A copy of Sefrou provisioned for the test (real commits), dropped afterwards; yields its schema name."""
    slug = f"regie-conc-{uuid.uuid4().hex[:6]}"
    data = copy.deepcopy(yaml.safe_load((RECIPES / "sefrou.yaml").read_text()))
    data["commune"]["slug"], data["domains"] = slug, [slug]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        commune = provision_commune(parse_recipe(data), check_template=False).commune
        try:
            yield commune.schema_name
        finally:
            connections.close_all()  # threads' connections are closed by the threads; this is the main one's
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(commune.schema_name)} CASCADE")
            Commune.objects.filter(slug=slug).delete()


def _in_thread(schema, work):
    """Run `work` on this thread's own connection to the commune's schema, and close it afterwards."""
    try:
        connection.set_schema(schema)
        with translation.override(None):  # messages in their English source, whatever the default language
            return work()
    finally:
        connections.close_all()


def _fee(units: int) -> Payment:
    return Payment(tariff=Tariff.objects.get(code="legalisation"), base_values={"units": units},
                   payer_name="Fatima Zahra Idrissi")


def test_a_hundred_receipts_by_two_cashiers_at_once_are_numbered_without_gap(scratch):
    barrier = threading.Barrier(len(CASHIERS) * THREADS_PER_CASHIER)

    def issue_five(username):
        def work():
            cashier = get_user_model().objects.get(username=username)
            barrier.wait()
            return [(username, receipts.issue_receipt(actor=cashier, payment=_fee(units=1 + index % 3)).pk)
                    for index in range(RECEIPTS_PER_THREAD)]
        return _in_thread(scratch, work)

    jobs = [username for username in CASHIERS for _ in range(THREADS_PER_CASHIER)]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        issued = [row for rows in pool.map(issue_five, jobs) for row in rows]
    assert len(issued) == 100

    connection.set_schema(scratch)
    users = {user.username: user for user in get_user_model().objects.filter(username__in=CASHIERS)}
    books = {}
    for username in CASHIERS:
        ids = [pk for who, pk in issued if who == username]
        mine = Receipt.objects.filter(pk__in=ids).select_related("book")
        assert {receipt.cashier_id for receipt in mine} == {users[username].pk}
        assert len({receipt.book_id for receipt in mine}) == 1, "each cashier writes in their own single book"
        book = mine[0].book
        assert book.holder_id == users[username].pk
        books[username] = book
        # Contiguous from the book's first number, no gap, no duplicate, and nobody else wrote in the book.
        numbers = list(Receipt.objects.filter(book=book).order_by("number").values_list("number", flat=True))
        assert numbers == list(range(book.first_number, book.first_number + 50))
        assert used_count(book) == 50
        assert ReceiptBook.objects.get(pk=book.pk).status == ReceiptBook.Status.IN_USE
    assert books[CASHIERS[0]].pk != books[CASHIERS[1]].pk

    # A voided receipt keeps its number and shows in the cancelled-receipts register.
    book = books["regisseur.sefrou"]
    middle = Receipt.objects.get(book=book, number=book.first_number + 24)
    receipts.void_receipt(middle.pk, actor=users["regisseur.sefrou"], reason="Erreur sur le nom du payeur")
    voided = Receipt.objects.get(pk=middle.pk)
    assert voided.status == Receipt.Status.VOIDED and voided.number == middle.number
    assert voided.amount == middle.amount and voided.payer_name == middle.payer_name
    assert list(Receipt.objects.filter(book=book).order_by("number").values_list("number", flat=True)) == list(
        range(book.first_number, book.first_number + 50))
    today = timezone.localdate()
    register = cancelled_receipts(year=today.year, month=today.month)
    assert [(row.pk, row.number, row.void_reason) for row in register] == [
        (middle.pk, middle.number, "Erreur sur le nom du payeur")]
    # The next receipt continues the book: the voided number is never given again.
    following = receipts.issue_receipt(actor=users["regisseur.sefrou"], payment=_fee(units=1))
    assert following.book_id == book.pk and following.number == book.first_number + 50
    connection.set_schema_to_public()


def test_closing_the_day_while_receipts_are_issued_leaves_none_uncounted(scratch):
    """Six counters of one cashier issue receipts while the day is closed under them: every receipt either
    committed before the closing and is counted, or was refused; the numbers stay contiguous."""
    username = "regisseur2.sefrou"
    threads, attempts = 6, 12
    start = threading.Barrier(threads + 1)
    outcomes = {"issued": [], "refused": []}
    lock = threading.Lock()

    def counter():
        def work():
            cashier = get_user_model().objects.get(username=username)
            start.wait()
            for index in range(attempts):
                try:
                    receipt = receipts.issue_receipt(
                        actor=cashier, payment=_fee(units=1 + index % 4) if index % 5 else Payment(
                            tariff=Tariff.objects.get(code="legalisation"), payer_name="Société Atlas",
                            method=Receipt.Method.CHEQUE, method_reference=f"CHQ-{uuid.uuid4().hex[:6]}"))
                except ValidationError as error:
                    assert "closed" in " ".join(error.messages)
                    with lock:
                        outcomes["refused"].append(index)
                    return
                with lock:
                    outcomes["issued"].append(receipt.pk)
        return _in_thread(scratch, work)

    def closer():
        def work():
            cashier = get_user_model().objects.get(username=username)
            start.wait()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # close once a dozen receipts are in, the others still coming
                with lock:
                    if len(outcomes["issued"]) >= 12:
                        break
                time.sleep(0.005)
            day = CashDay.objects.get(cashier=cashier, day=timezone.localdate())
            return closing.close_day(day.pk, actor=cashier, counted_cash="0",
                                     explanation="Clôture pendant l'encaissement (test)").pk
        return _in_thread(scratch, work)

    with ThreadPoolExecutor(max_workers=threads + 1) as pool:
        futures = [pool.submit(counter) for _ in range(threads)]
        closed = pool.submit(closer)
        for future in futures:
            future.result()
        remittance_id = closed.result()

    connection.set_schema(scratch)
    day = CashDay.objects.get(cashier__username=username, day=timezone.localdate())
    assert day.status == CashDay.Status.CLOSED
    on_day = Receipt.objects.filter(cash_day=day)
    assert set(on_day.values_list("pk", flat=True)) == set(outcomes["issued"])
    assert outcomes["refused"], "the closing came before the counters were done"
    valid_cash = on_day.filter(status=Receipt.Status.VALID, method=Receipt.Method.CASH)
    valid_other = on_day.filter(status=Receipt.Status.VALID).exclude(method=Receipt.Method.CASH)
    assert day.system_cash == (valid_cash.aggregate(total=Sum("amount"))["total"] or Decimal("0.00"))
    assert day.system_other == (valid_other.aggregate(total=Sum("amount"))["total"] or Decimal("0.00"))
    assert day.system_cash > 0
    assert all(receipt.issued_at <= day.closed_at for receipt in on_day)
    remittance = Remittance.objects.get(pk=remittance_id)
    assert remittance.cash_day_id == day.pk and remittance.amount == day.system_cash + day.system_other
    # Refused attempts gave their numbers back: the book is still contiguous.
    book = ReceiptBook.objects.get(holder__username=username)
    numbers = list(Receipt.objects.filter(book=book).order_by("number").values_list("number", flat=True))
    assert numbers == list(range(book.first_number, book.first_number + len(outcomes["issued"])))
    assert used_count(book) == len(outcomes["issued"])
    with translation.override(None), pytest.raises(ValidationError, match="closed"):
        receipts.issue_receipt(actor=day.cashier, payment=_fee(units=1))
    connection.set_schema_to_public()


def test_the_scratch_commune_leaves_sefrou_untouched(sefrou, in_commune):
    """The concurrency tests wrote in their own communes: Sefrou's cashiers have no day and no receipt."""
    with in_commune(sefrou):
        assert not CashDay.objects.filter(cashier__username__in=CASHIERS, status=CashDay.Status.CLOSED).exists()
        with schema_context("public"):
            assert not Commune.objects.filter(slug__startswith="regie-conc-").exists()
