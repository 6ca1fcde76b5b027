"""Forms of cash closing: the cash count (optionally note by note and coin by coin) and the list's filters."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.regie.models import CashDay

# Moroccan dirham notes and coins, largest first.
NOTES = (Decimal("200"), Decimal("100"), Decimal("50"), Decimal("20"))
COINS = (Decimal("10"), Decimal("5"), Decimal("2"), Decimal("1"), Decimal("0.50"), Decimal("0.20"), Decimal("0.10"))
DENOMINATIONS = NOTES + COINS


def denomination_field_name(value: Decimal) -> str:
    return "count_" + str(value).replace(".", "_")


class CloseDayForm(forms.Form):
    """The cashier's count: the total counted, or the number of each note and coin (summed into the total)."""

    counted_cash = forms.DecimalField(
        label=gettext_lazy("cash counted (DH)"), required=False, min_value=Decimal("0"), max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal", "dir": "ltr",
                                        "autocomplete": "off"}),
        help_text=gettext_lazy("Filled in from the notes and coins counted, or typed directly."),
    )
    variance_explanation = forms.CharField(
        label=gettext_lazy("explanation of the variance"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=gettext_lazy("Required when the cash counted differs from the receipts."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value in DENOMINATIONS:
            self.fields[denomination_field_name(value)] = forms.IntegerField(
                label=f"{value:g}" if value >= 1 else f"{value:.2f}", required=False, min_value=0,
                max_value=1_000_000,
                widget=forms.NumberInput(attrs={"min": "0", "step": "1", "inputmode": "numeric", "dir": "ltr",
                                                "data-denomination": str(value), "class": "rg-count"}),
            )

    def denomination_fields(self, values):
        return [(value, self[denomination_field_name(value)]) for value in values]

    def notes(self):
        return self.denomination_fields(NOTES)

    def coins(self):
        return self.denomination_fields(COINS)

    def clean(self):
        cleaned = super().clean()
        counts = {value: cleaned.get(denomination_field_name(value)) for value in DENOMINATIONS}
        counted_any = any(count for count in counts.values())
        total = sum((value * (count or 0) for value, count in counts.items()), Decimal("0.00"))
        typed = cleaned.get("counted_cash")
        if counted_any:
            if typed is not None and typed != total:
                raise ValidationError({"counted_cash": _(
                    "The cash counted (%(typed)s) is not the sum of the notes and coins (%(total)s).")
                    % {"typed": typed, "total": total}})
            cleaned["counted_cash"] = total
        elif typed is None and "counted_cash" not in self.errors:
            raise ValidationError({"counted_cash": _("Count the cash in the till: type the total, or the notes "
                                                     "and coins (0 when the till is empty).")})
        cleaned["cash_count"] = {value: count for value, count in counts.items() if count}
        return cleaned


class DayFilterForm(forms.Form):
    cashier = forms.ModelChoiceField(label=gettext_lazy("cashier"), queryset=None, required=False)
    status = forms.ChoiceField(label=gettext_lazy("status"), required=False,
                               choices=[("", gettext_lazy("all"))] + list(CashDay.Status.choices))
    start = forms.DateField(label=gettext_lazy("from"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=gettext_lazy("to"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, cashiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cashier"].queryset = cashiers
        self.fields["cashier"].label_from_instance = lambda user: user.display_name()


class CancelledRegisterForm(forms.Form):
    """`?format=pdf|xlsx&year=&month=` of the cancelled-receipts register export."""

    format = forms.ChoiceField(choices=[("pdf", "PDF"), ("xlsx", "XLSX")])
    year = forms.IntegerField(min_value=2000, max_value=2100)
    month = forms.IntegerField(min_value=1, max_value=12, required=False)


class PeriodForm(forms.Form):
    """The period of a relevé nominatif over several days."""

    start = forms.DateField(label=gettext_lazy("from"))
    end = forms.DateField(label=gettext_lazy("to"))
    cashier = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise ValidationError(_("The end of the period is before its start."))
        if start and end and (end - start).days > 366:
            raise ValidationError(_("A relevé covers at most one year."))
        return cleaned
