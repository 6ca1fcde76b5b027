"""Operators sign in to the console with their password and a time-based one-time code (TOTP, django-otp): the
first time, they enrol an authenticator app from a QR code; afterwards they type its 6-digit code.

The password step does not sign the operator in: it only remembers, in the session, who passed it, for a few
minutes; the session is signed in (Django and django-otp) once the code is right.
"""

from __future__ import annotations

import base64
import io
import time

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from platform_core.audit import services as audit

PENDING = "console.pending_operator"
PENDING_SECONDS = 300
DEVICE_NAME = "console"


def is_operator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr",
                                      "pattern": "[0-9]{6}", "autofocus": True}))


def _pending_operator(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True, is_staff=True).first()


def _next_url(request) -> str:
    wanted = request.session.get(PENDING, {}).get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return reverse("console:home")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request):
    """Step 1: username and password of an operator (an account of the public schema with is_staff)."""
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if not is_operator(user):
            form.add_error(None, _("This account is not an operator's account."))
        else:
            request.session.cycle_key()
            request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": request.GET.get("next", "")}
            confirmed = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
            return redirect("console:code" if confirmed else "console:enrol")
    return render(request, "console/login.html", {"form": form})


def _finish(request, user, device):
    next_url = _next_url(request)
    with transaction.atomic():
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        otp_login(request, device)
        request.session.pop(PENDING, None)
        audit.record("console.sign_in", actor=user, target=user, request=request)
    return redirect(next_url)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def code(request):
    """Step 2: the code of the operator's enrolled authenticator app."""
    user = _pending_operator(request)
    if user is None:
        return redirect("console:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        problem = _check(device, form.cleaned_data["code"])
        if problem is None:
            return _finish(request, user, device)
        form.add_error("code", problem)
    return render(request, "console/code.html", {"form": form, "operator": user})


def _check(device, code: str) -> str | None:
    """None if the code is right; otherwise what to tell the operator. After a wrong code django-otp refuses any
    code for a while that doubles with each failure, so that codes cannot be guessed."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes: wait a few seconds, then type the code your app shows now.")
    if device.verify_token(code):
        return None
    return _("This code is wrong or has expired. Type the code your app shows now.")


def _qr_svg(text: str) -> str:
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol(request):
    """Step 2, the first time: the operator adds the console to an authenticator app and proves it with a code."""
    user = _pending_operator(request)
    if user is None:
        return redirect("console:login")
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect("console:code")
    device = (TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
              or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = _check(device, form.cleaned_data["code"])
        if problem is None:
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record("console.enrol_totp", actor=user, target=user, request=request)
            return _finish(request, user, device)
        form.add_error("code", problem)
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "console/enrol.html", {
        "form": form, "operator": user, "qr": _qr_svg(device.config_url),
        "secret": " ".join(secret[index:index + 4] for index in range(0, len(secret), 4)),
    })
