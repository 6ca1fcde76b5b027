from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from tenants.services.template import ensure_template

DEMO_OPERATOR = ("operator", "jamaa-demo")
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
        from django.contrib.auth import get_user_model

        User = get_user_model()
        username, password = DEMO_OPERATOR
        if not User.objects.filter(username=username).exists():
            User.objects.create_user(
                username=username, password=password, is_staff=True, is_superuser=True,
                first_name="Operator", last_name="ICT4D", first_name_ar="مشغل", last_name_ar="المختبر",
            )
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.get_or_create(user=User.objects.get(username=username), name="console",
                                         defaults={"key": DEMO_OPERATOR_TOTP_KEY, "confirmed": True})
