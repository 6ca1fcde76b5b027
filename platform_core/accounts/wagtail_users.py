"""The Wagtail admin's user screens, with the names in Arabic script and the phone number."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import IndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

EXTRA_FIELDS = ("first_name_ar", "last_name_ar", "phone")


class ArabicNamesAndPhone(forms.Form):
    """Fields added to Wagtail's user forms (collected by Django's declarative form metaclass)."""

    first_name_ar = forms.CharField(required=False, max_length=150, label=_("First name (Arabic)"))
    last_name_ar = forms.CharField(required=False, max_length=150, label=_("Last name (Arabic)"))
    phone = forms.CharField(required=False, max_length=32, label=_("Phone"))


class JamaaUserCreationForm(ArabicNamesAndPhone, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(EXTRA_FIELDS)


class JamaaUserEditForm(ArabicNamesAndPhone, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(EXTRA_FIELDS)


class StaffIndexView(IndexView):
    """The commune's staff. Citizens who signed up on the portal have accounts in the same table (the portal's
    sign-in is Django's), but they are not staff and their details are not for this list."""

    def get_base_queryset(self):
        return super().get_base_queryset().filter(citizen_profile__isnull=True)


class UserViewSet(WagtailUserViewSet):
    index_view_class = StaffIndexView
    create_template_name = "accounts/users/create.html"
    edit_template_name = "accounts/users/edit.html"

    def get_form_class(self, for_update=False):
        return JamaaUserEditForm if for_update else JamaaUserCreationForm
