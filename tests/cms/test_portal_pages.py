"""The town portal's pages: every page type in Arabic and French, the language switch, the live fee, the "Ask online"
button, the standard package, the "Pages to translate" report, the review workflow, and another commune's
pages out of reach."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import escape
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import GroupPagePermission, Locale, Page, WorkflowPage

from cms.models import (
    ContactPage,
    CouncilIndexPage,
    CouncilSessionPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    OfficeIndexPage,
    OfficePage,
    ProcedureIndexPage,
    ProcedurePage,
    RecruitmentIndexPage,
    RecruitmentNoticePage,
)
from cms.portal import WORKFLOW_NAME, ensure_portal
from cms.selectors import TranslationGap, pages_to_translate, procedure_categories
from modules.regie.models import Tariff
from modules.regie.services import catalogue
from platform_core.eservices.definitions import offered_by
from platform_core.modules.roles import role_group
from tenants.recipes import load_recipe

pytestmark = pytest.mark.django_db

RECIPES = Path(__file__).resolve().parent.parent / "recipes"
ALL_TYPES = [HomePage, ProcedureIndexPage, ProcedurePage, OfficeIndexPage, OfficePage, NewsIndexPage,
             NewsArticlePage, CouncilIndexPage, CouncilSessionPage, RecruitmentIndexPage, RecruitmentNoticePage,
             ContactPage]


def locale(code):
    return Locale.objects.get(language_code=code)


def in_language(model, code, **filters):
    return model.objects.filter(locale__language_code=code, **filters).order_by("path").first()


def translated_pair(parent_ar, page_ar):
    """Publish an Arabic page under `parent_ar` and its French translation (as an editor would with Translate)."""
    parent_ar.add_child(instance=page_ar)
    page_ar.save_revision().publish()
    page_fr = page_ar.copy_for_translation(locale("fr")).specific
    page_fr.title = page_fr.draft_title = f"{page_ar.title} (fr)"
    page_fr.save_revision().publish()
    return page_ar, page_fr


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def lang_and_dir(html: str) -> tuple[str, str]:
    match = re.search(r'<html lang="(\w+)" dir="(\w+)">', html)
    return match.group(1), match.group(2)


def language_link(html: str) -> str:
    nav = re.search(r'<nav class="lang-switch"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.search(r'href="([^"]+)"', nav).group(1)


def fee_of(html: str) -> str:
    return re.search(r'<dd class="fee">(.*?)</dd>', html, re.S).group(1).strip()


def user_with_role(username, role):
    user = get_user_model().objects.create_user(username=username, password="x")
    user.groups.add(role_group("portal", role))
    return user


# --- the standard package ---------------------------------------------------------------------------------------

def test_the_standard_package_is_published_in_both_languages(sefrou, in_commune):
    with in_commune(sefrou):
        for code in ("ar", "fr"):
            procedures = {page.slug: page for page in ProcedurePage.objects.live().filter(locale__language_code=code)}
            assert {"extrait-acte-naissance", "copie-integrale", "fiche-individuelle-etat-civil",
                    "legalisation-signature", "certificat-residence", "autorisation-exploitation-commerce",
                    "declaration-naissance"} <= set(procedures)
            birth = procedures["extrait-acte-naissance"]
            assert (birth.eservice_code, birth.tariff_code) == ("civil_status.birth_extract", "extrait-naissance")
            assert (procedures["copie-integrale"].eservice_code, procedures["copie-integrale"].tariff_code) == (
                "civil_status.full_copy", "copie-integrale")
            assert procedures["fiche-individuelle-etat-civil"].eservice_code == "civil_status.individual_record"
            assert procedures["legalisation-signature"].tariff_code == "legalisation"
            assert not procedures["legalisation-signature"].eservice_code
            assert birth.office.locale.language_code == code
            assert OfficePage.objects.live().filter(locale__language_code=code).count() == 3
            assert NewsArticlePage.objects.live().filter(locale__language_code=code).count() == 1
            assert RecruitmentIndexPage.objects.live().filter(locale__language_code=code).exists()
            contact = ContactPage.objects.live().get(locale__language_code=code)
            assert [field.clean_name for field in contact.form_fields.all()] == ["name", "phone", "message"]
            # Not a demo commune: the example council session waits, as a draft, for the editors.
            session = CouncilSessionPage.objects.get(locale__language_code=code)
            assert not session.live and len(session.get_latest_revision_as_object().decisions) == 2
        assert in_language(ProcedurePage, "ar", slug="extrait-acte-naissance").title == "نسخة موجزة من رسم الولادة"
        categories = {value: count for value, _label, count in procedure_categories(in_language(HomePage, "fr"))}
        assert categories == {"civil_status": 4, "economy": 1, "certification": 1, "other": 1}
        # Everything the package publishes has its translation.
        assert pages_to_translate() == []


def test_applying_the_recipe_again_keeps_the_editors_work(sefrou, in_commune):
    with in_commune(sefrou):
        count = Page.objects.count()
        page = in_language(ProcedurePage, "fr", slug="legalisation-signature")
        page.summary = "Texte revu par la commune."
        page.save_revision().publish()
        ensure_portal(sefrou, load_recipe(RECIPES / "sefrou.yaml"))
        assert Page.objects.count() == count
        assert ProcedurePage.objects.get(pk=page.pk).summary == "Texte revu par la commune."


# --- every page type, both languages ----------------------------------------------------------------------------

@pytest.fixture
def every_page(sefrou, in_commune):
    """One live page of each type in Arabic and French: the package's, plus a session and a recruitment notice."""
    with in_commune(sefrou):
        for session in CouncilSessionPage.objects.all():
            session.get_latest_revision().publish()
        index = in_language(RecruitmentIndexPage, "ar")
        translated_pair(index, RecruitmentNoticePage(
            title="مباراة توظيف تقنيين", slug="techniciens", grade="تقني من الدرجة الثالثة", posts=2,
            deadline=timezone.localdate() + datetime.timedelta(days=20)))
        urls = {}
        for model in ALL_TYPES:
            for code in ("ar", "fr"):
                page = in_language(model, code, live=True)
                urls[(model.__name__, code)] = (page.get_url(), page.title)
        return urls


def test_every_page_type_renders_in_arabic_and_french(every_page, sefrou, client_for):
    client = client_for(sefrou)
    for (name, code), (url, title) in every_page.items():
        assert url.startswith(f"/{code}/"), (name, url)
        html = html_of(client.get(url))
        assert lang_and_dir(html) == (code, "rtl" if code == "ar" else "ltr"), (name, code)
        assert escape(title) in html, (name, code)
        assert 'href="#content"' in html and '<main id="content"' in html
        assert 'class="main-nav"' in html and f'href="/{code}/demandes/suivi/"' in html


def test_home_page_puts_services_first_then_news_then_contact(sefrou, client_for):
    html = html_of(client_for(sefrou).get("/fr/"))
    assert html.index('id="services-heading"') < html.index('id="guide-heading"') < html.index(
        'id="news-heading"') < html.index('id="contact-heading"')
    # The commune's e-services, each linked to the procedure page that offers it, or to its form.
    assert "Le portail de la commune est ouvert" in html
    assert 'href="/fr/demarches/#civil_status"' in html
    for service in offered_by(sefrou):
        assert escape(service.name_fr) in html


def test_the_complaints_entry_follows_the_subscription(sefrou, berkane, client_for):
    assert 'href="/fr/reclamations/"' in html_of(client_for(sefrou).get("/fr/"))
    assert 'href="/fr/reclamations/"' not in html_of(client_for(berkane).get("/fr/"))


# --- the language switch ----------------------------------------------------------------------------------------

def test_the_language_switch_keeps_the_page(sefrou, client_for, in_commune):
    with in_commune(sefrou):
        arabic = in_language(ProcedurePage, "ar", slug="copie-integrale").get_url()
        french = in_language(ProcedurePage, "fr", slug="copie-integrale").get_url()
    client = client_for(sefrou)
    assert language_link(html_of(client.get(arabic))) == french
    assert language_link(html_of(client.get(french))) == arabic
    # A portal view that is not a page: the same path and query under the other prefix.
    assert language_link(html_of(client.get("/ar/paiements/?reference=OR-1"))) == "/fr/paiements/?reference=OR-1"


def test_a_page_without_translation_switches_to_the_other_home(sefrou, client_for, in_commune):
    with in_commune(sefrou):
        news = in_language(NewsIndexPage, "ar")
        article = news.add_child(instance=NewsArticlePage(title="خبر بالعربية فقط", slug="arabe-seul",
                                                          body="<p>نص</p>"))
        article.save_revision().publish()
        url = article.get_url()
    assert language_link(html_of(client_for(sefrou).get(url))) == "/fr/"


# --- the procedure page: live fee, "Ask online" -----------------------------------------------------------------

def test_the_fee_is_computed_live_from_the_regie_tariff(sefrou, client_for, in_commune):
    with in_commune(sefrou):
        url_fr = in_language(ProcedurePage, "fr", slug="extrait-acte-naissance").get_url()
        url_ar = in_language(ProcedurePage, "ar", slug="extrait-acte-naissance").get_url()
        free_fr = in_language(ProcedurePage, "fr", slug="declaration-naissance").get_url()
    client = client_for(sefrou)
    assert fee_of(html_of(client.get(url_fr))) == "5,00\u00a0DH"
    assert fee_of(html_of(client.get(url_ar))) == "5,00\u00a0درهم"
    assert fee_of(html_of(client.get(free_fr))) == "Gratuit"

    with in_commune(sefrou):
        ordonnateur = get_user_model().objects.get(username="ordonnateur.sefrou")
        catalogue.add_tariff_version(Tariff.objects.get(code="extrait-naissance"), actor=ordonnateur, data={
            "effective_from": timezone.localdate(), "fiscal_order": "Arrêté fiscal 2/2026", "base": "flat",
            "rate": Decimal("7.5"), "minimum_amount": Decimal("0"), "exemption_threshold": Decimal("0"),
            "penalty_rate": Decimal("0"), "penalty_monthly_rate": Decimal("0"), "penalty_minimum": Decimal("0"),
            "payment_days": 30})
    assert fee_of(html_of(client.get(url_fr))) == "7,50\u00a0DH"
    assert fee_of(html_of(client.get(url_ar))) == "7,50\u00a0درهم"


def test_a_commune_without_the_tariff_shows_no_invented_amount(berkane, client_for, in_commune):
    with in_commune(berkane):
        url = in_language(ProcedurePage, "fr", slug="extrait-acte-naissance").get_url()
    fee = fee_of(html_of(client_for(berkane).get(url)))
    assert "DH" not in fee and fee != "Gratuit"


def test_ask_online_only_when_the_commune_offers_the_service(sefrou, berkane, client_for, in_commune):
    # The contract module's e-service: Sefrou subscribes to its module, Berkane does not.
    urls = {}
    for commune in (sefrou, berkane):
        with in_commune(commune):
            guide = in_language(ProcedureIndexPage, "fr")
            page = guide.add_child(instance=ProcedurePage(
                title="Attestation d'affichage", slug="attestation-affichage", summary="Pour tester.",
                eservice_code="noticeboard.certificate", locale=guide.locale))
            page.save_revision().publish()
            urls[commune.slug] = page.get_url()
    button = 'href="/fr/demandes/noticeboard.certificate/"'
    assert button in html_of(client_for(sefrou).get(urls["sefrou"]))
    assert button not in html_of(client_for(berkane).get(urls["berkane"]))
    assert "button--big" not in html_of(client_for(berkane).get(urls["berkane"]))

    # The package's birth-extract page has its button exactly when the commune offers that service.
    with in_commune(sefrou):
        birth = in_language(ProcedurePage, "fr", slug="extrait-acte-naissance").get_url()
        offered = "civil_status.birth_extract" in {service.code for service in offered_by(sefrou)}
    html = html_of(client_for(sefrou).get(birth))
    assert ('href="/fr/demandes/civil_status.birth_extract/"' in html) is offered
    # A procedure with no e-service never has one.
    with in_commune(sefrou):
        legalisation = in_language(ProcedurePage, "fr", slug="legalisation-signature").get_url()
    assert "/demandes/" not in html_of(client_for(sefrou).get(legalisation)).split("<main", 1)[1].split("</main>")[0]


# --- contact form -----------------------------------------------------------------------------------------------

def test_the_contact_form_sends_a_message_the_staff_read(sefrou, client_for, in_commune):
    with in_commune(sefrou):
        contact = in_language(ContactPage, "fr")
        url = contact.get_url()
    client = client_for(sefrou)
    form = html_of(client.get(url))
    assert '<label for="id_name">' in form and '<label for="id_message">' in form
    refused = html_of(client.post(url, {"name": "", "phone": "", "message": ""}))
    assert 'aria-invalid="true"' in refused
    landing = html_of(client.post(url, {"name": "Rachid Alami", "phone": "0612345678", "message": "Bonjour"}))
    assert "Merci. Votre message est transmis au service concerné." in landing
    with in_commune(sefrou):
        assert FormSubmission.objects.filter(page=contact).count() == 1


# --- missing translations ---------------------------------------------------------------------------------------

def test_the_report_lists_a_page_missing_its_french_translation(sefrou, client_for, in_commune):
    with in_commune(sefrou):
        news = in_language(NewsIndexPage, "ar")
        article = news.add_child(instance=NewsArticlePage(title="افتتاح السوق الأسبوعي الجديد", slug="souk",
                                                          body="<p>نص</p>"))
        article.save_revision().publish()
        outdated = in_language(ProcedurePage, "ar", slug="legalisation-signature")
        outdated.summary = "نص جديد."
        outdated.save_revision().publish()
        gaps = {(gap.source.pk, gap.locale.language_code): gap.reason for gap in pages_to_translate()}
        assert gaps == {(article.pk, "fr"): TranslationGap.MISSING, (outdated.pk, "fr"): TranslationGap.OUTDATED}

        client = client_for(sefrou)
        client.force_login(user_with_role("redaction.test", "editor"))
        report = html_of(client.get("/admin/portal/translations/"))
        assert "افتتاح السوق الأسبوعي الجديد" in report
        assert f"/admin/translation/submit/page/{article.pk}/" in report
        dashboard = html_of(client.get("/admin/"))
        assert 'id="cms-translations-heading"' in dashboard and "/admin/portal/translations/" in dashboard

        # Staff who do not edit pages have neither the report nor its menu entry.
        other = client_for(sefrou)
        other.force_login(get_user_model().objects.get(username="agent.sefrou"))
        assert other.get("/admin/portal/translations/").status_code in (302, 403)
        assert "/admin/portal/translations/" not in html_of(other.get("/admin/"))


# --- moderation -------------------------------------------------------------------------------------------------

def test_an_editor_submits_and_a_moderator_publishes(sefrou, client_for, in_commune):
    with in_commune(sefrou):
        homes = list(HomePage.objects.all())
        assert {WorkflowPage.objects.get(page=home).workflow.name for home in homes} == {WORKFLOW_NAME}
        assert GroupPagePermission.objects.filter(group=role_group("portal", "moderator"),
                                                  permission__codename="publish_page").count() == 2
        editor = user_with_role("redaction.test", "editor")
        moderator = user_with_role("moderation.test", "moderator")
        page = in_language(ProcedurePage, "fr", slug="certificat-residence")
        url = page.get_url()

        editor_rights = page.permissions_for_user(editor)
        assert editor_rights.can_edit() and not editor_rights.can_publish()
        assert page.permissions_for_user(moderator).can_publish()

        # The editor saves a draft and submits it for review (what "Submit for moderation" does).
        page.summary = "Résumé relu par la rédaction."
        page.save_revision(user=editor)
        workflow = page.get_workflow()
        assert workflow.name == WORKFLOW_NAME
        workflow.start(page, editor)
        task_state = page.current_workflow_task_state
        assert task_state.task.specific.get_actions(page, editor) == []
        public = client_for(sefrou)
        assert "Résumé relu par la rédaction." not in html_of(public.get(url))

        # The editor cannot approve their own submission; the moderator can, and that publishes the page.
        action = f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/"
        as_editor = client_for(sefrou)
        as_editor.force_login(editor)
        as_editor.post(action, {"comment": ""})
        assert "Résumé relu par la rédaction." not in html_of(public.get(url))
        as_moderator = client_for(sefrou)
        as_moderator.force_login(moderator)
        response = as_moderator.post(action, {"comment": "Bon pour publication"})
        assert response.status_code in (200, 302)
        assert "Résumé relu par la rédaction." in html_of(public.get(url))
        page.refresh_from_db()
        assert page.live and not page.has_unpublished_changes and not page.workflow_in_progress


# --- isolation --------------------------------------------------------------------------------------------------

def test_berkane_does_not_show_sefrous_pages(sefrou, berkane, client_for, in_commune):
    with in_commune(sefrou):
        news = in_language(NewsIndexPage, "fr")
        article = news.add_child(instance=NewsArticlePage(title="Fête des cerises de Sefrou", slug="fete-cerises",
                                                          body="<p>Programme</p>"))
        article.save_revision().publish()
        url = article.get_url()
    assert "Fête des cerises de Sefrou" in html_of(client_for(sefrou).get(url))
    berkane_client = client_for(berkane)
    assert berkane_client.get(url).status_code == 404
    for path in ("/fr/", "/ar/", "/fr/actualites/", "/fr/demarches/"):
        html = html_of(berkane_client.get(path))
        assert "Sefrou" not in html and "صفرو" not in html and "Fête des cerises" not in html


def test_editors_choose_the_online_service_among_the_registered_ones(sefrou, client_for, in_commune):
    with in_commune(sefrou):
        page = in_language(ProcedurePage, "fr", slug="extrait-acte-naissance")
        client = client_for(sefrou)
        client.force_login(user_with_role("redaction.test", "editor"))
        form = html_of(client.get(f"/admin/pages/{page.pk}/edit/"))
        assert 'value="noticeboard.certificate"' in form
        assert 'value="civil_status.birth_extract" selected' in form
