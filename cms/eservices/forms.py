"""Forms of the citizen's side of online requests: who asks (contact), the papers to attach, the look-up of a
request by tracking number and access key. The service's own fields come from its EService.form_class."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from platform_core.eservices import keys
from platform_core.eservices.services import ATTACHMENT_TYPES
from platform_core.notifications.validators import normalise_phone

NATIONAL_ID = re.compile(r"[A-Z]{1,2}[0-9]{1,7}")
ACCEPT = ",".join(sorted(ATTACHMENT_TYPES))


def ascii_digits(value: str, keep: str = "") -> str:
    """The digits of `value` as ASCII: a phone's Arabic keyboard types ٠١٢ (Arabic-Indic digits)."""
    return "".join(str(int(character)) if character.isdecimal() else character
                   for character in value or "" if character.isdecimal() or character in keep)


def _latin(attrs=None):
    """Numbers, codes and addresses are written left to right, even on an Arabic page."""
    return {"dir": "ltr", "spellcheck": "false", **(attrs or {})}


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Full name (Latin letters)"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "ltr", "lang": "fr"}))
    name_ar = forms.CharField(label=_("Full name (Arabic letters)"), max_length=200, required=False,
                              widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}))
    national_id = forms.CharField(
        label=_("National identity card number (CIN)"), max_length=20,
        help_text=_("Letters then digits, as on your card, e.g. C123456"),
        widget=forms.TextInput(attrs=_latin({"autocapitalize": "characters", "autocomplete": "off"})))
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=32, required=False,
        help_text=_("We send the tracking number, the access key and every change by SMS to this number."),
        widget=forms.TextInput(attrs=_latin({"type": "tel", "inputmode": "tel", "autocomplete": "tel"})))
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("If you have no mobile phone, we write to you here."),
        widget=forms.EmailInput(attrs=_latin({"autocomplete": "email"})))

    # One of each pair is needed (see clean): neither is marked "optional".
    ONE_OF = ("name", "name_ar", "phone", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.ONE_OF:
            self.fields[name].one_of_two = True

    def clean_national_id(self) -> str:
        value = re.sub(r"[\s-]", "", self.cleaned_data["national_id"]).upper()
        if not NATIONAL_ID.fullmatch(value):
            raise ValidationError(_("Enter the number as on your card: one or two letters, then digits."))
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        return normalise_phone(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name", "").strip() or cleaned.get("name_ar", "").strip()) and "name" not in self.errors:
            self.add_error("name", _("Enter your name, in Latin or in Arabic letters (or both)."))
        if not (cleaned.get("phone") or cleaned.get("email")) and not (self.errors.keys() & {"phone", "email"}):
            self.add_error("phone", _("Give a mobile phone number (or an e-mail address) so that we can tell you "
                                      "when the paper is ready."))
        return cleaned


class PapersForm(forms.Form):
    """One file input per paper the service asks for (`papers`: its RequiredPaper list)."""

    def __init__(self, *args, papers=(), language=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.papers = list(papers)
        for paper in self.papers:
            self.fields[f"paper_{paper.code}"] = forms.FileField(
                label=paper.name(language), required=paper.required,
                help_text=_("A PDF file or a photo (JPEG, PNG or WebP), 5 MB at most."),
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def attachments(self) -> list[tuple[str, object]]:
        return [(paper.code, self.cleaned_data.get(f"paper_{paper.code}")) for paper in self.papers]


class ProvidePapersForm(forms.Form):
    """The paper staff asked for: which one (the service's papers, or another), the file, and a word."""

    paper = forms.ChoiceField(label=_("Which paper"))
    file = forms.FileField(label=_("File"), help_text=_("A PDF file or a photo (JPEG, PNG or WebP), 5 MB at most."),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    note = forms.CharField(label=_("A word for the office"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, papers=(), language=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paper"].choices = [(paper.code, paper.name(language)) for paper in papers] + [
            ("other", _("Another paper"))]


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"), max_length=20, help_text=_("As in the SMS, e.g. 2026-000123"),
        widget=forms.TextInput(attrs=_latin({"inputmode": "numeric", "autocomplete": "off"})))
    access_key = forms.CharField(
        label=_("Access key"), max_length=20, help_text=_("The 8 digits sent with the tracking number"),
        widget=forms.TextInput(attrs=_latin({"inputmode": "numeric", "autocomplete": "off"})))

    def clean_tracking_number(self) -> str:
        number = keys.normalise_tracking_number(ascii_digits(self.cleaned_data["tracking_number"], keep="-"))
        if not number:
            raise ValidationError(_("Enter the tracking number as in the SMS, e.g. 2026-000123."))
        return number

    def clean_access_key(self) -> str:
        key = ascii_digits(self.cleaned_data["access_key"])
        if not key:
            raise ValidationError(_("Enter the access key: the 8 digits sent with the tracking number."))
        return key
