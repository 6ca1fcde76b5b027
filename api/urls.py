from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.views import MeView
from platform_core.modules.urls import api_urlpatterns

v1_patterns = [
    path("me/", MeView.as_view(), name="me"),
    *api_urlpatterns(),
]

urlpatterns = [
    path("v1/", include((v1_patterns, "api"), namespace="v1")),
    path("open311/v2/", include("modules.complaints.open311")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
