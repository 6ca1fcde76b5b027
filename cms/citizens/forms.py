"""Forms of the citizen's account pages: field checks and the attributes phones and screen readers need."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cms.citizens.otp import CODE_DIGITS
from cms.citizens.selectors import normalise_identifier, profile_by_identifier
from platform_core.attempts import AttemptLimit
from platform_core.notifications.validators import normalise_email, normalise_phone

ARABIC_NAME = re.compile(r"[\u0600-\u06FF\u0750-\u077F\s'\-]+")
LATIN_NAME = re.compile(r"[A-Za-z\u00C0-\u024F\s'\-.]+")
# Failed sign-ins, per account (whoever tries it) and per address (whatever account it tries).
LOGINS_BY_IDENTIFIER = AttemptLimit("citizens:login:id", max_failures=5)
LOGINS_BY_ADDRESS = AttemptLimit("citizens:login:ip", max_failures=20)


def _text(autocomplete: str, **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": autocomplete, **attrs})


def _password(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete})


def code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Code received"), min_length=CODE_DIGITS, max_length=CODE_DIGITS,
        help_text=_("The 6 digits of the message we sent."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": f"[0-9]{{{CODE_DIGITS}}}", "size": CODE_DIGITS}),
        error_messages={"min_length": _("The code has 6 digits."), "max_length": _("The code has 6 digits.")},
    )


def _clean_code(value: str) -> str:
    code = "".join((value or "").split())
    if not code.isdigit() or len(code) != CODE_DIGITS:
        raise ValidationError(_("The code has 6 digits."))
    return code


class NewPasswordMixin:
    """Two new-password fields that must agree and pass the platform's password validators."""

    def _clean_new_password(self, user) -> None:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)


def _new_password_fields():
    return (
        forms.CharField(label=_("New password"), strip=False, widget=_password("new-password"),
                        help_text=password_validation.password_validators_help_text_html()),
        forms.CharField(label=_("New password again"), strip=False, widget=_password("new-password")),
    )


class SignUpForm(NewPasswordMixin, forms.Form):
    first_name = forms.CharField(label=_("First name (Latin letters)"), max_length=150,
                                 widget=_text("given-name", lang="fr", dir="ltr"))
    last_name = forms.CharField(label=_("Last name (Latin letters)"), max_length=150,
                                widget=_text("family-name", lang="fr", dir="ltr"))
    first_name_ar = forms.CharField(label=_("First name (Arabic letters)"), max_length=150,
                                    widget=_text("given-name", lang="ar", dir="rtl"))
    last_name_ar = forms.CharField(label=_("Last name (Arabic letters)"), max_length=150,
                                   widget=_text("family-name", lang="ar", dir="rtl"))
    phone = forms.CharField(
        label=_("Mobile phone number"), required=False, max_length=32,
        help_text=_("06… or 07…: we send the activation code by SMS. Or leave it empty and give an e-mail address."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}))
    email = forms.CharField(
        label=_("E-mail address"), required=False, max_length=254,
        help_text=_("Only if you have no mobile phone number: we send the code there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}))
    password1, password2 = _new_password_fields()
    language = forms.ChoiceField(label=_("Language of our messages"), choices=settings.LANGUAGES,
                                 widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password again")
        self.fields["language"].initial = (get_language() or "ar")[:2]

    def clean_first_name(self):
        return self._script(self.cleaned_data["first_name"], LATIN_NAME, _("Use Latin letters here."))

    def clean_last_name(self):
        return self._script(self.cleaned_data["last_name"], LATIN_NAME, _("Use Latin letters here."))

    def clean_first_name_ar(self):
        return self._script(self.cleaned_data["first_name_ar"], ARABIC_NAME, _("Use Arabic letters here."))

    def clean_last_name_ar(self):
        return self._script(self.cleaned_data["last_name_ar"], ARABIC_NAME, _("Use Arabic letters here."))

    @staticmethod
    def _script(value: str, pattern: re.Pattern, message) -> str:
        value = " ".join(value.split())
        if not pattern.fullmatch(value):
            raise ValidationError(message)
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        return normalise_phone(value) if value else ""

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        return normalise_email(value) if value else ""

    def clean(self):
        data = super().clean()
        phone, email = data.get("phone"), data.get("email")
        if "phone" in data and "email" in data:
            if not phone and not email:
                self.add_error("phone", _("Give a mobile phone number or an e-mail address."))
            elif phone and email:
                self.add_error("email", _("Give a mobile phone number or an e-mail address, not both."))
        # The same attributes as the account the service will make, so the validators answer the same.
        user = get_user_model()(first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
                                email=email or "")
        self._clean_new_password(user)
        return data


class CodeForm(forms.Form):
    code = code_field()

    def clean_code(self):
        return _clean_code(self.cleaned_data["code"])


class IdentifierField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(label=_("Mobile phone number or e-mail address"), max_length=254,
                         widget=forms.TextInput(attrs={"autocomplete": "username", "dir": "ltr",
                                                       "autocapitalize": "none", "spellcheck": "false"}),
                         **kwargs)


class LoginForm(forms.Form):
    identifier = IdentifierField()
    password = forms.CharField(label=_("Password"), strip=False, widget=_password("current-password"))

    def __init__(self, request, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None
        self.pending_identifier = ""

    def clean(self):
        data = super().clean()
        raw, password = data.get("identifier", ""), data.get("password")
        if not raw or not password:
            return data
        try:
            identifier = normalise_identifier(raw)[1]
        except ValidationError:
            identifier = raw
        if LOGINS_BY_IDENTIFIER.blocked(self.request, identifier) or LOGINS_BY_ADDRESS.blocked(self.request):
            raise ValidationError(_("Too many failed attempts. Wait 15 minutes before trying again."),
                                  code="throttled")
        profile = profile_by_identifier(identifier)
        user = authenticate(self.request, username=profile.user.get_username(), password=password) if profile \
            else None
        if user is None:
            LOGINS_BY_IDENTIFIER.count_failure(self.request, identifier)
            LOGINS_BY_ADDRESS.count_failure(self.request)
            # The right password of an account still waiting for its code: send them to the code page.
            if profile is not None and not profile.is_verified and profile.user.check_password(password):
                self.pending_identifier = profile.identifier
                raise ValidationError(_("Your account is not activated yet: type the code we sent you."),
                                      code="pending")
            raise ValidationError(_("This phone number or e-mail address and this password do not match an "
                                    "account of this commune."), code="invalid_login")
        LOGINS_BY_IDENTIFIER.forget(self.request, identifier)
        self.user = user
        return data


class PasswordResetRequestForm(forms.Form):
    identifier = IdentifierField(help_text=_("The one you signed up with."))

    def clean_identifier(self):
        return normalise_identifier(self.cleaned_data["identifier"])[1]


class PasswordResetForm(NewPasswordMixin, forms.Form):
    code = code_field()
    password1, password2 = _new_password_fields()

    def clean_code(self):
        return _clean_code(self.cleaned_data["code"])

    def clean(self):
        data = super().clean()
        # Without the account (it is only known once the code is right): the service checks again with it.
        self._clean_new_password(None)
        return data

