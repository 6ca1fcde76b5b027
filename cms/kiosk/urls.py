"""Portal URLs (/<language>/...) of the kiosk."""

app_name = "kiosk"
urlpatterns: list = []
