"""Portal URLs (/<language>/...) of the kiosk."""

from django.urls import path

from cms.kiosk import views

app_name = "kiosk"
urlpatterns = [
    path("", views.home, name="home"),
    path("guide/<slug:category>/", views.category, name="category"),
    path("procedure/<int:page_id>/", views.procedure, name="procedure"),
    path("suivi/", views.track, name="track"),
]
