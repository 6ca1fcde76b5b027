import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from tenants.models import Commune
from tenants.recipes import RecipeError
from tenants.selectors import commune_url
from tenants.services.provisioning import ProvisioningError
from tenants.services.sandboxes import SandboxError, create_sandbox, expire_sandboxes, reset_sandbox


class Command(BaseCommand):
    help = "Training sandboxes: create one from a scenario recipe, reset it to its snapshot, expire ended ones."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Provision a sandbox, its trainees and its snapshot.")
        create.add_argument("recipe", help="Path of the scenario recipe (YAML).")
        create.add_argument("--slug", required=True, help="Slug of the sandbox, e.g. formation-fes-mars.")
        create.add_argument("--name", default=None, help="Name of the sandbox (default: the recipe's).")
        create.add_argument("--trainees", type=int, default=10, help="Number of trainee accounts.")
        create.add_argument("--ends", required=True, type=datetime.date.fromisoformat,
                            help="Last day of the training (YYYY-MM-DD); the sandbox is archived after it.")
        create.add_argument("--sheet", required=True, type=Path,
                            help="Where to write the trainee sheet (PDF), the only copy of the passwords.")
        reset = actions.add_parser("reset", help="Bring a sandbox back to its snapshot.")
        reset.add_argument("slug")
        actions.add_parser("expire", help="Archive the sandboxes whose training has ended.")

    def handle(self, *args, action, **options):
        console = Console(file=self.stdout, highlight=False)
        try:
            getattr(self, f"_{action}")(console, **options)
        except (RecipeError, ProvisioningError, SandboxError) as error:
            raise CommandError(str(error)) from None

    def _create(self, console, *, recipe, slug, name, trainees, ends, sheet, **options):
        if ends < datetime.date.today():
            raise CommandError("The training end date is in the past.")
        with console.status(f"Creating the sandbox {slug}..."):
            result = create_sandbox(recipe, slug=slug, name=name, trainees=trainees, ends_on=ends)
        sheet.write_bytes(result.sheet)
        table = Table("sandbox", "URL", "trainees", "ends on", "seconds")
        table.add_row(result.commune.slug, commune_url(result.commune), str(len(result.trainees)), str(ends),
                      f"{result.seconds:.2f}")
        console.print(table)
        console.print(f"Trainee sheet written to [bold]{sheet}[/bold]: it holds the only copy of the passwords.")

    def _reset(self, console, *, slug, **options):
        commune = Commune.objects.filter(slug=slug).first()
        if commune is None:
            raise CommandError(f"No commune named {slug}.")
        with console.status(f"Resetting {slug}..."):
            seconds = reset_sandbox(commune)
        console.print(f"{slug} is back to its snapshot ({seconds:.2f} s).")

    def _expire(self, console, **options):
        expired = expire_sandboxes()
        for commune in expired:
            console.print(f"{commune.slug}: training ended {commune.training_ends_on}, archived, snapshot dropped.")
        console.print(f"{len(expired)} sandbox(es) archived.")
