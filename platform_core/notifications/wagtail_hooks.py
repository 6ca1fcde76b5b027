from wagtail import hooks
from wagtail.permissions import register_permission_policy

from platform_core.notifications.admin import OutboxViewSet, SuperuserReadOnlyPolicy
from platform_core.notifications.models import OutboxMessage

register_permission_policy(OutboxMessage, SuperuserReadOnlyPolicy(OutboxMessage))


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxViewSet("outbox")
