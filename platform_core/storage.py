"""File storage: every key under the commune's schema."""

from django_tenants.files.storage import TenantFileSystemStorage as _TenantFileSystemStorage


class TenantFileSystemStorage(_TenantFileSystemStorage):
    """Files of a commune under MEDIA_ROOT/<schema>/; names saved in the database carry no schema."""
