"""Complaints stay in their commune: Berkane, which does not subscribe, answers 404 on Open311, the portal and
the back office; once it subscribes, a Sefrou complaint's number (and key) finds nothing there."""

import pytest
from django.contrib.auth import get_user_model

from modules.complaints import services
from modules.complaints.models import Category
from platform_core.modules.roles import role_group
from platform_core.routing import routing_table
from tenants.services.subscriptions import set_subscriptions
from tests.conftest import inside
from tests.modules.complaints.conftest import ADDRESS

BASE = "/api/open311/v2"


def test_a_commune_without_the_module_answers_404(berkane, client_for):
    visitor = client_for(berkane, REMOTE_ADDR=ADDRESS)
    for path in (f"{BASE}/services.json", f"{BASE}/services/eclairage.json", f"{BASE}/requests.json",
                 "/fr/reclamations/", "/ar/reclamations/suivi/", "/fr/reclamations/statistiques/"):
        assert visitor.get(path).status_code == 404, path
    assert visitor.post(f"{BASE}/requests.json", {"service_code": "eclairage"}).status_code == 404
    with inside(berkane):
        boss = get_user_model().objects.filter(is_superuser=True).first()
        visitor.force_login(boss)
    assert visitor.get("/admin/complaints/").status_code == 404


@pytest.mark.django_db
def test_a_sefrou_complaint_is_not_found_through_berkane(sefrou, berkane, client_for, staff):
    with inside(sefrou):
        filing = services.file_complaint(category="eclairage", description="Lampadaire éteint rue des Oliviers.",
                                         address="Rue des Oliviers", submitter=services.Submitter(name="Salma"))
    number, key, pk = filing.complaint.number, filing.access_key, filing.complaint.pk
    set_subscriptions(berkane, ["complaints"])  # rolled back with the test
    routing_table.clear()  # the routing generation moves on commit, which a test's transaction never reaches
    with inside(berkane):
        Category.objects.create(code="eclairage", name_fr="Éclairage", name_ar="الإنارة")
        agent = get_user_model().objects.create_user("accueil.berkane", password="x-berkane-pw")
        agent.groups.add(role_group("complaints", "agent"))
    visitor = client_for(berkane, REMOTE_ADDR=ADDRESS)
    assert visitor.get(f"{BASE}/services.json").status_code == 200
    assert visitor.get(f"{BASE}/requests/{number}.json").status_code == 404
    assert visitor.get(f"{BASE}/requests.json", {"service_request_id": number}).json() == []
    assert number not in visitor.get(f"{BASE}/requests.json").content.decode()
    follow = visitor.post("/fr/reclamations/suivi/", {"number": number, "key": key})
    assert follow.status_code == 200 and follow.context["summary"] is None and follow.context["refused"]
    assert "Oliviers" not in follow.content.decode()
    with inside(berkane):
        visitor.force_login(agent)
    assert visitor.get(f"/admin/complaints/{pk}/").status_code == 404
    assert visitor.post(f"/admin/complaints/{pk}/close/").status_code == 404
    # Berkane's own first complaint may carry the very same number: it is Berkane's.
    theirs = visitor.post(f"{BASE}/requests.json", {"service_code": "eclairage", "address_string": "Berkane",
                                                     "description": "Lampadaire éteint à Berkane centre."})
    assert theirs.status_code == 200
    shown = visitor.get(f"{BASE}/requests/{theirs.json()[0]['service_request_id']}.json").json()[0]
    assert "Berkane" in shown["description"]
    with inside(sefrou):
        assert services.key_matches(filing.complaint, key)
