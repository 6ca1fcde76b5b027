"""Print the code an operator's authenticator app would show now: a convenience of the demo (DEBUG only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from platform_core.management.commands.setup_platform import DEMO_OPERATOR


class Command(BaseCommand):
    help = "Print the current console code of an operator's enrolled device (development only)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default=DEMO_OPERATOR[0])

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("Only in development (DEBUG on): a real operator reads the code from their app.")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no enrolled authenticator.")
        self.stdout.write(f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}")
