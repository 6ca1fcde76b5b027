"""Training sandboxes: a training commune provisioned from a scenario recipe, with trainee accounts, that an
operator brings back to its starting state in seconds.

Right after creation the sandbox's schema is copied, rows included, into a snapshot schema (and its files into
the snapshot's folder). A reset drops the sandbox's schema and clones the snapshot back under the same name:
everything trainees did (acts, receipts, messages in the outbox, sessions, audit entries) is gone, and the
sandbox holds exactly what it held when the snapshot was taken. The commune's row in the public schema, its
domain and its subscriptions do not change, so routing and the training marks (watermark, outbox only) hold.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import shutil
import time
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists, tenant_context

from platform_core.audit import services as audit
from platform_core.modules.roles import role_group
from tenants.models import Commune
from tenants.recipes import Recipe, load_recipe, parse_recipe
from tenants.services.clone import clone_template
from tenants.services.locks import lock_provisioning_in_transaction
from tenants.services.provisioning import provision_commune

logger = logging.getLogger(__name__)

# Slugs hold no underscore, so no commune's schema can ever take a name with this prefix.
SNAPSHOT_PREFIX = "snapshot__"
TRAINEE_PREFIX = "stagiaire-"
SHEET_TEMPLATE = "sandboxes/trainee_sheet.html"


class SandboxError(RuntimeError):
    """A sandbox operation that cannot be done; the message says why."""


@dataclass
class Trainee:
    username: str
    password: str  # held in memory for the sheet only, never stored in clear
    roles: list[str]


@dataclass
class SandboxResult:
    commune: Commune
    trainees: list[Trainee]
    sheet: bytes
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def snapshot_schema_for(commune: Commune) -> str:
    name = SNAPSHOT_PREFIX + commune.schema_name
    if len(name) > 63:  # PostgreSQL truncates longer identifiers, which could make two snapshots one
        raise SandboxError(_("The slug %(slug)s is too long for a sandbox.") % {"slug": commune.slug})
    return name


def _scenario(recipe: Recipe | str | Path, *, slug: str, name: str | None) -> Recipe:
    """The scenario recipe as a training commune of this slug, on its own domain."""
    if not isinstance(recipe, Recipe):
        recipe = load_recipe(recipe)
    data = recipe.model_dump(mode="json")
    data["commune"].update(slug=slug, kind=Commune.Kind.TRAINING.value, status=Commune.Status.LIVE.value)
    if name:
        data["commune"].update(name_fr=name, name_ar=name)
    data["domains"] = [slug]
    return parse_recipe(data, source=recipe.source)


def create_sandbox(recipe: Recipe | str | Path, *, slug: str, name: str | None = None, trainees: int,
                   ends_on: datetime.date, actor=None, request=None) -> SandboxResult:
    """Provision a training commune from a scenario recipe, add `trainees` accounts with generated passwords
    (roles of the scenario's staff, in turn), snapshot it, and return the trainee sheet (the only place the
    passwords are ever shown)."""
    started = time.perf_counter()
    if trainees < 0:
        raise SandboxError(_("The number of trainees cannot be negative."))
    scenario = _scenario(recipe, slug=slug, name=name)
    connection.set_schema_to_public()
    if Commune.objects.filter(slug=slug).exists():
        raise SandboxError(_("A commune named %(slug)s already exists.") % {"slug": slug})
    timings = {}
    provision_commune(scenario, actor=actor, request=request)
    timings["provision"] = time.perf_counter() - started
    commune = Commune.objects.get(slug=slug)
    try:
        with tenant_context(commune):
            accounts = _create_trainees(scenario, trainees)
        connection.set_schema_to_public()
        step = time.perf_counter()
        take_snapshot(commune, ends_on=ends_on, actor=actor, trainees=len(accounts), request=request)
        timings["snapshot"] = time.perf_counter() - step
        sheet = trainee_sheet(commune, accounts)
    except Exception:
        logger.exception("sandbox %s failed; dropping it", slug)
        drop_sandbox(commune)
        raise
    finally:
        connection.set_schema_to_public()
    return SandboxResult(commune=commune, trainees=accounts, sheet=sheet, seconds=time.perf_counter() - started,
                         timings=timings)


def _create_trainees(scenario: Recipe, count: int) -> list[Trainee]:
    from wagtail.users.models import UserProfile

    User = get_user_model()
    roles = cycle([person.roles for person in scenario.staff if person.roles] or [[]])
    accounts = []
    with transaction.atomic():
        for index in range(1, count + 1):
            username = f"{TRAINEE_PREFIX}{index:02d}"
            password = secrets.token_urlsafe(9)
            user = User(username=username, first_name=_("Trainee"), last_name=f"{index:02d}",
                        first_name_ar="متدرب", last_name_ar=f"{index:02d}", is_active=True)
            user.set_password(password)
            user.save()
            granted = next(roles)
            user.groups.set([role_group(*role.split(".", 1)) for role in granted])
            profile = UserProfile.get_for_user(user)
            profile.preferred_language = scenario.administrator.language
            profile.save(update_fields=["preferred_language"])
            accounts.append(Trainee(username=username, password=password, roles=list(granted)))
    return accounts


def take_snapshot(commune: Commune, *, ends_on: datetime.date | None = None, actor=None, trainees: int = 0,
                  request=None) -> None:
    """Copy the sandbox's schema and files as the state every reset brings back (replacing an earlier one)."""
    if not commune.is_training:
        raise SandboxError(_("Only a training commune can be a sandbox."))
    snapshot = snapshot_schema_for(commune)
    connection.set_schema_to_public()
    with transaction.atomic(durable=True):
        lock_provisioning_in_transaction()
        # Archived while this waited for the lock: an archived sandbox keeps no snapshot.
        locked = _locked(commune)
        if locked is None or locked.status == Commune.Status.ARCHIVED:
            raise SandboxError(_("%(slug)s is archived and its snapshot is gone: create a new sandbox instead.")
                               % {"slug": commune.slug})
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(snapshot)} CASCADE")
        clone_template(locked.schema_name, snapshot)
        _copy_files(locked.schema_name, snapshot)
        locked.snapshot_schema = snapshot
        if ends_on is not None:
            locked.training_ends_on = ends_on
        locked.save(update_fields=["snapshot_schema", "training_ends_on", "updated_at"])
        audit.record("tenants.sandbox_snapshot", actor=actor, target=locked, request=request,
                     after={"snapshot": snapshot, "ends_on": str(locked.training_ends_on), "trainees": trainees})
    commune.snapshot_schema, commune.training_ends_on = locked.snapshot_schema, locked.training_ends_on
    connection.set_schema_to_public()


def _resettable(commune: Commune | None, slug: str) -> Commune:
    """The sandbox if it can be reset now, else a SandboxError that says why."""
    expired = SandboxError(_("The sandbox %(slug)s has expired; it cannot be reset.") % {"slug": slug})
    if commune is not None and commune.is_training and commune.status == Commune.Status.ARCHIVED:
        raise expired
    if commune is None or not commune.is_training or not commune.snapshot_schema:
        raise SandboxError(_("%(slug)s is not a sandbox with a snapshot.") % {"slug": slug})
    if not schema_exists(commune.snapshot_schema):
        raise expired
    return commune


def _locked(commune: Commune) -> Commune | None:
    """The commune's row as it is now, locked until the end of the transaction (None once it is deleted)."""
    return Commune.objects.select_for_update().filter(pk=commune.pk).first()


def reset_sandbox(commune: Commune, *, actor=None, request=None) -> float:
    """Bring the sandbox back to its snapshot: schema, files and cache. Returns the seconds it took."""
    started = time.perf_counter()
    slug = commune.slug
    connection.set_schema_to_public()
    _resettable(Commune.objects.filter(pk=commune.pk).first(), slug)  # refuse early, before waiting for the lock
    try:
        with transaction.atomic(durable=True):
            lock_provisioning_in_transaction()
            # Checked again under the lock: the sandbox may have been archived (its snapshot dropped) meanwhile.
            commune = _resettable(_locked(commune), slug)
            # A deploy migrates the sandbox, never its snapshot: what the snapshot lacks is applied again after.
            behind = (_applied_migrations(commune.schema_name) - _applied_migrations(commune.snapshot_schema)
                      if schema_exists(commune.schema_name) else set())
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(commune.schema_name)} CASCADE")
            clone_template(commune.snapshot_schema, commune.schema_name)
            audit.record("tenants.sandbox_reset", actor=actor, target=commune, request=request,
                         after={"snapshot": commune.snapshot_schema})
            # Files last: if they fail, the schema comes back as it was with the rollback.
            _restore_files(commune.snapshot_schema, commune.schema_name)
    finally:
        connection.set_schema_to_public()
    if behind:
        logger.info("snapshot of %s is behind by %s migration(s); migrating", commune.slug, len(behind))
        call_command("migrate_schemas", schema_name=commune.schema_name, interactive=False, verbosity=0)
        connection.set_schema_to_public()
        take_snapshot(commune, actor=actor, request=request)
    forget_cache(commune.schema_name)
    return time.perf_counter() - started


def _applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {connection.ops.quote_name(schema)}.django_migrations")
        return set(cursor.fetchall())


def expire_sandboxes(*, today: datetime.date | None = None, actor=None) -> list[Commune]:
    """Archive the sandboxes whose training has ended and drop their snapshots (the sandbox itself stays,
    archived: an operator may still look at it, and an archived commune sends nothing)."""
    today = today or timezone.localdate()
    connection.set_schema_to_public()
    candidates = (Commune.objects.filter(kind=Commune.Kind.TRAINING, training_ends_on__lt=today)
                  .exclude(status=Commune.Status.ARCHIVED))
    retired = (retire_sandbox(commune, actor=actor, ended_before=today) for commune in candidates)
    return [commune for commune in retired if commune is not None]


def retire_sandbox(commune: Commune, *, actor=None, request=None,
                   ended_before: datetime.date | None = None) -> Commune | None:
    """Archive one sandbox and drop its snapshot. Returns the archived commune, or None when there was nothing to
    do: already archived (or gone) by the time the lock was ours, or, with `ended_before` (the scheduled expiry),
    its training moved to end on or after that day meanwhile."""
    connection.set_schema_to_public()
    with transaction.atomic(durable=True):
        lock_provisioning_in_transaction()
        # The caller's row may be stale: another trainer may have archived the sandbox or moved its end date.
        locked = _locked(commune)
        if locked is None or locked.status == Commune.Status.ARCHIVED:
            return None
        if ended_before is not None and (locked.training_ends_on is None or locked.training_ends_on >= ended_before):
            return None
        snapshot = locked.snapshot_schema
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(snapshot)} CASCADE")
        locked.status = Commune.Status.ARCHIVED
        locked.snapshot_schema = ""
        locked.save(update_fields=["status", "snapshot_schema", "updated_at"])
        audit.record("tenants.sandbox_expired", actor=actor, target=locked, request=request,
                     after={"ends_on": str(locked.training_ends_on), "snapshot_dropped": snapshot})
    _remove_files(snapshot)
    return locked


def drop_sandbox(commune: Commune) -> None:
    """Remove a sandbox entirely: its schema, its snapshot, their files, its commune row (tests, failed
    creations)."""
    connection.set_schema_to_public()
    snapshot = SNAPSHOT_PREFIX + commune.schema_name
    with transaction.atomic(durable=True):
        lock_provisioning_in_transaction()
        with connection.cursor() as cursor:
            for schema in (commune.schema_name, snapshot):
                cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(schema)} CASCADE")
        Commune.objects.filter(pk=commune.pk).delete()
    for schema in (commune.schema_name, snapshot):
        _remove_files(schema)
    forget_cache(commune.schema_name)


# --- Trainee sheet ----------------------------------------------------------------------------------------


def trainee_sheet(commune: Commune, trainees: list[Trainee]) -> bytes:
    """The bilingual PDF handed to trainees: the sandbox's address, each account and its password."""
    from platform_core.documents.rendering import render_pdf
    from tenants.selectors import commune_url

    context = {"sandbox_url": commune_url(commune), "admin_url": commune_url(commune, "/admin/"),
               "trainees": trainees, "ends_on": commune.training_ends_on}
    with tenant_context(commune), translation.override("fr"):
        return render_pdf(SHEET_TEMPLATE, context)


# --- Files and cache --------------------------------------------------------------------------------------


def _media_area(schema: str) -> Path | None:
    """The schema's folder under MEDIA_ROOT, or None when files live on S3 (see the doc: not snapshotted)."""
    if "FileSystemStorage" not in settings.STORAGES["default"]["BACKEND"]:
        return None
    return Path(settings.MEDIA_ROOT) / schema


def _copy_files(source: str, dest: str) -> None:
    origin, target = _media_area(source), _media_area(dest)
    if origin is None:
        return
    shutil.rmtree(target, ignore_errors=True)
    if origin.is_dir():
        shutil.copytree(origin, target)


def _restore_files(snapshot: str, schema: str) -> None:
    area = _media_area(schema)
    if area is None:
        return
    shutil.rmtree(area, ignore_errors=True)
    _copy_files(snapshot, schema)


def _remove_files(schema: str) -> None:
    area = _media_area(schema) if schema else None
    if area is not None:
        shutil.rmtree(area, ignore_errors=True)


def forget_cache(schema: str) -> int:
    """Delete the schema's cache entries (keys are "<schema>:<prefix>:<version>:<key>",
    django_tenants.cache.make_key). Returns how many."""
    client = cache._cache.get_client(write=True)
    prefix = cache.key_prefix
    doomed = [key for key in client.scan_iter(match=f"{schema}:*", count=1000)
              if key.decode().split(":", 3)[:2] == [schema, prefix]]
    if doomed:
        client.delete(*doomed)
    return len(doomed)
