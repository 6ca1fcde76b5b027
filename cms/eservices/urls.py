"""Portal URLs (/<language>/demandes/...) of online requests. The SMS link is suivi/<tracking number>/."""

from django.urls import path

from cms.eservices import views

app_name = "eservices"
urlpatterns = [
    path("", views.index, name="index"),
    path("confirmation/", views.submitted, name="submitted"),
    path("suivi/", views.track, name="track"),
    path("suivi/<str:tracking_number>/", views.tracking, name="tracking"),
    path("suivi/<str:tracking_number>/telecharger/", views.download, name="download"),
    path("<str:code>/", views.request_service, name="request"),
]
