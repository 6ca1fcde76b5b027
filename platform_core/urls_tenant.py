"""URLs of a commune's domain: portal at /, back office at /admin/, API at /api/, health, verification."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from platform_core import health
from platform_core.modules.urls import portal_urlpatterns

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
    path("admin/support/", include("tenants.support_views")),  # the signed-out entry link, before Wagtail's
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("platform_core.documents.urls")),
    path("", include("platform_core.storage_urls")),
]

urlpatterns += i18n_patterns(
    *portal_urlpatterns(),
    path("compte/", include("cms.citizens.urls")),
    path("demandes/", include("cms.eservices.urls")),
    path("borne/", include("cms.kiosk.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
