from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EServicesConfig(AppConfig):
    name = "platform_core.eservices"
    label = "eservices"
    verbose_name = _("Online services")

    def ready(self):
        from platform_core.eservices import fees

        fees.connect()
