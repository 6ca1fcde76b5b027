from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegieConfig(AppConfig):
    name = "modules.regie"
    label = "regie"
    verbose_name = _("Revenue collection")
