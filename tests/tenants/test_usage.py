"""Storage used by a commune (tenants.services.usage) and its daily measure (tenants.tasks.measure_commune_storage):
a commune's files count for it and never for another commune, on the local disk and on S3 (a moto server)."""

import uuid

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from moto.server import ThreadedMotoServer

from tenants.figures import live_figures
from tenants.models import Commune
from tenants.services.usage import database_bytes, files_bytes, measure_storage
from tenants.tasks import measure_commune_storage
from tests.conftest import inside

pytestmark = pytest.mark.django_db

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def save(commune, name: str, size: int) -> str:
    with inside(commune):
        return default_storage.save(name, ContentFile(b"x" * size))


# --- Local disk -------------------------------------------------------------------------------------------


@pytest.fixture
def local_media(tmp_path):
    with override_settings(MEDIA_ROOT=str(tmp_path),
                           STORAGES={"default": {"BACKEND": "platform_core.storage.TenantFileSystemStorage"},
                                     "staticfiles": STATIC}):
        yield tmp_path


def test_local_files_count_for_their_commune_only(local_media, sefrou, berkane):
    save(sefrou, "etat-civil/acte.pdf", 1200)
    save(sefrou, "regie/recu.pdf", 300)
    save(berkane, "etat-civil/acte.pdf", 50)
    assert (local_media / "sefrou" / "etat-civil" / "acte.pdf").stat().st_size == 1200

    assert files_bytes(sefrou) == 1500
    assert files_bytes(berkane) == 50


def test_a_commune_cannot_make_its_files_count_for_another(local_media, sefrou, berkane):
    from django.core.exceptions import SuspiciousOperation

    with inside(sefrou), pytest.raises(SuspiciousOperation):
        default_storage.save("../berkane/intrus.pdf", ContentFile(b"x" * 999))
    # A commune whose schema starts like another's has its own folder.
    (local_media / "sefrou_annexe").mkdir()
    (local_media / "sefrou_annexe" / "autre.pdf").write_bytes(b"x" * 77)
    assert files_bytes(berkane) == 0
    assert files_bytes(sefrou) == 0


def test_the_daily_task_measures_the_commune_it_runs_in(local_media, sefrou, berkane):
    save(sefrou, "portail/photo.jpg", 4096)
    Commune.objects.filter(pk__in=[sefrou.pk, berkane.pk]).update(database_bytes=None, files_bytes=None,
                                                                  storage_measured_at=None)
    schema_size = database_bytes(sefrou)
    assert schema_size > 1_000_000  # a commune's hundred-odd tables and their indexes

    with inside(sefrou):
        assert measure_commune_storage.run() == schema_size + 4096
    # In the public schema (sent there by mistake) it measures nothing.
    assert measure_commune_storage.run() is None

    sefrou.refresh_from_db()
    berkane.refresh_from_db()
    assert (sefrou.database_bytes, sefrou.files_bytes) == (schema_size, 4096)
    assert sefrou.storage_measured_at is not None
    assert berkane.files_bytes is None and berkane.storage_measured_at is None
    # The console's figures show it.
    figures = live_figures([sefrou, berkane])
    assert figures["sefrou"].storage_bytes == schema_size + 4096
    assert figures["berkane"].storage_bytes is None


# --- S3 ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint):
    bucket = f"jamaa-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket=bucket)
    with override_settings(AWS_S3_ENDPOINT_URL=s3_endpoint, AWS_STORAGE_BUCKET_NAME=bucket,
                           AWS_S3_REGION_NAME="us-east-1", **CREDENTIALS,
                           STORAGES={"default": {"BACKEND": "platform_core.storage.TenantS3Storage"},
                                     "staticfiles": STATIC}):
        yield client, bucket


def test_s3_counts_a_commune_s_objects_under_its_prefix_only(s3, sefrou, berkane):
    client, bucket = s3
    save(sefrou, "etat-civil/acte.pdf", 1000)
    save(sefrou, "regie/recu.pdf", 234)
    save(berkane, "etat-civil/acte.pdf", 10)
    # Objects of a schema whose name starts with "sefrou", and at the bucket's root: not Sefrou's.
    client.put_object(Bucket=bucket, Key="sefrou_annexe/autre.pdf", Body=b"x" * 5000)
    client.put_object(Bucket=bucket, Key="sefrou.pdf", Body=b"x" * 7000)
    keys = {item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert {"sefrou/etat-civil/acte.pdf", "sefrou/regie/recu.pdf", "berkane/etat-civil/acte.pdf"} <= keys

    assert files_bytes(sefrou) == 1234
    assert files_bytes(berkane) == 10
    assert measure_storage(berkane).files_bytes == 10
    berkane.refresh_from_db()
    assert berkane.files_bytes == 10


def test_s3_a_commune_without_files_uses_nothing(s3, sefrou, berkane):
    save(berkane, "etat-civil/acte.pdf", 10)
    assert files_bytes(sefrou) == 0
