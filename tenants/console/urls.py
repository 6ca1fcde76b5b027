from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from tenants.console import auth, communes

app_name = "console"
urlpatterns = [
    path("", communes.home, name="home"),
    path("login/", auth.sign_in, name="login"),
    path("login/code/", auth.code, name="code"),
    path("login/enrol/", auth.enrol, name="enrol"),
    path("logout/", auth_views.LogoutView.as_view(next_page=reverse_lazy("console:login")), name="logout"),
]
