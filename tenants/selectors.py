"""Reads of the control plane."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django_tenants.utils import schema_context

from platform_core.audit.models import AuditEntry
from tenants.models import Commune, Domain, Subscription


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


def console_communes(*, q: str = "", status: str = "", kind: str = "", module: str = ""):
    """The communes an operator looks after (never the template), searched by name, slug, domain or province
    and filtered by status, kind and active module; domains and subscriptions come prefetched."""
    communes = Commune.objects.exclude(kind=Commune.Kind.TEMPLATE)
    q = q.strip()
    if q:
        # Exists rather than a join on domains: a join would repeat a commune once per matching domain.
        communes = communes.filter(
            Q(name_fr__icontains=q) | Q(name_ar__icontains=q) | Q(slug__icontains=q.lower())
            | Q(province__icontains=q) | Q(province_ar__icontains=q)
            | Exists(Domain.objects.filter(tenant=OuterRef("pk"), domain__icontains=q))
        )
    if status:
        communes = communes.filter(status=status)
    if kind:
        communes = communes.filter(kind=kind)
    if module:
        communes = communes.filter(
            Exists(Subscription.objects.filter(commune=OuterRef("pk"), module_key=module, active=True))
        )
    return communes.prefetch_related("domains", "subscriptions").order_by("slug")


def console_commune(slug: str) -> Commune:
    """One commune of the console by its slug (404 for the template and unknown slugs)."""
    return get_object_or_404(
        Commune.objects.exclude(kind=Commune.Kind.TEMPLATE).prefetch_related("domains", "subscriptions"), slug=slug
    )


def active_module_keys(commune: Commune) -> list[str]:
    # Iterates the related manager so that a prefetch of "subscriptions" is used.
    return sorted(s.module_key for s in commune.subscriptions.all() if s.active)


def operator_actions(commune: Commune, limit: int = 50) -> list:
    """The platform journal's entries about this commune (operators' acts: provisioning, modules, status,
    support sessions), newest first."""
    with schema_context("public"):
        return list(
            AuditEntry.objects.filter(object_type="tenants.commune", object_id=str(commune.pk))
            .order_by("-sequence")[:limit]
        )
