"""While a commune onboards, its public face (portal, e-services, kiosk, citizens' accounts, Open311 reports) says
"coming soon" to visitors and citizens; its staff see the real portal with a banner; the back office, the API, the
verification pages, signed files and health checks keep working; taking it live opens the portal at once, and no
coming-soon answer ever goes into or comes out of the portal's cache."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from cms import caching
from platform_core.modules.roles import role_group
from platform_core.routing import routing_table
from tenants.models import Commune
from tenants.services import lifecycle
from tests.conftest import console_account, inside

pytestmark = pytest.mark.django_db

COMING_SOON = "Our online services are coming soon"
BANNER = ("Not public yet: visitors see a “coming soon” page until the commune goes live. You see this portal "
          "because you are signed in as staff.")
PUBLIC_FACE = ["/", "/fr/", "/ar/", "/fr/demandes/", "/ar/borne/", "/fr/compte/inscription/", "/fr/reclamations/",
               "/fr/paiements/", "/fr/une-page-qui-nexiste-pas/"]


def onboarding(commune):
    Commune.objects.filter(pk=commune.pk).update(status="onboarding", live_since=None)
    routing_table.clear()
    commune.refresh_from_db()
    return commune


def in_both(response, msgid: str) -> bool:
    content = response.content.decode()
    found = []
    for language in ("ar", "fr"):
        with translation.override(language):
            found.append(translation.gettext(msgid) in content)
    return all(found)


def is_coming_soon(response) -> bool:
    return response.status_code == 503 and in_both(response, COMING_SOON)


def has_banner(response) -> bool:
    with translation.override(response.get("Content-Language") or "ar"):
        return translation.gettext(BANNER) in response.content.decode()


def signed_in(commune, client_for, username, *roles, is_staff=False):
    with inside(commune):
        user = get_user_model().objects.create_user(username, password="coming-soon-pw-2026", is_staff=is_staff)
        for role in roles:
            user.groups.add(role_group(*role.split(".")))
        client = client_for(commune)
        client.force_login(user)
    return client


def test_visitors_see_a_bilingual_coming_soon_page_everywhere_on_the_public_face(sefrou, client_for):
    onboarding(sefrou)
    client = client_for(sefrou)
    for path in PUBLIC_FACE:
        response = client.get(path)
        assert is_coming_soon(response), (path, response.status_code)
    response = client.get("/fr/")
    content = response.content.decode()
    assert sefrou.name_fr in content and sefrou.name_ar in content and sefrou.contact_phone in content
    assert response["Retry-After"] == "86400"
    assert "noindex" in response["X-Robots-Tag"] and '<meta name="robots" content="noindex, nofollow">' in content
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert 'lang="ar" dir="rtl"' in content and 'lang="fr" dir="ltr"' in content
    # A citizen's report through Open311 waits too; reading the list of services does not.
    assert is_coming_soon(client.post("/api/open311/v2/requests.json", {"service_code": "eclairage"}))
    assert client.get("/api/open311/v2/services.json").status_code == 200


def test_a_signed_in_citizen_sees_the_coming_soon_page_too(sefrou, client_for):
    onboarding(sefrou)
    citizen = signed_in(sefrou, client_for, "citoyen.coming-soon")
    assert is_coming_soon(citizen.get("/fr/"))
    assert is_coming_soon(citizen.get("/ar/demandes/"))


def test_staff_see_the_real_portal_with_a_not_public_banner(sefrou, client_for):
    onboarding(sefrou)
    for client in (signed_in(sefrou, client_for, "moderateur.coming-soon", "portal.moderator"),
                   signed_in(sefrou, client_for, "admin.coming-soon", is_staff=True)):
        response = client.get("/fr/")
        assert response.status_code == 200 and not in_both(response, COMING_SOON)
        assert has_banner(response) and sefrou.name_fr in response.content.decode()
        assert "X-Portal-Cache" not in response and "noindex" in response["X-Robots-Tag"]


def test_the_back_office_api_verification_files_and_health_keep_working(sefrou, client_for):
    onboarding(sefrou)
    client = client_for(sefrou)
    login = client.get("/admin/login/")
    assert login.status_code == 200
    assert client.get("/admin/").status_code == 302  # to the sign-in page, not to "coming soon"
    assert client.get("/healthz").status_code == 200 and client.get("/livez").status_code == 200
    assert client.get("/verify/not-a-token/").status_code == 404
    assert client.get("/media/anything.pdf").status_code == 403  # unsigned: refused as on a live commune
    staff = signed_in(sefrou, client_for, "agent.coming-soon", "civil_status.agent")
    assert staff.get("/api/v1/me/").status_code == 200
    assert staff.get("/admin/").status_code == 200


def test_a_live_commune_is_untouched(sefrou, client_for, django_assert_num_queries, settings):
    settings.PORTAL_CACHE_SECONDS = 300
    with inside(sefrou):
        caching.bump_generation()
    client = client_for(sefrou)
    assert client.get("/fr/").status_code == 200
    with django_assert_num_queries(0):  # a cached page: the status read from routing's commune, no query
        hit = client.get("/fr/")
    assert hit["X-Portal-Cache"] == "hit" and not has_banner(hit)


def test_going_live_opens_the_portal_at_once_and_nothing_of_coming_soon_is_cached(
        sefrou, client_for, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_CACHE_SECONDS = 300
    with inside(sefrou):
        caching.bump_generation()
    client = client_for(sefrou)
    # Warm while live, then onboarding: the cached page is not served, the coming-soon page is not stored.
    assert client.get("/fr/").status_code == 200 and client.get("/fr/")["X-Portal-Cache"] == "hit"
    onboarding(sefrou)
    for _ in range(2):
        response = client.get("/fr/")
        assert is_coming_soon(response) and "X-Portal-Cache" not in response
    staff = signed_in(sefrou, client_for, "moderateur.going-live", "portal.moderator")
    assert has_banner(staff.get("/fr/"))

    operator = console_account("operator.coming-soon", "pw-coming-soon-2026")
    with django_capture_on_commit_callbacks(execute=True):  # the Commune save signal bumps the routing generation
        lifecycle.take_live(sefrou, actor=operator, reason="Opening day")
    opened = client.get("/fr/")
    assert opened.status_code == 200 and not in_both(opened, COMING_SOON) and not has_banner(opened)
    assert sefrou.name_fr in opened.content.decode()
    again = client.get("/fr/")
    assert again["X-Portal-Cache"] == "hit" and again.content == opened.content
