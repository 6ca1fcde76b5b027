from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import schema_context

from platform_core.audit.services import verify


class Command(BaseCommand):
    help = "Recompute the hash chain of the audit journal of every schema (or of --schema) and report any break."

    def add_arguments(self, parser):
        parser.add_argument("--schema", action="append", help="Check only this schema (repeatable).")

    def handle(self, *args, schema=None, **options):
        from tenants.models import Commune

        schemas = schema or ["public", *Commune.objects.order_by("schema_name").values_list("schema_name", flat=True)]
        broken = 0
        for name in schemas:
            with schema_context(name):
                problems = verify()
                count = connection.cursor().execute("SELECT count(*) FROM audit_auditentry").fetchone()[0]
            if problems:
                broken += 1
                self.stdout.write(self.style.ERROR(f"{name}: {len(problems)} problem(s) in {count} entries"))
                for problem in problems:
                    self.stdout.write(f"  entry {problem.sequence}: {problem.message}")
            else:
                self.stdout.write(self.style.SUCCESS(f"{name}: intact ({count} entries)"))
        if broken:
            raise CommandError(f"The audit journal is broken in {broken} of {len(schemas)} schema(s).")
