"""The console's live figures: the same numbers as counting inside each commune, in one query for all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.civil_status.demo import seed_demo_data
from tenants.figures import live_figures
from tenants.models import Commune
from tests.conftest import inside
from tests.tenants.conftest import counted_inside

pytestmark = pytest.mark.django_db


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


def test_an_archived_commune_is_not_read(sefrou, berkane):
    """Its schema is no longer migrated: a table the code reads may be missing there."""
    Commune.objects.filter(pk=berkane.pk).update(status="archived")
    berkane.refresh_from_db()
    with inside(berkane), connection.cursor() as cursor:
        cursor.execute("DROP TABLE civil_status_act CASCADE")  # as if a later migration created it
    assert set(live_figures([sefrou, berkane])) == {"sefrou"}
