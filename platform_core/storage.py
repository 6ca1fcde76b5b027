"""File storage: every key under the commune's schema, every URL a short-lived signed one.

Names saved in the database carry no schema: the schema of the connection at call time chooses the area, so
a name saved by Sefrou resolves to Sefrou's area only, whoever else holds it. Locally the area is
MEDIA_ROOT/<schema>/ and files are served by platform_core.storage_urls on the commune's own domain; on S3 it
is the key prefix <schema>/ in one private bucket, read through presigned URLs.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.files.storage.mixins import StorageSettingsMixin
from django.db import connection
from django_tenants import utils as tenant_utils
from django_tenants.files.storage import TenantFileSystemStorage as _TenantFileSystemStorage
from storages.backends.s3 import S3Storage
from storages.utils import setting

MEDIA_SIGNING_SALT = "platform_core.storage.media"
DEFAULT_URL_EXPIRE = 300


def url_expire_seconds() -> int:
    """How long a file URL stays valid; one setting for both backends, as they must behave alike."""
    return int(getattr(settings, "AWS_QUERYSTRING_EXPIRE", DEFAULT_URL_EXPIRE))


def _media_signature(schema: str, name: str, expires: int) -> str:
    # The schema is signed too: a URL signed for Sefrou opens nothing on Berkane's domain, not even a Berkane
    # file that happens to have the same name.
    return signing.Signer(salt=MEDIA_SIGNING_SALT).signature(json.dumps([schema, name, expires]))


def sign_media_name(name: str, *, expire: int | None = None) -> dict[str, str]:
    """Query parameters that open `name` in the current schema for at least `expire` seconds.

    The expiry is rounded up to a whole window of `expire` seconds, so that every page rendered within a
    window gets the same URL and browsers on slow links can reuse what they already downloaded; a URL
    therefore lives between one and two windows.
    """
    expire = expire or url_expire_seconds()
    expires = (int(time.time()) // expire + 2) * expire
    return {"expires": str(expires), "signature": _media_signature(connection.schema_name, name, expires)}


def media_signature_valid(name: str, expires: str, signature: str) -> bool:
    """Whether query parameters from sign_media_name() still open `name` in the current schema."""
    if not expires.isdigit() or int(expires) < time.time():
        return False
    expected = _media_signature(connection.schema_name, name, int(expires))
    return signing.constant_time_compare(expected, signature)


class TenantFileSystemStorage(_TenantFileSystemStorage):
    """Files of a commune under MEDIA_ROOT/<schema>/, served at /media/<name> with a signed, expiring query
    string."""

    @property
    def base_location(self):
        # django-tenants drops the schema when a location is given explicitly; no key may escape its commune.
        return tenant_utils.parse_tenant_config_path(self._value_or_setting(self._location, self.relative_media_root))

    @property
    def base_url(self):
        # The hostname already names the commune, so URLs carry no schema.
        return self._value_or_setting(self._base_url, settings.MEDIA_URL)

    def _clear_cached_properties(self, setting, **kwargs):
        # django-tenants hands Django the settings module instead of the setting's name, so a new MEDIA_ROOT
        # (override_settings in tests) would otherwise go on writing under the old root.
        StorageSettingsMixin._clear_cached_properties(self, setting, **kwargs)
        if setting in ("MEDIA_ROOT", "MULTITENANT_RELATIVE_MEDIA_ROOT"):
            self.__dict__.pop("relative_media_root", None)

    def url(self, name, expire=None):
        name = name.lstrip("/")
        return f"{super().url(name)}?{urlencode(sign_media_name(name, expire=expire))}"


class TenantS3Storage(S3Storage):
    """Objects of a commune under <schema>/ in the bucket (after AWS_LOCATION, if set), private, read through
    presigned URLs that expire after AWS_QUERYSTRING_EXPIRE seconds."""

    # django-storages copies its settings onto the instance when it is built, `location` included; the one
    # default storage lives as long as the process and serves every commune, so the prefix is read per call.
    @property
    def location(self):
        return "/".join(part for part in (self.base_location.strip("/"), connection.schema_name) if part)

    def get_default_settings(self):
        defaults = super().get_default_settings()
        defaults["base_location"] = defaults.pop("location")
        # Two uploads of "photo.jpg" in one commune must not replace each other.
        defaults["file_overwrite"] = setting("AWS_S3_FILE_OVERWRITE", False)
        # botocore presigns with the deprecated SigV2 by default in us-east-1; SigV4 is understood everywhere.
        defaults["signature_version"] = setting("AWS_S3_SIGNATURE_VERSION", "s3v4")
        return defaults
