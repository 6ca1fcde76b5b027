"""Portal URLs (/<language>/compte/...) of the citizens."""

from django.urls import path

from cms.citizens import views

app_name = "citizens"
urlpatterns = [
    path("", views.account, name="account"),
    path("inscription/", views.signup, name="signup"),
    path("verification/", views.verify, name="verify"),
    path("verification/renvoyer/", views.verify_resend, name="verify_resend"),
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("mot-de-passe/", views.password_reset, name="password_reset"),
    path("mot-de-passe/code/", views.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe/changer/", views.password_change, name="password_change"),
]
