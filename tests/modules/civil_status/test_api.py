"""The civil-status API: the counter's search, reading, drafting and signing through the module's services, with the
roles' permissions, messages in the request's language, idempotent retries, and no way into another commune."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from modules.civil_status import services
from modules.civil_status.models import Act, Bureau, Delegation
from platform_core.modules.roles import role_group
from platform_core.routing import routing_table
from tenants.services.subscriptions import set_subscriptions

TODAY = timezone.localdate()
API = "/api/v1/civil-status"


def person(username, role=None):
    user = get_user_model().objects.create_user(username, first_name="Hassan", last_name="Alami",
                                                first_name_ar="حسن", last_name_ar="العلمي")
    if role:
        user.groups.add(role_group("civil_status", role))
    return get_user_model().objects.get(pk=user.pk)


def birth(**changes):
    data = {
        "bureau": "principal", "kind": "birth",
        "first_names_ar": "محمد أمين", "first_names_latin": "Mohamed Amine", "family_name_ar": "العلوي",
        "family_name_latin": "Alaoui", "sex": "M", "event_date": str(TODAY - datetime.timedelta(days=3)),
        "event_time": "08:30", "event_place_fr": "Sefrou", "event_place_ar": "صفرو",
        "father_name_ar": "أحمد العلوي", "father_name_latin": "Ahmed Alaoui",
        "father": {"birth_date": "1990-04-02", "birth_place": "Fès", "occupation": "Menuisier"},
        "mother_name_ar": "فاطمة الزهراء", "mother_name_latin": "Fatima Zahra", "mother": {"occupation": "Couturière"},
        "declarant": {"name": "Ahmed Alaoui", "age": 36, "relation": "père"},
    }
    return {**data, **changes}


def service_data(payload):
    """A payload of the API as the services take it (to make acts without going through the API)."""
    data = {key: value for key, value in payload.items() if key not in ("bureau", "kind")}
    return {**data, "event_date": datetime.date.fromisoformat(data["event_date"]),
            "event_time": datetime.time.fromisoformat(data["event_time"])}


class Commune:
    """A commune's staff with their API tokens, and requests to its host."""

    def __init__(self, commune, client_for, tokens):
        self.commune, self.client, self.tokens = commune, client_for(commune), tokens

    def call(self, method, path, who=None, language="fr", **headers):
        if who:
            headers["HTTP_AUTHORIZATION"] = f"Token {self.tokens[who]}"
        return getattr(self.client, method)(f"{API}{path}", HTTP_ACCEPT_LANGUAGE=language, **headers)

    def get(self, path, who=None, **headers):
        return self.call("get", path, who, **headers)

    def post(self, path, data=None, who=None, **headers):
        return self.call("post", path, who, data=data or {}, content_type="application/json", **headers)


def staff_of(commune, in_commune, client_for, bureau_code="principal"):
    with in_commune(commune):
        bureau = Bureau.objects.get(code=bureau_code)
        people = {role: person(f"{role}.api", role) for role in ("agent", "officer", "consultation")}
        people["norole"] = person("norole.api")
        Delegation.objects.create(officer=people["officer"], bureau=bureau, decree_number="3/2026",
                                  decree_date=TODAY - datetime.timedelta(days=30),
                                  valid_from=TODAY - datetime.timedelta(days=30))
        tokens = {role: Token.objects.create(user=user).key for role, user in people.items()}
    return Commune(commune, client_for, tokens), people


@pytest.fixture
def sefrou_api(sefrou, in_commune, client_for):
    return staff_of(sefrou, in_commune, client_for)


@pytest.fixture
def berkane_api(berkane, in_commune, client_for, django_capture_on_commit_callbacks):
    """Berkane, subscribed to civil status for the test, with a bureau, staff and one signed act."""
    with django_capture_on_commit_callbacks(execute=True):
        set_subscriptions(berkane, ["civil_status"])
    routing_table.clear()
    with in_commune(berkane):
        Bureau.objects.create(code="principal", name_fr="Bureau principal", name_ar="المكتب الرئيسي", is_main=True)
    api, people = staff_of(berkane, in_commune, client_for)
    with in_commune(berkane):
        with connection.cursor() as cursor:
            # Berkane's act ids start far above Sefrou's, so that an id of Berkane is none of Sefrou's.
            cursor.execute("SELECT setval(pg_get_serial_sequence('civil_status_act', 'id'), "
                           "(SELECT coalesce(max(id), 0) + 100000 FROM sefrou.civil_status_act))")
        data = service_data(birth(first_names_ar="يوسف", first_names_latin="Youssef", family_name_ar="البركاني",
                                  family_name_latin="Berkani"))
        act = services.draft_act(actor=people["agent"], bureau=Bureau.objects.get(code="principal"), kind="birth",
                                 data=data)
        api.act = services.sign_act(act.pk, actor=people["officer"])
    return api


@pytest.fixture
def acts(sefrou, in_commune, sefrou_api):
    """In Sefrou: a signed birth with a drafted mention, and two drafts."""
    _api, people = sefrou_api
    with in_commune(sefrou):
        bureau = Bureau.objects.get(code="principal")

        def draft(**changes):
            return services.draft_act(actor=people["agent"], bureau=bureau, kind="birth",
                                      data=service_data(birth(**changes)))

        signed = services.sign_act(draft().pk, actor=people["officer"])
        mention = services.draft_mention(signed.pk, actor=people["agent"], kind="marriage",
                                         text_fr="Marié le 01/06/2026", text_ar="تزوج بتاريخ 01/06/2026",
                                         legal_basis="Code de la famille, art. 68")
        return {"signed": signed.pk, "mention": mention.pk,
                "draft": draft(first_names_latin="Omar", first_names_ar="عمر").pk,
                "other_draft": draft(first_names_latin="Ali", first_names_ar="علي").pk}


MENTION = {"kind": "annotation", "text_fr": "Annotation", "text_ar": "تأشير", "legal_basis": "Loi 36-21, art. 26"}
# (method, path, body, expected status per role); the paths name acts of the `acts` fixture.
ENDPOINTS = [
    ("get", "/acts/", None, {"agent": 200, "officer": 200, "consultation": 200}),
    ("get", "/acts/{signed}/", None, {"agent": 200, "officer": 200, "consultation": 200}),
    ("get", "/acts/{draft}/duplicates/", None, {"agent": 200, "officer": 200, "consultation": 200}),
    ("get", "/mentions/{mention}/", None, {"agent": 200, "officer": 200, "consultation": 200}),
    ("get", "/bureaux/", None, {"agent": 200, "officer": 200, "consultation": 200}),
    ("post", "/acts/", birth(first_names_latin="Idriss", first_names_ar="إدريس", family_name_latin="Bennani",
                             family_name_ar="بناني"),
     {"agent": 201, "officer": 201, "consultation": 403}),
    ("post", "/acts/{other_draft}/abandon/", {"reason": "Doublon"},
     {"agent": 200, "officer": 200, "consultation": 403}),
    ("post", "/acts/{signed}/mentions/", MENTION, {"agent": 201, "officer": 201, "consultation": 403}),
    ("post", "/acts/{draft}/sign/", {}, {"agent": 403, "officer": 200, "consultation": 403}),
    ("post", "/mentions/{mention}/sign/", {}, {"agent": 403, "officer": 200, "consultation": 403}),
]


@pytest.mark.parametrize("role", ["agent", "officer", "consultation", "norole", None])
def test_each_endpoint_answers_each_role_as_its_permissions_say(sefrou_api, acts, role):
    api, _people = sefrou_api
    wrong = {}
    for method, path, body, expected in ENDPOINTS:
        wanted = 401 if role is None else expected.get(role, 403)
        url = path.format(**acts)
        response = api.get(url, role) if method == "get" else api.post(url, body, role)
        if response.status_code != wanted:
            wrong[f"{method} {url}"] = (response.status_code, wanted, response.content[:200])
    assert not wrong


def test_draft_then_sign_numbers_the_acts_of_the_register_in_order(sefrou, in_commune, sefrou_api):
    api, _people = sefrou_api
    first = api.post("/acts/", birth(), "agent")
    assert first.status_code == 201, first.content
    drafted = first.json()
    assert (drafted["status"], drafted["number"], drafted["year"], drafted["citizen_id"]) == ("draft", None, None, None)
    assert drafted["bureau"] == "principal" and drafted["event_hijri"] and drafted["first_names_ar"] == "محمد أمين"
    assert drafted["father"] == {"birth_date": "1990-04-02", "birth_place": "Fès", "occupation": "Menuisier"}
    assert drafted["declarant"] == {"name": "Ahmed Alaoui", "age": 36, "relation": "père"}
    second = api.post("/acts/", birth(first_names_latin="Karim", first_names_ar="كريم", sex="M"), "agent").json()

    signed = [api.post(f"/acts/{act['id']}/sign/", {}, "officer") for act in (drafted, second)]
    assert [answer.status_code for answer in signed] == [200, 200]
    first_signed, second_signed = (answer.json() for answer in signed)
    assert (first_signed["number"], second_signed["number"]) == (1, 2)
    assert first_signed["year"] == TODAY.year and first_signed["status"] == "signed"
    assert first_signed["citizen_id"].startswith("271001") and first_signed["drawn_up_hijri"]
    assert first_signed["officer_name"] == "حسن العلمي / Hassan Alami"

    found = api.get("/acts/?name=mohamed alaoui&kind=birth&bureau=principal", "consultation").json()
    assert [act["id"] for act in found] == [drafted["id"]]
    found = api.get(f"/acts/?number=2&year={TODAY.year}&bureau=principal", "consultation").json()
    assert [act["id"] for act in found] == [second["id"]]
    found = api.get("/acts/?parents=فاطمة الزهراء&bureau=principal", "agent").json()
    assert {act["id"] for act in found} == {drafted["id"], second["id"]}
    assert api.get("/acts/?status=draft&bureau=principal", "agent").json() == []
    with in_commune(sefrou):
        assert Act.objects.get(pk=drafted["id"]).number == 1


def test_abandoning_a_draft_keeps_it_without_a_number(sefrou_api, acts):
    api, _people = sefrou_api
    answer = api.post(f"/acts/{acts['draft']}/abandon/", {"reason": "Déclaration retirée"}, "agent")
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["abandoned_reason"], answer.json()["number"]) == (
        "abandoned", "Déclaration retirée", None)
    refused = api.post(f"/acts/{acts['draft']}/sign/", {}, "officer")
    assert refused.status_code == 400 and "brouillon" in refused.json()["non_field_errors"][0]


def test_a_mention_is_drafted_then_signed_and_shown_with_its_act(sefrou_api, acts):
    api, _people = sefrou_api
    drafted = api.post(f"/acts/{acts['signed']}/mentions/", MENTION, "agent")
    assert drafted.status_code == 201 and drafted.json()["status"] == "draft"
    signed = api.post(f"/mentions/{drafted.json()['id']}/sign/", {}, "officer")
    assert signed.status_code == 200 and signed.json()["signed_at"]
    mentions = api.get(f"/acts/{acts['signed']}/", "consultation").json()["mentions"]
    assert [(m["kind"], m["status"]) for m in mentions] == [("annotation", "signed"), ("marriage", "draft")]
    no_basis = api.post(f"/acts/{acts['signed']}/mentions/", {**MENTION, "legal_basis": " "}, "agent")
    assert no_basis.status_code == 400 and "legal_basis" in no_basis.json()
    on_a_draft = api.post(f"/acts/{acts['draft']}/mentions/", MENTION, "agent")
    assert on_a_draft.status_code == 400


@pytest.mark.parametrize(("language", "rule"), [("fr", "deux prénoms"), ("ar", "اسمين شخصيين")])
def test_a_rule_broken_is_refused_citing_it_in_the_requests_language(sefrou, in_commune, sefrou_api, language,
                                                                      rule):
    api, _people = sefrou_api
    with in_commune(sefrou):
        before = Act.objects.count()
    answer = api.call("post", "/acts/", "agent", language=language, content_type="application/json",
                      data=birth(first_names_latin="Mohamed Amine Karim"))
    assert answer.status_code == 400
    assert rule in answer.json()["first_names_latin"][0]
    with in_commune(sefrou):
        assert Act.objects.count() == before


def test_a_late_birth_needs_a_judgment_and_an_officer_without_delegation_cannot_sign(sefrou, in_commune, sefrou_api,
                                                                                     acts):
    api, people = sefrou_api
    late = api.post("/acts/", birth(event_date=str(TODAY - datetime.timedelta(days=400))), "agent")
    assert late.status_code == 400 and "jugement déclaratif" in late.json()["judgment_number"][0]
    with in_commune(sefrou):
        Delegation.objects.filter(officer=people["officer"]).update(valid_until=TODAY - datetime.timedelta(days=1))
    refused = api.post(f"/acts/{acts['draft']}/sign/", {}, "officer")
    assert refused.status_code == 403 and "délégation" in refused.json()["detail"]


def test_possible_duplicates_answer_409_until_confirmed(sefrou, in_commune, sefrou_api):
    api, _people = sefrou_api
    first = api.post("/acts/", birth(), "agent").json()
    with in_commune(sefrou):
        before = Act.objects.count()
    again = api.post("/acts/", birth(first_names_latin="Mohammed Amine"), "agent")
    assert again.status_code == 409
    assert [act["id"] for act in again.json()["duplicates"]] == [first["id"]] and again.json()["detail"]
    with in_commune(sefrou):
        assert Act.objects.count() == before
    confirmed = api.post("/acts/", birth(first_names_latin="Mohammed Amine", confirm_duplicates=True), "agent")
    assert confirmed.status_code == 201
    assert [act["id"] for act in api.get(f"/acts/{first['id']}/duplicates/", "officer").json()] == [
        confirmed.json()["id"]]


def test_input_is_validated_before_any_write(sefrou_api, acts):
    api, _people = sefrou_api
    answer = api.post("/acts/", birth(bureau="nowhere", sex="X", declarant={"name": "Ahmed"},
                                      event_date="12/03/2026", birth_act=acts["signed"]), "agent")
    assert answer.status_code == 400
    assert set(answer.json()) == {"bureau", "sex", "declarant", "event_date"}
    assert "relation" in answer.json()["declarant"]
    not_a_death = api.post("/acts/", birth(birth_act=acts["signed"]), "agent")
    assert not_a_death.status_code == 400 and "birth_act" in not_a_death.json()


@pytest.mark.parametrize(("query", "parameter"), [
    ("year=twenty", "year"), ("kind=marriage", "kind"), ("event_from=2026-13-01", "event_from"),
    ("bureau=nowhere", "bureau"), ("status=lost", "status"), ("nmae=alaoui", "nmae"), ("number=0", "number"),
    ("event_from=2026-02-01&event_to=2026-01-01", "event_to"),
])
def test_a_bad_search_parameter_is_named_in_a_400(sefrou_api, query, parameter):
    api, _people = sefrou_api
    answer = api.get(f"/acts/?{query}", "agent")
    assert answer.status_code == 400 and list(answer.json()) == [parameter]


def test_every_bad_search_parameter_is_named_at_once(sefrou_api):
    api, _people = sefrou_api
    answer = api.get("/acts/?year=twenty&nmae=alaoui&kind=marriage", "agent")
    assert answer.status_code == 400 and set(answer.json()) == {"year", "nmae", "kind"}
    assert answer.json()["year"] == ["Un nombre entier valide est requis."]


def test_empty_search_parameters_are_no_criteria(sefrou_api, acts):
    api, _people = sefrou_api
    answer = api.get("/acts/?name=&parents=&kind=&year=&number=&event_from=&event_to=&bureau=&status=", "agent")
    assert answer.status_code == 200 and answer.json() == api.get("/acts/", "agent").json()
    assert acts["signed"] in {act["id"] for act in answer.json()}


def test_a_signed_act_cannot_be_changed_through_the_api(sefrou, in_commune, sefrou_api, acts):
    api, _people = sefrou_api
    url = f"{API}/acts/{acts['signed']}/"
    auth = {"HTTP_AUTHORIZATION": f"Token {api.tokens['officer']}"}
    for method in ("put", "delete"):
        answer = getattr(api.client, method)(url, {"first_names_latin": "Forged"}, content_type="application/json",
                                              **auth)
        assert answer.status_code == 405, method
    forged = api.client.patch(url, {"first_names_latin": "Forged"}, content_type="application/json", **auth)
    assert forged.status_code == 400
    assert api.post(f"/acts/{acts['signed']}/sign/", {}, "officer").status_code == 400
    assert api.post(f"/acts/{acts['signed']}/abandon/", {"reason": "x"}, "agent").status_code == 400
    with in_commune(sefrou):
        assert Act.objects.get(pk=acts["signed"]).first_names_latin == "Mohamed Amine"


def test_a_draft_is_corrected_with_patch_and_the_rules_checked_again(sefrou, in_commune, sefrou_api, acts):
    api, _people = sefrou_api
    url = f"{API}/acts/{acts['draft']}/"

    def patch(body, who):
        return api.client.patch(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr",
                                HTTP_AUTHORIZATION=f"Token {api.tokens[who]}")

    assert patch({"first_names_latin": "Omar"}, "consultation").status_code == 403
    answer = patch({"first_names_latin": "Omar Said", "first_names_ar": "عمر سعيد"}, "agent")
    assert answer.status_code == 200 and answer.json()["first_names_latin"] == "Omar Said"
    refused = patch({"first_names_latin": "Omar Said Ali"}, "agent")
    assert refused.status_code == 400 and "deux prénoms" in refused.json()["first_names_latin"][0]
    assert patch({"kind": "death"}, "agent").status_code == 400
    with in_commune(sefrou):
        act = Act.objects.get(pk=acts["draft"])
        assert (act.first_names_latin, act.kind, act.status) == ("Omar Said", "birth", Act.Status.DRAFT)


def test_an_unknown_act_is_404(sefrou_api):
    api, _people = sefrou_api
    for method, path in (("get", "/acts/999999999/"), ("post", "/acts/999999999/sign/"),
                         ("post", "/acts/999999999/abandon/"), ("get", "/mentions/999999999/"),
                         ("post", "/mentions/999999999/sign/")):
        answer = api.get(path, "officer") if method == "get" else api.post(path, {"reason": "x"}, "officer")
        assert answer.status_code == 404, path


def test_a_retried_write_with_its_idempotency_key_is_done_once(sefrou, in_commune, sefrou_api,
                                                               django_capture_on_commit_callbacks):
    api, _people = sefrou_api
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/acts/", birth(), "agent", **key)
    assert first.status_code == 201
    with in_commune(sefrou):
        count = Act.objects.count()
    retried = api.post("/acts/", birth(), "agent", **key)
    assert (retried.status_code, retried.json()["id"], retried["Idempotent-Replayed"]) == (201, first.json()["id"],
                                                                                          "true")
    with in_commune(sefrou):
        assert Act.objects.count() == count
    assert api.post("/acts/", birth(sex="F"), "agent", **key).status_code == 422
    # Another account's key is its own.
    assert api.post("/acts/", birth(confirm_duplicates=True), "officer", **key).status_code == 201

    sign_key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    url = f"/acts/{first.json()['id']}/sign/"
    with django_capture_on_commit_callbacks(execute=True):
        signed = api.post(url, {}, "officer", **sign_key)
    assert api.post(url, {}, "officer", **sign_key).json() == signed.json()
    assert api.post(url, {}, "officer", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).status_code == 400


def test_a_refused_write_keeps_its_idempotency_key_free(sefrou_api, django_capture_on_commit_callbacks):
    api, _people = sefrou_api
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/acts/", birth(first_names_latin="Mohamed 2"), "agent", **key).status_code == 400
        assert api.post("/acts/", birth(), "agent", **key).status_code == 201
    assert api.post("/acts/", birth(), "agent", HTTP_IDEMPOTENCY_KEY="x" * 256).status_code == 400


def test_the_schema_documents_the_civil_status_api(client_for, sefrou):
    schema = client_for(sefrou).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for path in ("acts/", "acts/{id}/", "acts/{id}/sign/", "acts/{id}/abandon/", "acts/{id}/mentions/",
                 "acts/{id}/duplicates/", "mentions/{id}/", "mentions/{id}/sign/", "bureaux/"):
        assert f"/api/v1/civil-status/{path}" in paths, path
    search = paths["/api/v1/civil-status/acts/"]["get"]
    assert {"name", "parents", "kind", "year", "number", "event_from", "event_to", "bureau", "status"} <= {
        parameter["name"] for parameter in search["parameters"]}
    assert search["summary"] == "Search acts" and {"200", "400", "401", "403"} <= set(search["responses"])
    draft = paths["/api/v1/civil-status/acts/"]["post"]
    assert {"201", "400", "403", "409"} <= set(draft["responses"])
    assert "Idempotency-Key" in {parameter["name"] for parameter in draft["parameters"]}
    assert "put" not in paths["/api/v1/civil-status/acts/{id}/"]
    assert "first_names_ar" in schema["components"]["schemas"]["ActDraft"]["properties"]


def test_the_module_switched_off_answers_404(client_for, berkane, in_commune):
    with in_commune(berkane):
        token = Token.objects.create(user=get_user_model().objects.get(username="admin.berkane"))
    client = client_for(berkane)
    for path in ("/acts/", "/bureaux/", "/acts/1/"):
        assert client.get(f"{API}{path}", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 404
    assert client.post(f"{API}/acts/", birth(), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 404
    assert b"/api/v1/civil-status/" not in client.get("/api/schema/").content


def test_a_sefrou_token_or_act_id_does_not_reach_berkane(sefrou_api, berkane_api, acts, in_commune, sefrou):
    sefrou_side, _people = sefrou_api
    berkane_act = berkane_api.act.pk
    with in_commune(sefrou):
        assert not Act.objects.filter(pk=berkane_act).exists()
    # Berkane's own staff read it there: the routes exist and the act is there.
    assert berkane_api.get(f"/acts/{berkane_act}/", "consultation").json()["first_names_latin"] == "Youssef"
    # A Sefrou token on Berkane's host authenticates no one.
    for path in (f"/acts/{berkane_act}/", "/acts/?name=youssef"):
        answer = berkane_api.client.get(f"{API}{path}", HTTP_AUTHORIZATION=f"Token {sefrou_side.tokens['agent']}")
        assert answer.status_code == 401, path
    # On Sefrou's host, Berkane's act is not there, by id or by search.
    for path in (f"/acts/{berkane_act}/", f"/acts/{berkane_act}/duplicates/"):
        assert sefrou_side.get(path, "agent").status_code == 404
    assert sefrou_side.post(f"/acts/{berkane_act}/sign/", {}, "officer").status_code == 404
    assert sefrou_side.post(f"/acts/{berkane_act}/mentions/", MENTION, "agent").status_code == 404
    assert sefrou_side.get("/acts/?name=youssef berkani", "agent").json() == []
    assert berkane_api.get("/acts/?name=youssef berkani", "agent").json()[0]["id"] == berkane_act
    # And the other way: Sefrou's act is not Berkane's.
    assert berkane_api.get(f"/acts/{acts['signed']}/", "agent").status_code == 404


def test_the_browsable_api_opens_in_a_signed_in_browser(client_for, sefrou, acts):
    client = client_for(sefrou)
    client.post("/admin/login/", {"username": "admin.sefrou", "password": "sefrou-admin-pw"})
    for path, shown in (("/acts/", "Mohamed Amine"), (f"/acts/{acts['signed']}/", "Mohamed Amine"),
                        ("/bureaux/", "Bureau principal")):
        page = client.get(f"{API}{path}", HTTP_ACCEPT="text/html")
        assert page.status_code == 200 and shown in page.content.decode(), path
