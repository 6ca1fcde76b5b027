"""The régie API: the catalogue and quotes, taxpayers and items, assessments and their cancellation, receipts at
the counter and their voiding, receipt books; with the roles' permissions, messages in the request's language,
idempotent retries, the OpenAPI schema, and no way into another commune."""

import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token

from modules.regie.models import Assessment, Receipt, ReceiptBook, Tariff, TaxableItem, Taxpayer
from modules.regie.services import assessments, receipts
from modules.regie.services.receipts import Payment
from platform_core.modules.roles import role_group
from platform_core.routing import routing_table
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import inside

API = "/api/v1/regie"
ROLES = ("regisseur", "ordonnateur", "consultation", "collecteur", "agent")


class Commune:
    """A commune's staff with their API tokens, and requests to its host."""

    def __init__(self, commune, client, tokens):
        self.commune, self.client, self.tokens = commune, client, tokens

    def call(self, method, path, who=None, language="fr", **options):
        if who:
            options["HTTP_AUTHORIZATION"] = f"Token {self.tokens[who]}"
        return getattr(self.client, method)(f"{API}{path}", HTTP_ACCEPT_LANGUAGE=language, **options)

    def get(self, path, who=None, **options):
        return self.call("get", path, who, **options)

    def post(self, path, data=None, who=None, **options):
        return self.call("post", path, who, data=data if data is not None else {}, content_type="application/json",
                         **options)

    def patch(self, path, data=None, who=None, **options):
        return self.call("patch", path, who, data=data or {}, content_type="application/json", **options)


@pytest.fixture
def sefrou_api(sefrou, regie, client_for):
    """Sefrou's régie staff (from the recipe) with tokens; `agent` has no régie role."""
    users = {**regie}
    tokens = {name: Token.objects.create(user=users[name]).key for name in (*ROLES, "regisseur2")}
    return Commune(sefrou, client_for(sefrou), tokens)


@pytest.fixture
def data(sefrou, regie):
    """In Sefrou: a taxpayer with a parcel, an assessment on it, one awaiting cancellation, and a counter receipt."""
    with inside(sefrou):
        taxpayer = Taxpayer.objects.create(name_ar="محمد بناني", name_latin="Mohamed Bennani", cin="C123456",
                                           phone="0612345678")
        tnb = Tariff.objects.get(code="tnb")
        parcel = TaxableItem.objects.create(taxpayer=taxpayer, kind="parcel", reference="TF-1234/07",
                                            label="Terrain route de Fès", zone="villa", area_m2=Decimal("200"),
                                            tariff=tnb, collector=regie["collecteur"])
        assessment = assessments.issue_assessment(actor=regie["ordonnateur"], tariff=tnb, taxpayer=taxpayer,
                                                  item=parcel, period="2026")
        to_cancel = assessments.issue_assessment(actor=regie["ordonnateur"], tariff=tnb, taxpayer=taxpayer,
                                                 item=parcel, period="2025")
        assessments.request_cancellation(to_cancel.pk, actor=regie["regisseur"], reason="Double emploi")
        receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(
            tariff=Tariff.objects.get(code="legalisation"), base_values={"units": 2}, payer_name="Rim Idrissi"))
        book = ReceiptBook.objects.filter(holder=regie["regisseur"]).order_by("serial").first()
        return {"taxpayer": taxpayer.pk, "item": parcel.pk, "assessment": assessment.pk, "to_cancel": to_cancel.pk,
                "receipt": receipt.pk, "book": book.pk}


TAXPAYER = {"kind": "company", "name_ar": "شركة الأطلس", "name_latin": "Société Atlas", "ice": "001234567000089",
            "rc": "RC 4521", "phone": "0535 123456"}
ALL = {"regisseur": 200, "ordonnateur": 200, "consultation": 200, "collecteur": 200}
OFFICE = {"regisseur": 200, "ordonnateur": 200, "consultation": 200}
# (method, path, body, expected status per role; a role not named answers 403).
ENDPOINTS = [
    ("get", "/tariffs/", None, ALL),
    ("get", "/tariffs/tnb/", None, ALL),
    ("post", "/tariffs/tnb/quote/", {"base_values": {"area_m2": "200"}, "zone": "villa"}, ALL),
    ("get", "/taxpayers/", None, ALL),
    ("get", "/taxpayers/{taxpayer}/", None, ALL),
    ("post", "/taxpayers/", TAXPAYER, {"regisseur": 201, "ordonnateur": 201}),
    ("patch", "/taxpayers/{taxpayer}/", {"address": "12 rue Ibn Khaldoun, Sefrou"},
     {"regisseur": 200, "ordonnateur": 200}),
    ("get", "/items/", None, ALL),
    ("get", "/items/{item}/", None, ALL),
    ("post", "/items/", {"taxpayer": "{taxpayer}", "kind": "sign", "reference": "ENS-77", "label": "Enseigne",
                         "tariff": "legalisation"}, {"regisseur": 201, "ordonnateur": 201}),
    ("patch", "/items/{item}/", {"label": "Terrain route de Fès (lot 7)"}, {"regisseur": 200, "ordonnateur": 200}),
    ("get", "/assessments/", None, ALL),
    ("get", "/assessments/{assessment}/", None, ALL),
    ("post", "/assessments/", {"tariff": "sejour", "base_values": {"persons": 2, "nights": 3},
                               "payer_name": "Hôtel Zalagh"}, {"ordonnateur": 201}),
    ("post", "/assessments/{assessment}/request-cancellation/", {"reason": "Erreur de superficie"},
     {"regisseur": 200, "ordonnateur": 200}),
    ("post", "/assessments/{to_cancel}/approve-cancellation/", {}, {"ordonnateur": 200}),
    ("post", "/assessments/{assessment}/reject-cancellation/", {}, {"ordonnateur": 200}),
    ("get", "/receipts/", None, ALL),
    # A field collector sees only the receipts they wrote: the régisseur's is not found for them.
    ("get", "/receipts/{receipt}/", None, {**OFFICE, "collecteur": 404}),
    ("post", "/receipts/", {"tariff": "legalisation", "base_values": {"units": 1}, "payer_name": "Ali Tazi"},
     {"regisseur": 201}),
    ("post", "/receipts/{receipt}/void/", {"reason": "Erreur de montant"}, {"regisseur": 200, "ordonnateur": 200}),
    ("get", "/books/", None, OFFICE),
    ("get", "/books/{book}/", None, OFFICE),
    ("get", "/field/assignment/", None, {"collecteur": 200}),
    ("post", "/field/blocks/", {"device_id": "TAB-01", "count": 5}, {"collecteur": 201}),
]


def test_a_field_collector_lists_only_their_own_receipts(sefrou_api, data):
    assert [row["id"] for row in sefrou_api.get("/receipts/", "regisseur").json()] == [data["receipt"]]
    assert sefrou_api.get("/receipts/", "collecteur").json() == []


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


@pytest.mark.parametrize("role", [*ROLES, None])
def test_each_endpoint_answers_each_role_as_its_permissions_say(sefrou_api, data, role):
    wrong = {}
    for method, path, body, expected in ENDPOINTS:
        wanted = 401 if role is None else expected.get(role, 403)
        url = path.format(**data)
        answer = getattr(sefrou_api, method)(url, who=role) if method == "get" else getattr(sefrou_api, method)(
            url, _fill(body, data), who=role)
        if answer.status_code != wanted:
            wrong[f"{method} {url}"] = (answer.status_code, wanted, answer.content[:300])
    assert not wrong


def test_tariffs_show_the_version_in_force_and_quote_an_amount(sefrou_api):
    tariffs = {tariff["code"]: tariff for tariff in sefrou_api.get("/tariffs/", "regisseur").json()}
    tnb = tariffs["tnb"]["version_in_force"]
    assert tnb["base"] == "area" and tnb["base_values"] == ["area_m2"]
    assert {rate["zone"]: rate["rate"] for rate in tnb["zone_rates"]} == {"immeuble": "3.0000", "villa": "1.5000"}
    assert tariffs["sejour"]["version_in_force"]["base_values"] == ["persons", "nights"]

    quote = sefrou_api.post("/tariffs/tnb/quote/", {"base_values": {"area_m2": "200"}, "zone": "villa"}, "regisseur")
    assert quote.status_code == 200
    assert (quote.json()["principal"], quote.json()["rate"], quote.json()["exempt"]) == ("300.00", "1.5000", False)
    small = sefrou_api.post("/tariffs/tnb/quote/", {"base_values": {"area_m2": "10"}, "zone": "villa"}, "regisseur")
    assert (small.json()["principal"], small.json()["exempt"]) == ("0.00", True)  # 15 DH: under the threshold
    minimum = sefrou_api.post("/tariffs/tnb/quote/", {"base_values": {"area_m2": "50"}, "zone": "villa"}, "regisseur")
    assert minimum.json()["principal"] == "100.00"
    stay = sefrou_api.post("/tariffs/sejour/quote/", {"base_values": {"persons": 2, "nights": 3}}, "collecteur")
    assert stay.json()["principal"] == "60.00"
    missing = sefrou_api.post("/tariffs/sejour/quote/", {"base_values": {"persons": 2}}, "regisseur")
    assert missing.status_code == 400 and list(missing.json()) == ["nights"]
    no_zone = sefrou_api.post("/tariffs/tnb/quote/", {"base_values": {"area_m2": "50"}, "zone": "lune"}, "regisseur")
    assert no_zone.status_code == 400 and "lune" in no_zone.json()["non_field_errors"][0]
    assert sefrou_api.post("/tariffs/nothing/quote/", {}, "regisseur").status_code == 404


def test_taxpayers_and_items_are_recorded_searched_and_corrected(sefrou, sefrou_api, data, regie):
    created = sefrou_api.post("/taxpayers/", TAXPAYER, "regisseur")
    assert created.status_code == 201, created.content
    company = created.json()
    assert company["ice"] == "001234567000089" and company["kind"] == "company"
    assert [t["id"] for t in sefrou_api.get("/taxpayers/?q=atlas", "consultation").json()] == [company["id"]]
    assert [t["id"] for t in sefrou_api.get("/taxpayers/?q=C123456", "consultation").json()] == [data["taxpayer"]]
    twice = sefrou_api.post("/taxpayers/", {**TAXPAYER, "name_latin": "Atlas bis"}, "regisseur")
    assert twice.status_code == 400 and "ice" in twice.json()
    bad = sefrou_api.post("/taxpayers/", {**TAXPAYER, "ice": "12", "cin": "123", "phone": "abc"}, "regisseur")
    assert bad.status_code == 400 and {"ice", "cin", "phone"} <= set(bad.json())
    corrected = sefrou_api.patch(f"/taxpayers/{company['id']}/", {"address": "Zone industrielle"}, "ordonnateur")
    assert corrected.status_code == 200 and corrected.json()["address"] == "Zone industrielle"
    assert corrected.json()["name_latin"] == "Société Atlas"

    item = sefrou_api.post("/items/", {"taxpayer": company["id"], "kind": "occupation", "reference": "ODP-2026-9",
                                       "label": "Terrasse de café", "area_m2": "12.50", "tariff": "odp",
                                       "collector": "collecteur.sefrou"}, "ordonnateur")
    assert item.status_code == 201, item.content
    assert (item.json()["tariff"], item.json()["collector"]) == ("odp", "collecteur.sefrou")
    detail = sefrou_api.get(f"/taxpayers/{company['id']}/", "collecteur").json()
    assert [i["reference"] for i in detail["items"]] == ["ODP-2026-9"]
    listed = sefrou_api.get("/items/?collector=collecteur.sefrou", "consultation").json()
    assert {i["reference"] for i in listed} == {"ODP-2026-9", "TF-1234/07"}
    again = sefrou_api.post("/items/", {"taxpayer": company["id"], "kind": "sign", "reference": "ODP-2026-9",
                                        "label": "x"}, "ordonnateur")
    assert again.status_code == 400 and "reference" in again.json()
    moved = sefrou_api.patch(f"/items/{item.json()['id']}/", {"collector": None, "area_m2": "15"}, "regisseur")
    assert moved.status_code == 200 and (moved.json()["collector"], moved.json()["area_m2"]) == (None, "15.00")
    with inside(sefrou):
        assert TaxableItem.objects.get(pk=item.json()["id"]).collector is None


def test_assessments_are_issued_filtered_and_cancelled_with_the_ordonnateurs_approval(sefrou, sefrou_api, data):
    issued = sefrou_api.post("/assessments/", {"tariff": "tnb", "taxpayer": data["taxpayer"], "item": data["item"],
                                               "period": "2024"}, "ordonnateur")
    assert issued.status_code == 201, issued.content
    assessment = issued.json()
    assert assessment["reference"].startswith("OR-") and assessment["principal"] == "300.00"
    assert (assessment["amount_due"], assessment["penalty_due"], assessment["status"]) == ("300.00", "0.00", "issued")
    assert assessment["tariff"] == "tnb" and assessment["issued_by"] == "ordonnateur.sefrou"

    by_reference = sefrou_api.get(f"/assessments/?reference={assessment['reference']}", "consultation").json()
    assert [a["id"] for a in by_reference] == [assessment["id"]]
    mine = sefrou_api.get(f"/assessments/?taxpayer={data['taxpayer']}&tariff=tnb&status=issued", "regisseur").json()
    assert {a["id"] for a in mine} == {assessment["id"], data["assessment"], data["to_cancel"]}
    waiting = sefrou_api.get("/assessments/?cancellation_requested=true", "ordonnateur").json()
    assert [a["id"] for a in waiting] == [data["to_cancel"]]
    bad = sefrou_api.get("/assessments/?status=lost&yaer=2026", "ordonnateur")
    assert bad.status_code == 400 and set(bad.json()) == {"status", "yaer"}

    other = sefrou_api.post("/assessments/", {"tariff": "tnb", "item": data["item"], "payer_name": "X"},
                            "ordonnateur")
    assert other.status_code == 201  # an item alone: its owner need not be named
    wrong_owner = sefrou_api.post("/assessments/", {"tariff": "tnb", "taxpayer": TAXPAYER_ID_NONE,
                                                    "item": data["item"]}, "ordonnateur")
    assert wrong_owner.status_code == 400 and "taxpayer" in wrong_owner.json()

    url = f"/assessments/{assessment['id']}"
    assert sefrou_api.post(f"{url}/approve-cancellation/", {}, "ordonnateur").status_code == 400  # nothing asked
    assert sefrou_api.post(f"{url}/request-cancellation/", {"reason": " "}, "regisseur").status_code == 400
    asked = sefrou_api.post(f"{url}/request-cancellation/", {"reason": "Parcelle bâtie"}, "regisseur")
    assert asked.status_code == 200 and asked.json()["cancellation_reason"] == "Parcelle bâtie"
    approved = sefrou_api.post(f"{url}/approve-cancellation/", {}, "ordonnateur")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["amount_due"]) == ("cancelled", "0.00")
    assert sefrou_api.post(f"{url}/request-cancellation/", {"reason": "x"}, "regisseur").status_code == 400
    rejected = sefrou_api.post(f"/assessments/{data['to_cancel']}/reject-cancellation/", {}, "ordonnateur")
    assert (rejected.json()["status"], rejected.json()["cancellation_reason"]) == ("issued", "")
    with inside(sefrou):
        assert Assessment.objects.get(pk=assessment["id"]).cancellation_reason == "Parcelle bâtie"


TAXPAYER_ID_NONE = 999999999


def test_counter_receipts_are_issued_once_per_key_and_voided_with_a_reason(sefrou, sefrou_api, data,
                                                                           django_capture_on_commit_callbacks):
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    body = {"assessment": data["assessment"], "method": "cheque", "method_reference": "CHQ 88812"}
    with django_capture_on_commit_callbacks(execute=True):
        first = sefrou_api.post("/receipts/", body, "regisseur", **key)
    assert first.status_code == 201, first.content
    receipt = first.json()
    assert (receipt["amount"], receipt["principal"], receipt["penalty"]) == ("300.00", "300.00", "0.00")
    assert receipt["assessment_reference"].startswith("OR-") and receipt["cashier"] == "regisseur.sefrou"
    assert receipt["payer_name"] == "Mohamed Bennani" and receipt["tariff"] == "tnb"
    with inside(sefrou):
        count = Receipt.objects.count()
    retried = sefrou_api.post("/receipts/", body, "regisseur", **key)
    assert (retried.status_code, retried.json()["id"], retried["Idempotent-Replayed"]) == (201, receipt["id"], "true")
    with inside(sefrou):
        assert Receipt.objects.count() == count
    assert sefrou_api.get(f"/assessments/{data['assessment']}/", "regisseur").json()["status"] == "paid"
    paid_again = sefrou_api.post("/receipts/", body, "regisseur")
    assert paid_again.status_code == 400

    fee = sefrou_api.post("/receipts/", {"tariff": "legalisation", "base_values": {"units": 3},
                                         "payer_name": "Rim Idrissi"}, "regisseur")
    assert fee.status_code == 201 and fee.json()["amount"] == "6.00"
    assert fee.json()["number"] == receipt["number"] + 1 and fee.json()["book"] == receipt["book"]
    assert sefrou_api.post("/receipts/", {"payer_name": "x"}, "regisseur").status_code == 400
    assert sefrou_api.post("/receipts/", {"tariff": "legalisation", "payer_name": "x", "book": data["book"]},
                           "regisseur2").status_code == 400  # another cashier's book

    assert sefrou_api.post(f"/receipts/{receipt['id']}/void/", {"reason": ""}, "regisseur").status_code == 400
    voided = sefrou_api.post(f"/receipts/{receipt['id']}/void/", {"reason": "Chèque refusé"}, "regisseur")
    assert voided.status_code == 200
    assert (voided.json()["status"], voided.json()["void_reason"], voided.json()["number"]) == (
        "voided", "Chèque refusé", receipt["number"])
    assert sefrou_api.get(f"/assessments/{data['assessment']}/", "regisseur").json()["amount_due"] == "300.00"
    assert sefrou_api.post(f"/receipts/{receipt['id']}/void/", {"reason": "x"}, "regisseur").status_code == 400
    listed = sefrou_api.get("/receipts/?status=voided", "consultation").json()
    assert receipt["id"] in {r["id"] for r in listed}
    assert sefrou_api.get("/receipts/?cashier=regisseur.sefrou&status=valid", "consultation").json()[0]["id"] == (
        fee.json()["id"])
    assert sefrou_api.get("/receipts/?colour=red", "consultation").status_code == 400


def test_books_show_their_holder_and_numbers_used(sefrou_api, data):
    books = sefrou_api.get("/books/?holder=regisseur.sefrou", "ordonnateur").json()
    assert len(books) == 2 and {book["use"] for book in books} == {"counter"}
    current = next(book for book in books if book["id"] == data["book"])
    assert (current["numbers_used"], current["status"], current["size"]) == (1, "in_use", 100)
    in_stock = sefrou_api.get("/books/?status=in_stock", "consultation").json()
    assert len(in_stock) == 2 and all(book["holder"] is None for book in in_stock)
    assert sefrou_api.get("/books/999999/", "ordonnateur").status_code == 404


@pytest.mark.parametrize(("language", "denied", "required"), [
    ("fr", "Votre rôle ne permet pas cette action.", "Ce champ est obligatoire."),
    ("ar", "دورك لا يسمح بهذا الإجراء.", "هذا الحقل إلزامي."),
])
def test_errors_come_in_the_requests_language(sefrou_api, data, language, denied, required):
    refused = sefrou_api.call("post", "/receipts/", "consultation", language=language, content_type="application/json",
                              data={"tariff": "legalisation", "payer_name": "x"})
    assert refused.status_code == 403 and refused.json()["detail"] == denied
    incomplete = sefrou_api.call("post", "/taxpayers/", "regisseur", language=language,
                                 content_type="application/json", data={"kind": "person"})
    assert incomplete.status_code == 400 and incomplete.json()["name_ar"] == [required]
    not_collector = sefrou_api.call("get", "/field/assignment/", "regisseur", language=language)
    assert not_collector.status_code == 403 and not_collector.json()["detail"] == denied


def test_the_schema_documents_the_regie_api(client_for, sefrou):
    schema = client_for(sefrou).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for path in ("tariffs/", "tariffs/{code}/", "tariffs/{code}/quote/", "taxpayers/", "taxpayers/{id}/", "items/",
                 "items/{id}/", "assessments/", "assessments/{id}/", "assessments/{id}/request-cancellation/",
                 "assessments/{id}/approve-cancellation/", "assessments/{id}/reject-cancellation/", "receipts/",
                 "receipts/{id}/", "receipts/{id}/void/", "books/", "books/{id}/", "field/assignment/",
                 "field/blocks/", "field/receipts/"):
        assert f"/api/v1/regie/{path}" in paths, path
    issue = paths["/api/v1/regie/receipts/"]["post"]
    assert issue["summary"] == "Issue a receipt at the counter" and {"201", "400", "403"} <= set(issue["responses"])
    assert "Idempotency-Key" in {parameter["name"] for parameter in issue["parameters"]}
    upload = paths["/api/v1/regie/field/receipts/"]["post"]
    assert {"200", "201", "400", "409"} <= set(upload["responses"])
    assert "idempotency_key" in schema["components"]["schemas"]["Upload"]["properties"]
    assert {"get", "post"} <= set(paths["/api/v1/regie/field/blocks/"])
    assert "put" not in paths["/api/v1/regie/taxpayers/{id}/"]
    assert {"status", "tariff", "reference"} <= {
        parameter["name"] for parameter in paths["/api/v1/regie/assessments/"]["get"]["parameters"]}


@pytest.fixture
def berkane_api(berkane, client_for, django_capture_on_commit_callbacks):
    """Berkane, subscribed to the régie for the test, with a cashier and an ordonnateur holding tokens."""
    with django_capture_on_commit_callbacks(execute=True):
        set_subscriptions(berkane, ["regie"])
    routing_table.clear()
    with inside(berkane):
        people = {}
        for role, name in (("regisseur", "regisseur"), ("ordonnateur", "ordonnateur"), ("consultation",
                                                                                          "consultation")):
            user = get_user_model().objects.create_user(f"{name}.berkane", first_name="Samir", last_name="Ouali")
            user.groups.add(role_group("regie", role))
            people[name] = user
        tokens = {name: Token.objects.create(user=user).key for name, user in people.items()}
        Taxpayer.objects.create(name_ar="سمير الوالي", name_latin="Samir Ouali")
    api = Commune(berkane, client_for(berkane), tokens)
    api.people = people
    return api


def test_berkane_cannot_see_or_touch_sefrous_receipts_books_or_taxpayers(sefrou, berkane, sefrou_api, data,
                                                                         berkane_api, client_for):
    # Berkane's own staff use their régie: the routes are there.
    assert berkane_api.get("/taxpayers/", "regisseur").json()[0]["name_latin"] == "Samir Ouali"
    assert berkane_api.get("/receipts/", "regisseur").json() == []
    assert berkane_api.get("/books/", "ordonnateur").json() == []
    # A Berkane token on Sefrou's host authenticates no one.
    for path in ("/receipts/", f"/receipts/{data['receipt']}/", "/books/", f"/books/{data['book']}/", "/taxpayers/",
                 f"/taxpayers/{data['taxpayer']}/"):
        answer = sefrou_api.client.get(f"{API}{path}", HTTP_AUTHORIZATION=f"Token {berkane_api.tokens['regisseur']}")
        assert answer.status_code == 401, path
    forged = sefrou_api.client.post(f"{API}/receipts/{data['receipt']}/void/", {"reason": "x"},
                                    content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Token {berkane_api.tokens['regisseur']}")
    assert forged.status_code == 401
    # A Berkane session is no session on Sefrou's host.
    browser = client_for(berkane)
    with inside(berkane):
        browser.force_login(berkane_api.people["regisseur"])
    assert browser.get(f"{API}/taxpayers/").status_code == 200
    sefrou_browser = client_for(sefrou)
    sefrou_browser.cookies = browser.cookies
    for path in ("/receipts/", "/books/", "/taxpayers/"):
        assert sefrou_browser.get(f"{API}{path}").status_code in (401, 403), path
    # On Berkane's host, Sefrou's records are not there, by id or in lists.
    for path in (f"/receipts/{data['receipt']}/", f"/books/{data['book']}/", f"/taxpayers/{data['taxpayer']}/",
                 f"/items/{data['item']}/", f"/assessments/{data['assessment']}/"):
        assert berkane_api.get(path, "ordonnateur").status_code == 404, path
    assert berkane_api.post(f"/receipts/{data['receipt']}/void/", {"reason": "x"}, "regisseur").status_code == 404
    assert berkane_api.patch(f"/taxpayers/{data['taxpayer']}/", {"name_latin": "Forged"},
                             "regisseur").status_code == 404
    assert berkane_api.post("/receipts/", {"assessment": data["assessment"]}, "regisseur").status_code == 400
    assert berkane_api.get("/taxpayers/?q=bennani", "regisseur").json() == []
    with inside(sefrou):
        assert Receipt.objects.get(pk=data["receipt"]).status == Receipt.Status.VALID
        assert Taxpayer.objects.get(pk=data["taxpayer"]).name_latin == "Mohamed Bennani"
    connection.set_schema_to_public()


def test_the_module_switched_off_answers_404(client_for, berkane):
    with inside(berkane):
        token = Token.objects.create(user=get_user_model().objects.get(username="admin.berkane"))
    client = client_for(berkane)
    for path in ("/receipts/", "/tariffs/", "/field/assignment/"):
        assert client.get(f"{API}{path}", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 404
    assert b"/api/v1/regie/" not in client.get("/api/schema/").content
