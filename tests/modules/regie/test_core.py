"""Core services: receipts numbered in the book, voided and kept, the day closed, fees charged and paid."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from modules.regie import services as public
from modules.regie.models import Assessment, CashDay, Receipt, ReceiptBook, Tariff
from modules.regie.services import closing, receipts
from modules.regie.services.receipts import Payment

pytestmark = pytest.mark.django_db


def fee(code="legalisation", **values):
    return Payment(tariff=Tariff.objects.get(code=code), base_values=values, payer_name="Fatima Zahra Idrissi")


def test_counter_receipts_follow_the_book_and_a_void_keeps_its_number(regie):
    cashier = regie["regisseur"]
    first = receipts.issue_receipt(actor=cashier, payment=fee(units=3))
    second = receipts.issue_receipt(actor=cashier, payment=fee(units=1))
    assert second.number == first.number + 1
    assert first.amount == Decimal("6.00") and first.book.holder == cashier
    receipts.void_receipt(first.pk, actor=cashier, reason="Erreur de montant")
    first.refresh_from_db()
    assert first.status == Receipt.Status.VOIDED and first.number == second.number - 1
    with pytest.raises(ValidationError):
        receipts.void_receipt(second.pk, actor=cashier, reason="  ")


def test_closed_day_refuses_receipts_and_voids(regie):
    cashier = regie["regisseur"]
    kept = receipts.issue_receipt(actor=cashier, payment=fee(units=5))
    remittance = closing.close_day(kept.cash_day_id, actor=cashier, counted_cash="9.00", explanation="Pièce perdue")
    assert remittance.amount == Decimal("10.00")
    day = CashDay.objects.get(pk=kept.cash_day_id)
    assert day.variance == Decimal("-1.00") and day.status == CashDay.Status.CLOSED
    with pytest.raises(ValidationError):
        receipts.issue_receipt(actor=cashier, payment=fee())
    with pytest.raises(ValidationError):
        receipts.void_receipt(kept.pk, actor=cashier, reason="trop tard")
    with pytest.raises(Exception, match="closed"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE regie_receipt SET status = 'voided', void_reason = 'x' WHERE id = %s", [kept.pk])


def test_receipts_are_never_deleted_nor_rewritten(regie):
    receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=fee())
    with pytest.raises(Exception, match="never deleted"), transaction.atomic():
        Receipt.objects.filter(pk=receipt.pk).delete()
    with pytest.raises(Exception, match="valid to voided"), transaction.atomic():
        Receipt.objects.filter(pk=receipt.pk).update(payer_name="Quelqu'un d'autre")
    with pytest.raises(Exception, match="keeps its number"), transaction.atomic():
        Receipt.objects.filter(pk=receipt.pk).update(status="voided", void_reason="x", amount=Decimal("1"),
                                                     principal=Decimal("1"))


def test_fee_charged_by_another_module_is_paid_and_told(regie):
    told = []
    public.fee_paid.connect(lambda sender, **kwargs: told.append(kwargs["source_reference"]), weak=False,
                            dispatch_uid="test-fee-paid")
    try:
        status = public.charge_fee(tariff_code="extrait-naissance", payer_name="Rim Idrissi",
                                   source="civil_status.paper", source_reference="REQ-1")
        assert status.amount_due == Decimal("5.00") and not status.paid
        assert public.charge_fee(tariff_code="extrait-naissance", payer_name="Rim Idrissi",
                                 source="civil_status.paper", source_reference="REQ-1").reference == status.reference
        assessment = Assessment.objects.get(source_reference="REQ-1")
        with transaction.atomic():
            receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(assessment=assessment))
        assert public.fee_status("civil_status.paper", "REQ-1").paid
    finally:
        public.fee_paid.disconnect(dispatch_uid="test-fee-paid")


def test_consultation_cannot_collect(regie):
    with pytest.raises(PermissionDenied):
        receipts.issue_receipt(actor=regie["consultation"], payment=fee())


def test_books_of_the_recipe_are_in_the_ledger(regie):
    assert ReceiptBook.objects.filter(holder=regie["regisseur"]).count() == 2
    assert ReceiptBook.objects.filter(status=ReceiptBook.Status.IN_STOCK).count() == 2
