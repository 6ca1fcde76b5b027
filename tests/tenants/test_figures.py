"""The console's live figures: the same numbers as counting inside each commune, in one query for all."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.citizens.models import CitizenProfile
from modules.civil_status.demo import seed_demo_data
from modules.civil_status.models import Act
from modules.regie.models import Receipt
from platform_core.audit.models import AuditEntry
from platform_core.eservices.models import ServiceRequest
from tenants.figures import live_figures
from tenants.models import Commune
from tests.conftest import inside

pytestmark = pytest.mark.django_db


def counted_inside(commune):
    with inside(commune):
        citizens = CitizenProfile.objects.values("user_id")
        return {
            "staff": get_user_model().objects.filter(is_active=True).exclude(pk__in=citizens).count(),
            "acts": Act.objects.filter(status="signed").count(),
            "receipts": Receipt.objects.count(),
            "requests": ServiceRequest.objects.count(),
            "last_activity": AuditEntry.objects.order_by("-sequence").values_list("recorded_at", flat=True).first(),
        }


def test_each_commune_gets_its_own_figures_in_two_queries(sefrou, berkane):
    with inside(sefrou):
        seed_demo_data(sefrou, {"demo_acts": 40})
    with CaptureQueriesContext(connection) as queries:
        figures = live_figures([sefrou, berkane])
    assert len([query for query in queries if "search_path" not in query["sql"]]) == 2
    for commune in (sefrou, berkane):
        got = figures[commune.schema_name]
        assert {"staff": got.staff, "acts": got.acts, "receipts": got.receipts, "requests": got.requests,
                "last_activity": got.last_activity} == counted_inside(commune)
    assert figures["sefrou"].acts == 40 and figures["berkane"].acts == 0


def test_a_commune_without_a_schema_yet_is_left_out(sefrou):
    unborn = Commune(schema_name="not_there_yet", slug="not-there-yet", name_fr="X", name_ar="س")
    assert set(live_figures([sefrou, unborn])) == {"sefrou"}
    assert live_figures([]) == {}
