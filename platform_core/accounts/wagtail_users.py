"""The Wagtail admin's user screens, with the names in Arabic script and the phone number."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import IndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from tenants.services.support import SUPPORT_PREFIX, is_reserved_username

EXTRA_FIELDS = ("first_name_ar", "last_name_ar", "phone")


class ArabicNamesAndPhone(forms.Form):
    """Fields added to Wagtail's user forms (collected by Django's declarative form metaclass)."""

    first_name_ar = forms.CharField(required=False, max_length=150, label=_("First name (Arabic)"))
    last_name_ar = forms.CharField(required=False, max_length=150, label=_("Last name (Arabic)"))
    phone = forms.CharField(required=False, max_length=32, label=_("Phone"))


class NoSupportUsername:
    """The `support.` prefix belongs to the support accounts the platform makes for its operators
    (tenants.services.support): a staff account named so would be refused by support access, or mistaken for it."""

    def _clean_username(self):
        username = super()._clean_username()
        field = get_user_model().USERNAME_FIELD
        if username is not None and is_reserved_username(str(username)) and field not in self.errors:
            self.add_error(field, forms.ValidationError(
                _("Usernames starting with “%(prefix)s” are reserved for the platform's support accounts."),
                code="reserved_username", params={"prefix": SUPPORT_PREFIX}))
        return username


class JamaaUserCreationForm(NoSupportUsername, ArabicNamesAndPhone, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(EXTRA_FIELDS)


class JamaaUserEditForm(NoSupportUsername, ArabicNamesAndPhone, UserEditForm):
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
