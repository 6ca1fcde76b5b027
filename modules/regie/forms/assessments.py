"""Forms of the assessments: the list's filters, issuing one (previewed first), asking for and deciding a
cancellation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.regie import tariffs
from modules.regie.models import Assessment, Tariff, TaxableItem, Taxpayer
from modules.regie.selectors.assessments import AssessmentFilters

NUMBER = {"dir": "ltr", "inputmode": "decimal", "autocomplete": "off"}


class AssessmentFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("any status")), *Assessment.Status.choices])
    tariff = forms.ModelChoiceField(label=_("tariff"), required=False, queryset=Tariff.objects.order_by("code"),
                                    empty_label=_("any tariff"))
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"dir": "ltr"}))
    taxpayer = forms.ModelChoiceField(label=_("taxpayer"), required=False, queryset=Taxpayer.objects.all(),
                                      widget=forms.HiddenInput)
    overdue = forms.BooleanField(label=_("late only"), required=False)
    awaiting = forms.BooleanField(label=_("cancellation awaiting a decision"), required=False)

    def filters(self) -> AssessmentFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return AssessmentFilters(
            status=data.get("status") or "", tariff_id=getattr(data.get("tariff"), "pk", None),
            year=data.get("year"), taxpayer_id=getattr(data.get("taxpayer"), "pk", None),
            overdue_only=bool(data.get("overdue")), awaiting_decision=bool(data.get("awaiting")))


class AssessmentForm(forms.Form):
    """Who owes (a registered taxpayer, or a name), for what item and tariff, for which period, on what base."""

    taxpayer = forms.ModelChoiceField(queryset=Taxpayer.objects.all(), required=False, widget=forms.HiddenInput)
    payer_name = forms.CharField(label=_("payer, when not a registered taxpayer"), max_length=200, required=False,
                                 widget=forms.TextInput(attrs={"dir": "auto"}))
    item = forms.ModelChoiceField(label=_("taxable item"), queryset=TaxableItem.objects.none(), required=False,
                                  empty_label=_("none"))
    tariff = forms.ModelChoiceField(label=_("tariff"), queryset=Tariff.objects.filter(active=True).order_by("code"),
                                    required=False, help_text=_("Left empty, the tariff of the item is taken."))
    period = forms.CharField(label=_("period"), max_length=20, required=False,
                             help_text=_("e.g. 2026, or 2026-T2 for a quarter"),
                             widget=forms.TextInput(attrs={"dir": "ltr"}))
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, taxpayer: Taxpayer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.taxpayer = taxpayer
        if taxpayer is not None:
            self.fields["item"].queryset = taxpayer.items.filter(active=True).order_by("reference")
            del self.fields["payer_name"]
        else:
            del self.fields["item"]
            self.fields["payer_name"].required = True
            self.fields["payer_name"].label = _("payer")
        names = []
        for base_names in tariffs.BASE_VALUES.values():
            names += [name for name in base_names if name not in names]
        for name in names:
            self.fields[name] = forms.CharField(label=tariffs.value_label(name), required=False,
                                                widget=forms.TextInput(attrs=NUMBER))
        self.value_names = names
        if taxpayer is not None:
            self.fields["item"].help_text = _("Its area and zone are taken for the amount.")
        self.fields["area_m2"].help_text = _("Left empty, the area of the item is taken.")

    def clean(self):
        data = super().clean()
        item = data.get("item")
        if not data.get("tariff") and "tariff" not in self.errors:
            if item is not None and item.tariff_id and item.tariff.active:
                data["tariff"] = item.tariff
            else:
                self.add_error("tariff", _("Choose the tariff."))
        return data

    def base_values(self) -> dict:
        return {name: self.cleaned_data[name].strip() for name in self.value_names
                if self.cleaned_data.get(name, "").strip()}

    def value_fields(self):
        return [self[name] for name in self.value_names]

    def main_fields(self):
        return [self[name] for name in ("taxpayer", "payer_name", "item", "tariff", "period", "previewed")
                if name in self.fields]


class CancellationRequestForm(forms.Form):
    reason = forms.CharField(label=_("reason for the cancellation"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}))


class CancellationDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("approve", _("approve the cancellation")),
                                                               ("reject", _("reject the request"))])
