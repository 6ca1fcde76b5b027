"""A Sefrou account, token, session, cache entry or task result is nothing on Berkane."""

import uuid

from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.authtoken.models import Token


def test_sefrou_staff_cannot_log_in_on_berkane(client_for, sefrou, berkane):
    credentials = {"username": "agent.sefrou", "password": "sefrou-agent-pw"}
    on_sefrou = client_for(sefrou)
    assert on_sefrou.post("/admin/login/", credentials).status_code == 302
    assert on_sefrou.get("/admin/").status_code == 200
    on_berkane = client_for(berkane)
    response = on_berkane.post("/admin/login/", credentials)
    assert response.status_code == 200  # the form again, with an error
    assert on_berkane.get("/admin/").status_code == 302  # still anonymous: sent to the login page


def test_a_sefrou_session_cookie_means_nothing_on_berkane(client_for, sefrou, berkane):
    on_sefrou = client_for(sefrou)
    on_sefrou.post("/admin/login/", {"username": "admin.sefrou", "password": "sefrou-admin-pw"})
    cookie = on_sefrou.cookies["sessionid"].value
    on_berkane = client_for(berkane)
    on_berkane.cookies["sessionid"] = cookie
    assert on_berkane.get("/admin/").status_code == 302
    assert on_berkane.get("/api/v1/me/").status_code == 401


def test_a_sefrou_api_token_is_refused_on_berkane(client_for, sefrou, berkane, in_commune):
    with in_commune(sefrou):
        token = Token.objects.create(user=get_user_model().objects.get(username="agent.sefrou")).key
    header = {"HTTP_AUTHORIZATION": f"Token {token}"}
    on_sefrou = client_for(sefrou).get("/api/v1/me/", **header)
    assert on_sefrou.status_code == 200 and on_sefrou.json()["commune"] == "sefrou"
    assert client_for(berkane).get("/api/v1/me/", **header).status_code == 401


def test_cache_entries_are_per_commune(sefrou, berkane, in_commune):
    key = f"isolation-probe-{uuid.uuid4().hex}"
    with in_commune(sefrou):
        cache.set(key, "sefrou's", timeout=60)
    with in_commune(berkane):
        assert cache.get(key) is None
        cache.set(key, "berkane's", timeout=60)
    with in_commune(sefrou):
        assert cache.get(key) == "sefrou's"


def test_accounts_live_in_their_commune_only(sefrou, berkane, in_commune):
    with in_commune(sefrou):
        assert get_user_model().objects.filter(username="agent.sefrou").exists()
    with in_commune(berkane):
        assert not get_user_model().objects.filter(username="agent.sefrou").exists()
