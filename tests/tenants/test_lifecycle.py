"""A commune's life: taking it live, suspending, resuming, archiving; each change needs the right status, the
right reason, and leaves an entry in the platform's journal."""

import pytest
from django.contrib.auth import get_user_model
from django.utils.translation import gettext

from platform_core.audit.models import AuditEntry
from platform_core.modules.roles import role_group
from tenants.models import Commune
from tenants.onboarding import checklist
from tenants.services import lifecycle
from tests.conftest import console_account, inside

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return console_account("operator.lifecycle", "pw-lifecycle-2026")


def onboarding(commune):
    Commune.objects.filter(pk=commune.pk).update(status="onboarding", live_since=None)
    commune.refresh_from_db()
    return commune


def last_entry(commune):
    return AuditEntry.objects.filter(object_type="tenants.commune", object_id=str(commune.pk)).last()


def test_suspend_needs_a_reason_and_resume_goes_back_to_live(sefrou, operator, client_for,
                                                             django_capture_on_commit_callbacks):
    with pytest.raises(lifecycle.LifecycleError) as refused:
        lifecycle.suspend(sefrou, actor=operator, reason="  ")
    assert str(refused.value) == gettext("Give the reason: it is kept in the platform's journal.")
    assert Commune.objects.get(pk=sefrou.pk).status == "live"

    with django_capture_on_commit_callbacks(execute=True):  # the routing caches forget the commune on commit
        lifecycle.suspend(sefrou, actor=operator, reason="Unpaid convention")
    assert Commune.objects.get(pk=sefrou.pk).status == "suspended"
    entry = last_entry(sefrou)
    assert (entry.action, entry.actor_label) == ("tenants.suspend", "operator.lifecycle")
    assert entry.before == {"status": "live"} and entry.after["reason"] == "Unpaid convention"
    assert client_for(sefrou).get("/fr/").status_code == 503

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.resume(sefrou, actor=operator)
    assert Commune.objects.get(pk=sefrou.pk).status == "live"
    assert client_for(sefrou).get("/fr/").status_code == 200


def test_a_suspended_onboarding_commune_resumes_onboarding(sefrou, operator):
    onboarding(sefrou)
    lifecycle.suspend(sefrou, actor=operator, reason="Convention on hold")
    lifecycle.resume(sefrou, actor=operator, reason="Signed again")
    assert Commune.objects.get(pk=sefrou.pk).status == "onboarding"


def test_changes_only_from_the_statuses_that_allow_them(sefrou, operator):
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.resume(sefrou, actor=operator)  # live, not suspended
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.take_live(sefrou, actor=operator, reason="already live")
    lifecycle.archive(sefrou, actor=operator, reason="Merged with another commune")
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.suspend(sefrou, actor=operator, reason="too late")
    assert Commune.objects.get(pk=sefrou.pk).status == "archived"


def test_the_template_cannot_change(operator):
    template = Commune.objects.get(kind="template")
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.suspend(template, actor=operator, reason="no")


def test_going_live_with_an_incomplete_checklist_needs_a_recorded_reason(sefrou, operator):
    onboarding(sefrou)
    with inside(sefrou):
        get_user_model().objects.filter(groups=role_group("regie", "ordonnateur")).update(is_active=False)
    items = checklist(sefrou)
    assert not items.complete and "platform.staff" in items.missing()

    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.take_live(sefrou, actor=operator)
    assert Commune.objects.get(pk=sefrou.pk).status == "onboarding"

    lifecycle.take_live(sefrou, actor=operator, reason="The ordonnateur is appointed next week")
    sefrou.refresh_from_db()
    assert sefrou.status == "live" and sefrou.live_since is not None
    entry = last_entry(sefrou)
    assert entry.action == "tenants.take_live"
    assert entry.after["reason"] == "The ordonnateur is appointed next week"
    assert "platform.staff" in entry.after["missing"]


def test_the_staff_item_names_the_empty_essential_roles_only(sefrou):
    with inside(sefrou):
        get_user_model().objects.filter(groups=role_group("regie", "ordonnateur")).update(is_active=False)
        get_user_model().objects.filter(groups=role_group("regie", "field_collector")).update(is_active=False)
    staff = next(item for item in checklist(sefrou).items if item.key == "platform.staff")
    assert not staff.done
    assert "Ordonnateur" in staff.detail or "الآمر بالصرف" in staff.detail
    assert "Percepteur" not in staff.detail and "محصل ميداني" not in staff.detail  # not essential
    assert 0 < staff.progress < 100
