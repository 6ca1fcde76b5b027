"""A new commune's onboarding checklist fills itself from its data, step by step, until it can go live: bureaux,
delegations, the backlog measured against the registers it declares, tariffs and receipt books, staff in the
essential roles, portal pages in both languages. Each commune's items are read in its own schema only."""

import datetime
import json

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from wagtail.models import Locale

from cms.models import ContactPage, ProcedurePage
from modules.civil_status import services as civil_status
from modules.civil_status.bulk import copy_rows
from modules.civil_status.importing import declarations
from modules.civil_status.importing.models import DeclaredRegister
from modules.civil_status.models import Act, Bureau
from modules.regie.services import books as regie_books
from modules.regie.services import catalogue
from platform_core.audit.models import AuditEntry
from platform_core.modules.roles import role_group
from tenants.models import Commune
from tenants.onboarding import checklist
from tenants.recipes import parse_recipe
from tenants.services import lifecycle
from tenants.services.provisioning import provision_commune
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import RECIPES, console_account, drop_commune, inside, says

SLUG = "onboarding-h4"
OTHER = "onboarding-h4-b"
PASSWORD = "onboarding-h4-pw-2026"
YEAR = 2001  # past register years: nothing else in these communes numbers acts there
COLUMNS = [field for field in Act._meta.concrete_fields if not field.primary_key and not field.generated]
ALL_ITEMS = ["platform.staff", "portal.pages", "civil_status.bureaux", "civil_status.delegations",
             "civil_status.backlog", "regie.tariffs", "regie.receipt_books"]


def recipe(slug: str):
    data = yaml.safe_load((RECIPES / "onboarding.yaml").read_text(encoding="utf-8"))
    data["commune"]["slug"] = slug
    data["domains"] = [slug]
    return parse_recipe(data, source=RECIPES / "onboarding.yaml")


@pytest.fixture(scope="module")
def communes(django_db_setup, django_db_blocker):
    """Two communes provisioned from tests/recipes/onboarding.yaml (committed: provisioning is durable) and an
    operator (kept: deleting an account of the public schema walks relations to commune tables); both communes are
    dropped at the end."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for slug in (SLUG, OTHER):
            drop_commune(slug)
            provision_commune(recipe(slug), check_template=False)
        operator = console_account("operator.onboarding", "pw-onboarding-2026")
        try:
            yield Commune.objects.get(slug=SLUG), Commune.objects.get(slug=OTHER), operator
        finally:
            connection.set_schema_to_public()
            for slug in (SLUG, OTHER):
                drop_commune(slug)


def items(commune) -> dict:
    return {item.key: item for item in checklist(commune).items}


def missing(commune) -> set[str]:
    return set(checklist(commune).missing())


def staff(username, *roles):
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name="Salma",
                                                last_name="Fassi", first_name_ar="سلمى", last_name_ar="الفاسي")
    for role in roles:
        user.groups.add(role_group(*role.split(".")))
    return user


def signed(bureau, kind, year, number, clerk, *, status=Act.Status.SIGNED):
    """An act as the historical backlog loads it (COPY; signed acts are only ever inserted)."""
    return Act(bureau=bureau, kind=kind, status=status, year=year if status == Act.Status.SIGNED else None,
               number=number if status == Act.Status.SIGNED else None, sex=Act.Sex.FEMALE,
               first_names_ar="سلمى", first_names_latin="Salma", family_name_ar="الفاسي", family_name_latin="Fassi",
               event_date=datetime.date(year, 1, 2), event_hijri="-", event_place_fr="Imouzzer",
               event_place_ar="إيموزار", declarant={"name": "Ali Fassi"}, drafted_by=clerk, drafted_at=timezone.now(),
               drawn_up_on=datetime.date(year, 1, 3) if status == Act.Status.SIGNED else None,
               signed_at=timezone.now() if status == Act.Status.SIGNED else None)


def load(acts) -> None:
    copy_rows(Act, [field.column for field in COLUMNS],
              ([json.dumps(value) if isinstance(value, dict) else value for value in
                (getattr(act, field.attname) for field in COLUMNS)] for act in acts))


def acts(bureau, kind, year, numbers, clerk):
    load([signed(bureau, kind, year, number, clerk) for number in numbers])


def backlog_of(commune):
    return items(commune)["civil_status.backlog"]


def test_the_checklist_fills_itself_step_by_step_and_the_commune_goes_live(communes):
    commune, _other, operator = communes
    assert commune.status == "onboarding"

    # A bare commune: only the portal's standard pages are there.
    found = items(commune)
    assert list(found) == ALL_ITEMS
    assert missing(commune) == set(ALL_ITEMS) - {"portal.pages"}
    backlog = found["civil_status.backlog"]
    assert backlog.progress == 0 and backlog.back_office_path == "/admin/civil_status/registers/"
    assert backlog.detail == gettext("No register declared yet: declare the paper registers (bureau, kind, year and "
                                     "the acts each holds) to measure the backlog.")
    assert found["civil_status.bureaux"].back_office_path == "/admin/civil_status/bureaux/"
    assert found["regie.tariffs"].back_office_path == "/admin/regie/tariffs/"
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.take_live(commune, actor=operator)
    assert Commune.objects.get(pk=commune.pk).status == "onboarding"

    with inside(commune):
        admin = get_user_model().objects.get(username="admin.imouzzer")

        # Portal: a page unpublished in French is missing until it is published again.
        french = Locale.objects.get(language_code="fr")
        contact = ContactPage.objects.get(locale=french)
        procedure = ProcedurePage.objects.filter(locale=french).first()
        contact.unpublish()
        procedure.unpublish()
    pages = items(commune)["portal.pages"]
    assert not pages.done and 0 < pages.progress < 100
    with inside(commune):
        total = ProcedurePage.objects.filter(locale=french).count()
    assert ngettext("%(count)d of %(total)d procedure pages is not yet published in both languages.",
                    "%(count)d of %(total)d procedure pages are not yet published in both languages.",
                    1) % {"count": 1, "total": total} in pages.detail
    assert gettext("the contact page") in pages.detail and gettext("the home page") not in pages.detail
    with inside(commune):
        contact.get_latest_revision().publish()
        procedure.get_latest_revision().publish()
    assert items(commune)["portal.pages"].done

    # Staff in the essential roles of the modules.
    with inside(commune):
        clerk = staff("agent.imouzzer", "civil_status.agent")
        officer = staff("officier.imouzzer", "civil_status.officer")
        annex_officer = staff("officier2.imouzzer", "civil_status.officer")
        staff("regisseur.imouzzer", "regie.regisseur")
        ordonnateur = staff("ordonnateur.imouzzer", "regie.ordonnateur")
    assert "platform.staff" in missing(commune)  # the portal's moderator is still missing
    with inside(commune):
        staff("moderateur.imouzzer", "portal.moderator")
    assert "platform.staff" not in missing(commune)

    # Bureaux: one, not main, is not enough; the main one makes it.
    with inside(commune):
        annex = civil_status.save_bureau(actor=admin, data={"code": "annexe-1", "name_fr": "Annexe 1",
                                                            "name_ar": "الملحقة 1", "is_main": False})
    assert "civil_status.bureaux" in missing(commune)
    with inside(commune):
        main = civil_status.save_bureau(actor=admin, data={"code": "principal", "name_fr": "Bureau principal",
                                                           "name_ar": "المكتب الرئيسي", "is_main": True})
    assert "civil_status.bureaux" not in missing(commune)

    # Delegations: each bureau needs one in force today.
    today = timezone.localdate()
    with inside(commune):
        civil_status.record_delegation(actor=admin, data={
            "officer": officer, "bureau": main, "decree_number": "1/2026", "decree_date": today,
            "valid_from": today})
    delegations = items(commune)["civil_status.delegations"]
    assert not delegations.done and delegations.progress == 50
    assert "Annexe 1" in delegations.detail or "الملحقة 1" in delegations.detail
    assert "Bureau principal" not in delegations.detail and "المكتب الرئيسي" not in delegations.detail
    with inside(commune):
        civil_status.record_delegation(actor=admin, data={
            "officer": annex_officer, "bureau": annex, "decree_number": "2/2026", "decree_date": today,
            "valid_from": today - datetime.timedelta(days=30), "valid_until": today - datetime.timedelta(days=1)})
    assert "civil_status.delegations" in missing(commune)  # expired yesterday: not in force
    with inside(commune):
        civil_status.record_delegation(actor=admin, data={
            "officer": annex_officer, "bureau": annex, "decree_number": "3/2026", "decree_date": today,
            "valid_from": today})
    assert "civil_status.delegations" not in missing(commune)

    # The régie: a tariff in force, then counter receipt books of the year.
    with inside(commune):
        tariff = catalogue.save_tariff(actor=ordonnateur, data={
            "code": "legalisation", "name_fr": "Droit de légalisation", "name_ar": "رسم تصحيح الإمضاء", "kind": "fee"})
    assert "regie.tariffs" in missing(commune)  # no amounts yet
    with inside(commune):
        catalogue.add_tariff_version(tariff, actor=ordonnateur, data={"effective_from": today, "base": "flat",
                                                                     "rate": "2"})
    tariffs = items(commune)["regie.tariffs"]
    assert tariffs.done and tariffs.detail == ngettext(
        "%(count)d tariff in force today.", "%(count)d tariffs in force today.", 1) % {"count": 1}
    with inside(commune):
        regie_books.receive_books(actor=ordonnateur, series="QC", year=today.year, count=2, size=50)
    assert "regie.receipt_books" not in missing(commune)

    # The backlog: declared registers, then acts loaded, the share measured register by register.
    birth, death = Act.Kind.BIRTH, Act.Kind.DEATH
    with inside(commune):
        for bureau, kind, year, count in ((main, birth, YEAR, 4), (main, death, YEAR, 2), (annex, birth, YEAR + 1, 4)):
            declarations.declare_register(actor=admin, data={"bureau": bureau, "kind": kind, "year": year,
                                                             "acts_declared": count})
        with pytest.raises(ValidationError):  # one declaration per register
            declarations.declare_register(actor=admin, data={"bureau": main, "kind": birth, "year": YEAR,
                                                             "acts_declared": 9})
        with pytest.raises(ValidationError):  # not a year to come
            declarations.declare_register(actor=admin, data={"bureau": main, "kind": birth, "year": today.year + 1,
                                                             "acts_declared": 9})
        with pytest.raises(PermissionDenied):  # the clerk's role does not declare
            declarations.declare_register(actor=clerk, data={"bureau": main, "kind": death, "year": YEAR + 1,
                                                             "acts_declared": 1})
    backlog = backlog_of(commune)
    assert (backlog.done, backlog.progress) == (False, 0)
    assert backlog.detail == ngettext(
        "%(counted)d of the %(declared)d acts of %(registers)d declared register are in the database.",
        "%(counted)d of the %(declared)d acts of %(registers)d declared registers are in the database.",
        3) % {"counted": 0, "declared": 10, "registers": 3}

    with inside(commune):
        acts(main, birth, YEAR, [1, 2, 3], clerk)
        load([signed(main, birth, YEAR, 0, clerk, status=Act.Status.DRAFT)])  # a draft is not in the register
    assert backlog_of(commune).progress == 30
    with inside(commune):
        acts(main, death, YEAR, [1, 2, 3, 4, 5], clerk)  # more than declared: counts for 2
    assert backlog_of(commune).progress == 50
    with inside(commune):
        acts(annex, birth, YEAR + 1, [1, 2, 3], clerk)
        acts(annex, birth, YEAR + 2, [1, 2], clerk)  # a register not declared
        acts(annex, death, YEAR + 1, [1], clerk)  # another kind
    assert backlog_of(commune).progress == 80
    with inside(commune):
        acts(annex, birth, YEAR + 1, [4], clerk)
    assert backlog_of(commune).progress == 90
    with inside(commune):
        acts(main, birth, YEAR, [4], clerk)
    backlog = backlog_of(commune)
    assert (backlog.done, backlog.progress) == (True, 100)

    # A recount on paper moves the target: 10 of 12 is 83 %, then back.
    with inside(commune):
        register = declarations.backlog().registers[-1].register
        assert (register.bureau, register.year) == (annex, YEAR + 1)
        declarations.change_declaration(register.pk, actor=admin, data={"acts_declared": 6})
    assert (backlog_of(commune).done, backlog_of(commune).progress) == (False, 83)
    with inside(commune):
        declarations.change_declaration(register.pk, actor=admin, data={"acts_declared": 4})
        assert [entry.action for entry in AuditEntry.objects.filter(action__startswith="civil_status.")
                .exclude(action__in=["civil_status.save_bureau", "civil_status.record_delegation"])] == [
            "civil_status.declare_register"] * 3 + ["civil_status.change_declaration"] * 2

    final = checklist(commune)
    assert final.complete and final.progress == 100 and final.missing() == []
    lifecycle.take_live(commune, actor=operator)
    commune.refresh_from_db()
    assert commune.status == "live" and commune.live_since is not None
    entry = AuditEntry.objects.filter(object_type="tenants.commune", object_id=str(commune.pk)).last()
    assert entry.action == "tenants.take_live" and entry.after == {"status": "live", "reason": "", "missing": []}


def test_an_incomplete_commune_goes_live_only_with_a_recorded_reason(communes):
    _commune, other, operator = communes
    with pytest.raises(lifecycle.LifecycleError) as refused:
        lifecycle.take_live(other, actor=operator, reason="   ")
    assert str(refused.value) == gettext(
        "The onboarding checklist is not complete: give the reason for going live anyway.")
    assert Commune.objects.get(pk=other.pk).status == "onboarding"

    expected = checklist(other).missing()
    assert "civil_status.backlog" in expected and "regie.tariffs" in expected
    lifecycle.take_live(other, actor=operator, reason="The backlog is typed after the opening")
    assert Commune.objects.get(pk=other.pk).status == "live"
    entry = AuditEntry.objects.filter(object_type="tenants.commune", object_id=str(other.pk)).last()
    assert entry.after == {"status": "live", "reason": "The backlog is typed after the opening", "missing": expected}


def subscribed_to_civil_status(commune):
    keys = list(commune.subscriptions.filter(active=True).values_list("module_key", flat=True))
    set_subscriptions(commune, [*keys, "civil_status"])
    commune.refresh_from_db()
    return commune


@pytest.mark.django_db
def test_sefrous_declared_registers_are_not_counted_in_another_commune(sefrou, berkane):
    """Both communes have a bureau `principal` and declare its births of the same year; only Sefrou has the acts.
    Everything here is rolled back at the end of the test."""
    other = subscribed_to_civil_status(berkane)
    with inside(sefrou):
        head = get_user_model().objects.get(username="admin.sefrou")
        main = Bureau.objects.get(code="principal")
        declarations.declare_register(actor=head, data={"bureau": main, "kind": "birth", "year": 1990,
                                                         "acts_declared": 3})
        acts(main, Act.Kind.BIRTH, 1990, [1, 2, 3], head)
    with inside(other):
        admin = get_user_model().objects.get(username="admin.berkane")
        bureau = Bureau.objects.create(code="principal", name_fr="Bureau principal", name_ar="المكتب الرئيسي",
                                       is_main=True)
        declarations.declare_register(actor=admin, data={"bureau": bureau, "kind": "birth", "year": 1990,
                                                         "acts_declared": 3})
    backlog = backlog_of(other)
    assert (backlog.done, backlog.progress) == (False, 0)
    assert backlog.detail == ngettext(
        "%(counted)d of the %(declared)d acts of %(registers)d declared register are in the database.",
        "%(counted)d of the %(declared)d acts of %(registers)d declared registers are in the database.",
        1) % {"counted": 0, "declared": 3, "registers": 1}
    assert items(sefrou)["civil_status.backlog"].progress == 100
    with inside(other):
        assert [(row.register.year, row.acts_found) for row in declarations.backlog().registers] == [(1990, 0)]


@pytest.mark.django_db
def test_the_declared_registers_screen_for_the_chef_de_bureau_only(sefrou, berkane, client_for):
    """List, declare, change and withdraw, with the acts found and the share per register; an agent is refused,
    and Sefrou's session opens nothing on another commune's domain."""
    base = "/admin/civil_status/registers/"
    with inside(sefrou):
        head, agent = staff("head.registers", "civil_status.head"), staff("agent.registers", "civil_status.agent")
        main = Bureau.objects.get(code="principal")
        head_client, agent_client = client_for(sefrou), client_for(sefrou)
        head_client.force_login(head)
        agent_client.force_login(agent)

    listing = head_client.get(base)
    assert listing.status_code == 200 and says(listing, "No register is declared yet.")
    response = head_client.post(f"{base}new/", {"bureau": main.pk, "kind": "birth", "year": "1995",
                                                "acts_declared": "12", "note": "Registre relié"})
    assert response.status_code == 302 and response["Location"] == base
    again = head_client.post(f"{base}new/", {"bureau": main.pk, "kind": "birth", "year": "1995", "acts_declared": "3"})
    assert again.status_code == 200 and says(
        again, "This register is already declared for this bureau: change its count instead.")
    with inside(sefrou):
        register = DeclaredRegister.objects.get(bureau=main, kind="birth", year=1995)
        acts(main, Act.Kind.BIRTH, 1995, [1, 2, 3], head)
    page = head_client.get(base).content.decode()
    assert "Registre relié" in page and "25 %" in page

    assert head_client.post(f"{base}{register.pk}/", {"bureau": main.pk, "kind": "birth", "year": "1995",
                                                      "acts_declared": "3"}).status_code == 302
    assert "100 %" in head_client.get(base).content.decode()
    assert head_client.get(f"{base}{register.pk}/withdraw/").status_code == 200
    assert head_client.post(f"{base}{register.pk}/withdraw/").status_code == 302
    with inside(sefrou):
        assert not DeclaredRegister.objects.filter(pk=register.pk).exists()

    for path in (base, f"{base}new/"):
        assert refused(agent_client.get(path))
    subscribed_to_civil_status(berkane)
    elsewhere = client_for(berkane)
    elsewhere.cookies = head_client.cookies
    response = elsewhere.get(base)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def refused(response) -> bool:
    """Wagtail answers a permission refusal in its admin by sending the user back to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"
