"""How much storage a commune uses: its schema's relations in PostgreSQL, and its files (its area under MEDIA_ROOT,
or its key prefix in the S3 bucket). Measured daily by a staggered task, or on demand from the console."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.storage import TenantS3Storage
from tenants.models import Commune
from tenants.services.sandboxes import _media_area


@dataclass(frozen=True)
class StorageUsed:
    database_bytes: int
    files_bytes: int

    @property
    def total(self) -> int:
        return self.database_bytes + self.files_bytes


def database_bytes(commune: Commune) -> int:
    """Tables, indexes and TOAST of the commune's schema, as PostgreSQL counts them now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c "
                       "WHERE c.relnamespace = %s::regnamespace AND c.relkind IN ('r', 'm', 'p')",
                       [connection.ops.quote_name(commune.schema_name)])
        return cursor.fetchone()[0]


def files_bytes(commune: Commune) -> int:
    """The bytes of every file the commune holds, counted now (a walk of its folder, or a listing of its
    S3 prefix, 1,000 keys per request)."""
    area = _media_area(commune.schema_name)
    if area is not None:
        return sum(_size(os.path.join(folder, name)) for folder, _dirs, names in os.walk(area) for name in names)
    with schema_context(commune.schema_name):
        if not isinstance(default_storage, TenantS3Storage):
            return 0
        prefix = default_storage.location.rstrip("/") + "/"
        pages = default_storage.connection.meta.client.get_paginator("list_objects_v2").paginate(
            Bucket=default_storage.bucket_name, Prefix=prefix)
        return sum(item["Size"] for page in pages for item in page.get("Contents", ()))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except FileNotFoundError:  # removed while the folder was walked: it takes no room any more
        return 0


def measure_storage(commune: Commune) -> StorageUsed:
    """Measure the commune's database and files and keep the figures for the console."""
    used = StorageUsed(database_bytes=database_bytes(commune), files_bytes=files_bytes(commune))
    now = timezone.now()
    with transaction.atomic():
        Commune.objects.filter(pk=commune.pk).update(database_bytes=used.database_bytes, files_bytes=used.files_bytes,
                                                     storage_measured_at=now)
    commune.database_bytes, commune.files_bytes, commune.storage_measured_at = (used.database_bytes,
                                                                                used.files_bytes, now)
    return used
