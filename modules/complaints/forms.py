"""Forms of the complaints module: the citizen's (portal and counter), the look-up, the reopening, and the staff's
filters and actions. They only check shapes; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from modules.complaints.models import Category, Complaint, Department
from modules.complaints.services import MAX_PHOTO_BYTES, Submitter
from platform_core.locale import is_arabic


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name()


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you want to tell the commune?"), choices=Complaint.Kind.choices,
                             initial=Complaint.Kind.COMPLAINT, widget=forms.RadioSelect)
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none(),
                                   empty_label=_("Choose a category"))
    description = forms.CharField(label=_("Description"), min_length=10, max_length=5000,
                                  help_text=_("What, where and since when. Do not write anyone's personal details."),
                                  widget=forms.Textarea(attrs={"rows": 5}))
    address = forms.CharField(label=_("Address or place"), max_length=300, required=False,
                              help_text=_("Street, district, landmark"))
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    photo = forms.ImageField(label=_("Photo (optional)"), required=False,
                             help_text=_("JPEG, PNG or WebP, up to 5 MB"),
                             widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False,
                            help_text=_("For the SMS with the answer, e.g. 06 12 34 56 78"),
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "dir": "ltr",
                                                          "inputmode": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        return photo

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("email")) and not self.errors.get("phone") \
                and not self.errors.get("email"):
            self.add_error("phone", _("Give a mobile phone number or an e-mail address so that we can send you "
                                      "the answer."))
        return data

    def filing(self, language: str) -> dict:
        """The complaint and its submitter, as services.file_complaint takes them (once the form is valid)."""
        data = self.cleaned_data
        return {"category": data["category"], "kind": data["kind"], "description": data["description"],
                "address": data["address"], "latitude": data.get("latitude"), "longitude": data.get("longitude"),
                "photo": data.get("photo"),
                "submitter": Submitter(name=data["name"], phone=data["phone"], email=data["email"],
                                       language=language)}


class CounterForm(ComplaintForm):
    """The same, typed by an agent for a citizen at the counter or from a letter."""

    received_on = forms.DateField(label=_("Received on"), required=False,
                                  help_text=_("For a letter entered later; empty means today."),
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        # At the counter the citizen may leave no phone or e-mail: the agent hands them the number and key.
        return super(ComplaintForm, self).clean()


class FollowForm(forms.Form):
    number = forms.CharField(label=_("Complaint number"), max_length=30,
                             help_text=_("As given when you filed it, e.g. CH-2026-000123"),
                             widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off",
                                                           "autocapitalize": "characters", "spellcheck": "false"}))
    key = forms.CharField(label=_("Access key"), max_length=20, help_text=_("The 8 digits given with the number"),
                          widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "numeric"}))


class ReopenForm(FollowForm):
    reason = forms.CharField(label=_("Why does the answer not settle your complaint?"), min_length=10,
                             max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget = forms.HiddenInput()
        self.fields["key"].widget = forms.HiddenInput()


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), ("open", _("Not answered yet")), *Complaint.Status.choices])
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False,
                                   empty_label=_("All"))
    days_left = forms.IntegerField(label=_("Due within (days)"), required=False, min_value=0, max_value=60)
    overdue = forms.BooleanField(label=_("Late only"), required=False)
    number = forms.CharField(label=_("Number"), required=False, max_length=30)

    def criteria(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"status": data.get("status") or "", "category": data.get("category"),
                "days_left": data.get("days_left"), "overdue": bool(data.get("overdue")),
                "number": data.get("number") or ""}


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name()


class AssignForm(forms.Form):
    department = DepartmentChoiceField(label=_("Service"), queryset=Department.objects.filter(active=True))
    assignee = StaffChoiceField(label=_("Staff member (optional)"), required=False,
                                queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            is_active=True, complaint_departments__isnull=False).distinct().order_by(
            "last_name_ar" if is_arabic() else "last_name")


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer to the citizen"), min_length=10, max_length=5000,
                           help_text=_("The citizen receives it by SMS or e-mail and reads it on the portal."),
                           widget=forms.Textarea(attrs={"rows": 5}))
