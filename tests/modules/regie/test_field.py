"""Field collection from a collector's device: the assignment downloaded for working offline, blocks of receipt
numbers, receipts uploaded later with the device's own keys (stored once however often they are sent, even at
once), numbers outside the device's blocks refused, and a book returned only when every number is accounted for."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from modules.regie.models import Receipt, ReceiptBook, Tariff, TaxableItem, Taxpayer
from modules.regie.services import assessments, books, field
from platform_core.modules.roles import role_group
from tests.conftest import host_of, inside

UPLOAD = "/api/v1/regie/field/receipts/"
BLOCKS = "/api/v1/regie/field/blocks/"
ASSIGNMENT = "/api/v1/regie/field/assignment/"
DEVICE = "TAB-SEFROU-07"


def collector_named(username):
    user = get_user_model().objects.create_user(username, first_name="Driss", last_name="Kettani")
    user.groups.add(role_group("regie", "field_collector"))
    return get_user_model().objects.get(pk=user.pk)


class Device:
    """A collector's device talking to the commune's API with the collector's token."""

    def __init__(self, client, token, device_id=DEVICE):
        self.client, self.token, self.device_id = client, token, device_id

    def get(self, path, language="fr"):
        return self.client.get(path, HTTP_AUTHORIZATION=f"Token {self.token}", HTTP_ACCEPT_LANGUAGE=language)

    def post(self, path, body, language="fr", **headers):
        return self.client.post(path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language,
                                HTTP_AUTHORIZATION=f"Token {self.token}", **headers)

    def reserve(self, count):
        answer = self.post(BLOCKS, {"device_id": self.device_id, "count": count})
        assert answer.status_code == 201, answer.content
        return answer.json()

    def receipt(self, block, number, **changes):
        """A receipt as the device writes it offline: a fee of 2 units of légalisation (4.00 DH) by default."""
        return {"idempotency_key": str(uuid.uuid4()), "device_id": self.device_id, "book": block["book"],
                "number": number, "collected_at": timezone.now().isoformat(), "tariff": "legalisation",
                "base_values": {"units": 2}, "payer_name": "Khadija Alami", "method": "cash", "amount": "4.00",
                **changes}


@pytest.fixture
def round_(sefrou, regie, client_for):
    """In Sefrou: the collector's round (a parcel with an assessment, an occupation of public land), an item of
    nobody's round, and the collector's device."""
    collector = regie["collecteur"]
    taxpayer = Taxpayer.objects.create(name_ar="مقهى النخيل", name_latin="Café Les Palmiers", kind="company",
                                       ice="002233445000067", phone="0535 667788", address="Place Moulay Hassan")
    tnb, odp = Tariff.objects.get(code="tnb"), Tariff.objects.get(code="odp")
    parcel = TaxableItem.objects.create(taxpayer=taxpayer, kind="parcel", reference="TF-88/07", label="Lot 12",
                                        zone="immeuble", area_m2=Decimal("80"), tariff=tnb, collector=collector,
                                        address="Hay Slaoui")
    terrace = TaxableItem.objects.create(taxpayer=taxpayer, kind="occupation", reference="ODP-14",
                                         label="Terrasse", area_m2=Decimal("6"), tariff=odp, collector=collector,
                                         address="Place Moulay Hassan")
    TaxableItem.objects.create(taxpayer=taxpayer, kind="sign", reference="ENS-3", label="Enseigne", tariff=odp)
    TaxableItem.objects.create(taxpayer=taxpayer, kind="occupation", reference="ODP-OLD", label="Ancien kiosque",
                               tariff=odp, collector=collector, active=False)
    assessment = assessments.issue_assessment(actor=regie["ordonnateur"], tariff=tnb, taxpayer=taxpayer,
                                              item=parcel, period="2026")
    token = Token.objects.create(user=collector).key
    return {"device": Device(client_for(sefrou), token), "assessment": assessment, "parcel": parcel,
            "terrace": terrace, "collector": collector, "book": ReceiptBook.objects.get(holder=collector)}


def test_the_assignment_holds_what_the_device_needs_offline(round_):
    device = round_["device"]
    assignment = device.get(ASSIGNMENT).json()
    assert assignment["collector"] == "collecteur.sefrou" and assignment["blocks"] == []
    items = {item["reference"]: item for item in assignment["items"]}
    assert set(items) == {"TF-88/07", "ODP-14"}  # not another's item, not an inactive one
    parcel = items["TF-88/07"]
    assert parcel["taxpayer"]["name_latin"] == "Café Les Palmiers" and parcel["taxpayer"]["phone"] == "0535 667788"
    version = parcel["tariff"]["version_in_force"]
    assert (parcel["tariff"]["code"], version["base"]) == ("tnb", "area")
    assert {rate["zone"]: rate["rate"] for rate in version["zone_rates"]}["immeuble"] == "3.0000"
    assert (version["minimum_amount"], version["penalty_rate"]) == ("100.00", "15.00")
    [due] = parcel["open_assessments"]
    assert (due["reference"], due["amount_due"], due["penalty_due"]) == (round_["assessment"].reference, "240.00",
                                                                         "0.00")
    assert items["ODP-14"]["open_assessments"] == [] and items["ODP-14"]["area_m2"] == "6.00"
    assert {"legalisation", "sejour", "odp"} <= {tariff["code"] for tariff in assignment["tariffs"]}

    block = device.reserve(5)
    assert device.post(UPLOAD, device.receipt(block, block["first_number"])).status_code == 201
    [open_block] = device.get(f"{ASSIGNMENT}?device_id={DEVICE}").json()["blocks"]
    assert open_block["unused_numbers"] == list(range(block["first_number"] + 1, block["last_number"] + 1))
    assert device.get(f"{ASSIGNMENT}?device_id=OTHER").json()["blocks"] == []


def test_blocks_are_reserved_from_the_collectors_field_book(round_, regie):
    device, book = round_["device"], round_["book"]
    first = device.reserve(10)
    assert (first["book"], first["first_number"], first["last_number"]) == (book.pk, book.first_number,
                                                                            book.first_number + 9)
    assert first["book_label"] == book.label and first["device_id"] == DEVICE
    second = device.reserve(5)
    assert (second["first_number"], second["last_number"]) == (book.first_number + 10, book.first_number + 14)
    rest = device.reserve(500)  # the book has 185 left: the block is what remains
    assert (rest["first_number"], rest["last_number"]) == (book.first_number + 15, book.last_number)
    empty = device.post(BLOCKS, {"device_id": DEVICE, "count": 1})
    assert empty.status_code == 400 and "non_field_errors" in empty.json()
    assert device.post(BLOCKS, {"device_id": DEVICE, "count": 0}).status_code == 400
    assert device.post(BLOCKS, {"count": 3}).json() == {"device_id": ["Ce champ est obligatoire."]}
    assert [b["id"] for b in device.get(BLOCKS).json()] == [first["id"], second["id"], rest["id"]]
    book.refresh_from_db()
    assert book.status == ReceiptBook.Status.IN_USE and books.used_count(book) == book.size


def test_the_same_upload_sent_three_times_creates_one_receipt(round_):
    device, assessment = round_["device"], round_["assessment"]
    block = device.reserve(3)
    upload = device.receipt(block, block["first_number"], tariff=None, base_values={}, assessment=assessment.pk,
                            amount="240.00", payer_name="")
    before = Receipt.objects.count()
    answers = [device.post(UPLOAD, upload) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [201, 200, 200]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert Receipt.objects.count() == before + 1
    receipt = Receipt.objects.get(idempotency_key=upload["idempotency_key"])
    assert (receipt.number, receipt.amount, receipt.cashier) == (block["first_number"], Decimal("240.00"),
                                                                 round_["collector"])
    assert receipt.device_block_id == block["id"] and receipt.payer_name == "Café Les Palmiers"
    assessment.refresh_from_db()
    assert assessment.status == assessment.Status.PAID

    # The key reused for another receipt is a conflict, and nothing is written.
    reused = device.post(UPLOAD, {**upload, "number": block["first_number"] + 1})
    assert reused.status_code == 409 and reused.json()["detail"]
    assert Receipt.objects.count() == before + 1


def test_numbers_outside_the_devices_blocks_are_refused(round_, regie):
    device, book = round_["device"], round_["book"]
    block = device.reserve(2)
    beyond = device.post(UPLOAD, device.receipt(block, block["last_number"] + 1))
    assert beyond.status_code == 400 and str(block["last_number"] + 1) in beyond.json()["number"][0]
    other_device = device.post(UPLOAD, device.receipt(block, block["first_number"], device_id="TAB-OTHER"))
    assert other_device.status_code == 400 and "number" in other_device.json()

    # Another collector's block, even with the right device name, is not this collector's.
    other = collector_named("collecteur2.sefrou")
    [other_book] = books.create_books(series="QT", year=timezone.localdate().year, count=1, size=20,
                                      use=ReceiptBook.Use.FIELD)
    books.hand_over(other_book, other)
    theirs = field.reserve_block(actor=other, device_id=DEVICE, count=5)
    stolen = device.post(UPLOAD, {**device.receipt(block, theirs.first_number), "book": other_book.pk})
    assert stolen.status_code == 400 and "number" in stolen.json()
    wrong_amount = device.post(UPLOAD, device.receipt(block, block["first_number"], amount="5.00"))
    assert wrong_amount.status_code == 400 and "4.00" in wrong_amount.json()["amount"][0]
    assert not Receipt.objects.filter(book__in=[book, other_book]).exists()
    # Only a field collector uploads.
    office = Device(device.client, Token.objects.create(user=regie["regisseur"]).key)
    assert office.post(UPLOAD, device.receipt(block, block["first_number"])).status_code == 403


def test_a_batch_answers_per_item_and_keeps_the_good_ones(round_):
    device = round_["device"]
    block = device.reserve(4)
    start = block["first_number"]
    first = device.receipt(block, start)
    assert device.post(UPLOAD, first).status_code == 201
    batch = [
        first,  # already stored: replayed
        device.receipt(block, start + 1, tariff="odp", item=round_["terrace"].pk, base_values={"quarters": 1},
                       amount="120.00"),
        device.receipt(block, start + 99),  # outside the block
        {**device.receipt(block, start + 2), "collected_at": "yesterday"},
        device.receipt(block, start + 3, method="cheque", method_reference="CHQ-1", amount="4.00"),
        "not a receipt",
    ]
    answer = device.post(UPLOAD, batch)
    assert answer.status_code == 200
    results = answer.json()
    assert [(r["index"], r["result"], r["status"]) for r in results] == [
        (0, "replayed", 200), (1, "created", 201), (2, "error", 400), (3, "error", 400), (4, "created", 201),
        (5, "error", 400)]
    assert results[1]["receipt"]["amount"] == "120.00" and results[1]["receipt"]["item"] == round_["terrace"].pk
    assert "number" in results[2]["errors"] and "collected_at" in results[3]["errors"]
    assert results[0]["receipt"]["id"] == Receipt.objects.get(idempotency_key=first["idempotency_key"]).pk
    assert set(Receipt.objects.filter(device_block_id=block["id"]).values_list("number", flat=True)) == {
        start, start + 1, start + 3}
    # Sending the whole batch again stores nothing more.
    again = device.post(UPLOAD, batch).json()
    assert [r["result"] for r in again] == ["replayed", "replayed", "error", "error", "replayed", "error"]
    assert Receipt.objects.filter(device_block_id=block["id"]).count() == 3
    assert device.post(UPLOAD, []).status_code == 400


def test_a_book_is_returned_only_once_every_number_given_is_accounted_for(round_, regie):
    device, book, ordonnateur = round_["device"], round_["book"], regie["ordonnateur"]
    block = device.reserve(3)
    start = block["first_number"]
    assert device.post(UPLOAD, device.receipt(block, start)).status_code == 201
    with pytest.raises(ValidationError, match=f"{start + 1}–{start + 2}"):
        books.return_book(book.pk, actor=ordonnateur)
    for number in (start + 1, start + 2):
        spoiled = field.void_spoiled_number(actor=ordonnateur, book_id=book.pk, number=number,
                                            reason="Tablette tombée en panne")
        assert (spoiled.status, spoiled.amount, spoiled.device_block_id) == ("voided", Decimal("0.00"), block["id"])
    returned = books.return_book(book.pk, actor=ordonnateur, note="Fin de tournée")
    assert returned.status == ReceiptBook.Status.RETURNED
    # Numbers are no longer taken from a returned book, nor uploaded to it.
    late = device.post(UPLOAD, device.receipt(block, start + 1))
    assert late.status_code == 400
    assert device.post(BLOCKS, {"device_id": DEVICE, "count": 1}).status_code == 400
    assert device.get(ASSIGNMENT).json()["blocks"] == []


def test_errors_of_the_device_come_in_its_language(round_):
    device = round_["device"]
    fr = device.post(BLOCKS, {"device_id": DEVICE}, language="fr")
    ar = device.post(BLOCKS, {"device_id": DEVICE}, language="ar")
    assert fr.json() == {"count": ["Ce champ est obligatoire."]}
    assert ar.json() == {"count": ["هذا الحقل إلزامي."]}


def test_concurrent_duplicate_uploads_store_one_receipt(django_db_setup, django_db_blocker):
    """Real commits and real concurrency: the device's retries arrive at once, on separate connections."""
    from tenants.models import Commune

    with django_db_blocker.unblock():
        sefrou = Commune.objects.get(slug="sefrou")
        code = uuid.uuid4().hex[:6]
        with inside(sefrou):
            collector = collector_named(f"collecteur.{code}")
            with transaction.atomic():
                [book] = books.create_books(series="QTC", year=timezone.localdate().year, count=1, size=20,
                                            use=ReceiptBook.Use.FIELD)
                books.hand_over(book, collector)
            token = Token.objects.create(user=collector).key
            block = field.reserve_block(actor=collector, device_id=DEVICE, count=5)
        connection.set_schema_to_public()
        device = Device(None, token)
        upload = device.receipt({"book": book.pk}, block.first_number)
        barrier = threading.Barrier(8)

        def send(_index):
            try:
                client = Client(HTTP_HOST=host_of(sefrou))
                barrier.wait()
                answer = client.post(UPLOAD, upload, content_type="application/json",
                                     HTTP_AUTHORIZATION=f"Token {token}")
                return answer.status_code, answer.json().get("id")
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(send, range(8)))
        assert sorted(status for status, _id in answers) == [200] * 7 + [201], answers
        assert len({receipt_id for _status, receipt_id in answers}) == 1
        with inside(sefrou):
            stored = Receipt.objects.filter(book=book)
            assert [(receipt.number, receipt.amount) for receipt in stored] == [(block.first_number,
                                                                                Decimal("4.00"))]
        connection.set_schema_to_public()
