"""The platform's own pages: unknown host, unavailable commune, the platform home."""

from django.shortcuts import render
from django.utils import translation

from tenants import selectors


def unknown_host(request):
    return render(request, "platform/unknown_host.html", status=404)


def commune_unavailable(request, commune):
    status = 410 if commune.status == "archived" else 503
    return render(request, "platform/commune_unavailable.html", {"unavailable": commune}, status=status)


def platform_home(request):
    return render(
        request,
        "platform/home.html",
        {"communes": selectors.public_communes(), "language": translation.get_language()},
    )
