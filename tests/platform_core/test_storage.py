"""File storage: keys under the commune's schema, on S3 (a moto server started here) and on the local disk,
and the /media/ view that serves local files to their own commune only, through signed, expiring URLs."""

import io
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template import Context, Template
from django.test import override_settings
from moto.server import ThreadedMotoServer

from platform_core import storage as storage_module
from platform_core.storage import TenantFileSystemStorage, TenantS3Storage

ESCAPING_NAMES = ["../berkane/acte.txt", "/etc/passwd", "docs/../../berkane/acte.txt"]
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


# --- S3 ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint):
    name = f"jamaa-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture
def s3(s3_endpoint, s3_bucket):
    client, bucket = s3_bucket
    with override_settings(
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_QUERYSTRING_EXPIRE=60,
        **CREDENTIALS,
    ):
        yield TenantS3Storage(), client, bucket


def keys_in(client, bucket) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_s3_saves_opens_and_deletes_under_the_schema(s3, sefrou, in_commune):
    storage, client, bucket = s3
    with in_commune(sefrou):
        name = storage.save("actes/naissance.txt", ContentFile(b"acte 1"))
        assert name == "actes/naissance.txt"  # the name kept in the database carries no schema
        assert keys_in(client, bucket) == {"sefrou/actes/naissance.txt"}
        assert storage.exists(name)
        with storage.open(name) as file:
            assert file.read() == b"acte 1"
        assert storage.size(name) == 6
        storage.delete(name)
        assert not storage.exists(name)
    assert keys_in(client, bucket) == set()


def test_s3_does_not_overwrite_a_file_of_the_same_name(s3, sefrou, in_commune):
    storage, client, bucket = s3
    with in_commune(sefrou):
        first = storage.save("photo.jpg", ContentFile(b"one"))
        second = storage.save("photo.jpg", ContentFile(b"two"))
        assert first != second
        assert storage.open(first).read() == b"one"


def assert_invisible_across_communes(storage, sefrou, berkane, in_commune) -> str:
    """Sefrou's file cannot be seen or opened from Berkane, and Berkane's file of the same name is another."""
    with in_commune(sefrou):
        name = storage.save("etat-civil/acte.txt", ContentFile(b"Sefrou"))
    with in_commune(berkane):
        assert not storage.exists(name)
        with pytest.raises(FileNotFoundError):
            storage.open(name)
        storage.save(name, ContentFile(b"Berkane"))
    with in_commune(sefrou):
        assert storage.open(name).read() == b"Sefrou"
    return name


def test_s3_file_of_sefrou_is_invisible_from_berkane(s3, sefrou, berkane, in_commune):
    storage, client, bucket = s3  # one instance for both communes, as the default storage is
    assert_invisible_across_communes(storage, sefrou, berkane, in_commune)
    assert keys_in(client, bucket) == {"sefrou/etat-civil/acte.txt", "berkane/etat-civil/acte.txt"}


@pytest.mark.parametrize("name", ESCAPING_NAMES)
def test_s3_refuses_names_that_leave_the_schema(s3, sefrou, in_commune, name):
    storage, client, bucket = s3
    with in_commune(sefrou):
        with pytest.raises(SuspiciousOperation):
            storage.save(name, ContentFile(b"x"))
        for operation in (storage.exists, storage.open, storage.delete, storage.url, storage.size):
            with pytest.raises(SuspiciousOperation):
                operation(name)
    assert keys_in(client, bucket) == set()


def test_s3_signed_url_opens_a_private_object_and_expires(s3, sefrou, in_commune):
    storage, client, bucket = s3
    with in_commune(sefrou):
        name = storage.save("private/acte.txt", ContentFile(b"secret"))
        url = storage.url(name)
        short_url = storage.url(name, expire=5)
    parts = urlsplit(url)
    assert parts.path.endswith("/sefrou/private/acte.txt")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"secret"
    with pytest.raises(urllib.error.HTTPError) as unsigned:
        urllib.request.urlopen(url.split("?")[0], timeout=10)
    assert unsigned.value.code == 403  # the object is private: no signature, no file
    # moto (5.2.5) does not check a presigned URL's expiry, S3 does: check what S3 is given to enforce.
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == ["60"]  # AWS_QUERYSTRING_EXPIRE
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed_at).total_seconds()) < 30
    assert query["X-Amz-Signature"]  # which covers X-Amz-Date and X-Amz-Expires
    assert parse_qs(urlsplit(short_url).query)["X-Amz-Expires"] == ["5"]


# --- Local filesystem -------------------------------------------------------------------------------------


@pytest.fixture
def local(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield TenantFileSystemStorage(), tmp_path


def test_local_saves_opens_and_deletes_under_the_schema(local, sefrou, in_commune):
    storage, root = local
    with in_commune(sefrou):
        name = storage.save("actes/naissance.txt", ContentFile(b"acte 1"))
        assert name == "actes/naissance.txt"
        assert (root / "sefrou" / "actes" / "naissance.txt").read_bytes() == b"acte 1"
        assert storage.exists(name)
        with storage.open(name) as file:
            assert file.read() == b"acte 1"
        storage.delete(name)
        assert not storage.exists(name)


def test_local_explicit_location_is_split_per_schema_too(tmp_path, sefrou, in_commune):
    with in_commune(sefrou):
        TenantFileSystemStorage(location=tmp_path).save("a.txt", ContentFile(b"a"))
    assert (tmp_path / "sefrou" / "a.txt").exists()


def test_local_file_of_sefrou_is_invisible_from_berkane(local, sefrou, berkane, in_commune):
    storage, root = local
    name = assert_invisible_across_communes(storage, sefrou, berkane, in_commune)
    assert (root / "berkane" / name).read_bytes() == b"Berkane"


@pytest.mark.parametrize("name", ESCAPING_NAMES)
def test_local_refuses_names_that_leave_the_schema(local, sefrou, in_commune, name):
    storage, root = local
    with in_commune(sefrou):
        with pytest.raises(SuspiciousOperation):
            storage.save(name, ContentFile(b"x"))
        for operation in (storage.exists, storage.open, storage.delete, storage.path, storage.size):
            with pytest.raises(SuspiciousOperation):
                operation(name)
    assert not any(path.is_file() for path in root.rglob("*"))


def test_local_url_is_signed_and_names_no_schema(local, sefrou, in_commune):
    storage, root = local
    window = settings.AWS_QUERYSTRING_EXPIRE
    signed_at = time.time()
    with in_commune(sefrou):
        url = storage.url("actes/naissance 1.txt")
        again = storage.url("actes/naissance 1.txt")
    parts = urlsplit(url)
    assert parts.path == "/media/actes/naissance%201.txt"
    assert set(parse_qs(parts.query)) == {"expires", "signature"}
    expires = int(parse_qs(parts.query)["expires"][0])
    assert signed_at + window - 1 <= expires <= signed_at + 2 * window
    assert expires % window == 0 and again == url  # one URL per window, which browsers can cache


# --- The /media/ view -------------------------------------------------------------------------------------


@pytest.fixture
def media(tmp_path):
    """The default storage on the local disk, under a temporary MEDIA_ROOT."""
    local_default = {
        **settings.STORAGES,
        "default": {"BACKEND": "platform_core.storage.TenantFileSystemStorage"},
    }
    with override_settings(STORAGES=local_default, MEDIA_ROOT=tmp_path):
        yield default_storage


def test_media_view_serves_a_commune_its_own_file(media, client_for, sefrou, in_commune):
    with in_commune(sefrou):
        name = media.save("private/acte.txt", ContentFile(b"Sefrou"))
        url = media.url(name)
    response = client_for(sefrou).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Sefrou"
    assert response["Cache-Control"].startswith("private, max-age=")
    assert "sandbox" in response["Content-Security-Policy"]
    assert client_for(sefrou).head(url).status_code == 200
    assert client_for(sefrou).post(url).status_code == 405


def test_media_view_refuses_unsigned_tampered_and_expired_urls(media, client_for, sefrou, in_commune, monkeypatch):
    with in_commune(sefrou):
        name = media.save("private/acte.txt", ContentFile(b"Sefrou"))
        media.save("private/autre.txt", ContentFile(b"autre"))
        url = media.url(name)
        real_time = time.time
        monkeypatch.setattr(storage_module.time, "time", lambda: real_time() - 3 * settings.AWS_QUERYSTRING_EXPIRE)
        expired_url = media.url(name)
        monkeypatch.undo()
    client = client_for(sefrou)
    assert client.get(f"/media/{name}").status_code == 403
    assert client.get(url.replace("acte.txt", "autre.txt")).status_code == 403
    assert client.get(url.replace("signature=", "signature=x")).status_code == 403
    assert client.get(expired_url).status_code == 403


def test_media_view_never_serves_sefrou_files_on_berkane(media, client_for, sefrou, berkane, in_commune):
    with in_commune(sefrou):
        name = media.save("private/acte.txt", ContentFile(b"Sefrou"))
        sefrou_url = media.url(name)
    with in_commune(berkane):
        berkane_url = media.url(name)  # Berkane signing the exact name: its own area, where there is no such file
    assert client_for(berkane).get(sefrou_url).status_code == 403  # signed for Sefrou's schema only
    assert client_for(berkane).get(berkane_url).status_code == 404
    assert client_for(sefrou).get(sefrou_url).status_code == 200


def test_public_wagtail_image_displays_on_the_portal(media, client_for, sefrou, in_commune):
    from PIL import Image as PillowImage
    from wagtail.images.models import Image

    png = io.BytesIO()
    PillowImage.new("RGB", (40, 30), "green").save(png, "PNG")
    # Wagtail caches renditions (in Redis, which outlives the test database): a rendition cached by an earlier
    # run, with its file under that run's MEDIA_ROOT, must not stand in for the one made here.
    fresh_renditions = {**settings.CACHES, "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=fresh_renditions), in_commune(sefrou):
        image = Image.objects.create(title="Municipalité", file=ContentFile(png.getvalue(), name="mairie.png"))
        html = Template("{% load wagtailimages_tags %}{% image image width-20 %}").render(Context({"image": image}))
    src = html.split('src="')[1].split('"')[0].replace("&amp;", "&")
    assert src.startswith("/media/images/")
    response = client_for(sefrou).get(src)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert PillowImage.open(io.BytesIO(b"".join(response.streaming_content))).size == (20, 15)
