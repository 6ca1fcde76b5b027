"""Live figures of many communes at once, for the operators' console: one query across their schemas.

Each commune's counts come from its own schema's tables; a UNION ALL of one small SELECT per schema reads
them all in a single round trip instead of one connection switch and five queries per commune. Callers pass
a page of communes (the console lists 50 at a time), so the query stays bounded at 1,500 communes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import connection

from tenants.models import Commune
from tenants.services.support import SUPPORT_PREFIX


@dataclass(frozen=True)
class CommuneFigures:
    staff: int  # active accounts that are neither citizens' portal accounts nor operators' support accounts
    acts: int  # signed civil-status acts
    receipts: int  # receipts issued (voided ones included: their numbers are used)
    requests: int  # citizens' online requests
    last_activity: datetime | None  # the newest entry of the commune's audit journal
    # Storage is measured daily (tenants.services.usage), not counted here: None until the first measure.
    database_bytes: int | None
    files_bytes: int | None
    storage_measured_at: datetime | None

    @property
    def storage_bytes(self) -> int | None:
        if self.database_bytes is None:
            return None
        return self.database_bytes + (self.files_bytes or 0)


def _table(label: str) -> str:
    return connection.ops.quote_name(apps.get_model(label)._meta.db_table)


def _select_for(schema: str) -> str:
    s = connection.ops.quote_name(schema)
    user, citizen = _table("accounts.User"), _table("citizens.CitizenProfile")
    return f"""
        SELECT %s,
            (SELECT count(*) FROM {s}.{user} u WHERE u.is_active AND u.username NOT LIKE %s
                AND NOT EXISTS (SELECT 1 FROM {s}.{citizen} c WHERE c.user_id = u.id)),
            (SELECT count(*) FROM {s}.{_table("civil_status.Act")} WHERE status = 'signed'),
            (SELECT count(*) FROM {s}.{_table("regie.Receipt")}),
            (SELECT count(*) FROM {s}.{_table("eservices.ServiceRequest")}),
            (SELECT recorded_at FROM {s}.{_table("audit.AuditEntry")} ORDER BY sequence DESC LIMIT 1)"""


def live_figures(communes: list[Commune]) -> dict[str, CommuneFigures]:
    """Figures by schema name, for the communes whose schema exists (a commune being created has none yet) and
    is kept migrated: an archived commune's schema is left behind the code, its tables may not match."""
    schemas = [commune.schema_name for commune in communes if commune.status != Commune.Status.ARCHIVED]
    if not schemas:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [schemas])
        present = {row[0] for row in cursor.fetchall()}
        schemas = [schema for schema in schemas if schema in present]
        if not schemas:
            return {}
        cursor.execute(" UNION ALL ".join(_select_for(schema) for schema in schemas),
                       [value for schema in schemas for value in (schema, f"{SUPPORT_PREFIX}%")])
        rows = cursor.fetchall()
    measured = {commune.schema_name: commune for commune in communes}
    return {
        schema: CommuneFigures(staff=staff, acts=acts, receipts=receipts, requests=requests,
                               last_activity=last_activity, database_bytes=measured[schema].database_bytes,
                               files_bytes=measured[schema].files_bytes,
                               storage_measured_at=measured[schema].storage_measured_at)
        for schema, staff, acts, receipts, requests, last_activity in rows
    }
