"""The bureau's papers: extracts in Arabic and French, full copy with its mentions, death extract, fiche individuelle;
the counter's print screen and issuance journal; the verification page telling a changed act; roles, unsigned acts
and another commune's acts out of reach."""

import datetime
import html
import re
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from modules.civil_status import papers, services
from modules.civil_status.models import Act, Bureau, Delegation, MarginalMention
from platform_core import dates
from platform_core.audit.models import AuditEntry
from platform_core.documents.models import IssuedDocument
from tenants.services.subscriptions import set_subscriptions
from tests.modules.civil_status.test_acts import TODAY, birth, person
from tests.platform_core.test_documents import MUHAMMAD_SHAPED_RTL, drawn_presentation_forms, page_texts, pdftotext

BASE = "/admin/civil_status/"
REQUESTER = "Ahmed Alaoui · C123456"
BORN_ON = TODAY - datetime.timedelta(days=3)
MARRIAGE_FR = "Marié le 01/06/2026 avec Salma Bennani, acte de mariage n° 345."
MARRIAGE_AR = "تزوج بتاريخ 01/06/2026 بسلمى بناني، عقد الزواج عدد 345."
# Phrases of MARRIAGE_AR that pdftotext keeps whole, wherever the line wraps around its numbers and commas.
MARRIAGE_AR_PHRASES = ("تزوج بتاريخ", "بسلمى بناني", "عقد الزواج")
ANNOTATION_FR = "Annotation de service."


def text_of(pdf: bytes) -> str:
    """The paper's text in reading order, each run of white space (line ends included) as one space."""
    return " ".join(pdftotext(pdf).split())


def words(text: str) -> str:
    """An Arabic text without its numbers: pdftotext orders the numbers of a right-to-left line its own way."""
    return " ".join(word for word in text.split() if not any(char.isdigit() for char in word))


def full_birth(**changes):
    return birth(
        event_date=BORN_ON, event_time=datetime.time(14, 30), father_name_ar="أحمد العلوي",
        father_name_latin="Ahmed Alaoui",
        father={"birth_date": "1990-04-12", "birth_place": "Fès", "occupation": "Commerçant",
                "address": "12, rue Moulay Slimane, Sefrou"},
        mother={"occupation": "Enseignante"},
        declarant={"name": "Ahmed Alaoui", "relation": "père", "age": 35, "occupation": "Commerçant"},
        **changes,
    )


def open_bureau(commune, in_commune, prefix):
    """A bureau with an agent, an officier holding a delegation, and a consultation reader."""
    with in_commune(commune):
        bureau = Bureau.objects.get_or_create(code="principal",
                                              defaults={"name_fr": "Bureau principal", "name_ar": "المكتب الرئيسي",
                                                        "is_main": True})[0]
        agent, officer = person(f"{prefix}.agent", "agent"), person(f"{prefix}.officer", "officer")
        reader = person(f"{prefix}.reader", "consultation")
        Delegation.objects.create(officer=officer, bureau=bureau, decree_number="12/2026",
                                  decree_date=TODAY - datetime.timedelta(days=30),
                                  valid_from=TODAY - datetime.timedelta(days=30))
    return bureau, agent, officer, reader


def signed(bureau, agent, officer, kind="birth", data=None):
    act = services.draft_act(actor=agent, bureau=bureau, kind=kind, data=data or full_birth())
    return services.sign_act(act.pk, actor=officer)


def sign_mention(act, agent, officer, kind=MarginalMention.Kind.MARRIAGE, text_fr=MARRIAGE_FR, text_ar=MARRIAGE_AR):
    mention = services.draft_mention(act.pk, actor=agent, kind=kind, text_fr=text_fr, text_ar=text_ar,
                                     legal_basis="Code de la famille, art. 68", reference="345/2026")
    return services.sign_mention(mention.pk, actor=officer)


@pytest.fixture
def counter(sefrou, in_commune):
    return open_bureau(sefrou, in_commune, "papers")


@pytest.fixture
def born(sefrou, in_commune, counter):
    """A signed birth act with a signed marriage mention, a signed annotation and a mention still in draft."""
    bureau, agent, officer, _reader = counter
    with in_commune(sefrou):
        act = signed(bureau, agent, officer)
        sign_mention(act, agent, officer)
        sign_mention(act, agent, officer, kind=MarginalMention.Kind.ANNOTATION, text_fr=ANNOTATION_FR,
                     text_ar="تقييد إداري.")
        services.draft_mention(act.pk, actor=agent, kind=MarginalMention.Kind.DIVORCE, text_fr="Divorce en cours.",
                               text_ar="طلاق قيد الإنجاز.", legal_basis="Code de la famille")
        return Act.objects.get(pk=act.pk)


def issue(commune, in_commune, act, actor, paper="extract", language="ar"):
    with in_commune(commune):
        return papers.issue_paper(act.pk, paper=paper, language=language, issued_to=REQUESTER, actor=actor)


def test_arabic_birth_extract_has_both_scripts_both_dates_and_the_header(sefrou, in_commune, counter, born):
    document, pdf = issue(sefrou, in_commune, born, counter[1], language="ar")
    text = text_of(pdf)
    for name in ("محمد أمين", "العلوي", "Mohamed Amine", "Alaoui", "أحمد العلوي", "Ahmed Alaoui", "فاطمة الزهراء",
                 "Fatima Zahra"):
        assert name in text
    assert words(dates.format_gregorian(BORN_ON, "ar")) in text and str(BORN_ON.year) in text
    assert words(dates.format_hijri(BORN_ON, "ar")) in text and str(dates.to_hijri(BORN_ON).year) in text
    for header in ("المملكة المغربية", "وزارة الداخلية", "إقليم صفرو", "جماعة صفرو", "المكتب الرئيسي",
                   "نسخة موجزة من رسم الولادة", "ROYAUME DU MAROC", "Province de Sefrou"):
        assert header in text
    assert f"Acte n° {born.number} · Année {born.year}" in text
    assert all(phrase in text for phrase in MARRIAGE_AR_PHRASES)  # the marriage is summarised on the extract
    assert "تقييد إداري" not in text and "طلاق قيد الإنجاز" not in text  # no annotation, no unsigned mention
    assert "حسن العلمي" in text and "ضابط الحالة المدنية المفوض" in text  # the officier's snapshot
    assert MUHAMMAD_SHAPED_RTL in drawn_presentation_forms(pdf)  # shaped and laid out right to left
    assert document.kind == "civil_status.birth_extract.ar"
    assert (document.object_type, document.object_id) == ("civil_status.act", str(born.pk))


def test_french_birth_extract_has_both_scripts_and_both_dates(sefrou, in_commune, counter, born):
    document, pdf = issue(sefrou, in_commune, born, counter[1], language="fr")
    text = text_of(pdf)
    for name in ("Mohamed Amine", "Alaoui", "محمد أمين", "العلوي", "Ahmed Alaoui", "أحمد العلوي"):
        assert name in text
    gregorian, hijri = dates.format_gregorian(BORN_ON, "fr"), dates.format_hijri(BORN_ON, "fr")
    assert f"{gregorian} ({hijri}), à 14:30" in text
    assert "EXTRAIT D'ACTE DE NAISSANCE" in text and "Mariage : " + MARRIAGE_FR in text
    assert "Hassan Alami, Officier d'état civil délégué" in text
    assert ANNOTATION_FR not in text
    assert document.kind == "civil_status.birth_extract.fr"


def test_full_copy_carries_every_signed_mention(sefrou, in_commune, counter, born):
    document, pdf = issue(sefrou, in_commune, born, counter[1], paper="full-copy")
    text = text_of(pdf)
    assert "COPIE INTÉGRALE D'ACTE DE NAISSANCE" in text and "نسخة كاملة من رسم الولادة" in text
    for mention in (MARRIAGE_FR, *MARRIAGE_AR_PHRASES, ANNOTATION_FR, "تقييد إداري", "Code de la famille, art. 68"):
        assert mention in text
    assert "Mention n° 1 · Mariage" in text and "Mention n° 2 · Annotation" in text
    assert "Divorce en cours" not in text  # a mention in draft is not part of the act yet
    for detail in ("Commerçant", "12, rue Moulay Slimane, Sefrou", "Enseignante", "père"):
        assert detail in text
    assert f"Dressé le {dates.format_gregorian(born.drawn_up_on, 'fr')}" in text
    assert document.kind == "civil_status.birth_full_copy"


def test_death_extract(sefrou, in_commune, counter, born):
    bureau, agent, officer, _reader = counter
    died_on = TODAY - datetime.timedelta(days=1)
    with in_commune(sefrou):
        death = signed(bureau, agent, officer, kind="death",
                       data=birth(event_date=died_on, birth_act=born, event_place_fr="Hôpital provincial de Sefrou",
                                  event_place_ar="المستشفى الإقليمي بصفرو"))
    document, pdf = issue(sefrou, in_commune, death, agent, language="fr")
    text = text_of(pdf)
    assert "EXTRAIT D'ACTE DE DÉCÈS" in text and "نسخة موجزة من رسم الوفاة" in text
    assert f"{dates.format_gregorian(died_on, 'fr')} ({dates.format_hijri(died_on, 'fr')})" in text
    assert "Hôpital provincial de Sefrou" in text and "المستشفى الإقليمي بصفرو" in text
    assert "Mohamed Amine" in text and "محمد أمين" in text
    assert f"n° {born.number}/{born.year}, Bureau principal" in text and born.citizen_id in text
    assert document.kind == "civil_status.death_extract.fr"
    _document, pdf = issue(sefrou, in_commune, death, agent, language="ar")
    text = text_of(pdf)
    assert "نسخة موجزة من رسم الوفاة" in text and words(dates.format_gregorian(died_on, "ar")) in text


def test_individual_record(sefrou, in_commune, counter, born):
    document, pdf = issue(sefrou, in_commune, born, counter[1], paper="individual-record")
    text = text_of(pdf)
    assert "FICHE INDIVIDUELLE D'ÉTAT CIVIL" in text and "البطاقة الشخصية للحالة المدنية" in text
    for shown in (born.citizen_id, "Mohamed Amine", "محمد أمين", "Ahmed Alaoui", "فاطمة الزهراء",
                  f"n° {born.number}/{born.year}, Bureau principal", MARRIAGE_FR):
        assert shown in text
    assert len(page_texts(pdf)) == 1
    assert document.kind == "civil_status.individual_record"


def test_an_individual_record_is_drawn_from_a_birth_act_only(sefrou, in_commune, counter, born):
    bureau, agent, officer, _reader = counter
    with in_commune(sefrou):
        death = signed(bureau, agent, officer, kind="death", data=birth(event_date=TODAY))
        with translation.override("en"), pytest.raises(ValidationError, match="birth act"):
            papers.issue_paper(death.pk, paper="individual-record", language="ar", issued_to=REQUESTER, actor=agent)


def test_papers_of_a_training_commune_carry_the_watermark(formation, in_commune, client_for,
                                                          django_capture_on_commit_callbacks):
    from platform_core.routing import routing_table

    with django_capture_on_commit_callbacks(execute=True):
        set_subscriptions(formation, ["noticeboard", "civil_status"])
    routing_table.clear()
    bureau, agent, officer, _reader = open_bureau(formation, in_commune, "trainee")
    with in_commune(formation):
        act = signed(bureau, agent, officer)
    client = logged_in(client_for(formation), formation, in_commune, agent)
    response = client.post(f"{BASE}acts/{act.pk}/print/extract/",
                           {"language": "fr", "issued_to": REQUESTER})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = page_texts(response.content)
    assert pages and all("FORMATION" in text and "تكوين" in text for text in pages)
    _document, full_copy = issue(formation, in_commune, act, agent, paper="full-copy")
    assert all("FORMATION" in text and "تكوين" in text for text in page_texts(full_copy))


def test_papers_of_a_production_commune_have_no_watermark(sefrou, in_commune, counter, born):
    _document, pdf = issue(sefrou, in_commune, born, counter[1], paper="full-copy")
    assert not any("FORMATION" in text or "تكوين" in text for text in page_texts(pdf))


def logged_in(client, commune, in_commune, user):
    with in_commune(commune):
        client.force_login(user)
    return client


@pytest.fixture
def agent_client(sefrou, in_commune, client_for, counter):
    return logged_in(client_for(sefrou, HTTP_ACCEPT_LANGUAGE="ar"), sefrou, in_commune, counter[1])


def test_print_screen_issues_the_pdf_inline_and_journals_it(sefrou, in_commune, counter, born, agent_client):
    url = f"{BASE}acts/{born.pk}/print/extract/"
    page = agent_client.get(url + "?language=fr").content.decode()
    assert '<html lang="ar" dir="rtl"' in page and 'id="wagtail-sidebar"' in page  # the admin shell, in Arabic
    assert re.search(r'value="fr"[^>]*checked', page)  # the language asked for by the act's page
    response = agent_client.post(url, {"language": "ar", "issued_to": " Ahmed  Alaoui ·   C123456 "})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="principal-birth-{born.number}-{born.year}-extract-ar.pdf"')
    assert "no-store" in response["Cache-Control"]
    assert "محمد أمين" in text_of(response.content)
    with in_commune(sefrou):
        document = IssuedDocument.objects.get(object_type="civil_status.act", object_id=str(born.pk))
        assert (document.issued_to, document.issued_by_id) == (REQUESTER, counter[1].pk)
        assert AuditEntry.objects.filter(action="documents.issue", object_id=str(document.pk)).exists()
    agent_client.post(f"{BASE}acts/{born.pk}/print/full-copy/", {"issued_to": "سلمى بناني، AB98765"})
    journal = agent_client.get(f"{BASE}acts/{born.pk}/issuances/", HTTP_ACCEPT_LANGUAGE="fr")
    journal = html.unescape(journal.content.decode())
    assert journal.count('class="cs-issuance"') == 2
    for shown in (REQUESTER, "سلمى بناني، AB98765", "papers.agent", "Hassan Alami",
                  "Copie intégrale d'acte de naissance", "Extrait d'acte de naissance", document.token):
        assert shown in journal


def test_print_screen_requires_the_requesters_identity(sefrou, in_commune, born, agent_client):
    for issued_to in ("Ahmed Alaoui", "CIN C123456", "Ahmed Alaoui C-1", ""):
        data = {"language": "ar", "issued_to": issued_to}
        response = agent_client.post(f"{BASE}acts/{born.pk}/print/extract/", data)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    with in_commune(sefrou):
        assert not IssuedDocument.objects.exists()
        with pytest.raises(ValidationError):
            papers.issue_paper(born.pk, paper="extract", language="ar", issued_to="  ", actor=born.drafted_by)


def test_an_unknown_paper_is_a_404(born, agent_client):
    assert agent_client.get(f"{BASE}acts/{born.pk}/print/passport/").status_code == 404


def test_verification_page_tells_when_a_mention_was_signed_after_issue(sefrou, in_commune, counter, born,
                                                                       client_for):
    _bureau, agent, officer, _reader = counter
    document, _pdf = issue(sefrou, in_commune, born, agent)
    verify = urlsplit(document.get_absolute_url()).path
    client = client_for(sefrou)
    page = client.get(verify).content.decode()
    assert 'class="subject-unchanged"' in page and "نسخة موجزة من رسم الولادة" in page
    assert f"عدد {born.number}/{born.year}" in page  # which act the paper is about
    with in_commune(sefrou):
        drafted = services.draft_mention(born.pk, actor=agent, kind=MarginalMention.Kind.DEATH, text_fr="Décédé.",
                                         text_ar="توفي.", legal_basis="Loi 36-21")
    assert 'class="subject-unchanged"' in client.get(verify).content.decode()  # a draft changes nothing yet
    with in_commune(sefrou):
        services.sign_mention(drafted.pk, actor=officer)
    assert 'class="subject-changed"' in client.get(verify).content.decode()
    with in_commune(sefrou):
        assert papers.act_digest(str(born.pk)) != document.subject_digest
        assert papers.act_digest("999999999") is None


def test_consultation_cannot_print(sefrou, in_commune, counter, born, client_for):
    reader = counter[3]
    with in_commune(sefrou), pytest.raises(PermissionDenied):
        papers.issue_paper(born.pk, paper="extract", language="ar", issued_to=REQUESTER, actor=reader)
    client = logged_in(client_for(sefrou), sefrou, in_commune, reader)
    response = client.post(f"{BASE}acts/{born.pk}/print/extract/",
                           {"language": "ar", "issued_to": REQUESTER})
    assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail's refusal
    assert client.get(f"{BASE}acts/{born.pk}/issuances/").status_code == 200  # reading the journal is allowed
    with in_commune(sefrou):
        assert not IssuedDocument.objects.exists()


def test_an_unsigned_act_cannot_be_printed(sefrou, in_commune, counter, agent_client):
    bureau, agent, _officer, _reader = counter
    with in_commune(sefrou):
        draft = services.draft_act(actor=agent, bureau=bureau, kind="birth", data=full_birth())
        with translation.override("en"), pytest.raises(ValidationError, match="signed"):
            papers.issue_paper(draft.pk, paper="extract", language="ar", issued_to=REQUESTER, actor=agent)
    url = f"{BASE}acts/{draft.pk}/print/extract/"
    page = agent_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "help-critical" in page and 'name="issued_to"' not in page
    response = agent_client.post(url, {"language": "ar", "issued_to": REQUESTER})
    assert response["Content-Type"].startswith("text/html")
    with in_commune(sefrou):
        assert not IssuedDocument.objects.exists()


def test_a_sefrou_agent_cannot_print_or_verify_a_berkane_act(sefrou, berkane, in_commune, counter, agent_client,
                                                             client_for):
    bureau, agent, officer, _reader = open_bureau(berkane, in_commune, "berkane")
    with in_commune(berkane):
        # Far from Sefrou's ids, so that a 404 below cannot come from an act of Sefrou's with the same id.
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('civil_status_act', 'id'), 900000000)")
        act = signed(bureau, agent, officer)
    document, _pdf = issue(berkane, in_commune, act, agent)
    with in_commune(sefrou):
        assert not Act.objects.filter(pk=act.pk).exists()
        with pytest.raises(Act.DoesNotExist):
            papers.issue_paper(act.pk, paper="extract", language="ar", issued_to=REQUESTER, actor=counter[1])
    for paper in ("extract", "full-copy", "individual-record"):
        assert agent_client.get(f"{BASE}acts/{act.pk}/print/{paper}/").status_code == 404
        response = agent_client.post(f"{BASE}acts/{act.pk}/print/{paper}/",
                                     {"language": "ar", "issued_to": REQUESTER})
        assert response.status_code == 404
    assert agent_client.get(f"{BASE}acts/{act.pk}/issuances/").status_code == 404
    verify = urlsplit(document.get_absolute_url()).path
    assert client_for(sefrou).get(verify).status_code == 404
    assert client_for(berkane).get(verify).status_code == 200
    with in_commune(sefrou):
        assert not IssuedDocument.objects.filter(token=document.token).exists()


def test_the_hijri_date_recorded_by_the_officer_is_the_one_printed(sefrou, in_commune, counter):
    bureau, agent, officer, _reader = counter
    with in_commune(sefrou):
        # Morocco's calendar often starts a month a day after Umm al-Qura: the recorded date wins.
        computed = dates.to_hijri(BORN_ON)
        recorded_day = 2 if computed.day == 1 else computed.day - 1
        recorded = f"{recorded_day} {dates.HIJRI_MONTHS['ar'][computed.month - 1]} {computed.year}"
        act = signed(bureau, agent, officer, data=full_birth(event_hijri=recorded))
    text = text_of(issue(sefrou, in_commune, act, agent, language="fr")[1])
    assert f"({recorded_day} {dates.HIJRI_MONTHS['fr'][computed.month - 1]} {computed.year})" in text


def test_issued_at_is_printed_as_hijri_and_gregorian(sefrou, in_commune, counter, born):
    document, pdf = issue(sefrou, in_commune, born, counter[1], language="fr")
    day = timezone.localdate(document.issued_at)
    assert f"Délivré le {dates.format_hijri(day, 'fr')} ({dates.format_gregorian(day, 'fr')})" in text_of(pdf)
