from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tenants.services.migrations import MigrateAllResult, migrate_all


class Command(BaseCommand):
    help = (
        "Migrate the whole platform after a deploy: the public schema, the template commune, then every commune "
        "behind the code in parallel (communes already up to date are not visited; archived ones are left alone)."
    )

    # The system checks run only when something is behind the code (see handle): a run with nothing to do
    # stays as short as the process start.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=None,
                            help="Communes migrated at once (default: the number of CPUs).")
        parser.add_argument("--dry-run", action="store_true", help="Only say what is behind the code.")

    def handle(self, *args, processes, dry_run, skip_checks=False, **options):
        if processes is not None and processes < 1:
            raise CommandError("--processes must be at least 1.")
        console = Console(file=self.stdout, highlight=False)
        progress = Progress(TextColumn("Migrating communes"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=console, transient=True)
        task = None

        def on_plan(schemas):
            nonlocal task
            if schemas:
                progress.start()
                task = progress.add_task("communes", total=len(schemas))

        def on_commune(outcome):
            progress.advance(task)
            if not outcome.ok:
                progress.console.print(f"[red]{outcome.schema} failed[/red]: {escape(outcome.error)}")

        try:
            result = migrate_all(processes=processes, dry_run=dry_run, on_plan=on_plan, on_commune=on_commune,
                                 before_migrating=None if skip_checks else self.check)
        finally:
            progress.stop()
        self._summary(console, result)
        if result.failed:
            raise CommandError(f"{len(result.failed)} schema(s) failed to migrate.")

    def _summary(self, console: Console, result: MigrateAllResult) -> None:
        table = Table("schema", "result", "seconds", title="migrate_all")
        table.add_column("error", overflow="fold")
        if result.dry_run:
            for schema in result.pending:
                table.add_row(schema, "pending", "", "")
        for outcome in result.migrated:
            table.add_row(outcome.schema, "[green]migrated[/green]", f"{outcome.finished - outcome.started:.2f}", "")
        for outcome in result.failed:
            table.add_row(outcome.schema, "[red]failed[/red]", f"{outcome.finished - outcome.started:.2f}",
                          escape(outcome.error))
        if result.skipped:
            table.add_row(f"{len(result.skipped)} schema(s)", "up to date (not visited)", "", "")
        if result.archived:
            table.add_row(f"{len(result.archived)} schema(s)", "archived (left alone)", "", "")
        console.print(table)
        console.print(result.summary_line(), soft_wrap=True)
