from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "platform_core.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from platform_core.accounts.signals import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="jamaa-sync-roles")
