"""The operators' console on the platform domain (public schema accounts only)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import user_passes_test
from django.shortcuts import render
from django.urls import path, reverse_lazy

from platform_core.modules.registry import registry
from tenants import console_auth, selectors


def is_signed_in_operator(user) -> bool:
    """An operator who gave both the password and the code of their authenticator app."""
    return console_auth.is_operator(user) and user.is_verified()


operator_required = user_passes_test(is_signed_in_operator, login_url=reverse_lazy("console:login"))


@operator_required
def home(request):
    rows = [
        {
            "commune": commune,
            "url": selectors.commune_url(commune),
            "modules": [
                registry.get(s.module_key).name() if s.module_key in registry else s.module_key
                for s in commune.subscriptions.all()
                if s.active
            ],
        }
        for commune in selectors.console_communes()
    ]
    return render(request, "console/home.html", {"rows": rows})


app_name = "console"
urlpatterns = [
    path("", home, name="home"),
    path("login/", console_auth.sign_in, name="login"),
    path("login/code/", console_auth.code, name="code"),
    path("login/enrol/", console_auth.enrol, name="enrol"),
    path("logout/", auth_views.LogoutView.as_view(next_page=reverse_lazy("console:login")), name="logout"),
]
