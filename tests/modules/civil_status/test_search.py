"""The counter's search and the duplicate check: folded names in either script, typos, parents, dates, registers,
drafts, and never another commune's acts."""

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from modules.civil_status import selectors
from modules.civil_status.models import Act, Bureau
from modules.civil_status.selectors import ActSearch, folded_words, possible_duplicates, search_acts
from tenants.services.subscriptions import set_subscriptions

D = datetime.date
NUMBERS = itertools.count(1)
BORN = D(1990, 3, 14)


def clerk():
    return get_user_model().objects.get_or_create(username="clerk.search")[0]


def act(*, first_ar="محمد أمين", first_latin="Mohamed Amine", family_ar="العلوي", family_latin="Alaoui",
        day=BORN, kind=Act.Kind.BIRTH, status=Act.Status.SIGNED, bureau=None, **fields) -> Act:
    """An act written straight to the database: these tests are about reading."""
    signed = status == Act.Status.SIGNED
    values = {
        "bureau": bureau or Bureau.objects.get(code="principal"), "kind": kind, "status": status,
        "year": fields.pop("year", day.year) if signed else None,
        "number": fields.pop("number", next(NUMBERS)) if signed else None,
        "signed_at": timezone.now() if signed else None, "first_names_ar": first_ar, "first_names_latin": first_latin,
        "family_name_ar": family_ar, "family_name_latin": family_latin, "sex": "M", "event_date": day,
        "event_hijri": "", "event_place_fr": "Sefrou", "event_place_ar": "صفرو", "father_name_ar": "أحمد العلوي",
        "father_name_latin": "Ahmed Alaoui", "mother_name_ar": "فاطمة الزهراء بناني",
        "mother_name_latin": "Fatima Zahra Bennani", "declarant": {"name": "Ahmed Alaoui"}, "drafted_by": clerk(),
    }
    return Act.objects.create(**{**values, **fields})


def found(**criteria) -> list[int]:
    return [result.pk for result in search_acts(ActSearch(**criteria))]


@pytest.fixture
def register(sefrou, in_commune):
    """Sefrou with a few acts whose names look alike, and one to find."""
    with in_commune(sefrou):
        acts = {
            "amine": act(),
            "plain": act(first_ar="محمد", first_latin="Mohamed", day=D(1992, 5, 2)),
            "alami": act(first_ar="محمد", first_latin="Mohamed", family_ar="العلمي", family_latin="Alami",
                         day=D(1975, 1, 9), father_name_ar="عمر العلمي", father_name_latin="Omar Alami",
                         mother_name_ar="خديجة التازي", mother_name_latin="Khadija Tazi"),
            "zahra": act(first_ar="فاطمة الزهراء", first_latin="Fatima Zahra", family_ar="الإدريسي",
                         family_latin="El Idrissi", sex="F", day=D(2003, 11, 30), father_name_ar="يوسف الإدريسي",
                         father_name_latin="Youssef Idrissi", mother_name_ar="عائشة بنعلي",
                         mother_name_latin="Aicha Benali"),
            "mustapha": act(first_ar="مصطفى", first_latin="Mustapha", family_ar="أمزيان", family_latin="Amziane",
                            day=D(1968, 7, 1), kind=Act.Kind.DEATH),
        }
        yield acts


@pytest.mark.parametrize(("typed", "folded"), [
    ("أحمد إدريس آمنة ٱلعلوي", "احمد ادريس امنه علوي"),  # hamza forms of alef, taa marbuta, the article
    ("مصطفى يحيى", "مصطفي يحيي"),  # alef maqsura
    ("مُحَمَّد الـمهـدي", "محمد مهدي"),  # diacritics, tatweel
    ("عبد الله بن علي", "عبدالله بنعلي"),  # compounds written with a space
    ("Aïcha EL-IDRISSI  Ben Ali", "aicha idrissi benali"),  # accents, case, the article, hyphen, spaces
    ("Mohamed, Zahra.", "mohamed zahra"),
])
def test_typed_names_are_folded_as_the_keys_are(sefrou, in_commune, typed, folded):
    with in_commune(sefrou):
        assert folded_words(typed) == [folded.split()]
        with connection.cursor() as cursor:
            cursor.execute("SELECT public.jamaa_fold(%s)", [typed])
            assert cursor.fetchone()[0] == folded


@pytest.mark.parametrize("typed", [
    "محمد أمين العلوي", "محمد امين العلوى", "مُحَمَّد أَمين العَلوي", "العلوي محمد", "علوي امين",
    "Mohamed Amine Alaoui", "MOHAMED-AMINE EL ALAOUI", "alaoui mohamed amine", "Mohammed Alaoui",
    "mohamed alaoi", "mohmed alaoui", "amine lalaoui",
])
def test_a_name_is_found_in_either_script_whatever_its_spelling(register, sefrou, in_commune, typed):
    with in_commune(sefrou):
        assert register["amine"].pk in found(name=typed)


@pytest.mark.parametrize(("typed", "expected"), [
    ("فاطمة الزهراء الإدريسي", "zahra"), ("فاطمه زهراء ادريسي", "zahra"), ("fatima-zahra idrissi", "zahra"),
    ("Fatima Zahra Idrisi", "zahra"), ("مصطفي امزيان", "mustapha"), ("Moustapha Amziane", "mustapha"),
])
def test_arabic_and_latin_variants_find_the_act(register, sefrou, in_commune, typed, expected):
    with in_commune(sefrou):
        assert found(name=typed)[:1] == [register[expected].pk]


def test_the_closest_names_come_first_and_others_are_left_out(register, sefrou, in_commune):
    with in_commune(sefrou):
        # Both words match "محمد العلوي" exactly, then "محمد أمين العلوي" (one more word), then "محمد العلمي".
        assert found(name="mohamed alaoui") == [register["plain"].pk, register["amine"].pk, register["alami"].pk]
        assert found(name="محمد العلوي")[:2] == [register["plain"].pk, register["amine"].pk]
        assert found(name="يوسف التازي") == []
        assert found(name="Zineb Bennani") == []


def test_a_parents_name_finds_the_children(register, sefrou, in_commune):
    with in_commune(sefrou):
        assert set(found(parents="أحمد العلوي")) == {register["amine"].pk, register["plain"].pk,
                                                      register["mustapha"].pk}
        assert found(parents="Aicha Benali") == [register["zahra"].pk]
        assert found(parents="khadija tazi") == [register["alami"].pk]
        assert found(name="محمد", parents="خديجة") == [register["alami"].pk]
        assert found(name="محمد", parents="عائشة") == []


def test_dates_kind_number_year_and_bureau_narrow_the_search(register, sefrou, in_commune):
    with in_commune(sefrou):
        annexe = Bureau.objects.get(code="annexe-1")
        later = act(first_ar="محمد", first_latin="Mohamed", day=D(2015, 6, 1), bureau=annexe, year=2015, number=7)
        in_range = found(name="Mohamed Alaoui", event_from=D(1989, 1, 1), event_to=D(1991, 12, 31))
        assert in_range == [register["amine"].pk]
        assert found(event_from=D(2003, 1, 1)) == [later.pk, register["zahra"].pk]
        assert found(kind=Act.Kind.DEATH) == [register["mustapha"].pk]
        assert found(number=7, year=2015) == [later.pk]
        assert found(number=7, year=2015, kind=Act.Kind.DEATH) == []
        assert found(year=register["zahra"].year, number=register["zahra"].number) == [register["zahra"].pk]
        assert found(name="mohamed", bureau_id=annexe.pk) == [later.pk]


def test_drafts_are_found_only_when_asked_for(register, sefrou, in_commune):
    with in_commune(sefrou):
        draft = act(first_ar="ياسين", first_latin="Yassine", status=Act.Status.DRAFT)
        abandoned = act(first_ar="ياسين", first_latin="Yassine", status=Act.Status.ABANDONED)
        assert found(name="yassine alaoui") == []
        assert found(name="yassine alaoui", status=Act.Status.DRAFT) == [draft.pk]
        assert found(name="yassine alaoui", status=Act.Status.ABANDONED) == [abandoned.pk]
        assert set(found(name="yassine alaoui", status="")) == {draft.pk, abandoned.pk}


def test_a_name_shared_by_many_acts_returns_the_limit(sefrou, in_commune, monkeypatch):
    monkeypatch.setattr(selectors, "CANDIDATES", 8)
    with in_commune(sefrou):
        for day in range(1, 21):
            act(first_ar="محمد", first_latin="Mohamed", family_ar="التازي", family_latin="Tazi", day=D(2000, 1, day))
        assert len(search_acts(ActSearch(name="mohamed"), limit=5)) == 5
        assert len(found(name="محمد")) == 8
        assert len(found(name="محمد التازي", event_from=D(2000, 1, 15))) == 6


def test_words_of_one_letter_are_ignored(register, sefrou, in_commune):
    with in_commune(sefrou):
        assert found(name="M. Alaoui")[:2] == [register["plain"].pk, register["amine"].pk]
        assert found(name="a") == found()


def test_possible_duplicates_have_similar_names_the_same_date_and_a_similar_mother(register, sefrou, in_commune):
    with in_commune(sefrou):
        typed_again = Act(kind=Act.Kind.BIRTH, event_date=D(1990, 3, 14), first_names_ar="محمد امين",
                          family_name_ar="العلوى", first_names_latin="Mohammed Amine", family_name_latin="El Alaoui",
                          mother_name_ar="فاطمه الزهرا بناني", mother_name_latin="Fatima-Zahra Benani")
        assert [dup.pk for dup in possible_duplicates(typed_again)] == [register["amine"].pk]
        # Not the same day, another mother, or a twin (another first name): not a duplicate.
        assert possible_duplicates(Act(**{**_fields(typed_again), "event_date": D(1990, 3, 15)})) == []
        assert possible_duplicates(Act(**{**_fields(typed_again), "mother_name_ar": "خديجة التازي",
                                          "mother_name_latin": "Khadija Tazi"})) == []
        assert possible_duplicates(Act(**{**_fields(typed_again), "first_names_ar": "يوسف",
                                          "first_names_latin": "Youssef"})) == []
        # A death act is no duplicate of a birth; the act itself is none of its own duplicates.
        assert possible_duplicates(Act(**{**_fields(typed_again), "kind": Act.Kind.DEATH})) == []
        assert possible_duplicates(register["amine"]) == []


def test_drafts_count_as_duplicates_and_abandoned_drafts_do_not(sefrou, in_commune):
    with in_commune(sefrou):
        draft = act(first_ar="سلمى", first_latin="Salma", status=Act.Status.DRAFT, day=D(2024, 2, 2))
        act(first_ar="سلمى", first_latin="Salma", status=Act.Status.ABANDONED, day=D(2024, 2, 2))
        again = Act(kind=Act.Kind.BIRTH, event_date=D(2024, 2, 2), first_names_ar="سلمي", family_name_ar="العلوي",
                    first_names_latin="Selma", family_name_latin="Alaoui", mother_name_ar="", mother_name_latin="")
        assert [dup.pk for dup in possible_duplicates(again)] == [draft.pk]


def _fields(unsaved: Act) -> dict:
    names = ("kind", "event_date", "first_names_ar", "family_name_ar", "first_names_latin", "family_name_latin",
             "mother_name_ar", "mother_name_latin")
    return {name: getattr(unsaved, name) for name in names}


def test_sefrous_acts_are_never_found_from_berkane(register, sefrou, berkane, in_commune):
    set_subscriptions(berkane, ["civil_status"])
    with in_commune(berkane):
        Bureau.objects.create(code="principal", name_fr="Bureau principal", name_ar="المكتب الرئيسي", is_main=True)
        own = act(first_ar="محمد", first_latin="Mohamed", family_ar="البركاني", family_latin="Berkani")
        assert found(name="محمد العلوي") == []
        assert found(parents="Ahmed Alaoui") == [own.pk]
        assert found(name="mohamed") == [own.pk]
        assert found(number=register["amine"].number, year=register["amine"].year) == []
        assert possible_duplicates(Act(**_fields(register["amine"]))) == []
    with in_commune(sefrou):
        assert found(name="Berkani") == [] and found(name="البركاني") == []
        assert "Berkani" not in {result.family_name_latin for result in search_acts(ActSearch(name="mohamed"))}


def test_the_search_leaves_the_callers_transaction_as_it_found_it(register, sefrou, in_commune):
    with in_commune(sefrou), connection.cursor() as cursor:  # inside the test's transaction, as a caller's would be
        assert register["amine"].pk in found(name="alaoui")
        cursor.execute("SELECT current_setting('enable_seqscan')")
        assert cursor.fetchone()[0] == "on"
