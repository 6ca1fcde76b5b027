"""The outbox in the commune's back office: a read-only listing for superusers."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import BasePermissionPolicy

from platform_core.notifications.models import OutboxMessage


class SuperuserReadOnlyPolicy(BasePermissionPolicy):
    """Superusers may look; nobody may add, change or delete: the outbox is written by the service only."""

    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and user.is_superuser

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if "view" in actions else users.none()


class OutboxViewSet(ModelViewSet):
    model = OutboxMessage
    icon = "mail"
    menu_label = _("Outbox")
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False  # messages reference nothing worth tracking; indexing each one costs a task
    form_fields = []  # the policy closes the add and edit views; Wagtail still builds their form
    list_display = ["recipient", "channel", "purpose", "status", "attempts", "created_at"]
    list_filter = ["channel", "status"]
    search_fields = ["recipient", "purpose"]
    search_backend_name = None  # the outbox is not in the search index; the ORM searches it
    inspect_view_fields = [
        "channel",
        "recipient",
        "subject",
        "body",
        "purpose",
        "status",
        "actor",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "backend",
    ]

    def get_permissions_to_register(self):
        # The policy ignores group permissions, so none are offered in the group editor.
        return super().get_permissions_to_register().none()
