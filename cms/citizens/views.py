"""The citizen's account pages on the portal: thin views over cms.citizens.services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cms.citizens import selectors, services
from cms.citizens.access import citizen_required
from cms.citizens.forms import CodeForm, LoginForm, PasswordResetForm, PasswordResetRequestForm, SignUpForm

PENDING = "citizens.pending"  # the identifier whose activation code the visitor is typing
RESETTING = "citizens.resetting"  # the identifier whose reset code the visitor is typing


def _language() -> str:
    return (get_language() or "ar")[:2]


def _masked(identifier: str) -> str:
    """+212612345678 → +2126•••••678, salma@example.ma → s••••@example.ma: enough to recognise, not to harvest."""
    if "@" in identifier:
        local, _at, domain = identifier.partition("@")
        return f"{local[:1]}{'•' * max(len(local) - 1, 1)}@{domain}"
    return f"{identifier[:5]}{'•' * max(len(identifier) - 8, 1)}{identifier[-3:]}"


@never_cache
def signup(request):
    if selectors.citizen_of(request.user):
        return redirect("citizens:account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recipient = services.sign_up(
                first_name=data["first_name"], last_name=data["last_name"], first_name_ar=data["first_name_ar"],
                last_name_ar=data["last_name_ar"], phone=data["phone"], email=data["email"],
                password=data["password1"], language=data["language"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[PENDING] = recipient
            return redirect("citizens:verify")
    return render(request, "cms/citizens/signup.html", {"form": form})


@never_cache
def verify(request):
    identifier = request.session.get(PENDING)
    if not identifier:
        return redirect("citizens:signup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.verify_account(identifier, form.cleaned_data["code"], request=request)
        if user is None:
            form.add_error("code", _("This code is wrong or no longer valid (10 minutes, 5 tries). Check it, or "
                                     "ask for a new code."))
        else:
            del request.session[PENDING]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is active. Welcome!"))
            return redirect("citizens:account")
    return render(request, "cms/citizens/verify.html", {"form": form, "recipient": _masked(identifier)})


@require_POST
def verify_resend(request):
    identifier = request.session.get(PENDING)
    if not identifier:
        return redirect("citizens:signup")
    try:
        services.resend_signup_code(identifier)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("A new code is on its way. Only the newest code works."))
    return redirect("citizens:verify")


@never_cache
def login_view(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = ""
    if selectors.citizen_of(request.user):
        return redirect(target or "citizens:account")
    form = LoginForm(request, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            login(request, form.user)
            return redirect(target or "citizens:account")
        if form.pending_identifier:
            request.session[PENDING] = form.pending_identifier
            return redirect("citizens:verify")
    return render(request, "cms/citizens/login.html", {"form": form, "next": target})


@require_POST
def logout_view(request):
    logout(request)
    return redirect(f"/{_language()}/")


@never_cache
def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        services.request_password_reset(identifier)
        request.session[RESETTING] = identifier
        return redirect("citizens:password_reset_confirm")
    return render(request, "cms/citizens/password_reset.html", {"form": form})


@never_cache
def password_reset_confirm(request):
    identifier = request.session.get(RESETTING)
    if not identifier:
        return redirect("citizens:password_reset")
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.reset_password(identifier, form.cleaned_data["code"], form.cleaned_data["password1"],
                                           request=request)
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            if user is None:
                form.add_error("code", _("This code is wrong or no longer valid (10 minutes, 5 tries). Check it, "
                                         "or ask for a new code."))
            else:
                del request.session[RESETTING]
                messages.success(request, _("Your password has been changed. Sign in with it."))
                return redirect("citizens:login")
    return render(request, "cms/citizens/password_reset_confirm.html",
                  {"form": form, "recipient": _masked(identifier)})


@never_cache
@citizen_required
def account(request):
    profile = request.citizen
    return render(request, "cms/citizens/account.html", {
        "profile": profile, "citizen": profile.user,
        "display_name": profile.user.display_name(_language()),
        "requests": selectors.history(profile.user, _language()),
        "eservices_url": f"/{_language()}/demandes/",
    })


@never_cache
@citizen_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_password(request.user, new_password=form.cleaned_data["new_password1"], request=request)
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("citizens:account")
    return render(request, "cms/citizens/password_change.html", {"form": form})
