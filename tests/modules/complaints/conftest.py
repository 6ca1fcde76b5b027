"""Fixtures of the complaints tests: Sefrou's services and categories (tests/recipes/sefrou.yaml), and staff in
each role, made for the test (rolled back with it)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from modules.complaints.models import Department
from platform_core.modules.roles import role_group
from tests.conftest import inside

ADDRESS = "192.0.2.31"  # a documentation address: throttles count per address


def make_staff(username, role, *, departments=(), email="", phone="", language="fr"):
    from wagtail.users.models import UserProfile

    user = get_user_model().objects.create_user(username, password="complaints-pw-2026", first_name=username.title(),
                                                last_name="Test", email=email, phone=phone)
    user.groups.add(role_group("complaints", role))
    for code in departments:
        Department.objects.get(code=code).members.add(user)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def staff(sefrou, django_capture_on_commit_callbacks):
    """Sefrou's schema, current for the test, with an agent, a responder of the voirie service, a responder of
    the hygiene service and a consultation account."""
    with inside(sefrou):
        for scope in ("lookups", "filings", "open311"):
            cache.delete(f"complaints.{scope}:{ADDRESS}")
            cache.delete(f"complaints.{scope}:127.0.0.1")
        yield SimpleNamespace(
            agent=make_staff("accueil.ch", "agent", email="accueil@sefrou.example.ma"),
            voirie=make_staff("voirie.ch", "responder", departments=["voirie"], email="voirie@sefrou.example.ma"),
            hygiene=make_staff("hygiene.ch", "responder", departments=["hygiene"], phone="0661000000",
                               language="ar"),
            reader=make_staff("lecture.ch", "consultation"),
        )
