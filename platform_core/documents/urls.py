from django.urls import path

from platform_core.documents import views

app_name = "documents"

urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
]
