"""The régie's back-office URLs (namespace module-regie), one list per screen family."""

from modules.regie.views import assessments, books, budget, cash_days, catalogue, counter, receipts

urlpatterns = [
    *counter.urlpatterns,
    *receipts.urlpatterns,
    *cash_days.urlpatterns,
    *catalogue.urlpatterns,
    *assessments.urlpatterns,
    *books.urlpatterns,
    *budget.urlpatterns,
]
