"""Mount points of the modules' URLs: admin and API URLs in the module's `module-<key>` namespace, portal URLs in
`portal-<key>` (both mounted at the top of the tenant URLconf, where one namespace cannot hold both)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from platform_core.modules.registry import registry


def admin_urlpatterns() -> list:
    return [
        path(f"{spec.key}/", include((spec.admin_urls(), spec.key), namespace=spec.namespace))
        for spec in registry.all()
        if spec.admin_urls
    ]


def api_urlpatterns() -> list:
    patterns = []
    for spec in registry.all():
        if not spec.api_routes:
            continue
        router = DefaultRouter()
        for prefix, viewset, basename in spec.api_routes():
            router.register(prefix, viewset, basename=basename)
        mount = f"{spec.api_prefix or spec.key}/"
        patterns.append(path(mount, include((router.urls, spec.key), namespace=spec.namespace)))
    return patterns


def portal_urlpatterns() -> list:
    return [
        path(f"{spec.portal_prefix or spec.key}/",
             include((spec.portal_urls(), spec.key), namespace=spec.portal_namespace))
        for spec in registry.all()
        if spec.portal_urls
    ]
