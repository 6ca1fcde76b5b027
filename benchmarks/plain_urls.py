"""The plain project's URLconf: the liveness view only, the equivalent of Jamaa's /livez."""

from django.http import HttpResponse
from django.urls import path


def livez(request):
    """Liveness: answers 200 "ok" and touches nothing (as platform_core.health.livez)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("livez", livez, name="livez")]
