from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegieConfig(AppConfig):
    name = "modules.regie"
    label = "regie"
    verbose_name = _("Revenue collection")

    def ready(self):
        from modules.regie import printing
        from platform_core.documents import subjects

        # The verification page of a printed receipt tells whether it was voided (or changed) since.
        subjects.register_digester(printing.OBJECT_TYPE, printing.receipt_digest)
