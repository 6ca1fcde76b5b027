"""A commune's actions from the console: modules, take live, suspend, resume, archive. POST only, CSRF-checked,
audited with the operator and their address; a refused action changes nothing and says why."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from platform_core.audit.models import AuditEntry
from platform_core.modules.roles import role_group
from tenants.models import Commune, Subscription
from tenants.onboarding import checklist
from tests.conftest import inside, says
from tests.tenants.conftest import signed_in

pytestmark = pytest.mark.django_db

OPERATOR = "operator.actions"  # the `operator` fixture's username


def status_of(commune) -> str:
    return Commune.objects.get(pk=commune.pk).status


def journal(commune):
    return AuditEntry.objects.filter(object_type="tenants.commune", object_id=str(commune.pk)).order_by("sequence")


def levels(response) -> list[str]:
    return [message.level_tag for message in response.context["messages"]]


def onboarding_with_a_missing_item(commune):
    Commune.objects.filter(pk=commune.pk).update(status="onboarding", live_since=None)
    with inside(commune):
        get_user_model().objects.filter(groups=role_group("regie", "ordonnateur")).update(is_active=False)
    connection.set_schema_to_public()
    assert not checklist(commune).complete


def test_modules_are_switched_with_the_operator_in_the_journal(console, operator, sefrou):
    before = journal(sefrou).count()
    response = console.post("/console/communes/sefrou/modules/",
                            {"modules-modules": ["civil_status", "regie", "portal"]}, follow=True)
    assert response.redirect_chain == [("/console/communes/sefrou/", 302)]
    assert levels(response) == ["success"]
    active = set(Subscription.objects.filter(commune=sefrou, active=True).values_list("module_key", flat=True))
    assert active == {"civil_status", "regie", "portal"}
    entry = journal(sefrou).last()
    assert journal(sefrou).count() == before + 1
    assert (entry.action, entry.actor_label) == ("tenants.set_subscriptions", "operator.actions")
    assert entry.after == {"modules": ["civil_status", "portal", "regie"]}
    row = response.context["audit"][0]
    with translation.override(response["Content-Language"]):
        assert row["label"] == gettext("Modules changed")
    # The page shows the boxes of the active modules ticked.
    assert set(response.context["forms"]["modules"].initial["modules"]) == active


def test_an_unknown_module_changes_nothing(console, sefrou):
    before = set(Subscription.objects.filter(commune=sefrou, active=True).values_list("module_key", flat=True))
    response = console.post("/console/communes/sefrou/modules/", {"modules-modules": ["portal", "teleportation"]})
    assert response.status_code == 200 and levels(response) == ["error"]
    assert response.context["forms"]["modules"].errors
    assert set(Subscription.objects.filter(commune=sefrou, active=True).values_list("module_key", flat=True)) == before


def test_taking_live_with_an_incomplete_checklist_needs_a_reason(console, sefrou):
    onboarding_with_a_missing_item(sefrou)
    page = console.get("/console/communes/sefrou/")
    assert "platform.staff" in [item.key for item in page.context["missing"]]
    assert says(page, "The checklist is not complete. Missing:")

    refused = console.post("/console/communes/sefrou/take-live/", {"take_live-reason": "   "})
    assert refused.status_code == 200 and levels(refused) == ["error"]
    assert says(refused, "The checklist is not complete: say why the commune goes live anyway.")
    assert status_of(sefrou) == "onboarding"
    assert not journal(sefrou).filter(action="tenants.take_live").exists()

    done = console.post("/console/communes/sefrou/take-live/",
                        {"take_live-reason": "The ordonnateur is appointed next week"}, follow=True)
    assert levels(done) == ["success"]
    sefrou.refresh_from_db()
    assert sefrou.status == "live" and sefrou.live_since is not None
    entry = journal(sefrou).last()
    assert entry.action == "tenants.take_live" and entry.ip_address == "127.0.0.1"
    assert entry.after["reason"] == "The ordonnateur is appointed next week"
    assert "platform.staff" in entry.after["missing"]
    row = done.context["audit"][0]
    assert row["reason"] == "The ordonnateur is appointed next week"
    assert any("platform.staff" in detail for detail in row["details"])


def test_suspend_needs_a_reason_and_resume_reopens(console, operator, sefrou):
    refused = console.post("/console/communes/sefrou/suspend/", {"suspend-reason": ""})
    assert refused.status_code == 200 and levels(refused) == ["error"]
    assert refused.context["forms"]["suspend"].errors["reason"]
    assert status_of(sefrou) == "live"

    suspended = console.post("/console/communes/sefrou/suspend/", {"suspend-reason": "Unpaid convention"}, follow=True)
    assert levels(suspended) == ["success"] and status_of(sefrou) == "suspended"
    assert set(suspended.context["forms"]) == {"modules", "resume", "archive"}
    entry = journal(sefrou).last()
    assert (entry.action, entry.actor_label, entry.after["reason"]) == ("tenants.suspend", "operator.actions",
                                                                      "Unpaid convention")
    assert Client(HTTP_HOST="sefrou.localhost").get("/fr/").status_code == 503

    resumed = console.post("/console/communes/sefrou/resume/", {"resume-reason": ""}, follow=True)
    assert levels(resumed) == ["success"] and status_of(sefrou) == "live"
    assert journal(sefrou).last().action == "tenants.resume"


def test_archive_needs_the_slug_typed_again_and_a_reason(console, berkane):
    wrong = console.post("/console/communes/berkane/archive/",
                         {"archive-reason": "Merged with another commune", "archive-confirm_slug": "sefrou"})
    assert wrong.status_code == 200 and levels(wrong) == ["error"]
    assert wrong.context["forms"]["archive"].errors["confirm_slug"]
    assert wrong.context["forms"]["archive"]["reason"].value() == "Merged with another commune"  # kept for retyping
    no_reason = console.post("/console/communes/berkane/archive/",
                             {"archive-reason": "", "archive-confirm_slug": "berkane"})
    assert no_reason.context["forms"]["archive"].errors["reason"]
    assert status_of(berkane) == "live"
    assert not journal(berkane).filter(action="tenants.archive").exists()

    archived = console.post("/console/communes/berkane/archive/",
                            {"archive-reason": "Merged with another commune", "archive-confirm_slug": "berkane"},
                            follow=True)
    assert levels(archived) == ["success"] and status_of(berkane) == "archived"
    assert archived.context["forms"] == {}
    assert journal(berkane).last().after["reason"] == "Merged with another commune"
    # Its schema is no longer migrated: the page reads neither its checklist nor its figures.
    assert archived.context["checklist"].items == [] and archived.context["figures"] is None
    assert says(archived, "Archived: its schema is kept as it was and no longer read.")


def test_an_action_the_status_does_not_allow_is_refused(console, sefrou):
    before = journal(sefrou).count()
    response = console.post("/console/communes/sefrou/resume/", {"resume-reason": "not suspended"}, follow=True)
    assert levels(response) == ["error"] and status_of(sefrou) == "live"
    assert console.post("/console/communes/sefrou/take-live/", {"take_live-reason": "again"}).status_code == 302
    assert status_of(sefrou) == "live" and journal(sefrou).count() == before


def test_actions_are_post_only_and_csrf_checked(operator, sefrou):
    strict = signed_in(Client(HTTP_HOST="localhost", enforce_csrf_checks=True), operator)
    assert strict.get("/console/communes/sefrou/suspend/").status_code == 405
    assert strict.post("/console/communes/sefrou/suspend/", {"suspend-reason": "No token"}).status_code == 403
    assert status_of(sefrou) == "live"


def test_no_action_on_the_template_or_from_a_commune_host(console, client_for, sefrou):
    template = Commune.objects.get(kind="template")
    assert console.post(f"/console/communes/{template.slug}/suspend/", {"suspend-reason": "x"}).status_code == 404
    assert status_of(template) == "live"
    # Sefrou's administrator, on Sefrou's host, cannot reach any console action (of Sefrou or of another commune).
    administrator = client_for(sefrou)
    administrator.post("/admin/login/", {"username": "admin.sefrou", "password": "sefrou-admin-pw"})
    for slug in ("sefrou", "berkane"):
        response = administrator.post(f"/console/communes/{slug}/suspend/", {"suspend-reason": "x"})
        assert response.status_code == 404
    assert Commune.objects.filter(slug__in=["sefrou", "berkane"], status="live").count() == 2
