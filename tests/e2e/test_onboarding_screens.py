"""An onboarding commune in a real browser: its coming-soon page on a phone in Arabic and French, and the chef de
bureau's declared registers with the share of each already in the database (screenshots looked at)."""

import datetime
import json

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from wagtail.users.models import UserProfile

from modules.civil_status.bulk import copy_rows
from modules.civil_status.importing import declarations
from modules.civil_status.models import Act, Bureau
from tenants.models import Commune
from tenants.recipes import parse_recipe
from tenants.services.provisioning import provision_commune
from tests.conftest import RECIPES, drop_commune
from tests.e2e.conftest import admin_sign_in, outside_the_browser_loop, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLUG = "onboarding-h4-e2e"
COLUMNS = [field for field in Act._meta.concrete_fields if not field.primary_key and not field.generated]


def _acts(bureau, kind, year, count, clerk):
    now = timezone.now()
    rows = []
    for number in range(1, count + 1):
        act = Act(bureau=bureau, kind=kind, status=Act.Status.SIGNED, year=year, number=number, sex=Act.Sex.MALE,
                  first_names_ar="ياسين", first_names_latin="Yassine", family_name_ar="بناني",
                  family_name_latin="Bennani", event_date=datetime.date(year, 3, 1), event_hijri="-",
                  event_place_fr="Imouzzer", event_place_ar="إيموزار", declarant={"name": "Omar Bennani"},
                  drafted_by=clerk, drafted_at=now, drawn_up_on=datetime.date(year, 3, 2), signed_at=now)
        rows.append([json.dumps(value) if isinstance(value, dict) else value
                     for value in (getattr(act, field.attname) for field in COLUMNS)])
    copy_rows(Act, [field.column for field in COLUMNS], rows)


@pytest.fixture(scope="module")
def commune(django_db_blocker):
    """tests/recipes/onboarding.yaml under its own slug, with two bureaux, four declared registers and part of
    their acts, committed for the server the browser talks to; dropped at the end."""

    def create():
        connection.set_schema_to_public()
        drop_commune(SLUG)
        data = yaml.safe_load((RECIPES / "onboarding.yaml").read_text(encoding="utf-8"))
        data["commune"]["slug"] = SLUG
        data["domains"] = [SLUG]
        provision_commune(parse_recipe(data), check_template=False)
        with schema_context(Commune.schema_name_for(SLUG)):
            admin = get_user_model().objects.get(username="admin.imouzzer")
            profile = UserProfile.get_for_user(admin)
            profile.preferred_language = "fr"
            profile.save()
            main = Bureau.objects.create(code="principal", name_fr="Bureau principal", name_ar="المكتب الرئيسي",
                                         is_main=True)
            annex = Bureau.objects.create(code="annexe-1", name_fr="Annexe Ain Seltane", name_ar="ملحقة عين السلطان")
            registers = ((main, "birth", 1998, 1240, 1240), (main, "death", 1998, 212, 150),
                         (main, "birth", 1999, 1302, 0), (annex, "birth", 1998, 410, 96))
            for bureau, kind, year, declared, loaded in registers:
                declarations.declare_register(actor=admin, data={"bureau": bureau, "kind": kind, "year": year,
                                                                 "acts_declared": declared,
                                                                 "note": "Registre relié" if loaded else ""})
                if loaded:
                    _acts(bureau, kind, year, loaded, admin)
        connection.set_schema_to_public()

    with django_db_blocker.unblock():
        outside_the_browser_loop(create)
        yield SLUG
        outside_the_browser_loop(lambda: drop_commune(SLUG))


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_coming_soon_page_on_a_phone(live_port, phone, commune, language):
    response = phone.goto(f"http://{commune}.localhost:{live_port}/{language}/")
    assert response.status == 503 and response.headers["retry-after"] == "86400"
    assert phone.locator("section").first.get_attribute("lang") == language
    assert phone.get_by_text("جماعة إيموزار كندر").is_visible()
    assert phone.get_by_text("Commune d'Imouzzer Kandar").is_visible()
    assert phone.locator("a[href^='tel:']").first.is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows the phone's width
    screenshot(phone, f"coming-soon-{language}")


def test_the_declared_registers_screen(live_port, page, commune):
    admin_sign_in(page, f"http://{commune}.localhost:{live_port}", "admin.imouzzer", "imouzzer-admin-pw")
    page.goto(f"http://{commune}.localhost:{live_port}/admin/civil_status/registers/")
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == 4
    assert page.locator("table.listing tfoot").inner_text().count("%") == 1
    screenshot(page, "declared-registers")
