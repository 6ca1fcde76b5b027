from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from tenants.services.backup import BackupError, read_manifest, restore_commune


class Command(BaseCommand):
    help = "Restore a commune from an archive made by backup_commune: its schema, its rows in public, its files."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by backup_commune.")
        parser.add_argument("--slug", help="Restore under another slug (the archive's schema name must be free).")
        parser.add_argument("--replace", action="store_true",
                            help="Drop the commune of the same slug, its schema and its files first.")

    def handle(self, *args, archive, slug, replace, **options):
        console = Console(file=self.stdout, highlight=False)
        try:
            manifest = read_manifest(archive)
            with console.status(f"Restoring {slug or manifest['commune']['slug']} from {archive}..."):
                result = restore_commune(archive, slug=slug, replace=replace)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        console.print(f"{result.commune.slug}: restored from the backup of {manifest['created_at']} "
                      f"({result.tables} tables, {result.files} files).")
        for warning in result.warnings:
            console.print(f"[yellow]{warning}[/yellow]")
        if result.pending_migrations:
            console.print(f"[yellow]{result.pending_migrations} migration(s) to apply: run migrate_schemas.[/yellow]")
