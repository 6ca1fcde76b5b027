"""Every write on citizen accounts, one function per action: transactional, audited, with its SMS or e-mail
queued in the same transaction (sent only once it commits).

A wrong code is not an exception: the service returns None so that the wrong try it counted is kept.
"""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.citizens import otp
from cms.citizens.models import CitizenProfile, OneTimeCode
from cms.citizens.selectors import profile_by_identifier
from platform_core.audit import services as audit
from platform_core.notifications.services import send_email, send_sms
from platform_core.notifications.validators import normalise_email, normalise_phone

Purpose = OneTimeCode.Purpose


def _commune_name(language: str) -> str:
    commune = getattr(connection, "tenant", None)
    return commune.name(language) if hasattr(commune, "name_fr") else ""


def _portal_url(language: str, path: str) -> str:
    from tenants.selectors import commune_url

    commune = getattr(connection, "tenant", None)
    path = f"/{language}/compte/{path}"
    return (commune_url(commune, path) or path) if getattr(commune, "pk", None) else path


def _send(profile: CitizenProfile, body: str, subject: str, purpose: str) -> None:
    """One message to where the account lives (phone first), counted against the recipient's sending limit."""
    purpose = f"{otp.PURPOSE_PREFIX}{purpose}"
    actor = profile.user if profile.pk else None
    if profile.phone:
        send_sms(profile.phone, body, actor=actor, purpose=purpose)
    else:
        send_email(profile.email, subject, body, actor=actor, purpose=purpose)


def _send_code(profile: CitizenProfile, purpose: str) -> None:
    otp.check_sending_limit(profile.identifier)
    new = otp.issue(profile, purpose)
    language = profile.language
    with translation.override(language):
        values = {"code": new.code, "commune": _commune_name(language), "minutes": int(otp.LIFETIME.seconds / 60)}
        if purpose == Purpose.SIGNUP:
            body = _("%(code)s is your code to activate your account on the portal of %(commune)s. It expires in "
                     "%(minutes)s minutes.") % values
            subject = _("Your activation code")
        else:
            body = _("%(code)s is your code to choose a new password on the portal of %(commune)s. It expires in "
                     "%(minutes)s minutes. If you did not ask for it, ignore this message.") % values
            subject = _("Your password reset code")
    _send(profile, body, subject, purpose)


def _audit(action: str, profile: CitizenProfile, *, request=None, **after) -> None:
    audit.record(action, actor=profile.user, target=profile, request=request,
                 after={"identifier": profile.identifier, **after})


@transaction.atomic
def sign_up(*, first_name: str, last_name: str, first_name_ar: str, last_name_ar: str, password: str,
            language: str, phone: str = "", email: str = "", request=None) -> str:
    """Open an inactive account and send its activation code; returns the recipient (the account's identifier).

    Signing up again with the identifier of an account still waiting for its code replaces that pending sign-up.
    An identifier that already has a verified account gets a notice instead of a code, and the caller sees the
    same outcome as for a new one, so that the form does not tell who has an account.
    """
    if bool(phone) == bool(email):
        raise ValidationError(_("Give a mobile phone number or an e-mail address (one of the two)."))
    phone = normalise_phone(phone) if phone else ""
    email = normalise_email(email) if email else ""
    recipient = phone or email
    language = language if language in ("ar", "fr") else "ar"
    otp.lock_recipient(recipient)
    profile = profile_by_identifier(recipient)
    if profile is not None and profile.is_verified:
        otp.check_sending_limit(recipient)
        with translation.override(profile.language):
            body = _("Someone tried to open an account on the portal of %(commune)s with this number or address, "
                     "which already has one. To sign in, use your password or choose a new one at %(url)s") % {
                "commune": _commune_name(profile.language),
                "url": _portal_url(profile.language, "mot-de-passe/")}
            subject = _("You already have an account")
        _send(profile, body, subject, "existing-account")
        return recipient

    User = get_user_model()
    user = profile.user if profile is not None else User(username=f"citizen-{uuid.uuid4().hex}")
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.first_name_ar, user.last_name_ar = first_name_ar.strip(), last_name_ar.strip()
    user.phone, user.email = phone, email
    user.is_active = user.is_staff = user.is_superuser = False
    validate_password(password, user)
    user.set_password(password)
    user.save()
    if profile is None:
        profile = CitizenProfile(user=user, phone=phone, email=email)
    profile.language = language
    profile.save()
    _send_code(profile, Purpose.SIGNUP)
    _audit("citizens.sign_up", profile, request=request, language=language)
    return recipient


@transaction.atomic
def resend_signup_code(identifier: str) -> None:
    """A new activation code for a pending account (nothing, silently, for any other identifier)."""
    profile = profile_by_identifier(identifier)
    if profile is None:
        return
    otp.lock_recipient(profile.identifier)
    if profile.is_verified:
        otp.check_sending_limit(profile.identifier)  # answers as it would for a pending account
        return
    _send_code(profile, Purpose.SIGNUP)


def verify_account(identifier: str, code: str, *, request=None):
    """Activate the pending account if `code` is its live activation code; returns the User, or None."""
    with transaction.atomic():
        profile = profile_by_identifier(identifier)
        if profile is not None:
            otp.lock_recipient(profile.identifier)
        pending = profile is not None and not profile.is_verified
        record = otp.live_code(profile, Purpose.SIGNUP) if pending else None
        if not otp.consume(record, code):
            return None
        profile.verified_at = timezone.now()
        profile.save(update_fields=["verified_at"])
        profile.user.is_active = True
        profile.user.save(update_fields=["is_active"])
        _audit("citizens.verify", profile, request=request)
        return profile.user


@transaction.atomic
def request_password_reset(identifier: str) -> None:
    """Send a reset code if a verified account has this identifier; otherwise, or over the sending limit, do
    nothing: the caller shows the same answer whatever happened, so that nobody learns who has an account."""
    profile = profile_by_identifier(identifier)
    if profile is None or not profile.is_verified or not profile.user.is_active:
        return
    otp.lock_recipient(profile.identifier)
    try:
        _send_code(profile, Purpose.PASSWORD_RESET)
    except ValidationError:
        return


def reset_password(identifier: str, code: str, new_password: str, *, request=None):
    """Set a new password if `code` is the account's live reset code; returns the User, or None.

    A password the validators refuse raises ValidationError once the code is known good, which rolls back the
    code's use: it stays valid for a better password, and nobody learns anything without the code.
    """
    with transaction.atomic():
        profile = profile_by_identifier(identifier)
        if profile is not None:
            otp.lock_recipient(profile.identifier)
        usable = profile is not None and profile.is_verified and profile.user.is_active
        record = otp.live_code(profile, Purpose.PASSWORD_RESET) if usable else None
        if not otp.consume(record, code):
            return None
        validate_password(new_password, profile.user)
        profile.user.set_password(new_password)
        profile.user.save(update_fields=["password"])
        _audit("citizens.reset_password", profile, request=request)
        return profile.user


@transaction.atomic
def change_password(user, *, new_password: str, request=None) -> None:
    """The signed-in citizen's new password (the form has checked the current one)."""
    profile = CitizenProfile.objects.select_related("user").get(user=user)
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _audit("citizens.change_password", profile, request=request)
