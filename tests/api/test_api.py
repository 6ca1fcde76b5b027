from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token


def test_me_describes_the_account_its_commune_roles_and_modules(client_for, sefrou, in_commune):
    with in_commune(sefrou):
        token = Token.objects.create(user=get_user_model().objects.get(username="agent.sefrou"))
    response = client_for(sefrou).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json() == {
        "username": "agent.sefrou", "first_name": "Amina", "last_name": "Tazi", "first_name_ar": "أمينة",
        "last_name_ar": "التازي", "email": "", "language": "fr", "commune": "sefrou",
        "roles": ["noticeboard.reader"], "modules": ["portal", "civil_status", "regie", "complaints", "noticeboard"],
    }


def test_me_with_a_browser_session(client_for, sefrou):
    client = client_for(sefrou)
    client.post("/admin/login/", {"username": "admin.sefrou", "password": "sefrou-admin-pw"})
    assert client.get("/api/v1/me/").json()["username"] == "admin.sefrou"


def test_anonymous_requests_are_refused(client_for, sefrou):
    response = client_for(sefrou).get("/api/v1/me/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_schema_and_docs_are_served_from_local_assets(client_for, sefrou):
    client = client_for(sefrou)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and "/api/v1/me/" in schema.json()["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()
