"""manage.py import_acts: load a file of acts typed from paper registers into a commune, whole or not at all."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from modules.civil_status.importing import services
from modules.civil_status.importing.images import zip_directory
from modules.civil_status.importing.models import ImportBatch
from modules.civil_status.models import Bureau
from tenants.models import Commune

SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = ("Import a CSV or XLSX file of civil-status acts typed from paper registers (see "
            "docs/civil-status-import.md). The file is checked row by row and imported whole or not at all.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .csv (UTF-8) or .xlsx file, one act per row.")
        parser.add_argument("--commune", required=True, help="The commune's slug.")
        parser.add_argument("--user", required=True,
                            help="The commune's staff account the import is made by (needs the import permission).")
        parser.add_argument("--bureau", help="The code of the bureau whose register the acts belong to.")
        parser.add_argument("--images", help="A folder or a zip of the scanned pages named by the `image` column.")
        entry = parser.add_mutually_exclusive_group()
        entry.add_argument("--first-entry", action="store_true",
                           help="Double entry: check this file and keep it until a second entry is compared with it.")
        entry.add_argument("--second-entry-of", type=int, metavar="BATCH",
                           help="Double entry: compare this file with the first entry BATCH.")
        parser.add_argument("--language", default="fr", choices=["fr", "ar"], help="Language of the report.")

    def handle(self, *args, **options):
        commune = Commune.objects.filter(slug=options["commune"]).first()
        if commune is None:
            raise CommandError(f"No commune {options['commune']!r}.")
        console = Console(file=self.stdout, highlight=False)
        with tenant_context(commune):
            batch = self._create(options)
            console.print(f"Batch #{batch.pk}: {batch.file_name} ({batch.get_entry_display()})")
            with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                          console=console, transient=False) as bar:
                task = bar.add_task("Checking and loading", total=100)
                batch = services.process_batch(batch.pk, progress=lambda percent: bar.update(task, completed=percent))
            self._summarise(console, commune, batch)

    def _create(self, options) -> ImportBatch:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No account {options['user']!r} in this commune.")
        first_batch, bureau = None, None
        if options["second_entry_of"]:
            first_batch = ImportBatch.objects.filter(pk=options["second_entry_of"]).first()
            if first_batch is None:
                raise CommandError(f"No import batch #{options['second_entry_of']} in this commune.")
        else:
            if not options["bureau"]:
                raise CommandError("Name the bureau (--bureau CODE).")
            bureau = Bureau.objects.filter(code=options["bureau"]).first()
            if bureau is None:
                codes = ", ".join(Bureau.objects.values_list("code", flat=True)) or "none"
                raise CommandError(f"No bureau {options['bureau']!r} (bureaux: {codes}).")
        entry = (ImportBatch.Entry.SECOND if first_batch else
                 ImportBatch.Entry.FIRST if options["first_entry"] else ImportBatch.Entry.SINGLE)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        images = self._images(options["images"])
        try:
            with path.open("rb") as handle:
                return services.create_batch(actor=user, bureau=bureau, file=File(handle, name=path.name),
                                             entry=entry, first_batch=first_batch, images=images,
                                             language=options["language"])
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        finally:
            if images is not None:
                images.close()

    @staticmethod
    def _images(location: str | None) -> File | None:
        if not location:
            return None
        path = Path(location)
        if path.is_dir():
            return zip_directory(path)
        if path.is_file() and path.suffix.lower() == ".zip":
            return File(path.open("rb"), name=path.name)
        raise CommandError(f"--images must name a folder or a .zip file: {path}")

    def _summarise(self, console: Console, commune, batch: ImportBatch) -> None:
        if batch.status == ImportBatch.Status.IMPORTED:
            for register in batch.report.get("registers", []):
                console.print(f"  {register['kind']} {register['year']}: acts {register['first']} to "
                              f"{register['last']} ({register['count']})")
            console.print(f"[green]Imported {batch.acts_imported} acts[/green] "
                          f"({batch.report.get('pages', 0)} scanned pages).")
        elif batch.status == ImportBatch.Status.AWAITING_SECOND:
            console.print(f"[green]Checked {batch.rows_total} acts.[/green] Waiting for the second entry: "
                          f"import it with --second-entry-of {batch.pk}.")
        elif batch.status == ImportBatch.Status.REVIEW:
            console.print(f"[yellow]The two entries differ in {batch.mismatches.count()} cells.[/yellow] Review them "
                          f"in the back office: /admin/civil_status/imports/{batch.pk}/review/ on {commune.slug}.")
        else:
            report = batch.report or {}
            table = Table("line", "column", "reason", title=f"Batch #{batch.pk} refused: nothing was written")
            for problem in report.get("problems", [])[:SHOWN_PROBLEMS]:
                table.add_row(str(problem["line"] or ""), problem["column"], problem["reason"])
            console.print(table)
            total = report.get("problems_total", 0)
            if total > SHOWN_PROBLEMS:
                console.print(f"... and {total - SHOWN_PROBLEMS} more; the full report is on the batch's page.")
            raise CommandError(f"{batch.rows_refused} bad row(s), {total} problem(s): the file was not imported.")
