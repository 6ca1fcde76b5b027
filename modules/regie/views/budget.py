urlpatterns: list = []


def dashboard_panels(request):
    return []
