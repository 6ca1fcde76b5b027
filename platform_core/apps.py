from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformCoreConfig(AppConfig):
    name = "platform_core"
    verbose_name = _("Platform")

    def ready(self):
        from platform_core.modules import registry

        registry.autodiscover()
        # Registers the migration executor with django-tenants (found by codename among subclasses).
        from platform_core import migration_executor  # noqa: F401
