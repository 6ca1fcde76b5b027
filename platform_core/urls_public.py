"""URLs of the platform domain (public schema): the platform home, the operators' console, health."""

from django.urls import include, path

from platform_core import health, views

urlpatterns = [
    path("", views.platform_home, name="platform_home"),
    path("console/", include("tenants.console.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
    path("i18n/", include("django.conf.urls.i18n")),
]
