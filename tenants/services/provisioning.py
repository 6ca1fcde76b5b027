"""Provisioning a commune from a recipe: clone the template schema, then apply the recipe inside it.

All-or-nothing: the clone (DDL is transactional in PostgreSQL) and everything the recipe writes happen in one
transaction, so a failure leaves neither a half-made schema nor a commune row behind. Serialised by an
advisory lock. Idempotent: a recipe already applied (same digest) changes nothing; a changed recipe updates
the commune in place and never overwrites a password or deletes an account.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists, tenant_context

from platform_core.audit import services as audit
from platform_core.modules.registry import registry
from platform_core.modules.roles import role_group, sync_roles
from tenants.models import Commune, Domain
from tenants.recipes import Recipe, RecipeError
from tenants.services.clone import clone_template
from tenants.services.locks import lock_provisioning_in_transaction
from tenants.services.subscriptions import set_subscriptions
from tenants.services.template import TEMPLATE_SCHEMA, ensure_template

logger = logging.getLogger(__name__)


class ProvisioningError(RuntimeError):
    """Provisioning failed; nothing was kept. The message says why."""


@dataclass
class ProvisionResult:
    commune: Commune
    created: bool
    changed: bool
    seconds: float
    generated_passwords: dict[str, str] = field(default_factory=dict)


def provision_commune(recipe: Recipe, *, actor=None, request=None, check_template: bool = True) -> ProvisionResult:
    """Create the commune a recipe describes, or bring it in line with the recipe. Returns what was done."""
    started = time.perf_counter()
    if check_template:
        ensure_template()
    connection.set_schema_to_public()
    try:
        with transaction.atomic(durable=True):
            lock_provisioning_in_transaction()
            result = _provision_locked(recipe, actor=actor, request=request)
    except (RecipeError, ProvisioningError):
        raise
    except Exception as error:
        logger.exception("provisioning %s failed", recipe.commune.slug)
        raise ProvisioningError(
            _("Provisioning %(slug)s failed and nothing was kept: %(error)s")
            % {"slug": recipe.commune.slug, "error": f"{type(error).__name__}: {error}"}
        ) from error
    finally:
        connection.set_schema_to_public()
    result.seconds = time.perf_counter() - started
    return result


def _provision_locked(recipe: Recipe, *, actor, request) -> ProvisionResult:
    digest = recipe.digest()
    commune = Commune.objects.filter(slug=recipe.commune.slug).first()
    if commune is not None and commune.is_template:
        raise ProvisioningError(_("The template commune cannot be provisioned from a recipe."))
    if commune is not None and commune.recipe_digest == digest and schema_exists(commune.schema_name):
        return ProvisionResult(commune=commune, created=False, changed=False, seconds=0.0)

    _check_domains_free(recipe, commune)
    created = commune is None
    if created:
        if schema_exists(recipe.schema_name):
            raise ProvisioningError(
                _("A schema named %(schema)s already exists without a commune; an operator must look at it.")
                % {"schema": recipe.schema_name}
            )
        commune = Commune(schema_name=recipe.schema_name, slug=recipe.commune.slug)
    _apply_commune_fields(commune, recipe)
    commune.recipe_name = recipe.source.stem if recipe.source else recipe.commune.slug
    commune.save()
    if created:
        _check_template_holds_no_people()
        clone_template(TEMPLATE_SCHEMA, commune.schema_name)
    _sync_domains(commune, recipe)
    set_subscriptions(commune, recipe.module_keys(), actor=actor, request=request)

    # The commune itself as the connection's tenant (not a stand-in): modules may ask whether it is a training one.
    with tenant_context(commune):
        passwords = _apply_inside(commune, recipe, actor=actor)

    commune.recipe_digest = digest
    commune.save(update_fields=["recipe_digest", "updated_at"])
    audit.record(
        "tenants.provision_commune",
        actor=actor,
        target=commune,
        request=request,
        after={"recipe": commune.recipe_name, "digest": digest, "created": created, "modules": recipe.module_keys()},
    )
    return ProvisionResult(commune=commune, created=created, changed=True, seconds=0.0, generated_passwords=passwords)


# Models whose rows belong to people or to what they did; cloning copies rows, so the template must have none.
_PERSONAL_MODELS = ("accounts.User", "sessions.Session", "authtoken.Token", "notifications.OutboxMessage",
                    "documents.IssuedDocument", "audit.AuditEntry")


def _check_template_holds_no_people() -> None:
    tables = [apps.get_model(label)._meta.db_table for label in _PERSONAL_MODELS]
    union = " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {TEMPLATE_SCHEMA}.{table})" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(union)
        tables = [row[0] for row in cursor.fetchall()]
    if tables:
        raise ProvisioningError(
            _("The template commune holds accounts or records (%(tables)s): a template holds configuration only.")
            % {"tables": ", ".join(tables)}
        )


def _apply_commune_fields(commune: Commune, recipe: Recipe) -> None:
    section = recipe.commune
    for name in ("name_fr", "name_ar", "region", "province", "province_ar", "kind", "contact_phone", "contact_email",
                 "address_fr", "address_ar"):
        setattr(commune, name, getattr(section, name))
    # A recipe sets the status of a new commune; afterwards the status is the operators' business.
    if commune._state.adding:
        commune.status = section.status
        if commune.status == Commune.Status.LIVE:
            commune.live_since = timezone.now()


def _check_domains_free(recipe: Recipe, commune: Commune | None) -> None:
    taken = Domain.objects.filter(domain__in=recipe.hostnames())
    if commune is not None:
        taken = taken.exclude(tenant=commune)
    hostname = taken.values_list("domain", flat=True).first()
    if hostname:
        raise ProvisioningError(_("The domain %(domain)s already belongs to another commune.") % {"domain": hostname})


def _sync_domains(commune: Commune, recipe: Recipe) -> None:
    hostnames = recipe.hostnames()
    commune.domains.exclude(domain__in=hostnames).delete()
    for index, hostname in enumerate(hostnames):
        Domain.objects.update_or_create(domain=hostname, defaults={"tenant": commune, "is_primary": index == 0})


# --- Inside the commune's schema --------------------------------------------------------------------------


def _apply_inside(commune: Commune, recipe: Recipe, *, actor) -> dict[str, str]:
    from cms.portal import ensure_portal

    ensure_portal(commune, recipe)
    sync_roles()
    passwords = _sync_people(recipe)
    for key in recipe.module_keys():
        spec = registry.get(key)
        if spec.apply_recipe:
            spec.apply_recipe(commune, recipe.sections.get(key, {}))
        if recipe.demo_data and spec.seed_demo_data:
            spec.seed_demo_data(commune, recipe.sections.get(key, {}))
    audit.record(
        "tenants.recipe_applied",
        actor=actor,
        object_type="tenants.commune",
        object_id=commune.slug,
        after={"recipe": recipe.source.stem if recipe.source else commune.slug, "modules": recipe.module_keys()},
    )
    return passwords


def _sync_people(recipe: Recipe) -> dict[str, str]:
    """Create the administrator and staff; on a later run, update names and roles, never passwords."""
    from wagtail.users.models import UserProfile

    User = get_user_model()
    generated: dict[str, str] = {}
    people = [(recipe.administrator, True), *((person, False) for person in recipe.staff)]
    for person, is_administrator in people:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = User(username=person.username)
            password = person.password or secrets.token_urlsafe(12)
            if not person.password:
                generated[person.username] = password
            user.set_password(password)
        for name in ("email", "first_name", "last_name", "first_name_ar", "last_name_ar", "phone"):
            setattr(user, name, getattr(person, name))
        user.is_active = True
        user.is_staff = is_administrator
        user.is_superuser = is_administrator  # the commune's administrator, within this schema only
        user.save()
        user.groups.set([role_group(*role.split(".", 1)) for role in person.roles])
        profile = UserProfile.get_for_user(user)
        if profile.preferred_language != person.language:
            profile.preferred_language = person.language
            profile.save(update_fields=["preferred_language"])
    return generated

