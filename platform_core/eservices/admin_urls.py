"""The back office's URLs for online requests, mounted at /admin/online-requests/ (namespace eservices-admin)."""

from django.urls import path

from platform_core.eservices import admin_views

urlpatterns = [
    path("", admin_views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/", admin_views.RequestView.as_view(), name="request"),
    path("<int:pk>/papers/<int:attachment_pk>/", admin_views.AttachmentView.as_view(), name="attachment"),
    path("<int:pk>/issued/", admin_views.OutcomeView.as_view(), name="outcome"),
]
