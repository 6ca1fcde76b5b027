"""The counter's forms: what is paid (an assessment reference or a tariff, with its base values), by whom and how;
voiding with a reason; and the filters of the receipt screens."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.regie import tariffs
from modules.regie.models import Receipt, ReceiptBook
from modules.regie.selectors import receipts as selectors
from modules.regie.services.receipts import Payment

BASE_VALUE_NAMES = ("units", "area_m2", "takings", "persons", "nights", "quarters")


def _text(label, **attrs):
    return forms.CharField(label=label, required=False, max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}))


def _number(name: str) -> forms.CharField:
    # Typed as text and parsed by the tariff (it names what is missing or wrong in the user's language).
    return forms.CharField(label=tariffs.value_label(name), required=False, max_length=20,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                         "dir": "ltr", "data-base-value": name}))


class CounterForm(forms.Form):
    """One payment at the counter. `what` is an assessment reference (OR-2026-000123) or a tariff's code."""

    what = _text(gettext_lazy("Assessment reference or tariff"), list="regie-tariffs", autofocus=True,
                 placeholder="OR-2026-000123 / legalisation", dir="auto")
    amount = forms.CharField(label=gettext_lazy("Amount paid (DH)"), required=False, max_length=20,
                             help_text=gettext_lazy("Leave empty to pay everything due today."),
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                           "dir": "ltr"}))
    payer_name = _text(gettext_lazy("Payer"), dir="auto")
    taxpayer = _text(gettext_lazy("Taxpayer's CIN or ICE"), dir="ltr")
    method = forms.ChoiceField(label=gettext_lazy("Payment method"), choices=Receipt.Method.choices,
                               initial=Receipt.Method.CASH)
    method_reference = _text(gettext_lazy("Cheque or transfer number"), dir="ltr")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in BASE_VALUE_NAMES:
            self.fields[name] = _number(name)
        self.assessment = None
        self.tariff = None
        self.found_taxpayer = None

    def base_value_fields(self):
        return [self[name] for name in BASE_VALUE_NAMES]

    def clean(self):
        cleaned = super().clean()
        what = cleaned.get("what", "").strip()
        if not what:
            self.add_error("what", _("Type an assessment reference (OR-2026-000123) or choose a tariff."))
        elif selectors.looks_like_assessment(what):
            self.assessment = selectors.find_assessment(what)
            if self.assessment is None:
                self.add_error("what", _("No assessment has the reference “%(ref)s”.") % {"ref": what})
        else:
            self.tariff = selectors.find_tariff(what)
            if self.tariff is None:
                self.add_error("what", _("No tariff in use has the code “%(code)s”: choose one from the list.")
                               % {"code": what})
        identifier = cleaned.get("taxpayer", "").strip()
        if identifier:
            self.found_taxpayer = selectors.find_taxpayer(identifier)
            if self.found_taxpayer is None:
                self.add_error("taxpayer", _("No taxpayer has the CIN or ICE “%(id)s”.") % {"id": identifier})
        amount = cleaned.get("amount", "").strip()
        if amount and self.assessment is None and self.tariff is not None:
            self.add_error("amount", _("A tariff's amount is computed: leave the amount empty."))
        return cleaned

    def payment(self) -> Payment:
        data = self.cleaned_data
        values = {name: data[name] for name in BASE_VALUE_NAMES if data.get(name, "").strip()}
        return Payment(
            assessment=self.assessment, tariff=self.tariff, base_values={} if self.assessment else values,
            amount=data["amount"].strip() or None if self.assessment else None,
            taxpayer=self.found_taxpayer, payer_name=data["payer_name"].strip(), method=data["method"],
            method_reference=data["method_reference"].strip() if data["method"] != Receipt.Method.CASH else "",
        )


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for voiding"), max_length=500,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}))
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise ValidationError(_("Give the reason for voiding the receipt."))
        return reason


class ReceiptFilterForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    cashier = forms.ModelChoiceField(label=gettext_lazy("Cashier"), required=False, queryset=None)
    book = forms.ModelChoiceField(label=gettext_lazy("Receipt book"), required=False, queryset=None)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", "—"), *Receipt.Status.choices])
    q = forms.CharField(label=gettext_lazy("Number or payer"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "dir": "auto"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        holders = ReceiptBook.objects.exclude(holder=None).values("holder")
        self.fields["cashier"].queryset = get_user_model().objects.filter(pk__in=holders).order_by("username")
        self.fields["cashier"].label_from_instance = lambda user: user.display_name()
        self.fields["book"].queryset = ReceiptBook.objects.order_by("-year", "series", "serial")
        self.fields["book"].label_from_instance = lambda book: book.label

    def criteria(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"day": data.get("day"), "cashier": data.get("cashier"), "book": data.get("book"),
                "status": data.get("status", ""), "text": data.get("q", "")}


class RegisterFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.TypedChoiceField(label=gettext_lazy("Month"), required=False, coerce=int, empty_value=None,
                                   choices=[("", "—"), *[(month, f"{month:02d}") for month in range(1, 13)]])

    def period(self) -> tuple[int, int | None]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("year") or timezone.localdate().year, data.get("month")
