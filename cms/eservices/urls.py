"""Portal URLs (/<language>/...) of the eservices."""

app_name = "eservices"
urlpatterns: list = []
