"""Portal URLs (/<language>/...) of the citizens."""

app_name = "citizens"
urlpatterns: list = []
