"""Demo data: synthetic registers that hold together (numbers, dates, names, links, mentions), loaded once, and
numbered so that the next real signature follows them."""

import copy
import datetime
from collections import defaultdict

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from modules.civil_status import citizen_id, rules, services, synthetic
from modules.civil_status.demo import seed_demo_data, town_of
from modules.civil_status.models import Act, Bureau, Delegation, MarginalMention
from platform_core.dates import format_hijri
from platform_core.modules.roles import role_group
from platform_core.numbering.services import peek
from tenants.models import Commune
from tenants.recipes import parse_recipe
from tenants.services.provisioning import provision_commune

from ...conftest import RECIPES

TODAY = timezone.localdate()


@pytest.fixture
def seeded(sefrou, in_commune):
    with in_commune(sefrou):
        assert seed_demo_data(sefrou, {"demo_acts": 600}) == 600
        yield sefrou


def test_the_registers_are_numbered_without_gaps_and_dated_consistently(seeded, in_commune):
    with in_commune(seeded):
        acts = list(Act.objects.select_related("bureau"))
        assert len(acts) == 600 and {act.status for act in acts} == {Act.Status.SIGNED}
        assert {act.bureau.code for act in acts} == {"principal", "annexe-1"}
        registers = defaultdict(list)
        for act in acts:
            registers[(act.bureau.code, act.kind, act.year)].append(act)
            assert act.year == act.drawn_up_on.year and act.event_date <= act.drawn_up_on <= TODAY
            late = (act.drawn_up_on - act.event_date).days > rules.DECLARATION_DAYS
            assert late == bool(act.judgment_court and act.judgment_number and act.judgment_date)
            assert act.event_hijri == format_hijri(act.event_date, "ar")
            assert act.drawn_up_hijri == format_hijri(act.drawn_up_on, "ar")
            rules.check_names(act.first_names_ar, act.first_names_latin, act.family_name_ar, act.family_name_latin,
                              act.lineage_proof)
        for (code, kind, year), members in registers.items():
            in_order = sorted(members, key=lambda act: act.number)
            assert [act.number for act in in_order] == list(range(1, len(members) + 1))
            assert [act.drawn_up_on for act in in_order] == sorted(act.drawn_up_on for act in members)
            assert peek(f"civil_status.{code}.{kind}", year) == len(members)


def test_births_have_valid_identifiers_and_the_fathers_family_name(seeded, in_commune):
    with in_commune(seeded):
        births = Act.objects.filter(kind=Act.Kind.BIRTH)
        identifiers = [act.citizen_id for act in births]
        assert all(citizen_id.is_valid(value) and value.startswith("271001") for value in identifiers)
        assert len(set(identifiers)) == len(identifiers) == peek(citizen_id.SERIES, 0)
        for act in births:
            assert act.father_name_ar.endswith(" " + act.family_name_ar)
            assert act.father_name_latin.endswith(" " + act.family_name_latin)
            assert act.mother_name_ar and act.father["birth_date"] < act.event_date.isoformat()
            if act.declarant["relation"] == "الأب / père":  # the father declares: his own name, age and trade
                born = datetime.date.fromisoformat(act.father["birth_date"])
                assert act.declarant["name"] == f"{act.father_name_ar} / {act.father_name_latin}"
                assert act.declarant["age"] == (act.event_date - born).days // 365
                assert act.declarant["occupation"] == act.father["occupation"]
        assert Act.objects.filter(kind=Act.Kind.DEATH, citizen_id__isnull=False).count() == 0


def test_deaths_of_people_born_here_are_in_the_margin_of_their_birth_act(seeded, in_commune):
    with in_commune(seeded):
        linked = Act.objects.filter(kind=Act.Kind.DEATH, birth_act__isnull=False).select_related("birth_act")
        assert linked.exists()
        for death in linked:
            birth = death.birth_act
            assert (death.first_names_ar, death.family_name_ar, death.sex) == (birth.first_names_ar,
                                                                                birth.family_name_ar, birth.sex)
            assert death.event_date > birth.event_date
            mention = birth.mentions.get(kind=MarginalMention.Kind.DEATH)
            assert mention.status == Act.Status.SIGNED and f"{death.number}/{death.year}" in mention.text_fr
        marriages = MarginalMention.objects.filter(kind=MarginalMention.Kind.MARRIAGE).select_related("act")
        assert marriages.exists()
        for marriage in marriages:
            assert marriage.act.kind == Act.Kind.BIRTH and marriage.signed_at.date() > marriage.act.event_date


def test_the_next_act_signed_at_the_counter_follows_the_loaded_ones(seeded, in_commune):
    with in_commune(seeded):
        bureau = Bureau.objects.get(code="principal")
        agent, officer = (get_user_model().objects.create_user(name) for name in ("agent.demo", "officer.demo"))
        agent.groups.add(role_group("civil_status", "agent"))
        officer.groups.add(role_group("civil_status", "officer"))
        Delegation.objects.create(officer=officer, bureau=bureau, decree_number="1/2026", decree_date=TODAY,
                                  valid_from=TODAY)
        series = f"civil_status.principal.{Act.Kind.BIRTH}"
        last, identifiers = peek(series, TODAY.year), peek(citizen_id.SERIES, 0)
        draft = services.draft_act(actor=get_user_model().objects.get(pk=agent.pk), bureau=bureau,
                                   kind=Act.Kind.BIRTH, data={
                                       "first_names_ar": "آدم", "first_names_latin": "Adam", "family_name_ar": "التازي",
                                       "family_name_latin": "Tazi", "sex": "M", "event_date": TODAY,
                                       "event_place_fr": "Sefrou", "event_place_ar": "صفرو",
                                       "mother_name_ar": "سلمى بناني", "mother_name_latin": "Salma Bennani",
                                       "declarant": {"name": "Omar Tazi", "relation": "père"}})
        signed = services.sign_act(draft.pk, actor=get_user_model().objects.get(pk=officer.pk))
        assert signed.number == last + 1
        assert int(signed.citizen_id[len("271001"):-1]) == identifiers + 1


def test_demo_data_is_loaded_once(seeded, in_commune):
    with in_commune(seeded):
        assert seed_demo_data(seeded, {"demo_acts": 600}) == 0
        assert Act.objects.count() == 600


def test_a_commune_with_acts_of_its_own_gets_no_demo_data(sefrou, in_commune):
    with in_commune(sefrou):
        Act.objects.create(bureau=Bureau.objects.get(code="principal"), kind=Act.Kind.BIRTH, first_names_ar="آدم",
                           first_names_latin="Adam", family_name_ar="التازي", family_name_latin="Tazi", sex="M",
                           event_date=TODAY, event_hijri="", event_place_fr="Sefrou", event_place_ar="صفرو",
                           declarant={}, drafted_by=get_user_model().objects.get(username="admin.sefrou"))
        assert seed_demo_data(sefrou, {}) == 0
        assert seed_demo_data(sefrou, {"demo_acts": 0}) == 0
        assert Act.objects.count() == 1


def test_the_same_seed_draws_the_same_registers():
    def draw(seed):
        registers = synthetic.SyntheticRegisters(400, town=("Sefrou", "صفرو"), bureaux=[(1, "principal", 1.0)],
                                                 first_year=2000, until=datetime.date(2020, 6, 30), seed=seed)
        ids, rows = iter(range(1, 401)), []
        for year, count in registers.yearly_counts().items():
            registers.events_of(year, count)
            rows += [registers.act_row(next(ids), bureau, number, year, event, None, 1)
                     for number, (bureau, _code, event) in enumerate(registers.register(year), start=1)]
        return rows

    first = draw(7)
    assert len(first) == 400 and first == draw(7) and first != draw(8)


def test_the_town_comes_from_the_communes_names(sefrou):
    assert town_of(sefrou) == ("Sefrou", "صفرو")
    assert town_of(Commune(name_fr="Formation · Commune d'Ifrane", name_ar="تكوين · جماعة إفران")) == ("Ifrane",
                                                                                                       "إفران")


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Provisioning commits for real; the commune a test makes is dropped afterwards."""
    made = []
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield made
        connection.set_schema_to_public()
        for slug in made:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{slug.replace("-", "_")}" CASCADE')
            Commune.objects.filter(slug=slug).delete()


def test_provisioning_a_demo_recipe_loads_the_acts_once(committed):
    data = yaml.safe_load((RECIPES / "sefrou.yaml").read_text())
    data["commune"]["slug"], data["domains"], data["demo_data"] = "azrou", ["azrou"], True
    data["sections"]["civil_status"]["demo_acts"] = 80
    committed.append("azrou")
    provision_commune(parse_recipe(data))
    with schema_context("azrou"):
        assert Act.objects.count() == 80
    changed = copy.deepcopy(data)
    changed["portal"]["intro_fr"] = "Bienvenue à Azrou"
    assert provision_commune(parse_recipe(changed)).changed
    with schema_context("azrou"):
        assert Act.objects.count() == 80
