"""Forms of the budget screens: the year shown, a revenue line, and the export."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.regie.models import BudgetLine
from modules.regie.selectors.budget import budget_years


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("year", str(timezone.localdate().year))
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in budget_years()]


class ExportForm(YearForm):
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "Excel (.xlsx)")],
                               required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        # Any year may be exported, also one without lines (what was collected then is still shown apart).
        self.fields["year"] = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["year", "code", "label_fr", "label_ar", "forecast"]
        widgets = {"label_ar": forms.TextInput(attrs={"dir": "rtl"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
