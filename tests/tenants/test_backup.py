"""Backup of a commune, then deletion, then restore gives back the same rows and files."""

import io
import shutil
import tarfile

import pytest
import yaml
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils.translation import gettext

from modules.civil_status.models import Bureau
from modules.complaints.models import Department
from tenants.models import Commune
from tenants.recipes import parse_recipe
from tenants.services.backup import BackupError, backup_commune, files_root, read_manifest, restore_commune
from tenants.services.provisioning import provision_commune

from ..conftest import RECIPES, drop_commune, inside, table_state

SLUG = "sefrou-sauve"


@pytest.fixture
def scratch(django_db_setup, django_db_blocker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        data = yaml.safe_load((RECIPES / "sefrou.yaml").read_text())
        data["commune"].update(slug=SLUG, name_fr="Sefrou (sauvegarde)", name_ar="صفرو (نسخة احتياطية)")
        data["domains"] = [SLUG]
        commune = provision_commune(parse_recipe(data), check_template=False).commune
        try:
            yield commune
        finally:
            drop_commune(SLUG)


def snapshot(schema: str) -> dict[str, tuple]:
    """Per table: row count and the md5 of its rows in order; per sequence: where it stands."""
    result = table_state(schema)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = %s", [schema])
        for (sequence,) in cursor.fetchall():
            cursor.execute(f'SELECT last_value, is_called FROM "{schema}"."{sequence}"')
            result[f"sequence {sequence}"] = cursor.fetchone()
    return result


def test_backup_delete_restore_gives_back_the_same_rows_and_files(scratch, tmp_path):
    with inside(scratch):
        name = default_storage.save("pieces/acte 1.pdf", ContentFile(b"%PDF-1.7 \x00\xff acte"))
        default_storage.save("emblemes/logo.png", ContentFile(bytes(range(256)) * 40))
        Bureau.objects.create(code="annexe-2", name_fr="Annexe 2", name_ar="الملحقة 2")
        Department.objects.create(code="urbanisme", name_fr="Urbanisme", name_ar="التعمير")
    connection.set_schema_to_public()
    schema = scratch.schema_name
    before = snapshot(schema)
    root = files_root(schema)
    files_before = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert len(files_before) >= 2 and len(before) > 50
    public_before = (Commune.objects.filter(slug=SLUG).values("name_fr", "name_ar", "status", "kind",
                                                               "contact_phone").get(),
                     sorted(scratch.domains.values_list("domain", "is_primary")),
                     sorted(scratch.subscriptions.values_list("module_key", "active")))

    archive = backup_commune(scratch, tmp_path / "backup" / f"{SLUG}.tar.gz")
    manifest = read_manifest(archive)
    assert manifest["commune"]["slug"] == SLUG and manifest["schema"] == schema and manifest["files_included"]
    assert ["civil_status", "0001_initial"] in manifest["migrations"]
    assert f"files/{name}" in manifest["parts"] and "schema.dump" in manifest["parts"]

    with pytest.raises(BackupError):
        restore_commune(archive)  # the commune is still there

    drop_commune(SLUG)
    shutil.rmtree(root)
    assert not Commune.objects.filter(slug=SLUG).exists()

    result = restore_commune(archive)
    connection.set_schema_to_public()
    assert result.commune.slug == SLUG and result.files == len(files_before) and result.pending_migrations == 0
    assert snapshot(schema) == before
    assert {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()} == files_before
    restored = Commune.objects.get(slug=SLUG)
    assert (Commune.objects.filter(slug=SLUG).values("name_fr", "name_ar", "status", "kind", "contact_phone").get(),
            sorted(restored.domains.values_list("domain", "is_primary")),
            sorted(restored.subscriptions.values_list("module_key", "active"))) == public_before
    with inside(restored):
        assert default_storage.open(name).read() == b"%PDF-1.7 \x00\xff acte"

    # replace: over the living commune, through the command
    with inside(restored):
        Bureau.objects.create(code="annexe-3", name_fr="Annexe 3", name_ar="الملحقة 3")
    connection.set_schema_to_public()
    call_command("restore_commune", str(archive), "--replace")
    connection.set_schema_to_public()
    assert snapshot(schema) == before


def test_an_altered_archive_is_refused_and_nothing_is_kept(scratch, tmp_path):
    archive = backup_commune(scratch, tmp_path / "a.tar.gz")
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(altered, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "schema.dump":
                content = content[:-10] + b"0" * 10
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    drop_commune(SLUG)
    with pytest.raises(BackupError) as refused:
        restore_commune(altered)
    assert str(refused.value) == gettext("The part %(name)s of the archive is missing or altered.") % {
        "name": "schema.dump"}
    connection.set_schema_to_public()
    assert not Commune.objects.filter(slug=SLUG).exists()
