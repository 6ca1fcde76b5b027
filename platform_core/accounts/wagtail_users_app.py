from wagtail.users.apps import WagtailUsersAppConfig


class JamaaUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user screens, with Jamaa's user forms (names in Arabic script, phone)."""

    user_viewset = "platform_core.accounts.wagtail_users.UserViewSet"
