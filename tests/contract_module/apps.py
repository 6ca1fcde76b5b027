from django.apps import AppConfig


class NoticeboardConfig(AppConfig):
    """A small module that exists only to test the module contract (roles, menu, admin, API, portal, panels)."""

    name = "tests.contract_module"
    label = "noticeboard"
