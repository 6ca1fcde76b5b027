"""The template commune: a schema kept migrated, with no domain, that every commune is cloned from."""

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from cms.portal import home_pages
from platform_core.migration_executor import pending_schemas
from platform_core.modules.roles import sync_roles
from tenants.models import Commune
from tenants.services.locks import provisioning_session_lock

TEMPLATE_SCHEMA = settings.TENANT_BASE_SCHEMA


def ensure_template(verbosity: int = 0, *, prepare: bool = False) -> Commune:
    """Create the template commune if missing and migrate it if it is behind the code; prepare its content when
    it was created or migrated, or when asked (setup_platform does, after every deploy).

    A template behind the code would silently yield communes behind the code (cloning fakes migrations),
    so this runs before every provisioning.
    """
    connection.set_schema_to_public()
    with provisioning_session_lock():
        template = Commune.objects.filter(schema_name=TEMPLATE_SCHEMA).first()
        if template is None:
            template = Commune(
                schema_name=TEMPLATE_SCHEMA,
                slug=TEMPLATE_SCHEMA,
                name_fr="Modèle de commune",
                name_ar="نموذج الجماعة",
                kind=Commune.Kind.TEMPLATE,
                status=Commune.Status.LIVE,
            )
            template.save()
        if not schema_exists(TEMPLATE_SCHEMA):
            template.create_schema(check_if_exists=True, sync_schema=True, verbosity=verbosity)
            prepare = True
        elif pending_schemas([TEMPLATE_SCHEMA]):
            call_command("migrate_schemas", schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=verbosity)
            prepare = True
        connection.set_schema_to_public()
        if prepare:
            with schema_context(TEMPLATE_SCHEMA):
                _prepare_content()
    return template


def _prepare_content() -> None:
    """What every commune starts with: both languages, no demo page, the module roles."""
    from wagtail.models import Locale, Page

    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    # Wagtail's migrations create a "Welcome" page and a Site on it; provisioning makes the commune's own.
    for page in Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore"):
        page.delete()
    home_pages()
    sync_roles()
