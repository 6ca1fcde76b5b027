"""Civil-status acts: drafted, checked against the law, signed with gap-free numbers, never changed afterwards."""

import datetime
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone, translation

from modules.civil_status import citizen_id, services
from modules.civil_status.models import Act, Bureau, Delegation, MarginalMention
from platform_core.modules.roles import role_group

TODAY = timezone.localdate()


def person(username, role):
    user = get_user_model().objects.create_user(username, first_name="Hassan", last_name="Alami",
                                                first_name_ar="حسن", last_name_ar="العلمي")
    user.groups.add(role_group("civil_status", role))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def birth(**changes):
    data = {
        "first_names_ar": "محمد أمين", "first_names_latin": "Mohamed Amine", "family_name_ar": "العلوي",
        "family_name_latin": "Alaoui", "sex": "M", "event_date": TODAY - datetime.timedelta(days=3),
        "event_place_fr": "Sefrou", "event_place_ar": "صفرو", "mother_name_ar": "فاطمة الزهراء",
        "mother_name_latin": "Fatima Zahra", "declarant": {"name": "Ahmed Alaoui", "relation": "père"},
    }
    return {**data, **changes}


@pytest.fixture
def bureau(sefrou, in_commune):
    with in_commune(sefrou):
        return Bureau.objects.get(code="principal")


@pytest.fixture
def staff(sefrou, in_commune, bureau):
    with in_commune(sefrou):
        agent, officer = person("agent.cs", "agent"), person("officer.cs", "officer")
        Delegation.objects.create(officer=officer, bureau=bureau, decree_number="12/2026",
                                  decree_date=TODAY - datetime.timedelta(days=30),
                                  valid_from=TODAY - datetime.timedelta(days=30))
        return agent, officer


def test_draft_sign_number_and_lock(sefrou, in_commune, bureau, staff):
    agent, officer = staff
    with in_commune(sefrou):
        act = services.draft_act(actor=agent, bureau=bureau, kind=Act.Kind.BIRTH, data=birth())
        assert act.number is None and act.event_hijri
        signed = services.sign_act(act.pk, actor=officer)
        assert (signed.number, signed.year, signed.status) == (1, TODAY.year, Act.Status.SIGNED)
        assert citizen_id.is_valid(signed.citizen_id) and signed.citizen_id.startswith("271001")
        assert signed.officer_name == "حسن العلمي / Hassan Alami"
        with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
            Act.objects.filter(pk=act.pk).update(first_names_latin="Forged")
        with pytest.raises(DatabaseError, match="never changed"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE civil_status_act SET family_name_ar = 'مزور' WHERE id = %s", [act.pk])
        with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
            Act.objects.filter(pk=act.pk).delete()
        with pytest.raises(ValidationError):
            services.sign_act(act.pk, actor=officer)


def test_an_abandoned_draft_is_kept_and_takes_no_number(sefrou, in_commune, bureau, staff):
    agent, officer = staff
    with in_commune(sefrou):
        first = services.draft_act(actor=agent, bureau=bureau, kind=Act.Kind.DEATH, data=birth())
        services.abandon_draft(first.pk, actor=agent, reason="doublon")
        second = services.draft_act(actor=agent, bureau=bureau, kind=Act.Kind.DEATH, data=birth())
        assert services.sign_act(second.pk, actor=officer).number == 1
        assert Act.objects.get(pk=first.pk).status == Act.Status.ABANDONED


def test_an_agent_cannot_sign_and_an_expired_delegation_cannot_either(sefrou, in_commune, bureau, staff):
    agent, officer = staff
    with in_commune(sefrou):
        act = services.draft_act(actor=agent, bureau=bureau, kind=Act.Kind.BIRTH, data=birth())
        with pytest.raises(PermissionDenied):
            services.sign_act(act.pk, actor=agent)
        Delegation.objects.filter(officer=officer).update(valid_until=TODAY - datetime.timedelta(days=1))
        with translation.override("fr"), pytest.raises(PermissionDenied, match="délégation"):
            services.sign_act(act.pk, actor=officer)
        assert Act.objects.get(pk=act.pk).number is None


def test_a_late_birth_needs_a_judgment_and_goes_in_this_years_register(sefrou, in_commune, bureau, staff):
    agent, officer = staff
    late = birth(event_date=TODAY - datetime.timedelta(days=400))
    with in_commune(sefrou):
        with translation.override("fr"), pytest.raises(ValidationError, match="jugement déclaratif"):
            services.draft_act(actor=agent, bureau=bureau, kind=Act.Kind.BIRTH, data=late)
        judged = {**late, "judgment_court": "Tribunal de première instance de Sefrou", "judgment_number": "77/2026",
                  "judgment_date": TODAY - datetime.timedelta(days=10)}
        act = services.sign_act(services.draft_act(actor=agent, bureau=bureau, kind="birth", data=judged).pk,
                                actor=officer)
        assert act.year == TODAY.year and act.event_date.year < TODAY.year


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"first_names_latin": "Mohamed Amine Karim"}, "first_names_latin", "deux prénoms"),
        ({"family_name_latin": "Alaoui2"}, "family_name_latin", "chiffres"),
        ({"first_names_ar": "مولاي إدريس"}, "first_names_ar", "titre"),
    ],
)
def test_names_breaking_a_rule_are_refused_citing_it(sefrou, in_commune, bureau, staff, changes, field, rule):
    agent, _officer = staff
    with in_commune(sefrou), translation.override("fr"):
        with pytest.raises(ValidationError) as refused:
            services.draft_act(actor=agent, bureau=bureau, kind="birth", data=birth(**changes))
        assert rule in " ".join(refused.value.message_dict[field])


def test_a_title_is_accepted_with_a_recorded_proof_of_lineage(sefrou, in_commune, bureau, staff):
    agent, _officer = staff
    with in_commune(sefrou):
        act = services.draft_act(actor=agent, bureau=bureau, kind="birth",
                                 data=birth(first_names_ar="مولاي إدريس", lineage_proof="Acte adoulaire 15/1990"))
        assert act.first_names_ar == "مولاي إدريس"


def test_mentions_are_signed_and_final_and_a_death_proposes_one(sefrou, in_commune, bureau, staff):
    agent, officer = staff
    with in_commune(sefrou):
        born = services.sign_act(services.draft_act(actor=agent, bureau=bureau, kind="birth", data=birth()).pk,
                                 actor=officer)
        mention = services.draft_mention(born.pk, actor=agent, kind=MarginalMention.Kind.MARRIAGE,
                                         text_fr="Marié le 01/06/2026", text_ar="تزوج بتاريخ 01/06/2026",
                                         legal_basis="Code de la famille, art. 68")
        services.sign_mention(mention.pk, actor=officer)
        with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
            MarginalMention.objects.filter(pk=mention.pk).update(text_fr="Forged")
        death = services.draft_act(actor=agent, bureau=bureau, kind="death",
                                   data=birth(event_date=TODAY - datetime.timedelta(days=1), birth_act=born))
        services.sign_act(death.pk, actor=officer)
        proposed = MarginalMention.objects.get(act=born, kind=MarginalMention.Kind.DEATH)
        assert proposed.status == Act.Status.DRAFT and "acte de décès" in proposed.text_fr


def test_acts_of_sefrou_do_not_exist_for_berkane(sefrou, berkane, in_commune, bureau, staff):
    agent, officer = staff
    with in_commune(sefrou):
        act = services.sign_act(services.draft_act(actor=agent, bureau=bureau, kind="birth", data=birth()).pk,
                                actor=officer)
    with in_commune(berkane):
        assert not Act.objects.filter(pk=act.pk).exists()
        assert not Bureau.objects.filter(code="principal").exists()


def test_fifty_acts_signed_concurrently_get_one_to_fifty(django_db_setup, django_db_blocker):
    """Real commits and real concurrency: fifty officers' sessions sign at once in one bureau and year."""
    with django_db_blocker.unblock():
        connection.set_schema("sefrou")
        code = f"conc-{uuid.uuid4().hex[:6]}"
        bureau = Bureau.objects.create(code=code, name_fr="Annexe de test", name_ar="ملحقة اختبار")
        agent = person(f"agent.{code}", "agent")
        officer = person(f"officer.{code}", "officer")
        Delegation.objects.create(officer=officer, bureau=bureau, decree_number="1", decree_date=TODAY,
                                  valid_from=TODAY)
        drafts = [services.draft_act(actor=agent, bureau=bureau, kind="birth", data=birth()).pk for _ in range(50)]
        connection.set_schema_to_public()
        barrier = threading.Barrier(50)

        def sign(act_id):
            try:
                connection.set_schema("sefrou")
                barrier.wait()
                return services.sign_act(act_id, actor=officer).number
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=50) as pool:
            numbers = list(pool.map(sign, drafts))
        assert sorted(numbers) == list(range(1, 51))
        connection.set_schema("sefrou")
        ids = list(Act.objects.filter(bureau=bureau).values_list("citizen_id", flat=True))
        assert len(set(ids)) == 50 and all(citizen_id.is_valid(i) for i in ids)
        connection.set_schema_to_public()
