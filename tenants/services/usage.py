"""How much file storage a commune uses: its area under MEDIA_ROOT, or its key prefix in the S3 bucket."""

from __future__ import annotations

import os

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.storage import TenantS3Storage
from tenants.models import Commune
from tenants.services.sandboxes import _media_area


def files_bytes(commune: Commune) -> int:
    """The bytes of every file the commune holds, counted now (a walk of its folder, or a listing of its
    S3 prefix, 1,000 keys per request)."""
    area = _media_area(commune.schema_name)
    if area is not None:
        return sum(
            os.path.getsize(os.path.join(folder, name))
            for folder, _dirs, names in os.walk(area)
            for name in names
        )
    with schema_context(commune.schema_name):
        if not isinstance(default_storage, TenantS3Storage):
            return 0
        prefix = default_storage.location.rstrip("/") + "/"
        pages = default_storage.connection.meta.client.get_paginator("list_objects_v2").paginate(
            Bucket=default_storage.bucket_name, Prefix=prefix)
        return sum(item["Size"] for page in pages for item in page.get("Contents", ()))


def measure_files(commune: Commune) -> int:
    """Count the commune's files and keep the figure for the console."""
    measured = files_bytes(commune)
    with transaction.atomic():
        Commune.objects.filter(pk=commune.pk).update(files_bytes=measured, files_measured_at=timezone.now())
    commune.files_bytes = measured
    return measured
