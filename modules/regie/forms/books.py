"""Forms of the receipt-book screens: filters of the stock ledger, receiving, issuing, returning books, voiding a
spoiled number and the annual check."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.regie.models import ReceiptBook
from modules.regie.selectors import books as selectors
from modules.regie.services.books import MAX_BOOK_SIZE


def person_label(user) -> str:
    return user.display_name() if hasattr(user, "display_name") else user.get_username()


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{person_label(obj)} ({obj.get_username()})"


class BookFilter(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    series = forms.ChoiceField(label=_("Series"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *ReceiptBook.Status.choices])
    use = forms.ChoiceField(label=_("Use"), required=False, choices=[("", _("All uses")), *ReceiptBook.Use.choices])
    holder = HolderChoiceField(label=_("Holder"), required=False, queryset=None, empty_label=_("Anyone"))

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(year, str(year)) for year in selectors.book_years()]
        self.fields["series"].choices = [("", _("All series"))] + [(s, s) for s in selectors.book_series()]
        from django.contrib.auth import get_user_model

        self.fields["holder"].queryset = get_user_model().objects.filter(receipt_books__isnull=False).distinct()

    def filters(self) -> dict:
        data = self.cleaned_data
        return {"year": data.get("year"), "series": data.get("series") or "", "status": data.get("status") or "",
                "use": data.get("use") or "", "holder": data.get("holder")}


class ReceiveBooksForm(forms.Form):
    series = forms.RegexField(label=_("Series"), regex=r"^[A-Za-z]{1,10}$", max_length=10,
                              help_text=_("Letters only, e.g. QC for the counter, QT for the field."),
                              error_messages={"invalid": _("A series is written with 1 to 10 letters.")})
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    count = forms.IntegerField(label=_("Number of books"), min_value=1, max_value=100, initial=1)
    size = forms.IntegerField(label=_("Receipts per book"), min_value=1, max_value=MAX_BOOK_SIZE, initial=100)
    use = forms.ChoiceField(label=_("Use"), choices=ReceiptBook.Use.choices, initial=ReceiptBook.Use.COUNTER)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)

    def clean_series(self):
        return self.cleaned_data["series"].upper()


class IssueBookForm(forms.Form):
    holder = HolderChoiceField(label=_("Hand the book to"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        allowed = [user.pk for user in selectors.collectors()]
        self.fields["holder"].queryset = get_user_model().objects.filter(pk__in=allowed).order_by(
            "last_name", "first_name")


class ReturnBookForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VoidNumberForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             help_text=_("E.g. stub torn, device lost with numbers left."))


class AnnualCheckForm(forms.Form):
    """One "presented" box and one remark per book of the year; a book not presented needs its remark."""

    remarks = forms.CharField(label=_("General remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, books=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.books = list(books)
        for book in self.books:
            self.fields[f"presented_{book.pk}"] = forms.BooleanField(label=_("Presented"), required=False)
            self.fields[f"remark_{book.pk}"] = forms.CharField(label=_("Remark"), required=False, max_length=500)

    def lines(self):
        return [(book, self[f"presented_{book.pk}"], self[f"remark_{book.pk}"]) for book in self.books]

    def clean(self):
        data = super().clean()
        for book in self.books:
            if not data.get(f"presented_{book.pk}") and not (data.get(f"remark_{book.pk}") or "").strip():
                self.add_error(f"remark_{book.pk}", _("Say why the book %(book)s was not presented.")
                               % {"book": book.label})
        return data

    def presented(self) -> set[int]:
        return {book.pk for book in self.books if self.cleaned_data.get(f"presented_{book.pk}")}

    def remark_map(self) -> dict[int, str]:
        return {book.pk: self.cleaned_data.get(f"remark_{book.pk}", "") for book in self.books}
