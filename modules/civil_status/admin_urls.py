"""The module's back-office URLs, mounted under /admin/civil_status/ in the `module-civil_status` namespace
(closed with a 404 when the commune is not subscribed). Each screen family lives in its own views module."""

from modules.civil_status.views import acts, mentions, registry
from modules.civil_status.views import statistics as statistics_views

urlpatterns: list = [*acts.urlpatterns, *mentions.urlpatterns, *registry.urlpatterns]
urlpatterns += statistics_views.urlpatterns
