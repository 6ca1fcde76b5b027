"""The console's list of communes and a commune's page: real figures read in one query for the page shown,
search, filters, pagination, the onboarding checklist, the operators' journal, and who may see them."""

import html
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from tenants.models import Commune
from tenants.onboarding import checklist
from tenants.services import lifecycle
from tenants.services.clone import clone_template
from tenants.services.template import TEMPLATE_SCHEMA
from tests.conftest import console_account, drop_commune, says
from tests.tenants.conftest import PASSWORD, counted_inside, signed_in

pytestmark = pytest.mark.django_db


def slugs_listed(response) -> list[str]:
    return [row["commune"].slug for row in response.context["rows"]]


def shows_count(response, count: int) -> bool:
    """The page says how many communes were found, in its own language."""
    with translation.override(response.get("Content-Language") or settings.LANGUAGE_CODE):
        expected = ngettext("%(count)d commune found", "%(count)d communes found", count) % {"count": count}
    return response.context["paginator"].count == count and expected in html.unescape(response.content.decode())


# --- the list -----------------------------------------------------------------------------------------------


def test_the_list_shows_every_commune_but_the_template_with_its_real_figures(console, sefrou, in_commune):
    from tests.modules.civil_status.test_papers import open_bureau, signed

    bureau, agent, officer, _reader = open_bureau(sefrou, in_commune, "console")
    with in_commune(sefrou):
        signed(bureau, agent, officer)
        signed(bureau, agent, officer)
    connection.set_schema_to_public()

    response = console.get("/console/")
    assert response.status_code == 200
    assert slugs_listed(response) == ["berkane", "formation-sefrou", "sefrou"]
    assert "template" not in slugs_listed(response)
    row = next(row for row in response.context["rows"] if row["commune"].slug == "sefrou")
    figures = row["figures"]
    expected = counted_inside(sefrou)
    assert expected["acts"] >= 2 and expected["staff"] > 1
    assert {"staff": figures.staff, "acts": figures.acts, "receipts": figures.receipts,
            "requests": figures.requests, "last_activity": figures.last_activity} == expected
    assert row["url"] == "http://sefrou.localhost/"
    page = response.content.decode()
    assert 'href="/console/communes/sefrou/"' in page and 'href="http://sefrou.localhost/"' in page
    assert "جماعة صفرو" in page and "Commune de Sefrou" in page
    assert says(response, "not measured yet")  # no commune measured yet in the test database
    assert shows_count(response, 3)


def test_storage_is_shown_once_measured_and_can_be_measured_now(console, sefrou):
    Commune.objects.filter(pk=sefrou.pk).update(database_bytes=7 * 1024 * 1024, files_bytes=5 * 1024 * 1024,
                                                storage_measured_at=timezone.now())
    response = console.get("/console/?q=sefrou&kind=production")
    assert response.context["rows"][0]["figures"].storage_bytes == 12 * 1024 * 1024

    response = console.post("/console/communes/sefrou/measure/", follow=True)
    sefrou.refresh_from_db()
    assert sefrou.database_bytes > 1_000_000 and sefrou.files_bytes is not None
    assert response.context["figures"].storage_bytes == sefrou.database_bytes + sefrou.files_bytes
    assert console.get("/console/communes/sefrou/measure/").status_code == 405


@pytest.mark.parametrize(("query", "expected"), [
    ("Berkane", ["berkane"]),
    ("بركان", ["berkane"]),
    ("formation", ["formation-sefrou"]),
    ("sefrou.localhost", ["formation-sefrou", "sefrou"]),  # domains
    ("Province de Sefrou", ["sefrou"]),
    ("إقليم صفرو", ["sefrou"]),
    ("template", []),
])
def test_search_by_names_slug_domain_and_province(console, query, expected):
    assert slugs_listed(console.get("/console/", {"q": query})) == expected


def test_filters_keep_their_values_and_can_be_cleared(console, berkane):
    lifecycle.suspend(berkane, actor=console_account("operator.other", PASSWORD), reason="Convention expired")
    assert slugs_listed(console.get("/console/", {"status": "suspended"})) == ["berkane"]
    assert slugs_listed(console.get("/console/", {"kind": "training"})) == ["formation-sefrou"]
    assert slugs_listed(console.get("/console/", {"module": "regie"})) == ["sefrou"]
    assert slugs_listed(console.get("/console/", {"module": "portal", "status": "live"})) == [
        "formation-sefrou", "sefrou"]
    response = console.get("/console/", {"q": "sefrou", "kind": "production", "module": "regie"})
    assert slugs_listed(response) == ["sefrou"]
    form = response.context["filter_form"]
    assert (form["q"].value(), form["kind"].value(), form["module"].value()) == ("sefrou", "production", "regie")
    page = response.content.decode()
    assert 'value="sefrou"' in page and re.search(r'<option value="regie" selected>', page)
    assert 'href="/console/"' in page and says(response, "Clear")
    # A value that is not a choice is ignored, not an error page.
    assert slugs_listed(console.get("/console/", {"status": "nonsense"})) == ["berkane", "formation-sefrou", "sefrou"]


def test_an_empty_result_says_so(console):
    response = console.get("/console/", {"q": "nowhere-at-all"})
    assert response.status_code == 200 and slugs_listed(response) == []
    assert says(response, "No commune matches this search.")
    assert shows_count(response, 0)


def test_fifty_per_page_and_page_links_keep_the_filters(console):
    Commune.objects.bulk_create([
        Commune(schema_name=f"bulk_{index:02d}", slug=f"bulk-{index:02d}", name_fr=f"Commune Bulk {index:02d}",
                name_ar=f"جماعة {index:02d}", status="onboarding")
        for index in range(55)
    ])
    first = console.get("/console/", {"q": "bulk", "status": "onboarding"})
    assert len(first.context["rows"]) == 50 and first.context["paginator"].count == 55
    assert shows_count(first, 55)
    page = first.content.decode()
    assert "?q=bulk&amp;status=onboarding&amp;page=2" in page
    second = console.get("/console/", {"q": "bulk", "status": "onboarding", "page": 2})
    assert slugs_listed(second) == [f"bulk-{index:02d}" for index in range(50, 55)]
    assert all(row["figures"] is None for row in second.context["rows"])  # no schema: no figures, no error
    assert says(second, "No schema yet: no figures.")
    assert slugs_listed(console.get("/console/", {"q": "bulk", "page": 99})) == slugs_listed(second)


def test_the_number_of_queries_does_not_grow_with_the_communes(console, django_assert_max_num_queries):
    console.get("/console/")  # warm: session, permissions
    baseline = 0
    for _attempt in range(2):  # the session is not always read from the database: take the larger count
        with CaptureQueriesContext(connection) as queries:
            assert len(console.get("/console/").context["rows"]) == 3
        baseline = max(baseline, len(queries))
    made = ["console-q1", "console-q2", "console-q3"]
    try:
        for index, slug in enumerate(made, start=1):
            clone_template(TEMPLATE_SCHEMA, Commune.schema_name_for(slug))
            Commune.objects.create(schema_name=Commune.schema_name_for(slug), slug=slug, name_fr=f"Clone {index}",
                                   name_ar=f"نسخة {index}")
        connection.set_schema_to_public()
        console.get("/console/")  # the connection sets its search path again once after the clones
        with django_assert_max_num_queries(baseline):
            response = console.get("/console/")
        assert len(response.context["rows"]) == 6
        assert all(row["figures"] is not None for row in response.context["rows"])
    finally:
        for slug in made:
            drop_commune(slug)


# --- a commune's page ---------------------------------------------------------------------------------------------


def test_a_communes_page_shows_identity_domains_figures_and_its_checklist(console, sefrou):
    response = console.get("/console/communes/sefrou/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Commune de Sefrou", "جماعة صفرو", "Province de Sefrou", "إقليم صفرو", "+212 535 66 00 00",
                 'href="http://sefrou.localhost/"'):
        assert text in page
    items = checklist(sefrou)
    assert [row["item"].key for row in response.context["checklist_rows"]] == [item.key for item in items.items]
    assert response.context["checklist"].done == items.done
    staff = next(row for row in response.context["checklist_rows"] if row["item"].key == "platform.staff")
    assert staff["url"] == "http://sefrou.localhost/admin/users/"
    assert 'href="http://sefrou.localhost/admin/users/"' in page
    assert f'value="{items.progress}"' in page
    assert response.context["figures"].staff == counted_inside(sefrou)["staff"]
    assert response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_the_page_offers_only_the_actions_possible_from_the_status(console, sefrou, berkane):
    assert set(console.get("/console/communes/sefrou/").context["forms"]) == {"modules", "suspend", "archive"}
    lifecycle.suspend(berkane, actor=None, reason="Convention expired")
    page = console.get("/console/communes/berkane/")
    assert set(page.context["forms"]) == {"modules", "resume", "archive"}
    assert b"/console/communes/berkane/suspend/" not in page.content
    lifecycle.archive(berkane, actor=None, reason="Merged")
    archived = console.get("/console/communes/berkane/")
    assert archived.context["forms"] == {}
    assert says(archived, "An archived commune has no more actions: its schema and files are kept.")
    Commune.objects.filter(pk=sefrou.pk).update(status="onboarding", live_since=None)
    assert "take_live" in console.get("/console/communes/sefrou/").context["forms"]


def test_the_template_and_unknown_communes_have_no_page(console):
    assert console.get("/console/communes/template/").status_code == 404
    assert console.get("/console/communes/nowhere/").status_code == 404


def test_the_journal_lists_the_operators_actions_on_this_commune_only(console, operator, sefrou, berkane):
    lifecycle.suspend(sefrou, actor=operator, reason="Unpaid convention")
    lifecycle.resume(sefrou, actor=operator, reason="Paid")
    lifecycle.suspend(berkane, actor=operator, reason="Berkane's own reason")
    response = console.get("/console/communes/sefrou/")
    rows = response.context["audit"]
    assert [row["entry"].action for row in rows[:2]] == ["tenants.resume", "tenants.suspend"]  # newest first
    with translation.override(response["Content-Language"]):
        assert rows[1]["label"] == gettext("Suspended") and rows[1]["reason"] == "Unpaid convention"
    assert rows[0]["entry"].actor_label == "operator.console"
    assert all(row["entry"].object_id == str(sefrou.pk) for row in rows)
    assert "Berkane's own reason" not in response.content.decode()
    assert "Unpaid convention" in response.content.decode()
    assert any(row["entry"].action == "tenants.provision_commune" for row in rows)
    assert len(rows) <= 50


# --- who may see the console ------------------------------------------------------------------------------------


def test_anonymous_and_password_only_visitors_are_sent_to_sign_in(client_for, operator):
    anonymous = client_for(None)
    for path in ("/console/", "/console/communes/sefrou/", "/console/provision/"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    password_only = client_for(None)
    password_only.force_login(operator)  # no second factor
    for path in ("/console/", "/console/communes/sefrou/", "/console/provision/"):
        assert password_only.get(path)["Location"].startswith("/console/login/")
    assert password_only.post("/console/communes/sefrou/suspend/", {"suspend-reason": "x"}).status_code == 302
    assert Commune.objects.get(slug="sefrou").status == "live"


def test_a_trainer_sees_neither_the_list_nor_a_commune(client_for, sefrou):
    trainer = signed_in(client_for(None), console_account("trainer.console", PASSWORD, permission="run_trainings"))
    listing = trainer.get("/console/")
    assert listing.status_code == 403 or (listing.status_code == 302
                                          and listing["Location"].startswith("/console/sandboxes"))
    assert trainer.get("/console/communes/sefrou/").status_code == 403
    assert trainer.post("/console/communes/sefrou/suspend/", {"suspend-reason": "no"}).status_code == 403
    assert Commune.objects.get(slug="sefrou").status == "live"


def test_commune_accounts_cannot_reach_the_console(client_for, sefrou):
    from django.test import Client

    administrator = client_for(sefrou)
    assert administrator.post("/admin/login/", {"username": "admin.sefrou", "password": "sefrou-admin-pw"},
                              ).status_code == 302
    # Commune hosts do not route the console at all.
    for path in ("/console/", "/console/communes/sefrou/", "/console/provision/", "/console/login/"):
        assert administrator.get(path).status_code == 404
    assert administrator.post("/console/communes/berkane/suspend/", {"suspend-reason": "x"}).status_code == 404
    # The commune's session cookie means nothing on the platform domain (sessions and accounts are per schema).
    platform = Client(HTTP_HOST="localhost")
    platform.cookies = administrator.cookies
    assert platform.get("/console/")["Location"].startswith("/console/login/")
    assert Commune.objects.get(slug="berkane").status == "live"
