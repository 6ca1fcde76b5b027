"""The back office's online requests in a real browser, in Arabic and in French: the inbox (a late request
marked) and a request's page (stepper, the citizen's data and papers, the fee, the act to pick, the timeline).
Screenshots go to tests/artifacts/eservices-admin-*.png.

The browser talks to a server over committed data, so the requests and acts are made in a commune of their own,
provisioned from Sefrou's recipe and dropped afterwards: Sefrou's registers stay as the other tests expect."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from tests.conftest import inside
from tests.e2e.conftest import outside_the_browser_loop, scratch_commune, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLUG = "imouzzer"
PASSWORD = "agent-online-pw-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def town(django_db_blocker):
    """A commune like Sefrou with an agent, an officier, a signed act and three online requests, one of them late;
    yields the agent's username and the first request's id."""
    from modules.civil_status import services as civil_status
    from modules.civil_status.eservices import ExtractRequestForm
    from modules.civil_status.models import Bureau, Delegation
    from platform_core.eservices import services
    from platform_core.eservices.models import ServiceRequest
    from platform_core.modules.roles import role_group
    from tests.modules.civil_status.test_acts import birth

    today = timezone.localdate()

    def create(commune):
        with inside(commune):
            users = get_user_model().objects
            agent = users.create_user("agent.online", password=PASSWORD, first_name="Samira", last_name="Tazi",
                                      first_name_ar="سميرة", last_name_ar="التازي")
            agent.groups.add(role_group("civil_status", "agent"))
            officer = users.create_user("officer.online", first_name="Driss", last_name="Fassi",
                                        first_name_ar="إدريس", last_name_ar="الفاسي")
            officer.groups.add(role_group("civil_status", "officer"))
            bureau = Bureau.objects.get(is_main=True)
            Delegation.objects.create(officer=officer, bureau=bureau, decree_number="E2E/2026",
                                      decree_date=today - datetime.timedelta(days=60),
                                      valid_from=today - datetime.timedelta(days=60))
            act = civil_status.sign_act(civil_status.draft_act(
                actor=agent, bureau=bureau, kind="birth",
                data=birth(event_date=today - datetime.timedelta(days=20))).pk, actor=officer)
            made = []
            for code, fields, name, name_ar, cin in (
                ("civil_status.birth_extract",
                 {"act_number": act.number, "act_year": act.year, "bureau": bureau.code, "language": "fr"},
                 "Mohamed Amine Alaoui", "محمد أمين العلوي", "C123456"),
                ("civil_status.individual_record",
                 {"first_names": "Mohamed Amine", "family_name": "Alaoui",
                  "birth_date": (today - datetime.timedelta(days=20)).isoformat(), "mother_first_name": "Fatima"},
                 "Ahmed Alaoui", "أحمد العلوي", "D765432"),
                ("civil_status.full_copy", {"act_number": act.number, "act_year": act.year},
                 "Khadija Bennani", "خديجة بناني", "CD99881"),
            ):
                form = ExtractRequestForm({"relationship": "self",
                                           "language": "fr", **fields})
                assert form.is_valid(), form.errors
                submission = services.submit_request(
                    code, data=form.cleaned_data,
                    contact=services.Contact(name=name, name_ar=name_ar, national_id=cin, phone="0661234567",
                                             language="ar"),
                    attachments=[("cin", SimpleUploadedFile("cin.pdf", PDF, content_type="application/pdf"))])
                made.append(submission.request)
            services.add_note(made[0].pk, actor=officer, note="Le demandeur a appelé : il passera vendredi.")
            ServiceRequest.objects.filter(pk=made[2].pk).update(due_on=today - datetime.timedelta(days=4))
        connection.set_schema_to_public()
        return made[0].pk

    with (django_db_blocker.unblock(),
          scratch_commune(SLUG, "Commune d'Imouzzer Kandar", "جماعة إيموزار كندر") as commune):
        yield outside_the_browser_loop(lambda: create(commune))


def set_language(django_db_blocker, language):
    from wagtail.users.models import UserProfile

    from tenants.models import Commune

    def change():
        connection.set_schema_to_public()
        with inside(Commune.objects.get(slug=SLUG)):
            profile = UserProfile.get_for_user(get_user_model().objects.get(username="agent.online"))
            profile.preferred_language = language
            profile.save(update_fields=["preferred_language"])
        connection.set_schema_to_public()

    with django_db_blocker.unblock():
        outside_the_browser_loop(change)


def test_inbox_and_request_page_in_arabic_and_french(live_port, page, town, django_db_blocker):
    origin = f"http://{SLUG}.localhost:{live_port}"
    page.goto(f"{origin}/admin/login/")
    page.fill("#id_username", "agent.online")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")
    # The admin scrolls inside its own pane: a tall window shows the whole request page in the screenshot.
    page.set_viewport_size({"width": 1280, "height": 1900})
    for language in ("ar", "fr"):
        set_language(django_db_blocker, language)
        page.goto(f"{origin}/admin/online-requests/?show=all")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert page.locator("table.listing tbody tr").count() == 3
        assert page.locator("tr.es-overdue").count() == 1
        assert page.locator("nav").get_by_text(re.compile(r"\(3\)")).count() >= 1  # the menu's count
        screenshot(page, f"eservices-admin-inbox-{language}")
        page.goto(f"{origin}/admin/online-requests/{town}/")
        assert page.locator("input[name='processing-act_id']").count() == 1
        assert page.locator(".es-steps li[aria-current='step']").count() == 1
        assert page.locator(".es-timeline li.es-internal").count() == 1
        screenshot(page, f"eservices-admin-request-{language}")
