"""Receipt-book stock: books received, issued, refused back while numbers are unaccounted for, voided spoiled
numbers, the annual check (a book not presented needs a remark) and its PDF report; the screens in French and
Arabic; Berkane's staff never see Sefrou's books."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.users.models import UserProfile

from modules.regie.models import AnnualCheck, BookMovement, Receipt, ReceiptBook, Tariff
from modules.regie.services import books, field
from modules.regie.services.receipts import Payment
from platform_core.modules.roles import role_group
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import host_of

pytestmark = pytest.mark.django_db

BASE = "/admin/regie/"
YEAR = timezone.localdate().year


def refused(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def speaking(user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


@pytest.fixture
def clients(regie, sefrou, client_for):
    made = {}
    for name in ("ordonnateur", "regisseur", "consultation", "collecteur"):
        made[name] = client_for(sefrou)
        made[name].force_login(regie[name])
    return made


def device_numbers(collector, count=5, uploaded=2):
    """A field collector takes `count` numbers for a device and uploads `uploaded` of them."""
    block = field.reserve_block(actor=collector, device_id="tablette-7", count=count)
    tariff = Tariff.objects.get(code="odp")
    now = timezone.now() - datetime.timedelta(minutes=5)
    for offset in range(uploaded):
        field.upload_receipt(actor=collector, device_id="tablette-7", idempotency_key=f"upload-key-{offset:04d}",
                             book_id=block.book_id, number=block.first_number + offset, collected_at=now,
                             payment=Payment(tariff=tariff, base_values={"area_m2": "6", "quarters": "1"},
                                             payer_name="Café Atlas"))
    return block


def test_receive_books_continues_the_series_and_writes_the_ledger(regie, clients):
    before = list(ReceiptBook.objects.filter(series="QC", year=YEAR).order_by("serial"))
    response = clients["ordonnateur"].post(f"{BASE}books/receive/", {"series": "qc", "year": YEAR, "count": 2,
                                                                      "size": 25, "use": "counter"})
    assert response.status_code == 302, response.content.decode()[:1500]
    new = list(ReceiptBook.objects.filter(series="QC", year=YEAR).order_by("serial"))[len(before):]
    assert [book.serial for book in new] == [before[-1].serial + 1, before[-1].serial + 2]
    assert new[0].first_number == max(book.last_number for book in before) + 1
    assert new[1].first_number == new[0].last_number + 1 and new[1].size == 25
    assert all(book.movements.get().kind == BookMovement.Kind.RECEIVED for book in new)
    # Only the ordonnateur records books.
    assert refused(clients["regisseur"].post(f"{BASE}books/receive/", {"series": "QC", "year": YEAR, "count": 1,
                                                                        "size": 10, "use": "counter"}))
    bad = clients["ordonnateur"].post(f"{BASE}books/receive/", {"series": "Q1", "year": YEAR, "count": 0,
                                                                 "size": 10, "use": "counter"})
    assert bad.status_code == 200 and ReceiptBook.objects.filter(series="QC", year=YEAR).count() == len(before) + 2


def test_issue_a_book_from_stock(regie, clients):
    book = ReceiptBook.objects.filter(status=ReceiptBook.Status.IN_STOCK).first()
    wrong = clients["ordonnateur"].post(f"{BASE}books/{book.pk}/issue/", {"holder": regie["consultation"].pk})
    assert wrong.status_code == 200
    response = clients["ordonnateur"].post(f"{BASE}books/{book.pk}/issue/", {"holder": regie["regisseur2"].pk})
    assert response.status_code == 302
    book.refresh_from_db()
    assert book.status == ReceiptBook.Status.ISSUED and book.holder == regie["regisseur2"]
    assert book.movements.filter(kind=BookMovement.Kind.ISSUED, holder=regie["regisseur2"]).exists()
    again = clients["ordonnateur"].post(f"{BASE}books/{book.pk}/issue/", {"holder": regie["regisseur"].pk})
    assert again.status_code == 200 and "QC" in again.content.decode()
    book.refresh_from_db()
    assert book.holder == regie["regisseur2"]


def test_return_refused_with_the_unaccounted_numbers_then_spoiled_numbers_voided(regie, clients):
    block = device_numbers(regie["collecteur"], count=5, uploaded=2)
    missing = list(range(block.first_number + 2, block.first_number + 5))
    assert books.unaccounted_numbers(block.book) == missing
    refusal = clients["ordonnateur"].post(f"{BASE}books/{block.book_id}/return/", {"note": "fin de campagne"})
    page = refusal.content.decode()
    assert refusal.status_code == 400 and f"{missing[0]}–{missing[-1]}" in page
    assert ReceiptBook.objects.get(pk=block.book_id).status == ReceiptBook.Status.IN_USE
    # The ledger shows them too.
    assert f"{missing[0]}, {missing[1]}, {missing[2]}" in clients["ordonnateur"].get(
        f"{BASE}books/{block.book_id}/").content.decode()
    no_reason = clients["ordonnateur"].post(f"{BASE}books/{block.book_id}/void-number/",
                                            {"number": missing[0], "reason": ""})
    assert no_reason.status_code == 400
    outside = clients["ordonnateur"].post(f"{BASE}books/{block.book_id}/void-number/",
                                          {"number": block.book.last_number, "reason": "souche déchirée"})
    assert outside.status_code == 400 and not Receipt.objects.filter(number=block.book.last_number,
                                                                     book=block.book).exists()
    for number in missing:
        response = clients["ordonnateur"].post(f"{BASE}books/{block.book_id}/void-number/",
                                               {"number": number, "reason": "tablette perdue"})
        assert response.status_code == 302
    assert Receipt.objects.filter(book_id=block.book_id, status=Receipt.Status.VOIDED).count() == 3
    done = clients["ordonnateur"].post(f"{BASE}books/{block.book_id}/return/", {"note": "fin de campagne"})
    assert done.status_code == 302
    book = ReceiptBook.objects.get(pk=block.book_id)
    assert book.status == ReceiptBook.Status.RETURNED
    returned = book.movements.get(kind=BookMovement.Kind.RETURNED)
    assert (returned.first_number, returned.last_number) == (block.last_number + 1, book.last_number)
    # A field collector may neither return nor void.
    assert refused(clients["collecteur"].post(f"{BASE}books/{book.pk}/return/", {}))


def test_annual_check_needs_a_remark_for_each_book_not_presented(regie, clients):
    year_books = list(ReceiptBook.objects.filter(year=YEAR).order_by("series", "serial"))
    shown, hidden = year_books[:-1], year_books[-1]
    data = {"year": YEAR, "remarks": "Contrôle sur place"}
    data.update({f"presented_{book.pk}": "on" for book in shown})
    missing_remark = clients["ordonnateur"].post(f"{BASE}books/check/?year={YEAR}", data)
    assert missing_remark.status_code == 400 and not AnnualCheck.objects.filter(year=YEAR).exists()
    assert hidden.label in missing_remark.content.decode()
    with pytest.raises(ValidationError, match=hidden.label):
        books.perform_annual_check(actor=regie["ordonnateur"], year=YEAR, presented={b.pk for b in shown})
    data[f"remark_{hidden.pk}"] = "Chez le collecteur en congé"
    assert refused(clients["regisseur"].post(f"{BASE}books/check/?year={YEAR}", data))
    response = clients["ordonnateur"].post(f"{BASE}books/check/?year={YEAR}", data)
    assert response.status_code == 302
    run = AnnualCheck.objects.get(year=YEAR)
    assert run.books.count() == len(year_books)
    line = run.books.get(book=hidden)
    assert not line.presented and line.remark == "Chez le collecteur en congé"
    report = clients["consultation"].get(f"{BASE}books/check/?year={YEAR}").content.decode()
    assert "Chez le collecteur en congé" in report and hidden.label in report
    pdf = clients["ordonnateur"].get(f"{BASE}books/check/{YEAR}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_screens_render_in_french_and_arabic(regie, clients, language):
    speaking(regie["ordonnateur"], language)
    book = ReceiptBook.objects.filter(holder=regie["regisseur"]).first()
    direction = 'dir="rtl"' if language == "ar" else 'dir="ltr"'
    for address in ("books/", f"books/?year={YEAR}&status=issued&use=counter", f"books/{book.pk}/",
                    "books/receive/", f"books/{book.pk}/return/", f"books/check/?year={YEAR}"):
        response = clients["ordonnateur"].get(BASE + address)
        assert response.status_code == 200, address
        assert direction in response.content.decode()
    ledger = clients["ordonnateur"].get(f"{BASE}books/?year={YEAR}").content.decode()
    for every in ReceiptBook.objects.filter(year=YEAR):
        assert every.label in ledger
    # Reading the ledger needs only the view permission; the buttons that write are for the ordonnateur.
    reader = clients["consultation"].get(f"{BASE}books/").content.decode()
    assert book.label in reader and "books/receive/" not in reader
    stock = ReceiptBook.objects.filter(status=ReceiptBook.Status.IN_STOCK).first()
    assert f"/books/{stock.pk}/issue/" in clients["ordonnateur"].get(f"{BASE}books/{stock.pk}/").content.decode()


def test_berkane_cannot_see_or_touch_sefrous_books(sefrou, berkane, in_commune, client_for):
    set_subscriptions(berkane, ["regie"])
    with in_commune(sefrou):
        sefrou_book = ReceiptBook.objects.filter(series="QC").order_by("pk").last()
    with in_commune(berkane):
        their = get_user_model().objects.create_user("ordonnateur.berkane", first_name="Rachid", last_name="Ziani")
        their.groups.add(role_group("regie", "ordonnateur"))
        assert not ReceiptBook.objects.filter(pk=sefrou_book.pk, series="QC").exists()
        client = client_for(berkane)
        client.force_login(their)
        ledger = client.get(f"{BASE}books/")
        assert ledger.status_code == 200 and sefrou_book.label not in ledger.content.decode()
        assert client.get(f"{BASE}books/{sefrou_book.pk}/").status_code == 404
        response = client.post(f"{BASE}books/{sefrou_book.pk}/issue/", {"holder": their.pk})
        assert response.status_code == 404
    # Berkane's session does not open Sefrou's back office.
    assert client.get(f"{BASE}books/", HTTP_HOST=host_of(sefrou)).status_code == 302
    with in_commune(sefrou):
        sefrou_book.refresh_from_db()
        assert sefrou_book.holder is None or sefrou_book.holder.username.endswith(".sefrou")
