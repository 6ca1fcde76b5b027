from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilStatusConfig(AppConfig):
    name = "modules.civil_status"
    label = "civil_status"
    verbose_name = _("Civil status")

    def ready(self):
        from modules.civil_status import papers
        from platform_core.documents import subjects

        # The verification page of an issued paper tells whether the act (or its mentions) changed since.
        subjects.register_digester(papers.OBJECT_TYPE, papers.act_digest)
