from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from tenants.models import Commune
from tenants.services.backup import BackupError, backup_commune


class Command(BaseCommand):
    help = "Back a commune up (its schema, its files and a manifest) into one .tar.gz; the archive is also its export."

    def add_arguments(self, parser):
        parser.add_argument("commune", help="Slug of the commune.")
        parser.add_argument("--out", help="Archive to write (default: <slug>-<date>-<time>.tar.gz here).")

    def handle(self, *args, commune, out, **options):
        target = Commune.objects.filter(slug=commune).first()
        if target is None:
            raise CommandError(f"No commune {commune}.")
        console = Console(file=self.stdout, highlight=False)
        try:
            with console.status(f"Backing {commune} up..."):
                path = backup_commune(target, out)
        except BackupError as error:
            raise CommandError(str(error)) from None
        console.print(f"{commune}: backed up to {path} ({path.stat().st_size / 1e6:.1f} MB)")
