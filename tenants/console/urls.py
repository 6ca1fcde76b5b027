from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from tenants.console import actions, auth, communes, provision

app_name = "console"
urlpatterns = [
    path("", communes.home, name="home"),
    path("provision/", provision.provision, name="provision"),
    path("communes/<slug:slug>/", communes.commune_page, name="commune"),
    path("communes/<slug:slug>/modules/", actions.act, {"action": "modules"}, name="commune_modules"),
    path("communes/<slug:slug>/take-live/", actions.act, {"action": "take_live"}, name="commune_take_live"),
    path("communes/<slug:slug>/suspend/", actions.act, {"action": "suspend"}, name="commune_suspend"),
    path("communes/<slug:slug>/resume/", actions.act, {"action": "resume"}, name="commune_resume"),
    path("communes/<slug:slug>/archive/", actions.act, {"action": "archive"}, name="commune_archive"),
    path("communes/<slug:slug>/measure/", actions.measure, name="commune_measure"),
    path("communes/<slug:slug>/support/", include("tenants.console.support")),
    path("sandboxes/", include("tenants.console.sandboxes")),
    path("login/", auth.sign_in, name="login"),
    path("login/code/", auth.code, name="code"),
    path("login/enrol/", auth.enrol, name="enrol"),
    path("logout/", auth_views.LogoutView.as_view(next_page=reverse_lazy("console:login")), name="logout"),
]
