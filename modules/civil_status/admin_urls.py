"""The module's back-office URLs, mounted under /admin/civil_status/ in the `module-civil_status` namespace
(closed with a 404 when the commune is not subscribed). Each screen family lives in its own views module."""

from modules.civil_status.views import acts, declarations, imports, mentions, papers, registry, statistics

urlpatterns: list = [
    *acts.urlpatterns,
    *mentions.urlpatterns,
    *papers.urlpatterns,
    *registry.urlpatterns,
    *statistics.urlpatterns,
    *imports.urlpatterns,
    *declarations.urlpatterns,
]
