"""Screenshots, in Arabic and French, of the portal's complaint form on a phone (empty, then refused with its
errors, then the confirmation and the follow-up page) and of a complaint's back-office page, under
tests/artifacts/complaints-*.png.

Chromium renders the pages the server gave the test client (a complaint is never deleted, so none is committed
for a live server); static files come from the project's finders, as the server would serve them."""

import mimetypes

import pytest
from django.contrib.staticfiles import finders
from wagtail.users.models import UserProfile

from modules.complaints import services
from tests.conftest import inside
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, screenshot
from tests.modules.complaints.conftest import ADDRESS
from tests.modules.complaints.test_portal import form, photo

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ORIGIN = "http://sefrou.localhost"


def _static(route, request):
    path = request.url.split("/static/", 1)[1].split("?")[0]
    found = finders.find(path)
    if not found:
        return route.fulfill(status=404, body=b"")
    with open(found, "rb") as handle:
        return route.fulfill(body=handle.read(), content_type=mimetypes.guess_type(found)[0] or "text/plain")


def _browse(pages: dict, shots: list, *, viewport: dict, mobile: bool):
    """Open each (url, name, direction) of `shots`: the body is pages[url] (HTML, or (bytes, content type))."""
    from playwright.sync_api import sync_playwright

    def serve(route, request):
        if "/static/" in request.url:
            return _static(route, request)
        body = pages.get(request.url.removeprefix(ORIGIN))
        if body is None:
            return route.fulfill(status=404, body=b"")
        body, content_type = body if isinstance(body, tuple) else (body, "text/html; charset=utf-8")
        return route.fulfill(body=body, content_type=content_type)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = chromium.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile)
            context.route("**/*", serve)
            page = context.new_page()
            for url, name, direction in shots:
                page.goto(f"{ORIGIN}{url}")
                assert page.locator("html").get_attribute("dir") == direction
                screenshot(page, name)
            context.close()
        finally:
            chromium.close()


@pytest.mark.django_db
def test_screenshots_of_the_portal_on_a_phone(sefrou, client_for, staff):
    pages, shots = {}, []
    for language in ("ar", "fr"):
        direction = "rtl" if language == "ar" else "ltr"
        citizen = client_for(sefrou, REMOTE_ADDR=ADDRESS)
        pages[f"/{language}/reclamations/"] = citizen.get(f"/{language}/reclamations/").content
        refused = citizen.post(f"/{language}/reclamations/", form(description="", phone="", email=""))
        pages[f"/{language}/reclamations/?refused"] = refused.content
        filed = citizen.post(f"/{language}/reclamations/", form(photo=photo()), follow=True)
        pages[f"/{language}/reclamations/deposee/"] = filed.content
        complaint, key = filed.context["complaint"], filed.context["access_key"]
        services.answer(complaint.pk, text="Le lampadaire a été réparé ce matin par l'équipe de la voirie.",
                        actor=staff.voirie)
        pages[f"/{language}/reclamations/suivi/"] = citizen.post(
            f"/{language}/reclamations/suivi/", {"number": complaint.number, "key": key}).content
        pages[f"/{language}/reclamations/statistiques/"] = citizen.get(
            f"/{language}/reclamations/statistiques/").content
        for path, name in (("", "1-form"), ("?refused", "2-refused"), ("deposee/", "3-filed"),
                           ("suivi/", "4-follow"), ("statistiques/", "5-statistics")):
            shots.append((f"/{language}/reclamations/{path}", f"complaints-portal-{name}-{language}", direction))
    _browse(pages, shots, viewport={"width": 390, "height": 844}, mobile=True)


@pytest.mark.django_db
def test_screenshots_of_the_back_office(sefrou, client_for, staff):
    filing = services.file_complaint(
        category="eclairage", kind="complaint", description="Le lampadaire devant l'école est éteint depuis une "
        "semaine ; les enfants rentrent dans le noir.", address="Rue de l'école, Sefrou", latitude="33.8291",
        longitude="-4.8352", photo=photo(size=(320, 200)), channel="open311",
        submitter=services.Submitter(name="Salma Idrissi", phone="0612345678", language="fr"))
    services.file_complaint(category="dechets", kind="suggestion", description="Des poubelles au marché, svp.",
                            submitter=services.Submitter(name="Omar"))
    services.assign(filing.complaint.pk, department=filing.complaint.department, assignee=staff.voirie,
                    actor=staff.agent)
    services.start(filing.complaint.pk, actor=staff.voirie)
    pages, shots = {}, []
    for language in ("ar", "fr"):
        direction = "rtl" if language == "ar" else "ltr"
        with inside(sefrou):
            profile = UserProfile.get_for_user(staff.voirie)
            profile.preferred_language = language
            profile.save()
            responder = client_for(sefrou)
            responder.force_login(staff.voirie)
        detail = f"/admin/complaints/{filing.complaint.pk}/"
        answer = responder.get(detail)
        pages[f"{detail}?{language}"] = answer.content
        photo_url = answer.context["photo_url"]
        served = responder.get(photo_url)
        assert served.status_code == 200
        pages[photo_url] = (b"".join(served.streaming_content) if served.streaming else served.content,
                            served["Content-Type"])
        with inside(sefrou):
            agent = client_for(sefrou)
            profile = UserProfile.get_for_user(staff.agent)
            profile.preferred_language = language
            profile.save()
            agent.force_login(staff.agent)
        pages[f"/admin/complaints/?{language}"] = agent.get("/admin/complaints/").content
        pages[f"/admin/?{language}"] = agent.get("/admin/").content
        shots += [(f"{detail}?{language}", f"complaints-admin-detail-{language}", direction),
                  (f"/admin/complaints/?{language}", f"complaints-admin-list-{language}", direction),
                  (f"/admin/?{language}", f"complaints-admin-home-{language}", direction)]
    _browse(pages, shots, viewport={"width": 1280, "height": 900}, mobile=False)
