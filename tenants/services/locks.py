from contextlib import contextmanager

from django.db import connection

PROVISIONING_LOCK = 0x4A414D41  # "JAMA": one provisioning at a time across the deployment


def lock_provisioning_in_transaction() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PROVISIONING_LOCK])


@contextmanager
def provisioning_session_lock():
    """For steps that commit on their own (migrations), which a transaction-scoped lock cannot span."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [PROVISIONING_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [PROVISIONING_LOCK])
