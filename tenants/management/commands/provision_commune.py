from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from tenants.recipes import RecipeError, demo_recipe_paths, load_recipe
from tenants.selectors import commune_url
from tenants.services.provisioning import ProvisioningError, provision_commune
from tenants.services.template import ensure_template


class Command(BaseCommand):
    help = "Provision communes from recipe files (YAML); re-running the same recipe changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("recipes", nargs="*", help="Paths of recipe files.")
        parser.add_argument("--demo", action="store_true", help="Provision every demo recipe (recipes/demo/).")

    def handle(self, *args, recipes, demo, verbosity, **options):
        paths = list(recipes) + (demo_recipe_paths() if demo else [])
        if not paths:
            raise CommandError("Name at least one recipe file, or pass --demo.")
        try:
            loaded = [load_recipe(path) for path in paths]
        except RecipeError as error:
            raise CommandError(str(error)) from None
        console = Console(file=self.stdout, highlight=False)
        with console.status("Checking the template commune..."):
            ensure_template(verbosity=max(verbosity - 1, 0))
        table = Table("commune", "schema", "result", "seconds")
        table.add_column("URL", overflow="fold")
        failures = 0
        for recipe in loaded:
            with console.status(f"Provisioning {recipe.commune.slug}..."):
                try:
                    result = provision_commune(recipe, check_template=False)
                except ProvisioningError as error:
                    failures += 1
                    table.add_row(recipe.commune.slug, recipe.schema_name, f"[red]failed[/red]: {error}", "", "")
                    continue
            outcome = "created" if result.created else ("updated" if result.changed else "unchanged")
            table.add_row(result.commune.slug, result.commune.schema_name, outcome, f"{result.seconds:.2f}",
                          commune_url(result.commune))
            for username, password in result.generated_passwords.items():
                console.print(f"[bold]{result.commune.slug}[/bold]: account {username} password {password} "
                              "(shown once; ask the person to change it)")
        console.print(table)
        if failures:
            raise CommandError(f"{failures} of {len(loaded)} recipe(s) failed; nothing of them was kept.")
