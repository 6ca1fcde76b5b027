from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from tenants.services.template import ensure_template

DEMO_OPERATOR = ("operator", "jamaa-demo")
DEMO_TRAINER = ("trainer", "jamaa-demo")
# The demo operator's authenticator key (hex, as django-otp stores it): printed by `make run`, demo only.
DEMO_OPERATOR_TOTP_KEY = "4a414d41412d44454d4f2d4f50455241544f5221"


class Command(BaseCommand):
    help = (
        "Bring the database in line with the code: migrate the public schema, then the template commune, then "
        "every commune with something pending (in parallel); with --demo, provision the demo communes and the "
        "demo operator account."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true")

    def handle(self, *args, demo, verbosity, **options):
        quiet = max(verbosity - 1, 0)
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=quiet)
        ensure_template(verbosity=quiet, prepare=True)
        call_command("migrate_schemas", tenant=True, executor="pending", interactive=False, verbosity=quiet)
        connection.set_schema_to_public()
        if demo:
            call_command("provision_commune", demo=True, verbosity=verbosity)
            self._demo_operator()

    def _demo_operator(self):
        """The demo operator (everything) and the demo trainer (training sandboxes only), with the same key."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Permission
        from django_otp.plugins.otp_totp.models import TOTPDevice

        User = get_user_model()
        for (username, password), names, permission in (
            (DEMO_OPERATOR, ("Operator", "ICT4D", "مشغل", "المختبر"), None),
            (DEMO_TRAINER, ("Trainer", "ICT4D", "مكون", "المختبر"), "run_trainings"),
        ):
            user = User.objects.filter(username=username).first()
            if user is None:
                first, last, first_ar, last_ar = names
                user = User.objects.create_user(
                    username=username, password=password, is_staff=True, is_superuser=permission is None,
                    first_name=first, last_name=last, first_name_ar=first_ar, last_name_ar=last_ar,
                )
            if permission:
                user.user_permissions.add(Permission.objects.get(content_type__app_label="tenants",
                                                                 codename=permission))
            TOTPDevice.objects.get_or_create(user=user, name="console",
                                             defaults={"key": DEMO_OPERATOR_TOTP_KEY, "confirmed": True})
