"""The portal's page cache (cms.caching): a second anonymous request is served from Redis without a query,
publishing invalidates at once, signed-in visitors and pages with a CSRF token are never cached, and neither
communes nor languages ever mix."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation
from wagtail.models import Locale

from cms import caching
from cms.models import HomePage
from tests.cms_kiosk.guide import build_guide
from tests.conftest import host_of, inside


@pytest.fixture(autouse=True)
def cache_on(settings, sefrou, berkane):
    settings.PORTAL_CACHE_SECONDS = 300
    for commune in (sefrou, berkane):  # nothing left from an earlier test, whose pages were rolled back
        with inside(commune):
            caching.bump_generation()


def home(commune, language="fr") -> HomePage:
    with inside(commune):
        return HomePage.objects.get(locale=Locale.objects.get(language_code=language))


def get(client, path="/fr/", **headers):
    response = client.get(path, headers=headers)
    assert response.status_code in (200, 304), response.status_code
    return response


def test_the_second_request_comes_from_the_cache_without_a_query(client_for, sefrou,
                                                                 django_assert_max_num_queries):
    client = client_for(sefrou)
    first = get(client)
    assert first["X-Portal-Cache"] == "miss"
    with django_assert_max_num_queries(0):
        second = get(client)
    assert second["X-Portal-Cache"] == "hit"
    assert second.content == first.content and "Commune de Sefrou" in second.content.decode()
    assert "public" in second["Cache-Control"] and "max-age=60" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    assert second["X-Frame-Options"] and second["Content-Language"] == "fr"  # the outer middleware still ran
    not_modified = get(client, If_None_Match=second["ETag"])
    assert not_modified.status_code == 304 and not not_modified.content


def test_publishing_a_page_shows_at_once(client_for, sefrou, django_capture_on_commit_callbacks):
    client = client_for(sefrou)
    get(client), get(client)
    page = home(sefrou)
    with inside(sefrou), django_capture_on_commit_callbacks(execute=True):
        page.intro = "<p>Nouvelle annonce du conseil</p>"
        page.save_revision().publish()
    fresh = get(client)
    assert fresh["X-Portal-Cache"] == "miss" and "Nouvelle annonce du conseil" in fresh.content.decode()


def test_unpublishing_and_deleting_invalidate(client_for, sefrou):
    client = client_for(sefrou)
    with inside(sefrou):
        procedure = build_guide()["fr"]
    path = f"/fr/{procedure.url_path.split('/', 2)[2]}"
    assert get(client, path).status_code == 200 and get(client, path)["X-Portal-Cache"] == "hit"
    with inside(sefrou):
        procedure.unpublish()
    assert client.get(path).status_code == 404
    with inside(sefrou):
        procedure.save_revision().publish()
    assert get(client, path)["X-Portal-Cache"] == "miss"
    with inside(sefrou):
        procedure.delete()
    assert client.get(path).status_code == 404


def test_signed_in_visitors_are_never_served_nor_stored(client_for, sefrou):
    client = client_for(sefrou)
    with inside(sefrou):
        client.force_login(get_user_model().objects.get(username="agent.sefrou"))
    for _ in range(2):
        response = get(client)
        assert "X-Portal-Cache" not in response
        assert "private" in response["Cache-Control"]
    assert get(client_for(sefrou))["X-Portal-Cache"] == "miss"  # nothing was stored for the signed-in visitor


def test_a_sefrou_page_is_never_served_on_berkane_host(client_for, sefrou, berkane):
    assert get(client_for(sefrou))["X-Portal-Cache"] == "miss"
    assert get(client_for(sefrou))["X-Portal-Cache"] == "hit"
    berkane_page = get(client_for(berkane))
    assert berkane_page["X-Portal-Cache"] == "miss"  # same path, other commune
    assert "Commune de Berkane" in berkane_page.content.decode()
    assert "Sefrou" not in get(client_for(berkane)).content.decode()


def test_languages_do_not_mix(client_for, sefrou):
    client = client_for(sefrou)
    french, arabic = get(client, "/fr/"), get(client, "/ar/")
    assert arabic["X-Portal-Cache"] == "miss"
    french, arabic = get(client, "/fr/"), get(client, "/ar/")
    assert french["X-Portal-Cache"] == arabic["X-Portal-Cache"] == "hit"
    assert '<html lang="fr" dir="ltr">' in french.content.decode() and "Bienvenue" in french.content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic.content.decode() and "صفرو" in arabic.content.decode()


def test_pages_holding_a_csrf_token_or_setting_a_cookie_are_not_stored(sefrou):
    """As a Wagtail form page (the contact page) does: its token is the visitor's own."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    middleware = caching.PortalCacheMiddleware(lambda request: HttpResponse())
    with inside(sefrou), translation.override("fr"):
        for spoil in (get_token, lambda request: None):
            request = RequestFactory().get("/fr/contact/", HTTP_HOST=host_of(sefrou))
            request.LANGUAGE_CODE = "fr"
            request.resolver_match = resolve("/fr/contact/")
            assert middleware.process_view(request, None, (), {}) is None
            spoil(request)
            response = HttpResponse("<form>...</form>")
            if spoil is not get_token:
                response.set_cookie("poll", "1")
            response = middleware.process_response(request, response)
            assert "X-Portal-Cache" not in response and "private" in response["Cache-Control"]
            assert middleware.process_view(request, None, (), {}) is None  # still nothing to replay
        clean = RequestFactory().get("/fr/contact/", HTTP_HOST=host_of(sefrou))
        clean.LANGUAGE_CODE, clean.resolver_match = "fr", resolve("/fr/contact/")
        middleware.process_view(clean, None, (), {})
        assert middleware.process_response(clean, HttpResponse("<p>plain</p>"))["X-Portal-Cache"] == "miss"
        assert middleware.process_view(clean, None, (), {}).content == b"<p>plain</p>"  # the control: stored


def test_a_new_tariff_version_retires_cached_pages_whose_fee_it_changes(client_for, sefrou):
    from modules.regie.models import TariffVersion

    client = client_for(sefrou)
    get(client), get(client)
    with inside(sefrou):
        version = TariffVersion.objects.filter(tariff__code="extrait-naissance").first()
        version.save()
    assert get(client)["X-Portal-Cache"] == "miss"
