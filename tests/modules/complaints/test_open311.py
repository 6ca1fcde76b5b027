"""Open311 GeoReport v2 at /api/open311/v2/: the round trip (a complaint filed by an Open311 app appears in the back
office, staff answer it, the app sees it closed with the answer), every endpoint's field names in JSON and XML,
the standard's error format, api_key and the throttle of anonymous posts, and no personal data in reads."""

import dataclasses
import json
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from modules.complaints import open311
from modules.complaints.models import Complaint
from platform_core.notifications.models import OutboxMessage
from tests.conftest import inside
from tests.modules.complaints.conftest import ADDRESS
from tests.modules.complaints.test_portal import photo

BASE = "/api/open311/v2"
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
POST = {"service_code": "eclairage", "lat": "33.829100", "long": "-4.835200", "address_string": "Rue 5, Sefrou",
        "description": "Le lampadaire devant le numéro 12 est éteint.", "first_name": "Salma",
        "last_name": "Idrissi", "email": "salma@example.org", "phone": "0612345678",
        "jurisdiction_id": "sefrou.ma", "attribute[kind]": "observation"}


@pytest.fixture
def app(sefrou, client_for, staff):
    return client_for(sefrou, REMOTE_ADDR=ADDRESS)


def errors_of(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, list) and body and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status and body[0]["description"]
    return body


def test_round_trip_through_the_back_office(app, staff, sefrou, client_for):
    created = app.post(f"{BASE}/requests.json", POST)
    assert created.status_code == 200 and created["Content-Type"].startswith("application/json")
    [row] = created.json()
    assert set(row) == {"service_request_id", "service_notice", "account_id"}
    number = row["service_request_id"]
    complaint = Complaint.objects.get(number=number)
    assert complaint.channel == "open311" and complaint.kind == "observation"
    assert complaint.submitter_name == "Salma Idrissi" and float(complaint.latitude) == pytest.approx(33.8291)
    assert number in row["service_notice"]
    assert OutboxMessage.objects.filter(recipient="+212612345678", body__contains=number).exists()

    shown = app.get(f"{BASE}/requests/{number}.json").json()[0]
    assert shown["status"] == "open" and shown["service_code"] == "eclairage"

    with inside(sefrou):
        agent = client_for(sefrou)
        agent.force_login(staff.agent)
        responder = client_for(sefrou)
        responder.force_login(staff.voirie)
    listing = agent.get("/admin/complaints/?status=open")
    assert listing.status_code == 200 and number in listing.content.decode()
    page = agent.get(f"/admin/complaints/{complaint.pk}/").content.decode()
    assert "Salma Idrissi" in page and "Rue 5, Sefrou" in page
    answer = "Le lampadaire a été réparé ce matin par l'équipe de la voirie."
    assert responder.post(f"/admin/complaints/{complaint.pk}/answer/", {"text": answer}).status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == "answered"

    shown = app.get(f"{BASE}/requests/{number}.json").json()[0]
    assert shown["status"] == "closed" and shown["status_notes"] == answer
    assert app.get(f"{BASE}/requests.json", {"status": "closed"}).json()[0]["service_request_id"] == number
    assert app.get(f"{BASE}/requests.json", {"status": "open"}).json() == []


def test_services_and_definitions(app):
    services = app.get(f"{BASE}/services.json", {"jurisdiction_id": "sefrou.ma"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert services.status_code == 200
    rows = {row["service_code"]: row for row in services.json()}
    assert set(rows) == {"eclairage", "dechets", "autre"}
    assert all(set(row) == SERVICE_FIELDS for row in rows.values())
    assert rows["eclairage"] | {"group": ""} == {
        "service_code": "eclairage", "service_name": "Éclairage public", "description": "Lampadaire en panne",
        "metadata": True, "type": "realtime", "keywords": "lampadaire, panne", "group": ""}
    assert rows["eclairage"]["group"] == "Service de la voirie"
    assert app.get(f"{BASE}/services.json", {"locale": "ar"}).json()[0]["service_name"] == "الإنارة العمومية"

    definition = app.get(f"{BASE}/services/eclairage.json").json()
    assert definition["service_code"] == "eclairage"
    [kind] = definition["attributes"]
    assert {"variable", "code", "datatype", "required", "datatype_description", "order", "description",
            "values"} == set(kind)
    assert kind["code"] == "kind" and kind["datatype"] == "singlevaluelist"
    assert [value["key"] for value in kind["values"]] == ["complaint", "observation", "suggestion"]
    errors_of(app.get(f"{BASE}/services/nothing.json"), 404)


def test_xml_is_the_standards(app):
    root = ElementTree.fromstring(app.get(f"{BASE}/services.xml").content)
    assert root.tag == "services" and root[0].tag == "service"
    assert {child.tag for child in root[0]} == SERVICE_FIELDS
    definition = ElementTree.fromstring(app.get(f"{BASE}/services/eclairage.xml").content)
    assert definition.tag == "service_definition"
    assert [value.findtext("key") for value in definition.iter("value")] == ["complaint", "observation", "suggestion"]
    created = ElementTree.fromstring(app.post(f"{BASE}/requests.xml", POST).content)
    assert created.tag == "service_requests" and created[0].tag == "request"
    number = created[0].findtext("service_request_id")
    detail = app.get(f"{BASE}/requests/{number}.xml")
    assert detail["Content-Type"].startswith("text/xml") and detail.content.startswith(b"<?xml")
    request = ElementTree.fromstring(detail.content)[0]
    assert {child.tag for child in request} == REQUEST_FIELDS and request.findtext("status") == "open"
    error = ElementTree.fromstring(app.get(f"{BASE}/requests/CH-1999-000001.xml").content)
    assert error.tag == "errors" and error[0].findtext("code") == "404"


def test_requests_list_fields_filters_and_no_personal_data(app):
    numbers = [app.post(f"{BASE}/requests.json", POST).json()[0]["service_request_id"] for _ in range(2)]
    other = app.post(f"{BASE}/requests.json", {**POST, "service_code": "dechets"}).json()[0]["service_request_id"]
    rows = app.get(f"{BASE}/requests.json").json()
    assert {row["service_request_id"] for row in rows} >= {*numbers, other}
    for row in rows:
        assert set(row) == REQUEST_FIELDS
        assert row["requested_datetime"][10] == "T" and row["requested_datetime"][-6] in "+-"
    text = json.dumps(rows, ensure_ascii=False)
    for personal in ("Salma", "Idrissi", "salma@example.org", "612345678"):
        assert personal not in text
    assert {row["service_request_id"] for row in app.get(
        f"{BASE}/requests.json", {"service_request_id": f"{numbers[0]},{other}"}).json()} == {numbers[0], other}
    assert {row["service_code"] for row in app.get(
        f"{BASE}/requests.json", {"service_code": "dechets"}).json()} == {"dechets"}
    assert app.get(f"{BASE}/requests.json", {"start_date": "2001-01-01T00:00:00Z",
                                             "end_date": "2001-02-01T00:00:00Z"}).json() == []
    errors_of(app.get(f"{BASE}/requests.json", {"start_date": "yesterday"}), 400)
    errors_of(app.get(f"{BASE}/requests.json", {"status": "pending"}), 400)
    detail = app.get(f"{BASE}/requests/{numbers[0]}.json").json()
    assert len(detail) == 1 and set(detail[0]) == REQUEST_FIELDS
    assert detail[0]["lat"] == pytest.approx(33.8291) and detail[0]["long"] == pytest.approx(-4.8352)
    errors_of(app.get(f"{BASE}/requests/CH-1999-000001.json"), 404)


def test_post_errors_in_the_standards_format(app, sefrou, client_for):
    count = Complaint.objects.count()
    errors_of(app.post(f"{BASE}/requests.json", {**POST, "service_code": ""}), 400)
    errors_of(app.post(f"{BASE}/requests.json", {**POST, "service_code": "nothing"}), 400)
    errors_of(app.post(f"{BASE}/requests.json", {**POST, "lat": "", "long": "", "address_string": ""}), 400)
    errors_of(app.post(f"{BASE}/requests.json", {**POST, "description": ""}), 400)
    errors_of(app.post(f"{BASE}/requests.json", {**POST, "attribute[kind]": "insult"}), 400)
    errors_of(app.post(f"{BASE}/requests.json", {**POST, "lat": "300"}), 400)
    errors_of(app.post(f"{BASE}/requests.json", {**POST, "api_key": "not-a-key"}), 403)
    assert Complaint.objects.count() == count
    # Without a CSRF token (an app has none) the POST goes through: the view acts on no session.
    strict = client_for(sefrou, REMOTE_ADDR=ADDRESS, enforce_csrf_checks=True)
    assert strict.post(f"{BASE}/requests.json", {**POST, "address_string": "", "media_url": "https://x.org/a.jpg"}
                       ).status_code == 200
    # A file sent as `media` must be a real photo.
    fake = SimpleUploadedFile("photo.jpg", b"MZ not an image", content_type="image/jpeg")
    errors_of(app.post(f"{BASE}/requests.json", {**POST, "media": fake}), 400)
    created = app.post(f"{BASE}/requests.json", {**POST, "media": photo()}).json()[0]
    shown = app.get(f"{BASE}/requests/{created['service_request_id']}.json").json()[0]
    assert shown["media_url"].startswith("http://sefrou.") and "/media/" in shown["media_url"]


def test_anonymous_posts_are_throttled_but_not_an_api_key(app, staff, monkeypatch):
    monkeypatch.setattr(open311, "ANONYMOUS_POSTS", dataclasses.replace(open311.ANONYMOUS_POSTS, max_failures=2))
    for _ in range(2):
        assert app.post(f"{BASE}/requests.json", POST).status_code == 200
    errors_of(app.post(f"{BASE}/requests.json", POST), 429)
    key = Token.objects.create(user=staff.agent).key
    created = app.post(f"{BASE}/requests.json", {**POST, "api_key": key})
    assert created.status_code == 200
    assert Complaint.objects.get(number=created.json()[0]["service_request_id"]).channel == "open311"
