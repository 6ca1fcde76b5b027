"""Forms of the catalogue: tariffs and their versions with zone rates, taxpayers and their taxable items, the
tariff calculator. They validate what the user typed; the services write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.regie import tariffs
from modules.regie.models import Tariff, TariffVersion, TaxableItem, Taxpayer
from modules.regie.services.catalogue import ITEM_FIELDS, TARIFF_FIELDS, TAXPAYER_FIELDS, VERSION_FIELDS

ARABIC = {"dir": "rtl", "lang": "ar"}
LATIN = {"dir": "ltr", "lang": "fr"}
LTR = {"dir": "ltr"}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _widget_attrs(form, names, attrs):
    for name in names:
        if name in form.fields:
            form.fields[name].widget.attrs.update(attrs)


class TariffForm(forms.ModelForm):
    class Meta:
        model = Tariff
        fields = TARIFF_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _widget_attrs(self, ["name_ar"], ARABIC)
        _widget_attrs(self, ["name_fr", "legal_basis"], LATIN)
        _widget_attrs(self, ["code", "budget_code"], LTR)

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in TARIFF_FIELDS}


class TariffVersionForm(forms.ModelForm):
    class Meta:
        model = TariffVersion
        fields = VERSION_FIELDS
        widgets = {"effective_from": DATE}

    def __init__(self, *args, tariff: Tariff, **kwargs):
        super().__init__(*args, **kwargs)
        self.tariff = tariff
        _widget_attrs(self, ["rate", "minimum_amount", "exemption_threshold", "penalty_rate", "penalty_monthly_rate",
                             "penalty_minimum", "payment_days"], {"dir": "ltr", "inputmode": "decimal"})

    def clean_effective_from(self):
        effective_from = self.cleaned_data["effective_from"]
        if self.tariff.versions.filter(effective_from=effective_from).exists():
            raise ValidationError(_("This tariff already has a version from %(date)s.")
                                  % {"date": effective_from.strftime("%d/%m/%Y")})
        return effective_from

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in VERSION_FIELDS}


class ZoneRateForm(forms.Form):
    zone = forms.SlugField(label=_("zone"), max_length=40, required=False, widget=forms.TextInput(attrs=LTR))
    rate = forms.DecimalField(label=_("rate"), max_digits=14, decimal_places=4, min_value=0, required=False,
                              widget=forms.NumberInput(attrs={"dir": "ltr", "step": "any"}))

    def clean(self):
        data = super().clean()
        if data.get("zone") and data.get("rate") is None:
            self.add_error("rate", _("Give the rate of this zone."))
        if data.get("rate") is not None and not data.get("zone"):
            self.add_error("zone", _("Name the zone of this rate."))
        return data


class BaseZoneRateFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            zone = form.cleaned_data.get("zone")
            if zone in seen:
                raise ValidationError(_("The zone “%(zone)s” is given twice.") % {"zone": zone})
            if zone:
                seen.add(zone)

    def zone_rates(self) -> dict:
        return {form.cleaned_data["zone"]: form.cleaned_data["rate"]
                for form in self.forms if form.cleaned_data.get("zone")}


ZoneRateFormSet = forms.formset_factory(ZoneRateForm, formset=BaseZoneRateFormSet, extra=4, max_num=30)


class CalculatorForm(forms.Form):
    """The values a tariff's base needs, to see what it comes to (tariffs.compute)."""

    zone = forms.ChoiceField(label=_("zone"), required=False)

    def __init__(self, *args, version: TariffVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        zones = sorted(zone_rate.zone for zone_rate in version.zone_rates.all())
        if zones:
            self.fields["zone"].choices = [(zone, zone) for zone in zones]
            self.fields["zone"].required = True
        else:
            del self.fields["zone"]
        for name in tariffs.BASE_VALUES[version.base]:
            self.fields[name] = forms.CharField(label=tariffs.value_label(name), required=name != "units",
                                                widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}))

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in tariffs.BASE_VALUES[self.version.base]}


def _collectors():
    return get_user_model().objects.filter(
        is_active=True, groups__permissions__codename="collect_in_field").distinct().order_by("last_name")


class TaxpayerForm(forms.ModelForm):
    """A person or a company; the CIN and ICE are checked for their format and for being nobody else's."""

    class Meta:
        model = Taxpayer
        fields = TAXPAYER_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _widget_attrs(self, ["name_ar"], ARABIC)
        _widget_attrs(self, ["name_latin"], LATIN)
        _widget_attrs(self, ["cin", "rc", "ice", "tax_id", "phone", "email"], {"dir": "ltr", "autocomplete": "off"})
        self.fields["address"].widget.attrs["dir"] = "auto"

    def _others(self):
        return Taxpayer.objects.exclude(pk=self.instance.pk) if self.instance.pk else Taxpayer.objects.all()

    def clean_cin(self) -> str:
        cin = self.cleaned_data["cin"].strip().upper().replace(" ", "")
        if cin and self._others().filter(cin__iexact=cin).exists():
            raise ValidationError(_("Another taxpayer already has the CIN %(cin)s.") % {"cin": cin})
        return cin

    def clean_ice(self) -> str:
        ice = self.cleaned_data["ice"].strip().replace(" ", "")
        if ice and self._others().filter(ice=ice).exists():
            raise ValidationError(_("Another taxpayer already has the ICE %(ice)s.") % {"ice": ice})
        return ice

    def clean(self):
        data = super().clean()
        if data.get("kind") == Taxpayer.Kind.COMPANY and not (data.get("ice") or data.get("rc")):
            self.add_error("ice", _("Give the ICE or the trade register number of the company."))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in TAXPAYER_FIELDS}


class TaxableItemForm(forms.ModelForm):
    """A parcel, establishment, occupation or sign of a taxpayer; its zone must be one its tariff sets a rate for."""

    class Meta:
        model = TaxableItem
        fields = [name for name in ITEM_FIELDS if name != "taxpayer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tariff"].queryset = Tariff.objects.filter(active=True).order_by("code")
        self.fields["collector"].queryset = _collectors()
        _widget_attrs(self, ["reference", "zone", "area_m2"], LTR)
        _widget_attrs(self, ["label", "address"], {"dir": "auto"})

    def clean(self):
        data = super().clean()
        tariff, zone = data.get("tariff"), data.get("zone") or ""
        if tariff is not None:
            version = tariff.versions.filter(effective_from__lte=timezone.localdate()).order_by(
                "-effective_from").first()
            zones = sorted(version.zone_rates.values_list("zone", flat=True)) if version else []
            if zones and zone not in zones:
                self.add_error("zone", _("The tariff sets rates for the zones %(zones)s: choose one of them.")
                               % {"zones": ", ".join(zones)})
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
