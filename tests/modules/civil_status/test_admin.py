"""The counter's back-office screens: search, draft (with duplicates acknowledged), sign, abandon, mentions,
bureaux and delegations; role gates and another commune's acts out of reach."""

import datetime

import pytest
from django.utils import timezone

from modules.civil_status import services
from modules.civil_status.models import Act, Bureau, Delegation, MarginalMention
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import host_of
from tests.modules.civil_status.test_acts import birth, person

TODAY = timezone.localdate()
BASE = "/admin/civil_status/"


@pytest.fixture
def counter(sefrou, in_commune, client_for):
    """An agent's and an officier's logged-in clients on Sefrou's domain, and the main bureau."""
    with in_commune(sefrou):
        bureau = Bureau.objects.get(code="principal")
        agent, officer, reader = person("agent.ui", "agent"), person("officer.ui", "officer"), person(
            "reader.ui", "consultation")
        head = person("head.ui", "head")
        Delegation.objects.create(officer=officer, bureau=bureau, decree_number="7/2026",
                                  decree_date=TODAY - datetime.timedelta(days=10),
                                  valid_from=TODAY - datetime.timedelta(days=10))
        clients = {}
        for name, user in (("agent", agent), ("officer", officer), ("reader", reader), ("head", head)):
            clients[name] = client_for(sefrou)
            clients[name].force_login(user)
    return clients, bureau, agent, officer


def refused(response) -> bool:
    """Wagtail answers a permission refusal in its admin by sending the user back to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def form_data(bureau, **changes):
    data = {
        "bureau": bureau.pk, "first_names_ar": "ياسين", "first_names_latin": "Yassine", "family_name_ar": "بناني",
        "family_name_latin": "Bennani", "sex": "M", "event_date": (TODAY - datetime.timedelta(days=2)).isoformat(),
        "event_place_ar": "صفرو", "event_place_fr": "Sefrou", "father_name_ar": "عمر بناني",
        "father_name_latin": "Omar Bennani", "mother_name_ar": "خديجة العلوي", "mother_name_latin": "Khadija Alaoui",
        "declarant_name": "Omar Bennani", "declarant_relation": "père", "declarant_age": "35",
    }
    return {**data, **changes}


def test_agent_drafts_officer_signs(sefrou, in_commune, counter):
    clients, bureau, agent, officer = counter
    response = clients["agent"].post(f"{BASE}acts/new/birth/", form_data(bureau))
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_commune(sefrou):
        act = Act.objects.get(family_name_latin="Bennani", first_names_latin="Yassine")
        assert act.status == Act.Status.DRAFT and act.father == {} and act.declarant["age"] == 35
    page = clients["agent"].get(f"{BASE}acts/{act.pk}/").content.decode()
    assert "ياسين" in page and "Sign the act" not in page and "Signer" not in page
    assert refused(clients["agent"].post(f"{BASE}acts/{act.pk}/sign/"))
    clients["officer"].post(f"{BASE}acts/{act.pk}/sign/")
    with in_commune(sefrou):
        act.refresh_from_db()
        assert act.status == Act.Status.SIGNED and act.number == 1
    # A signed act cannot be corrected through the draft form.
    response = clients["agent"].post(f"{BASE}acts/{act.pk}/edit/", form_data(bureau, first_names_latin="Forged"))
    with in_commune(sefrou):
        assert Act.objects.get(pk=act.pk).first_names_latin == "Yassine"
    found = clients["agent"].get(BASE, {"name": "ياسين بناني", "status": "signed"}).content.decode()
    assert f"{BASE}acts/{act.pk}/" in found


def test_duplicates_must_be_acknowledged(sefrou, in_commune, counter):
    clients, bureau, agent, officer = counter
    clients["agent"].post(f"{BASE}acts/new/birth/", form_data(bureau))
    again = clients["agent"].post(f"{BASE}acts/new/birth/", form_data(bureau, first_names_latin="Yasine"))
    assert again.status_code == 200 and "confirm_duplicates" in again.content.decode()
    with in_commune(sefrou):
        assert Act.objects.filter(family_name_latin="Bennani").count() == 1
    confirmed = clients["agent"].post(f"{BASE}acts/new/birth/",
                                      form_data(bureau, first_names_latin="Yasine", confirm_duplicates="on"))
    assert confirmed.status_code == 302
    with in_commune(sefrou):
        assert Act.objects.filter(family_name_latin="Bennani").count() == 2


def test_rule_refused_in_the_users_language(sefrou, in_commune, counter):
    clients, bureau, *_ = counter
    response = clients["agent"].post(f"{BASE}acts/new/birth/", form_data(bureau, first_names_latin="Ali Omar Said"),
                                     HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert response.status_code == 200 and "deux prénoms" in page
    late = form_data(bureau, event_date=(TODAY - datetime.timedelta(days=90)).isoformat())
    page = clients["agent"].post(f"{BASE}acts/new/birth/", late).content.decode()
    assert "36.21" in page and "حكم تصريحي" in page
    with in_commune(sefrou):
        assert not Act.objects.filter(family_name_latin="Bennani").exists()


def test_correct_abandon_and_mentions(sefrou, in_commune, counter):
    clients, bureau, agent, officer = counter
    with in_commune(sefrou):
        draft = services.draft_act(actor=agent, bureau=bureau, kind="birth", data=birth())
    clients["agent"].post(f"{BASE}acts/{draft.pk}/edit/", form_data(bureau, first_names_latin="Anas",
                                                                    first_names_ar="أنس"))
    with in_commune(sefrou):
        assert Act.objects.get(pk=draft.pk).first_names_latin == "Anas"
    clients["agent"].post(f"{BASE}acts/{draft.pk}/abandon/", {"reason": "doublon"})
    with in_commune(sefrou):
        assert Act.objects.get(pk=draft.pk).status == Act.Status.ABANDONED
        signed = services.sign_act(services.draft_act(actor=agent, bureau=bureau, kind="birth", data=birth()).pk,
                                   actor=officer)
    response = clients["agent"].post(f"{BASE}acts/{signed.pk}/mentions/new/marriage/", {
        "spouse_name_ar": "سلمى التازي", "spouse_name_latin": "Salma Tazi", "date": "2026-01-10",
        "reference": "Section notariale de Sefrou n° 55", "legal_basis": "Code de la famille"})
    assert response.status_code == 302
    with in_commune(sefrou):
        mention = MarginalMention.objects.get(act=signed)
        assert "Salma Tazi" in mention.text_fr and "سلمى التازي" in mention.text_ar and "10/01/2026" in mention.text_fr
    clients["officer"].post(f"{BASE}mentions/{mention.pk}/sign/")
    with in_commune(sefrou):
        assert MarginalMention.objects.get(pk=mention.pk).status == Act.Status.SIGNED


def test_role_gates(sefrou, in_commune, counter):
    clients, bureau, *_ = counter
    assert clients["reader"].get(BASE).status_code == 200
    assert refused(clients["reader"].get(f"{BASE}acts/new/birth/"))
    assert refused(clients["agent"].get(f"{BASE}delegations/"))
    assert clients["head"].get(f"{BASE}delegations/").status_code == 200
    assert clients["head"].get(f"{BASE}bureaux/new/").status_code == 200


def test_head_records_and_revokes_a_delegation(sefrou, in_commune, counter):
    clients, bureau, agent, officer = counter
    response = clients["head"].post(f"{BASE}delegations/new/", {
        "officer": officer.pk, "bureau": bureau.pk, "decree_number": "9/2026", "decree_date": TODAY.isoformat(),
        "valid_from": TODAY.isoformat()})
    assert response.status_code == 302, response.content.decode()[:3000]
    refused = clients["head"].post(f"{BASE}delegations/new/", {
        "officer": agent.pk, "bureau": bureau.pk, "decree_number": "10/2026", "decree_date": TODAY.isoformat(),
        "valid_from": TODAY.isoformat()})
    assert refused.status_code == 200
    with in_commune(sefrou):
        delegation = Delegation.objects.get(decree_number="9/2026")
    clients["head"].post(f"{BASE}delegations/{delegation.pk}/revoke/", {"revoked_on": TODAY.isoformat()})
    with in_commune(sefrou):
        assert Delegation.objects.get(pk=delegation.pk).revoked_on == TODAY
        assert not Delegation.objects.filter(decree_number="10/2026").exists()


def test_berkane_acts_are_out_of_reach_from_sefrou(sefrou, berkane, in_commune, counter):
    clients, bureau, agent, officer = counter
    set_subscriptions(berkane, ["civil_status"])
    with in_commune(berkane):
        their_bureau = Bureau.objects.create(code="principal", name_fr="Bureau de Berkane", name_ar="مكتب بركان")
        theirs = services.draft_act(actor=person("agent.berkane", "agent"), bureau=their_bureau, kind="birth",
                                    data=birth(first_names_latin="Berkani", first_names_ar="بركاني"))
    # Ids are per commune: the same number on Sefrou's domain is Sefrou's act, or nothing.
    detail = clients["agent"].get(f"{BASE}acts/{theirs.pk}/")
    assert detail.status_code == 404 or "Berkani" not in detail.content.decode()
    for query in ({"name": "Berkani", "status": "draft"}, {"name": "بركاني", "status": "draft"}):
        assert clients["agent"].get(BASE, query).context["results"] == []
    # Sefrou's session does not open Berkane's back office.
    assert clients["agent"].get(BASE, HTTP_HOST=host_of(berkane)).status_code == 302
