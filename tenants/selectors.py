"""Reads of the control plane."""

from django.conf import settings

from tenants.models import Commune


def primary_hostname(commune: Commune) -> str | None:
    # Iterates the related manager so that a prefetch of "domains" is used.
    return next((domain.domain for domain in commune.domains.all() if domain.is_primary), None)


def commune_url(commune: Commune, path: str = "/") -> str:
    hostname = primary_hostname(commune)
    return platform_url(path, host=hostname) if hostname else ""


def platform_url(path: str = "/", host: str | None = None) -> str:
    port = settings.PLATFORM_PORT
    return f"{settings.PLATFORM_SCHEME}://{host or settings.PLATFORM_DOMAIN}{':' + port if port else ''}{path}"


def public_communes() -> list[dict]:
    """Communes a visitor of the platform home may open: live ones, production first."""
    communes = (
        Commune.objects.filter(status=Commune.Status.LIVE)
        .exclude(kind=Commune.Kind.TEMPLATE)
        .prefetch_related("domains")
        .order_by("kind", "name_fr")
    )
    return [
        {"commune": commune, "url": commune_url(commune)}
        for commune in communes
        if primary_hostname(commune)
    ]


def console_communes():
    return (
        Commune.objects.exclude(kind=Commune.Kind.TEMPLATE)
        .prefetch_related("domains", "subscriptions")
        .order_by("slug")
    )
