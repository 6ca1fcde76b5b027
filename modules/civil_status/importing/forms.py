"""The back-office forms of the historical backlog: the upload and the review of a second entry."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.civil_status.importing.columns import BY_NAME
from modules.civil_status.importing.models import ImportBatch
from modules.civil_status.importing.selectors import first_entries_awaiting_second
from modules.civil_status.models import Bureau
from platform_core.locale import is_arabic


class UploadForm(forms.Form):
    bureau = forms.ModelChoiceField(label=_("Bureau"), queryset=Bureau.objects.order_by("-is_main", "name_fr"),
                                    required=False,
                                    help_text=_("The bureau whose register the acts belong to (a second entry goes "
                                                "to its first entry's bureau)."))
    file = forms.FileField(label=_("File of acts"),
                           help_text=_("CSV (UTF-8) or Excel (.xlsx), one act per row, columns as in the import "
                                       "guide."))
    images = forms.FileField(label=_("Scanned pages (zip)"), required=False,
                             help_text=_("Optional: a zip of the page images that the “image” column names."))
    entry = forms.ChoiceField(label=_("Entry"), choices=ImportBatch.Entry.choices, initial=ImportBatch.Entry.SINGLE,
                              widget=forms.RadioSelect)
    first_batch = forms.ModelChoiceField(label=_("First entry to compare with"), required=False,
                                         queryset=ImportBatch.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].label_from_instance = lambda bureau: bureau.name_ar if is_arabic() else bureau.name_fr
        self.fields["bureau"].initial = Bureau.objects.filter(is_main=True).values_list("pk", flat=True).first()
        self.fields["first_batch"].queryset = first_entries_awaiting_second().select_related("bureau")
        self.fields["first_batch"].label_from_instance = lambda batch: f"#{batch.pk} · {batch.file_name}"

    def clean_images(self):
        images = self.cleaned_data.get("images")
        if images and not images.name.lower().endswith(".zip"):
            raise forms.ValidationError(_("The scanned pages must be sent as a zip file."))
        return images

    def clean(self):
        data = super().clean()
        if data.get("entry") == ImportBatch.Entry.SECOND:
            if not data.get("first_batch"):
                self.add_error("first_batch", _("Choose the first entry this file is compared with."))
        elif not data.get("bureau"):
            self.add_error("bureau", _("Choose the bureau."))
        return data


class ReviewForm(forms.Form):
    """For each differing cell: keep the first entry's value, the second's, or type the right one."""

    FIRST, SECOND, OTHER = "first", "second", "other"

    def __init__(self, mismatches, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mismatches = list(mismatches)
        for mismatch in self.mismatches:
            choices = [(self.FIRST, _("First entry")), (self.SECOND, _("Second entry")), (self.OTHER, _("Other"))]
            initial = None
            if mismatch.resolved_value is not None:
                initial = {mismatch.first_value: self.FIRST, mismatch.second_value: self.SECOND}.get(
                    mismatch.resolved_value, self.OTHER)
            self.fields[f"choice_{mismatch.pk}"] = forms.ChoiceField(
                label=BY_NAME[mismatch.column].label, choices=choices, required=False, initial=initial,
                widget=forms.RadioSelect)
            self.fields[f"other_{mismatch.pk}"] = forms.CharField(
                label=_("Correct value"), required=False,
                initial=mismatch.resolved_value if initial == self.OTHER else "")

    def rows(self):
        return [(mismatch, BY_NAME[mismatch.column].label, self[f"choice_{mismatch.pk}"], self[f"other_{mismatch.pk}"])
                for mismatch in self.mismatches]

    def values(self) -> dict[int, str]:
        """The value chosen for each cell the reviewer settled (cells left unchosen are left as they were)."""
        values = {}
        for mismatch in self.mismatches:
            choice = self.cleaned_data.get(f"choice_{mismatch.pk}")
            if choice == self.FIRST:
                values[mismatch.pk] = mismatch.first_value
            elif choice == self.SECOND:
                values[mismatch.pk] = mismatch.second_value
            elif choice == self.OTHER:
                values[mismatch.pk] = self.cleaned_data.get(f"other_{mismatch.pk}", "")
        return values
