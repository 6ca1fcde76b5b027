"""Dates: the Hijri anchors are the published Umm al-Qura dates (Saudi start of Ramadan, Eid and new year);
the expected strings are written out by hand."""

import datetime
from datetime import date

import pytest
from django.utils import translation

from platform_core import dates
from platform_core.dates import (
    SUPPORTED_RANGE,
    date_in_words,
    format_both,
    format_gregorian,
    format_hijri,
    from_hijri,
    hijri_date_in_words,
    to_hijri,
)


@pytest.fixture(autouse=True)
def _source_language():
    # Error messages are matched in the source language, whatever catalogues exist.
    with translation.override(None):
        yield


UMM_AL_QURA = [
    (date(2024, 3, 11), (1445, 9, 1)),  # 1 Ramadan 1445
    (date(2024, 3, 15), (1445, 9, 5)),
    (date(2024, 4, 9), (1445, 9, 30)),
    (date(2024, 4, 10), (1445, 10, 1)),  # Eid al-Fitr
    (date(2024, 6, 16), (1445, 12, 10)),  # Eid al-Adha
    (date(2024, 7, 7), (1446, 1, 1)),  # Hijri new year 1446
    (date(2025, 3, 1), (1446, 9, 1)),  # 1 Ramadan 1446
    (date(1924, 8, 1), (1343, 1, 1)),  # first day of the tables
    (date(2077, 11, 16), (1500, 12, 30)),  # last day of the tables
]


# conversion


@pytest.mark.parametrize(("gregorian", "hijri"), UMM_AL_QURA)
def test_to_hijri(gregorian, hijri):
    result = to_hijri(gregorian)
    assert (result.year, result.month, result.day) == hijri


@pytest.mark.parametrize(("gregorian", "hijri"), UMM_AL_QURA)
def test_from_hijri(gregorian, hijri):
    result = from_hijri(*hijri)
    assert result == gregorian
    assert type(result) is date


def test_conversion_round_trips_across_the_whole_range():
    first, last = SUPPORTED_RANGE
    day = first
    while day <= last:
        hijri = to_hijri(day)
        assert from_hijri(hijri.year, hijri.month, hijri.day) == day
        day += datetime.timedelta(days=37)


def test_supported_range_is_documented():
    assert SUPPORTED_RANGE == (date(1924, 8, 1), date(2077, 11, 16))


@pytest.mark.parametrize("day", [date(1924, 7, 31), date(2077, 11, 17), date(1900, 1, 1), date(2100, 1, 1)])
def test_to_hijri_refuses_dates_outside_the_tables(day):
    with pytest.raises(ValueError, match="Hijri dates are available from 1924-08-01 to 2077-11-16"):
        to_hijri(day)


@pytest.mark.parametrize("year", [1342, 1501])
def test_from_hijri_refuses_years_outside_the_tables(year):
    with pytest.raises(ValueError, match="from year 1343 to year 1500"):
        from_hijri(year, 1, 1)


@pytest.mark.parametrize(("month", "day"), [(13, 1), (0, 1), (9, 31), (9, 0), (8, 30)])
def test_from_hijri_refuses_impossible_dates(month, day):
    # Sha'ban 1445 has 29 days in the Umm al-Qura calendar.
    with pytest.raises(ValueError, match="is not a Hijri date"):
        from_hijri(1445, month, day)


@pytest.mark.parametrize(
    "function",
    [to_hijri, lambda value: format_gregorian(value, "fr"), lambda value: date_in_words(value, "ar")],
)
@pytest.mark.parametrize("value", [datetime.datetime(2024, 3, 15, 23, 30), "2024-03-15", None])
def test_datetimes_and_other_types_are_refused(function, value):
    with pytest.raises(TypeError, match="Expected a date"):
        function(value)


# formatting

GREGORIAN_MONTHS = [
    (1, "janvier", "يناير"),
    (2, "février", "فبراير"),
    (3, "mars", "مارس"),
    (4, "avril", "أبريل"),
    (5, "mai", "ماي"),
    (6, "juin", "يونيو"),
    (7, "juillet", "يوليوز"),
    (8, "août", "غشت"),
    (9, "septembre", "شتنبر"),
    (10, "octobre", "أكتوبر"),
    (11, "novembre", "نونبر"),
    (12, "décembre", "دجنبر"),
]

HIJRI_MONTHS = [
    (1, "moharrem", "محرم"),
    (2, "safar", "صفر"),
    (3, "rabii I", "ربيع الأول"),
    (4, "rabii II", "ربيع الآخر"),
    (5, "joumada I", "جمادى الأولى"),
    (6, "joumada II", "جمادى الآخرة"),
    (7, "rejeb", "رجب"),
    (8, "chaabane", "شعبان"),
    (9, "ramadan", "رمضان"),
    (10, "chaoual", "شوال"),
    (11, "kaada", "ذي القعدة"),
    (12, "hija", "ذي الحجة"),
]


@pytest.mark.parametrize(("month", "french", "arabic"), GREGORIAN_MONTHS)
def test_format_gregorian_uses_the_moroccan_month_names(month, french, arabic):
    assert format_gregorian(date(2024, month, 15), "fr") == f"15 {french} 2024"
    assert format_gregorian(date(2024, month, 15), "ar") == f"15 {arabic} 2024"


def test_format_gregorian_writes_the_first_of_the_month_as_french_does():
    assert format_gregorian(date(2024, 3, 1), "fr") == "1er mars 2024"
    assert format_gregorian(date(2024, 3, 1), "ar") == "1 مارس 2024"


def test_format_gregorian_works_outside_the_hijri_tables():
    assert format_gregorian(date(1900, 1, 2), "fr") == "2 janvier 1900"
    assert format_gregorian(date(2100, 12, 31), "ar") == "31 دجنبر 2100"


@pytest.mark.parametrize(("month", "french", "arabic"), HIJRI_MONTHS)
def test_format_hijri_month_names(month, french, arabic):
    day = from_hijri(1445, month, 2)
    assert format_hijri(day, "fr") == f"2 {french} 1445"
    assert format_hijri(day, "ar") == f"2 {arabic} 1445"


def test_format_hijri():
    assert format_hijri(date(2024, 3, 15), "fr") == "5 ramadan 1445"
    assert format_hijri(date(2024, 3, 15), "ar") == "5 رمضان 1445"
    assert format_hijri(date(2024, 6, 16), "fr") == "10 hija 1445"
    assert format_hijri(date(2024, 6, 16), "ar") == "10 ذي الحجة 1445"
    assert format_hijri(date(2024, 7, 7), "fr") == "1er moharrem 1446"
    assert format_hijri(date(2024, 7, 7), "ar") == "1 محرم 1446"


def test_format_both_puts_the_gregorian_date_in_parentheses():
    assert format_both(date(2024, 3, 15), "fr") == "5 ramadan 1445 (15 mars 2024)"
    assert format_both(date(2024, 3, 15), "ar") == "5 رمضان 1445 (15 مارس 2024)"
    assert format_both(date(2025, 1, 1), "fr") == "1er rejeb 1446 (1er janvier 2025)"
    assert format_both(date(2024, 8, 5), "ar") == "1 صفر 1446 (5 غشت 2024)"


@pytest.mark.parametrize("function", [format_hijri, format_both, hijri_date_in_words])
def test_hijri_formats_refuse_dates_outside_the_tables(function):
    with pytest.raises(ValueError, match="Hijri dates are available"):
        function(date(1920, 5, 1), "fr")


# in words

ARABIC_DAYS = [
    "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر",
    "الحادي عشر", "الثاني عشر", "الثالث عشر", "الرابع عشر", "الخامس عشر", "السادس عشر", "السابع عشر",
    "الثامن عشر", "التاسع عشر", "العشرين", "الحادي والعشرين", "الثاني والعشرين", "الثالث والعشرين",
    "الرابع والعشرين", "الخامس والعشرين", "السادس والعشرين", "السابع والعشرين", "الثامن والعشرين",
    "التاسع والعشرين", "الثلاثين", "الحادي والثلاثين",
]  # fmt: skip


@pytest.mark.parametrize(("day", "ordinal"), list(enumerate(ARABIC_DAYS, start=1)))
def test_date_in_words_arabic_days(day, ordinal):
    assert date_in_words(date(2024, 1, day), "ar") == f"{ordinal} من يناير سنة ألفين وأربعة وعشرين"


@pytest.mark.parametrize(
    ("day", "french", "arabic"),
    [
        (
            date(2024, 3, 15),
            "quinze mars deux mille vingt-quatre",
            "الخامس عشر من مارس سنة ألفين وأربعة وعشرين",
        ),
        (date(2025, 1, 1), "premier janvier deux mille vingt-cinq", "الأول من يناير سنة ألفين وخمسة وعشرين"),
        (
            date(1999, 8, 21),
            "vingt et un août mille neuf cent quatre-vingt-dix-neuf",
            "الحادي والعشرين من غشت سنة ألف وتسعمائة وتسعة وتسعين",
        ),
        (date(2000, 12, 31), "trente et un décembre deux mille", "الحادي والثلاثين من دجنبر سنة ألفين"),
        (date(2012, 11, 20), "vingt novembre deux mille douze", "العشرين من نونبر سنة ألفين واثني عشر"),
        (
            date(1980, 2, 12),
            "douze février mille neuf cent quatre-vingts",
            "الثاني عشر من فبراير سنة ألف وتسعمائة وثمانين",
        ),
        (date(1900, 1, 2), "deux janvier mille neuf cents", "الثاني من يناير سنة ألف وتسعمائة"),
    ],
)
def test_date_in_words(day, french, arabic):
    assert date_in_words(day, "fr") == french
    assert date_in_words(day, "ar") == arabic


def test_hijri_date_in_words():
    assert hijri_date_in_words(date(2024, 3, 15), "fr") == "cinq ramadan mille quatre cent quarante-cinq"
    assert hijri_date_in_words(date(2024, 3, 15), "ar") == "الخامس من رمضان سنة ألف وأربعمائة وخمسة وأربعين"
    assert hijri_date_in_words(date(2024, 7, 7), "fr") == "premier moharrem mille quatre cent quarante-six"
    assert hijri_date_in_words(date(2024, 7, 7), "ar") == "الأول من محرم سنة ألف وأربعمائة وستة وأربعين"
    assert (
        hijri_date_in_words(date(2024, 6, 16), "ar") == "العاشر من ذي الحجة سنة ألف وأربعمائة وخمسة وأربعين"
    )
    assert hijri_date_in_words(date(2077, 11, 16), "fr") == "trente hija mille cinq cents"


# languages and translation


@pytest.mark.parametrize(
    "function", [format_gregorian, format_hijri, format_both, date_in_words, hijri_date_in_words]
)
def test_only_arabic_and_french_are_written(function):
    with pytest.raises(ValueError, match="Unsupported language"):
        function(date(2024, 3, 15), "en")


def test_error_messages_go_through_gettext(monkeypatch):
    monkeypatch.setattr(dates, "_", lambda message: f"<translated>{message}")
    with pytest.raises(ValueError, match="^<translated>Hijri dates are available"):
        to_hijri(date(1900, 1, 1))
    with pytest.raises(ValueError, match="^<translated>Hijri dates can be converted"):
        from_hijri(1600, 1, 1)
    with pytest.raises(ValueError, match="^<translated>.* is not a Hijri date"):
        from_hijri(1445, 13, 1)
    with pytest.raises(TypeError, match="^<translated>Expected a date"):
        to_hijri("2024-03-15")
