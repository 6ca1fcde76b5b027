"""The régie's rules: the database's own triggers (through the ORM and raw SQL), gap-free book numbers, the books a
receipt may be written in, tariffs and penalties, fees for other modules, and Sefrou's records out of Berkane's
reach."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from modules.regie import services as public
from modules.regie import tariffs
from modules.regie.models import (
    Assessment,
    BookMovement,
    CashDay,
    Receipt,
    ReceiptBook,
    Remittance,
    Tariff,
    TariffVersion,
    TaxableItem,
    Taxpayer,
)
from modules.regie.services import assessments, books, closing, receipts
from modules.regie.services.books import used_count
from modules.regie.services.receipts import Payment
from platform_core.modules.roles import role_group
from tenants.services.subscriptions import set_subscriptions

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _source_language():
    # Messages are matched in their English source, whatever catalogues exist.
    with translation.override(None):
        yield


def fee(units=1, **changes):
    return Payment(tariff=Tariff.objects.get(code="legalisation"), base_values={"units": units},
                   payer_name="Fatima Zahra Idrissi", **changes)


def refused(match):
    """The statement is refused by the database; the savepoint keeps the test's transaction usable."""
    return _Refused(match)


class _Refused:
    def __init__(self, match):
        self.raises = pytest.raises(DatabaseError, match=match)
        self.atomic = transaction.atomic()

    def __enter__(self):
        self.raises.__enter__()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        suppressed = self.atomic.__exit__(*exc)
        return self.raises.__exit__(*exc) or suppressed


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def truncate(table):
    # The test's own inserts leave deferred foreign-key checks pending, and PostgreSQL refuses a TRUNCATE with
    # pending trigger events before any trigger of ours runs: check them now.
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    sql(f"TRUNCATE regie_{table} CASCADE")


# --- the database's triggers -------------------------------------------------------------------------------------


def test_a_receipt_is_never_deleted_nor_truncated(regie):
    receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=fee())
    with refused("never deleted"):
        receipt.delete()
    with refused("never deleted"):
        Receipt.objects.all().delete()
    with refused("never deleted"):
        sql("DELETE FROM regie_receipt WHERE id = %s", [receipt.pk])
    with refused("never deleted"):
        truncate("receipt")
    assert Receipt.objects.filter(pk=receipt.pk).exists()


@pytest.mark.parametrize("table", ["cashday", "receiptbook", "bookmovement", "assessment", "remittance"])
def test_the_other_public_accounting_records_are_never_deleted(regie, table):
    receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=fee())
    closing.close_day(receipt.cash_day_id, actor=regie["regisseur"], counted_cash="2.00")
    public.charge_fee(tariff_code="extrait-naissance", payer_name="Rim Idrissi", source="test.rules",
                      source_reference="DEL-1")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM regie_{table}")
        assert cursor.fetchone()[0] > 0
    with refused("never deleted"):
        sql(f"DELETE FROM regie_{table}")
    with refused("never deleted"):
        truncate(table)


def test_a_receipt_only_changes_from_valid_to_voided_keeping_number_amount_and_payer(regie):
    receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=fee(units=4))
    rewrites = [
        ("payer_name = 'Quelqu''un d''autre'", "valid to voided"),
        ("number = number + 1000", "valid to voided"),
        ("amount = 1, principal = 1", "valid to voided"),
        ("status = 'voided', void_reason = 'x', amount = 1, principal = 1", "keeps its number"),
        ("status = 'voided', void_reason = 'x', number = number + 1000", "keeps its number"),
        ("status = 'voided', void_reason = 'x', payer_name = 'Autre'", "keeps its number"),
        ("status = 'voided', void_reason = 'x', issued_at = issued_at - interval '1 day'", "keeps its number"),
    ]
    for assignment, message in rewrites:
        with refused(message):
            sql(f"UPDATE regie_receipt SET {assignment} WHERE id = %s", [receipt.pk])
    with refused("valid to voided"):
        Receipt.objects.filter(pk=receipt.pk).update(payer_name="Quelqu'un d'autre")
    with refused("keeps its number"):
        Receipt.objects.filter(pk=receipt.pk).update(status="voided", void_reason="x", amount=Decimal("1"),
                                                     principal=Decimal("1"))
    # Voiding alone goes through, even in SQL; then the receipt is final, voided.
    sql("UPDATE regie_receipt SET status = 'voided', void_reason = 'Erreur', voided_at = now() WHERE id = %s",
        [receipt.pk])
    with refused("valid to voided"):
        sql("UPDATE regie_receipt SET status = 'valid', void_reason = '' WHERE id = %s", [receipt.pk])
    with refused("valid to voided"):
        sql("UPDATE regie_receipt SET void_reason = 'Autre raison' WHERE id = %s", [receipt.pk])
    kept = Receipt.objects.get(pk=receipt.pk)
    assert (kept.status, kept.number, kept.amount, kept.payer_name) == (
        Receipt.Status.VOIDED, receipt.number, Decimal("8.00"), "Fatima Zahra Idrissi")


def test_a_closed_day_refuses_inserts_and_updates(regie):
    cashier = regie["regisseur"]
    receipt = receipts.issue_receipt(actor=cashier, payment=fee(units=5))
    closing.close_day(receipt.cash_day_id, actor=cashier, counted_cash="10.00")
    # Services refuse...
    with pytest.raises(ValidationError, match="closed"):
        receipts.issue_receipt(actor=cashier, payment=fee())
    with pytest.raises(ValidationError, match="closed"):
        receipts.void_receipt(receipt.pk, actor=cashier, reason="Trop tard")
    with pytest.raises(ValidationError, match="already closed"):
        closing.close_day(receipt.cash_day_id, actor=cashier, counted_cash="10.00")
    # ...and so does the database, whatever code runs.
    columns = ("book_id, number, cash_day_id, cashier_id, issued_at, collected_at, payer_name, base_values, "
               "principal, penalty, amount, method, method_reference, status, void_reason")
    with refused("is closed"):
        sql(f"INSERT INTO regie_receipt ({columns}) VALUES (%s, %s, %s, %s, now(), now(), 'X', '{{}}', 2, 0, 2, "
            "'cash', '', 'valid', '')", [receipt.book_id, receipt.number + 1, receipt.cash_day_id, cashier.pk])
    with refused("is closed"):
        Receipt.objects.create(book=receipt.book, number=receipt.number + 1, cash_day=receipt.cash_day,
                               cashier=cashier, issued_at=timezone.now(), collected_at=timezone.now(),
                               payer_name="X", principal=Decimal("2"), amount=Decimal("2"))
    with refused("is closed"):
        sql("UPDATE regie_receipt SET status = 'voided', void_reason = 'x' WHERE id = %s", [receipt.pk])
    with refused("is closed"):
        sql("UPDATE regie_cashday SET status = 'open' WHERE id = %s", [receipt.cash_day_id])
    with refused("is closed"):
        CashDay.objects.filter(pk=receipt.cash_day_id).update(counted_cash=Decimal("12.00"), variance=Decimal("2"),
                                                              variance_explanation="Recompté")
    day = CashDay.objects.get(pk=receipt.cash_day_id)
    assert (day.status, day.system_cash, day.counted_cash) == (CashDay.Status.CLOSED, Decimal("10.00"),
                                                               Decimal("10.00"))


def test_a_cancelled_assessment_is_kept_as_it_is(regie):
    assessment = assessments.issue_assessment(actor=regie["ordonnateur"], tariff=Tariff.objects.get(code="odp"),
                                              base_values={"area_m2": "4", "quarters": "2"},
                                              payer_name="Café Atlas")
    assert assessment.principal == Decimal("160.00")
    assessments.request_cancellation(assessment.pk, actor=regie["regisseur"], reason="Double emploi")
    assessments.approve_cancellation(assessment.pk, actor=regie["ordonnateur"])
    with refused("kept as it is"):
        sql("UPDATE regie_assessment SET status = 'issued' WHERE id = %s", [assessment.pk])
    with refused("kept as it is"):
        Assessment.objects.filter(pk=assessment.pk).update(principal=Decimal("1.00"))
    with refused("never deleted"):
        Assessment.objects.filter(pk=assessment.pk).delete()
    with pytest.raises(ValidationError, match="cancelled"):
        receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment))
    kept = Assessment.objects.get(pk=assessment.pk)
    assert (kept.status, kept.cancellation_reason, kept.principal) == (Assessment.Status.CANCELLED, "Double emploi",
                                                                       Decimal("160.00"))


def test_remittances_and_the_book_ledger_are_written_once(regie):
    receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=fee(units=2))
    remittance = closing.close_day(receipt.cash_day_id, actor=regie["regisseur"], counted_cash="4.00")
    assert remittance.amount == Decimal("4.00")
    with refused("written once"):
        Remittance.objects.filter(pk=remittance.pk).update(cash=Decimal("0"), amount=Decimal("0"))
    with refused("written once"):
        sql("UPDATE regie_remittance SET number = number + 1 WHERE id = %s", [remittance.pk])
    movement = BookMovement.objects.filter(book=receipt.book).first()
    with refused("written once"):
        BookMovement.objects.filter(pk=movement.pk).update(note="rewritten")
    with refused("written once"):
        sql("UPDATE regie_bookmovement SET holder_id = NULL WHERE id = %s", [movement.pk])
    with refused("never deleted"):
        movement.delete()


# --- gap-free numbers and the books a receipt may be written in --------------------------------------------------


def test_an_issue_failing_after_taking_its_number_gives_the_number_back(regie, monkeypatch):
    cashier = regie["regisseur"]
    first = receipts.issue_receipt(actor=cashier, payment=fee())
    book = first.book
    # Refused while pricing (a cheque without its number): the number was taken, then rolled back.
    with pytest.raises(ValidationError, match="cheque"):
        receipts.issue_receipt(actor=cashier, payment=fee(method=Receipt.Method.CHEQUE))
    # Failing at the very end, once the receipt is written (the audit entry cannot be recorded).
    def broken(*args, **kwargs):
        raise RuntimeError("audit journal unavailable")
    monkeypatch.setattr(receipts.audit, "record", broken)
    with pytest.raises(RuntimeError, match="unavailable"):
        receipts.issue_receipt(actor=cashier, payment=fee())
    monkeypatch.undo()
    assert used_count(book) == first.number - book.first_number + 1
    second = receipts.issue_receipt(actor=cashier, payment=fee())
    assert (second.book_id, second.number) == (book.pk, first.number + 1)
    assert list(Receipt.objects.filter(book=book).values_list("number", flat=True)) == [first.number,
                                                                                        second.number]


def _cashier_with_book(regie, *, size=100, year=TODAY.year, username="caissier.rules"):
    cashier = get_user_model().objects.create_user(username, first_name="Rachid", last_name="Naciri")
    cashier.groups.add(role_group("regie", "regisseur"))
    cashier = get_user_model().objects.get(pk=cashier.pk)  # fresh permission cache
    book, = books.receive_books(actor=regie["ordonnateur"], series="QR", year=year, count=1, size=size)
    books.issue_book(book.pk, actor=regie["ordonnateur"], holder=cashier)
    return cashier, ReceiptBook.objects.get(pk=book.pk)


def test_a_full_book_refuses_and_the_next_book_is_taken(regie):
    cashier, book = _cashier_with_book(regie, size=2)
    numbers = [receipts.issue_receipt(actor=cashier, payment=fee(), book=book).number for _ in range(2)]
    assert numbers == [book.first_number, book.last_number]
    with pytest.raises(ValidationError, match="is full"):
        receipts.issue_receipt(actor=cashier, payment=fee(), book=book)
    assert used_count(book) == 2
    # Without a book named, a cashier whose only book is full is told to ask for one.
    with pytest.raises(ValidationError, match="no receipt book with numbers left"):
        receipts.issue_receipt(actor=cashier, payment=fee())
    fresh, = books.receive_books(actor=regie["ordonnateur"], series="QR", year=TODAY.year, count=1, size=10)
    books.issue_book(fresh.pk, actor=regie["ordonnateur"], holder=cashier)
    assert receipts.issue_receipt(actor=cashier, payment=fee()).book_id == fresh.pk
    assert fresh.first_number == book.last_number + 1, "books of a series never overlap"


def test_a_returned_book_refuses(regie):
    cashier, book = _cashier_with_book(regie)
    receipts.issue_receipt(actor=cashier, payment=fee(), book=book)
    books.return_book(book.pk, actor=regie["ordonnateur"], note="Fin de mission")
    with pytest.raises(ValidationError, match="not in your hands"):
        receipts.issue_receipt(actor=cashier, payment=fee(), book=book)
    with pytest.raises(ValidationError, match="no receipt book"):
        receipts.issue_receipt(actor=cashier, payment=fee())
    with pytest.raises(ValidationError, match="not with a cashier"):
        books.return_book(book.pk, actor=regie["ordonnateur"])
    assert used_count(book) == 1


def test_someone_elses_book_refuses(regie):
    theirs = receipts.current_book(regie["regisseur2"])
    with pytest.raises(ValidationError, match="not in your hands"):
        receipts.issue_receipt(actor=regie["regisseur"], payment=fee(), book=theirs)
    assert used_count(theirs) == 0


def test_a_book_of_last_year_refuses(regie):
    cashier, old = _cashier_with_book(regie, year=TODAY.year - 1)
    assert receipts.current_book(cashier) is None
    with pytest.raises(ValidationError, match=f"is for {TODAY.year - 1}"):
        receipts.issue_receipt(actor=cashier, payment=fee(), book=old)
    assert used_count(old) == 0


# --- tariffs ----------------------------------------------------------------------------------------------------


def version(code):
    return tariffs.version_in_force(Tariff.objects.get(code=code), TODAY)


@pytest.mark.parametrize(("code", "values", "zone", "principal", "exempt"), [
    # flat: rate x units (units default to 1)
    ("legalisation", {}, "", "2.00", False),
    ("legalisation", {"units": 7}, "", "14.00", False),
    # area: the zone's rate x m², minimum 100, exempt under 20
    ("tnb", {"area_m2": "500"}, "villa", "750.00", False),
    ("tnb", {"area_m2": "500"}, "immeuble", "1500.00", False),
    ("tnb", {"area_m2": "50"}, "villa", "100.00", False),  # 75.00 raised to the minimum
    ("tnb", {"area_m2": "13.34"}, "villa", "100.00", False),  # 20.01: taxed, at the minimum
    ("tnb", {"area_m2": "13.33"}, "villa", "100.00", False),  # 19.995 rounds to 20.00: not under the threshold
    ("tnb", {"area_m2": "13.32"}, "villa", "0.00", True),  # 19.98: exempt
    ("tnb", {"area_m2": "0"}, "immeuble", "0.00", True),
    # takings: takings x rate / 100, minimum 50
    ("debits-boissons", {"takings": "12345.67"}, "", "617.28", False),  # 617.2835
    ("debits-boissons", {"takings": "800"}, "", "50.00", False),  # 40.00 raised to the minimum
    # persons x nights
    ("sejour", {"persons": 3, "nights": "4"}, "", "120.00", False),
    ("sejour", {"persons": 0, "nights": 4}, "", "0.00", False),
    # m² x quarters, minimum 60
    ("odp", {"area_m2": "12.5", "quarters": 2}, "", "500.00", False),
    ("odp", {"area_m2": "1", "quarters": 1}, "", "60.00", False),
])
def test_tariff_computation_for_each_base(regie, code, values, zone, principal, exempt):
    computation = tariffs.compute(version(code), values, zone=zone)
    assert computation.principal == Decimal(principal) and computation.exempt == exempt
    assert set(computation.base_values) == set(tariffs.BASE_VALUES[version(code).base])


@pytest.mark.parametrize(("code", "values", "zone", "field"), [
    ("tnb", {"area_m2": "100"}, "industrielle", None),
    ("tnb", {}, "villa", "area_m2"),
    ("tnb", {"area_m2": "-3"}, "villa", "area_m2"),
    ("debits-boissons", {"takings": "beaucoup"}, "", "takings"),
    ("sejour", {"persons": "2.5", "nights": 1}, "", "persons"),
    ("sejour", {"persons": 2}, "", "nights"),
    ("odp", {"area_m2": "4", "quarters": "1e12"}, "", "quarters"),
])
def test_tariff_computation_refuses_wrong_values(regie, code, values, zone, field):
    with pytest.raises(ValidationError) as error:
        tariffs.compute(version(code), values, zone=zone)
    if field:
        assert field in error.value.message_dict


def test_the_version_in_force_on_the_date_is_used(regie):
    tariff = Tariff.objects.get(code="legalisation")
    TariffVersion.objects.create(tariff=tariff, effective_from=TODAY + datetime.timedelta(days=10), rate="3")
    assert tariffs.compute(tariffs.version_in_force(tariff, TODAY), {}).principal == Decimal("2.00")
    later = tariffs.version_in_force(tariff, TODAY + datetime.timedelta(days=10))
    assert tariffs.compute(later, {}).principal == Decimal("3.00")
    with pytest.raises(ValidationError, match="no amounts in force"):
        tariffs.version_in_force(tariff, datetime.date(2019, 12, 31))


# --- penalties ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("due", "paid", "months"), [
    ("2026-03-15", "2026-03-10", 0),
    ("2026-03-15", "2026-03-15", 0),  # on the due date: on time
    ("2026-03-15", "2026-03-16", 1),  # one day late: the first month
    ("2026-03-15", "2026-04-15", 1),  # one month to the day
    ("2026-03-15", "2026-04-16", 2),  # a month and a day: a further month begun
    ("2026-03-15", "2026-05-16", 3),
    ("2026-03-15", "2027-03-15", 12),
    ("2026-03-15", "2027-03-16", 13),
    ("2026-01-31", "2026-02-28", 1),  # month ends: Jan 31 + 1 month is Feb 28
    ("2026-01-31", "2026-03-01", 2),
])
def test_months_late(due, paid, months):
    assert tariffs.months_late(datetime.date.fromisoformat(due), datetime.date.fromisoformat(paid)) == months


@pytest.mark.parametrize(("principal", "paid", "penalty"), [
    ("1000.00", "2026-03-15", "0.00"),  # on the due date
    ("1000.00", "2026-03-16", "150.00"),  # one day late: 15 %
    ("1000.00", "2026-04-16", "155.00"),  # 1 month + 1 day: 15 % + 0.5 %
    ("1000.00", "2026-06-16", "165.00"),  # 3 months + 1 day: 15 % + 3 x 0.5 %
    ("2000.00", "2027-03-16", "420.00"),  # 13 months: 15 % + 12 x 0.5 %
    ("3333.33", "2026-04-16", "516.67"),  # 516.66615 rounded half up
    ("200.00", "2026-03-16", "100.00"),  # 30.00 raised to the minimum penalty
    ("0.00", "2027-03-16", "0.00"),  # nothing left due, nothing to add
])
def test_penalty_first_rate_then_monthly_with_a_minimum(regie, principal, paid, penalty):
    amount = tariffs.penalty(version("tnb"), Decimal(principal), datetime.date(2026, 3, 15),
                             datetime.date.fromisoformat(paid))
    assert amount == Decimal(penalty)


def test_a_tariff_without_penalties_adds_none(regie):
    assert tariffs.penalty(version("sejour"), Decimal("500"), datetime.date(2020, 1, 1), TODAY) == Decimal("0.00")


def test_a_late_assessment_is_paid_with_its_penalty_first(regie):
    taxpayer = Taxpayer.objects.create(name_ar="سعيد بنعلي", name_latin="Said Benali", cin="C123456")
    item = TaxableItem.objects.create(taxpayer=taxpayer, kind=TaxableItem.Kind.PARCEL, reference="TF-12/34",
                                      label="Lot 12", zone="immeuble", area_m2=Decimal("400"),
                                      tariff=Tariff.objects.get(code="tnb"))
    issued_on = TODAY - datetime.timedelta(days=30 + 40)  # due 40 days ago: 2 months begun
    with transaction.atomic():
        assessment = assessments.create_assessment(tariff=item.tariff, base_values={}, taxpayer=taxpayer, item=item,
                                                   on=issued_on)
    assert assessment.principal == Decimal("1200.00") and assessment.due_date == TODAY - datetime.timedelta(40)
    months = tariffs.months_late(assessment.due_date, TODAY)
    expected_penalty = (Decimal("1200.00") * (15 + Decimal("0.5") * (months - 1)) / 100).quantize(Decimal("0.01"))
    with pytest.raises(ValidationError, match="at least cover the late penalty"):
        receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment, amount="10.00"))
    part = receipts.issue_receipt(actor=regie["regisseur"],
                                  payment=Payment(assessment=assessment, amount=expected_penalty + 200))
    assert (part.penalty, part.principal) == (expected_penalty, Decimal("200.00"))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.PARTLY_PAID and assessment.principal_due == Decimal("1000.00")
    assert part.taxpayer == taxpayer and part.item == item and part.payer_name == "Said Benali"


# --- fees for other modules --------------------------------------------------------------------------------------


def test_charge_fee_is_idempotent_per_source_reference(regie):
    first = public.charge_fee(tariff_code="extrait-naissance", payer_name="Rim Idrissi",
                              source="civil_status.paper", source_reference="REQ-7")
    again = public.charge_fee(tariff_code="extrait-naissance", payer_name="Autre nom",
                              source="civil_status.paper", source_reference="REQ-7")
    other = public.charge_fee(tariff_code="extrait-naissance", payer_name="Rim Idrissi",
                              source="civil_status.paper", source_reference="REQ-8")
    elsewhere = public.charge_fee(tariff_code="extrait-naissance", payer_name="Rim Idrissi",
                                  source="urbanism.permit", source_reference="REQ-7")
    assert again == first and first.amount_due == Decimal("5.00") and not first.paid
    assert len({first.reference, other.reference, elsewhere.reference}) == 3
    assert Assessment.objects.filter(source="civil_status.paper", source_reference="REQ-7").count() == 1
    assert public.quote_fee("extrait-naissance") == Decimal("5.00")
    with pytest.raises(ValidationError, match="no fee"):
        public.charge_fee(tariff_code="inconnu", payer_name="X", source="s", source_reference="r")
    with pytest.raises(ValueError):
        public.charge_fee(tariff_code="extrait-naissance", payer_name="X", source="", source_reference="r")


def test_fee_paid_is_sent_after_the_commit_only_once_paid_in_full(regie, django_capture_on_commit_callbacks):
    told = []

    def listener(sender, **kwargs):
        told.append((kwargs["source"], kwargs["source_reference"], kwargs["assessment"].status))

    public.fee_paid.connect(listener, weak=False, dispatch_uid="test-rules-fee-paid")
    try:
        public.charge_fee(tariff_code="odp", base_values={"area_m2": "5", "quarters": "1"}, payer_name="Café",
                          source="urbanism.permit", source_reference="PC-2026-4")
        assessment = Assessment.objects.get(source_reference="PC-2026-4")
        assert assessment.principal == Decimal("100.00")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment, amount="40"))
        assert told == [] and not public.fee_status("urbanism.permit", "PC-2026-4").paid
        # A payment rolled back tells nothing.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment))
                raise RuntimeError("the counter's PC crashed")
        assert told == [] and callbacks == []
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment))
            assert told == [], "nothing is told before the commit"
        assert len(callbacks) == 1 and told == []
        callbacks[0]()
        assert told == [("urbanism.permit", "PC-2026-4", Assessment.Status.PAID)]
        status = public.fee_status("urbanism.permit", "PC-2026-4")
        assert status.paid and status.amount_due == Decimal("0.00")
    finally:
        public.fee_paid.disconnect(dispatch_uid="test-rules-fee-paid")


# --- Sefrou's records do not exist in Berkane --------------------------------------------------------------------


def test_sefrou_records_do_not_exist_inside_berkane(berkane, regie, in_commune):
    taxpayer = Taxpayer.objects.create(name_ar="شركة الأطلس", name_latin="Société Atlas", ice="001234567000089")
    receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=fee(units=3, taxpayer=taxpayer))
    assessment = assessments.issue_assessment(actor=regie["ordonnateur"], tariff=Tariff.objects.get(code="sejour"),
                                              base_values={"persons": 2, "nights": 3}, taxpayer=taxpayer)
    public.charge_fee(tariff_code="extrait-naissance", payer_name="Rim Idrissi", source="civil_status.paper",
                      source_reference="REQ-SEFROU")
    book = receipt.book
    set_subscriptions(berkane, ["regie"])
    with in_commune(berkane):
        cashier = get_user_model().objects.create_user("regisseur.berkane", first_name="Samir", last_name="Idrissi")
        cashier.groups.add(role_group("regie", "regisseur"))
        ordonnateur = get_user_model().objects.create_user("ordonnateur.berkane", first_name="Aicha",
                                                           last_name="Bennis")
        ordonnateur.groups.add(role_group("regie", "ordonnateur"))
        cashier, ordonnateur = (get_user_model().objects.get(pk=user.pk) for user in (cashier, ordonnateur))
        # Nothing of Sefrou's is there, by id or by what identifies it.
        assert not Receipt.objects.filter(pk=receipt.pk).exists() and not Receipt.objects.exists()
        assert not ReceiptBook.objects.filter(series=book.series, serial=book.serial).exists()
        assert not Taxpayer.objects.filter(ice="001234567000089").exists() and not Taxpayer.objects.exists()
        assert not Assessment.objects.filter(pk=assessment.pk).exists() and not Assessment.objects.exists()
        assert not Tariff.objects.exists() and not CashDay.objects.exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM regie_receipt WHERE payer_name = %s", ["Fatima Zahra Idrissi"])
            assert cursor.fetchone()[0] == 0
        assert public.fee_status("civil_status.paper", "REQ-SEFROU") is None
        # Nor can Berkane's staff touch them through the services.
        with pytest.raises(Receipt.DoesNotExist):
            receipts.void_receipt(receipt.pk, actor=cashier, reason="Intrusion")
        with pytest.raises(ReceiptBook.DoesNotExist):
            books.return_book(book.pk, actor=ordonnateur)
        with pytest.raises(ReceiptBook.DoesNotExist):
            books.issue_book(book.pk, actor=ordonnateur, holder=cashier)
        with pytest.raises((ReceiptBook.DoesNotExist, ValidationError)):
            receipts.issue_receipt(actor=cashier, payment=Payment(payer_name="X", taxpayer=taxpayer,
                                                                  tariff=Tariff(pk=1, code="legalisation")),
                                   book=book)
        with pytest.raises(Assessment.DoesNotExist):
            assessments.request_cancellation(assessment.pk, actor=ordonnateur, reason="Intrusion")
        with pytest.raises(CashDay.DoesNotExist):
            closing.close_day(receipt.cash_day_id, actor=cashier, counted_cash="0")
        assert not Receipt.objects.exists() and not Assessment.objects.exists()
    receipt.refresh_from_db()
    assessment.refresh_from_db()
    assert receipt.status == Receipt.Status.VALID and assessment.cancellation_reason == ""
    assert ReceiptBook.objects.get(pk=book.pk).holder == regie["regisseur"]
