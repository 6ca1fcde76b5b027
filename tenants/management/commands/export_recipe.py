from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.models import Commune
from tenants.recipes import RecipeError
from tenants.services.export import PLACEHOLDER_NAME_AR, PLACEHOLDER_NAME_FR, PLACEHOLDER_SLUG, export_recipe_yaml


class Command(BaseCommand):
    help = ("Write a commune's configuration (modules, bureaux, tariffs, complaint categories, portal) as a recipe "
            "for another commune; no personal data.")

    def add_arguments(self, parser):
        parser.add_argument("commune", help="Slug of the commune to export.")
        parser.add_argument("--slug", default=PLACEHOLDER_SLUG, help="Slug of the new commune.")
        parser.add_argument("--name-fr", default=PLACEHOLDER_NAME_FR, help="French name of the new commune.")
        parser.add_argument("--name-ar", default=PLACEHOLDER_NAME_AR, help="Arabic name of the new commune.")
        parser.add_argument("--out", help="File to write (default: standard output).")

    def handle(self, *args, commune, slug, name_fr, name_ar, out, **options):
        source = Commune.objects.filter(slug=commune).exclude(kind=Commune.Kind.TEMPLATE).first()
        if source is None:
            raise CommandError(f"No commune {commune}.")
        try:
            text = export_recipe_yaml(source, slug=slug, name_fr=name_fr, name_ar=name_ar)
        except RecipeError as error:
            raise CommandError(str(error)) from None
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stdout.write(f"Recipe of {commune} written to {out} (new commune: {slug}).")
        else:
            self.stdout.write(text)
