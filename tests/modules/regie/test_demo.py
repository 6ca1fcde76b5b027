"""Demo data of the régie: the demo recipes load (catalogue, budget, books, staff), a year of collection that
holds together (numbers without gaps in every book, closed days with their remittance, assessments paid, partly
paid, late and cancelled), fast, audited so that verify_audit passes, and loaded once. The budget page and the
home chart of the demo commune are photographed in a real browser (tests/artifacts/regie-budget*.png)."""

import time
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django_tenants.utils import schema_context

from modules.regie.demo import seed_demo_data
from modules.regie.models import (
    Assessment,
    BudgetLine,
    CashDay,
    Receipt,
    ReceiptBook,
    Remittance,
    Tariff,
    TaxableItem,
    Taxpayer,
)
from modules.regie.selectors.budget import budget_report
from modules.regie.services.books import unaccounted_numbers, used_count
from modules.regie.services.receipts import Payment, issue_receipt
from tenants.models import Commune
from tenants.recipes import parse_recipe
from tenants.services.provisioning import provision_commune
from tests.e2e.conftest import browser, live_port  # noqa: F401  (the browser fixtures, for the screenshots)

DEMO = settings.BASE_DIR / "recipes" / "demo"
TODAY = timezone.localdate()


@pytest.fixture(scope="module")
def demo_commune(django_db_setup, django_db_blocker):
    """Sefrou's demo recipe provisioned for real as a throwaway commune, dropped at the end of the module."""
    data = yaml.safe_load((DEMO / "sefrou.yaml").read_text())
    data["commune"]["slug"], data["domains"] = "sefrou-demo", ["sefrou-demo"]
    data["sections"]["civil_status"]["demo_acts"] = 40
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        started = time.monotonic()
        provision_commune(parse_recipe(data, source=DEMO / "sefrou.yaml"))
        elapsed = time.monotonic() - started
        yield {"slug": "sefrou-demo", "seconds": elapsed, "data": data}
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute('DROP SCHEMA IF EXISTS "sefrou_demo" CASCADE')
        Commune.objects.filter(slug="sefrou-demo").delete()


@pytest.fixture
def demo(demo_commune, db):
    with schema_context("sefrou_demo"):
        connection.tenant = Commune.objects.get(slug="sefrou-demo")
        yield demo_commune


def test_the_demo_recipes_parse_with_their_regie_sections():
    for name in ("sefrou", "berkane", "formation-sefrou"):
        recipe = parse_recipe(yaml.safe_load((DEMO / f"{name}.yaml").read_text()), source=DEMO / f"{name}.yaml")
        section = recipe.sections["regie"]
        assert recipe.demo_data and section["tariffs"] and section["budget"] and section["demo"]["stock_books"]
        assert any(role.startswith("regie.regisseur") for person in recipe.staff for role in person.roles)


def test_the_demo_commune_has_a_living_year(demo):
    assert demo["seconds"] < 120  # the whole commune, every module; the régie's share is timed below
    assert Tariff.objects.count() >= 15 and BudgetLine.objects.filter(year=TODAY.year).count() >= 12
    people = Taxpayer.objects.filter(kind=Taxpayer.Kind.PERSON)
    assert people.count() >= 30 and Taxpayer.objects.filter(kind=Taxpayer.Kind.COMPANY).count() >= 8
    for taxpayer in Taxpayer.objects.all():
        taxpayer.full_clean()  # CIN, ICE and phone as the validators want them
        assert taxpayer.name_ar and taxpayer.name_latin
    kinds = set(TaxableItem.objects.values_list("kind", flat=True))
    assert kinds == {"parcel", "establishment", "occupation", "sign"}
    assert not TaxableItem.objects.filter(kind="parcel", zone="").exists()
    statuses = set(Assessment.objects.values_list("status", flat=True))
    assert statuses == {"issued", "partly_paid", "paid", "cancelled"}
    late = Assessment.objects.filter(due_date__lt=TODAY, status__in=["issued", "partly_paid"])
    assert late.exists() and Receipt.objects.filter(penalty__gt=0).exists()
    for assessment in Assessment.objects.annotate(
            paid=Sum("receipts__principal", filter=Q(receipts__status="valid"))):
        assert (assessment.paid or Decimal("0")) == assessment.principal_paid
    assert not Assessment.objects.filter(status="cancelled", cancellation_reason="").exists()


def test_books_days_and_remittances_hold_together(demo):
    days = CashDay.objects.all()
    assert days.count() > 50 and not days.filter(day__gte=TODAY).exists()
    assert not days.filter(status=CashDay.Status.OPEN).exists()
    assert Remittance.objects.count() == days.count()
    for day in days.annotate(cash=Sum("receipts__amount", filter=Q(receipts__status="valid",
                                                                    receipts__method="cash")),
                             count=Count("receipts")):
        assert day.count and (day.cash or Decimal("0")) == day.system_cash == day.remittance.cash
        assert day.counted_cash - day.system_cash == day.variance and (not day.variance or day.variance_explanation)
    numbers = list(Remittance.objects.order_by("number").values_list("number", "cash_day__day"))
    assert [number for number, _day in numbers] == list(range(1, len(numbers) + 1))
    assert [day for _number, day in numbers] == sorted(day for _number, day in numbers)
    for book in ReceiptBook.objects.filter(status__in=["in_use", "returned"]):
        taken = list(book.receipts.order_by("number").values_list("number", flat=True))
        assert taken == list(range(book.first_number, book.first_number + len(taken)))
        assert used_count(book) == len(taken) and unaccounted_numbers(book) == []
        assert book.movements.filter(kind="received").get().at < book.movements.filter(kind="issued").get().at
    assert ReceiptBook.objects.filter(use="field", device_blocks__isnull=False).exists()
    assert ReceiptBook.objects.filter(status="in_stock").count() == 4
    for series in ("QC", "QT"):  # serials follow the dates the books were received
        received = [book.movements.get(kind="received").at for book in
                    ReceiptBook.objects.filter(series=series).order_by("serial")]
        assert received == sorted(received)
    assert Receipt.objects.filter(status="voided").exclude(void_reason="").exists()
    report = budget_report(TODAY.year)
    assert report.collected > 0 and not report.unbudgeted
    assert sum(1 for line in report.lines if line.collected) >= 10


def test_the_counter_carries_on_from_the_demo_and_the_audit_verifies(demo, capsys):
    cashier = get_user_model().objects.get(username="regisseur.sefrou")
    book = ReceiptBook.objects.get(holder=cashier, status="in_use", use="counter")
    last = book.receipts.order_by("-number").values_list("number", flat=True).first()
    from django.db import transaction

    with transaction.atomic():
        receipt = issue_receipt(actor=cashier, payment=Payment(tariff=Tariff.objects.get(code="legalisation"),
                                                               payer_name="Samir Kettani"))
    assert (receipt.book_id, receipt.number) == (book.pk, last + 1)
    call_command("verify_audit", schema=["sefrou_demo"])
    assert "sefrou_demo" in capsys.readouterr().out


def test_the_demo_is_loaded_once(demo):
    before = Receipt.objects.count()
    assert seed_demo_data(demo["data"]["sections"]["regie"]) == {}
    assert Receipt.objects.count() == before


def test_seeding_takes_a_few_seconds(sefrou, in_commune):
    section = yaml.safe_load((DEMO / "sefrou.yaml").read_text())["sections"]["regie"]
    with in_commune(sefrou):
        # Sefrou (tests/recipes) has its catalogue and staff but no demo data yet: give it the demo's catalogue.
        from modules.regie.recipe import load_budget, load_catalogue

        load_catalogue(section["tariffs"])
        load_budget(section["budget"])
        started = time.monotonic()
        counts = seed_demo_data({**section, "demo": {"cashier": "regisseur.sefrou",
                                                      "collector": "collecteur.sefrou",
                                                      "ordonnateur": "ordonnateur.sefrou"}})
        seconds = time.monotonic() - started
    assert counts["receipts"] > 1000 and counts["days"] > 100
    assert seconds < 15, f"{seconds:.1f} s for {counts}"


def _speak(username, language):
    from wagtail.users.models import UserProfile

    connection.set_schema_to_public()
    with schema_context("sefrou_demo"):
        profile = UserProfile.get_for_user(get_user_model().objects.get(username=username))
        profile.preferred_language = language
        profile.save()


@pytest.mark.browser
@pytest.mark.slow
def test_screenshots_of_the_budget_and_the_home_chart(demo_commune, live_port, browser, django_db_blocker):  # noqa: F811
    from tests.e2e.conftest import outside_the_browser_loop, screenshot

    base = f"http://sefrou-demo.localhost:{live_port}"
    for language in ("fr", "ar"):
        with django_db_blocker.unblock():
            outside_the_browser_loop(lambda language=language: _speak("ordonnateur.sefrou", language))
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "ordonnateur.sefrou")
        page.fill("#id_password", "jamaa-demo")
        page.locator("form button[type=submit]").first.click()
        page.wait_for_url("**/admin/")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        panel = page.locator("#rg-panel-heading").locator("xpath=ancestor::section[1]")
        panel.scroll_into_view_if_needed()
        panel.screenshot(path=str(screenshot(page, f"regie-budget-home-{language}").with_name(
            f"regie-budget-panel-{language}.png")))
        page.goto(f"{base}/admin/regie/budget/")
        assert page.locator("svg.rg-chart__svg rect").count() >= 20
        screenshot(page, f"regie-budget-{language}")
        page.goto(f"{base}/admin/regie/books/")
        screenshot(page, f"regie-books-{language}")
        context.close()
