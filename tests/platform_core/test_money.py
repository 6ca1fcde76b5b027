"""Money: the expected strings are written out by hand from the rules of French and Arabic, not copied from
the functions' output."""

from decimal import Decimal

import pytest
from django.utils import translation

from platform_core import money
from platform_core.money import (
    MAX_AMOUNT,
    amount_in_words,
    check_language,
    format_amount,
    integer_in_words,
    to_dirhams,
)

NNBSP = "\u202f"
NBSP = "\u00a0"
LRM = "\u200e"


@pytest.fixture(autouse=True)
def _source_language():
    # Error messages are matched in the source language, whatever catalogues exist.
    with translation.override(None):
        yield


# to_dirhams


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12.5"), "12.50"),
        ("12.5", "12.50"),
        (12, "12.00"),
        (0, "0.00"),
        (" 7 ", "7.00"),
        ("1E3", "1000.00"),
        ("0.125", "0.13"),
        ("0.124", "0.12"),
        ("0.135", "0.14"),
        ("1.005", "1.01"),
        ("2.675", "2.68"),
        ("999999999999.99", "999999999999.99"),
        ("-0", "0.00"),
    ],
)
def test_to_dirhams_gives_two_places_rounding_half_up(value, expected):
    amount = to_dirhams(value)
    assert isinstance(amount, Decimal)
    assert str(amount) == expected


def test_to_dirhams_rounds_negative_halves_away_from_zero():
    assert str(to_dirhams("-0.125", allow_negative=True)) == "-0.13"
    assert str(to_dirhams(Decimal("-1234.5"), allow_negative=True)) == "-1234.50"


def test_to_dirhams_does_not_return_a_negative_zero():
    assert str(to_dirhams("-0.001", allow_negative=True)) == "0.00"


@pytest.mark.parametrize("value", ["-1", Decimal("-0.01"), -5, "-0.001"])
def test_to_dirhams_refuses_negative_amounts_unless_allowed(value):
    with pytest.raises(ValueError, match="cannot be negative"):
        to_dirhams(value)


@pytest.mark.parametrize("value", [12.5, 0.0, float("nan")])
def test_to_dirhams_refuses_floats(value):
    with pytest.raises(TypeError, match="cannot be a float"):
        to_dirhams(value)


@pytest.mark.parametrize("value", [True, None, [1], b"12"])
def test_to_dirhams_refuses_other_types(value):
    with pytest.raises(TypeError, match="must be a Decimal, an integer or a string"):
        to_dirhams(value)


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-inf", Decimal("NaN"), Decimal("Infinity")])
def test_to_dirhams_refuses_non_finite_values(value):
    with pytest.raises(ValueError, match="finite"):
        to_dirhams(value, allow_negative=True)


@pytest.mark.parametrize("value", ["", "abc", "12.5.3", "12 DH", "1 234"])
def test_to_dirhams_refuses_strings_that_are_not_numbers(value):
    with pytest.raises(ValueError, match="is not an amount"):
        to_dirhams(value)


@pytest.mark.parametrize("value", ["1,5", "1,234", "1,234.50"])
def test_to_dirhams_refuses_commas_as_ambiguous(value):
    with pytest.raises(ValueError, match="with a dot before the centimes"):
        to_dirhams(value)


@pytest.mark.parametrize("value", ["1000000000000", 10**30, "1e100", "999999999999.995", "-1000000000000"])
def test_to_dirhams_refuses_a_trillion_or_more(value):
    with pytest.raises(ValueError, match="less than a trillion"):
        to_dirhams(value, allow_negative=True)


def test_max_amount_is_just_under_a_trillion():
    assert MAX_AMOUNT == Decimal("999999999999.99")


# format_amount


@pytest.mark.parametrize(
    ("value", "french", "arabic"),
    [
        ("1234.5", f"1{NNBSP}234,50{NBSP}DH", f"1.234,50{NBSP}درهم"),
        (0, f"0,00{NBSP}DH", f"0,00{NBSP}درهم"),
        ("0.05", f"0,05{NBSP}DH", f"0,05{NBSP}درهم"),
        (999, f"999,00{NBSP}DH", f"999,00{NBSP}درهم"),
        (1000, f"1{NNBSP}000,00{NBSP}DH", f"1.000,00{NBSP}درهم"),
        ("1000000", f"1{NNBSP}000{NNBSP}000,00{NBSP}DH", f"1.000.000,00{NBSP}درهم"),
        ("12.345", f"12,35{NBSP}DH", f"12,35{NBSP}درهم"),
        (
            Decimal("999999999999.99"),
            f"999{NNBSP}999{NNBSP}999{NNBSP}999,99{NBSP}DH",
            f"999.999.999.999,99{NBSP}درهم",
        ),
    ],
)
def test_format_amount(value, french, arabic):
    assert format_amount(value, "fr") == french
    assert format_amount(value, "ar") == arabic


def test_format_amount_shows_negative_amounts_with_the_minus_on_the_left():
    assert format_amount("-1234.5", "fr") == f"-1{NNBSP}234,50{NBSP}DH"
    assert format_amount("-1234.5", "ar") == f"{LRM}-1.234,50{NBSP}درهم"


def test_format_amount_refuses_what_to_dirhams_refuses():
    with pytest.raises(TypeError):
        format_amount(1.5, "fr")
    with pytest.raises(ValueError):
        format_amount("NaN", "ar")


# amount_in_words

FRENCH = [
    ("0.00", "zéro dirham"),
    ("0.50", "zéro dirham et cinquante centimes"),
    ("0.01", "zéro dirham et un centime"),
    ("0.02", "zéro dirham et deux centimes"),
    ("0.21", "zéro dirham et vingt et un centimes"),
    ("0.80", "zéro dirham et quatre-vingts centimes"),
    ("0.99", "zéro dirham et quatre-vingt-dix-neuf centimes"),
    ("1.00", "un dirham"),
    ("1.01", "un dirham et un centime"),
    ("2.00", "deux dirhams"),
    ("3.00", "trois dirhams"),
    ("11.00", "onze dirhams"),
    ("12.05", "douze dirhams et cinq centimes"),
    ("21.00", "vingt et un dirhams"),
    ("71.00", "soixante et onze dirhams"),
    ("80.00", "quatre-vingts dirhams"),
    ("81.00", "quatre-vingt-un dirhams"),
    ("91.00", "quatre-vingt-onze dirhams"),
    ("100.00", "cent dirhams"),
    ("101.00", "cent un dirhams"),
    ("180.00", "cent quatre-vingts dirhams"),
    ("200.00", "deux cents dirhams"),
    ("201.00", "deux cent un dirhams"),
    ("1000.00", "mille dirhams"),
    ("1234.50", "mille deux cent trente-quatre dirhams et cinquante centimes"),
    ("2000.00", "deux mille dirhams"),
    ("21000.00", "vingt et un mille dirhams"),
    ("80000.00", "quatre-vingt mille dirhams"),
    ("200000.00", "deux cent mille dirhams"),
    ("1000000.00", "un million de dirhams"),
    ("1000001.00", "un million un dirhams"),
    ("1500000.00", "un million cinq cent mille dirhams"),
    ("2000000.00", "deux millions de dirhams"),
    ("80000000.00", "quatre-vingts millions de dirhams"),
    ("200000000.00", "deux cents millions de dirhams"),
    ("1000000000.00", "un milliard de dirhams"),
    ("3000000000.00", "trois milliards de dirhams"),
]

ARABIC = [
    ("0.00", "صفر درهم"),
    ("0.50", "صفر درهم وخمسون سنتيما"),
    ("0.01", "صفر درهم وسنتيم واحد"),
    ("0.02", "صفر درهم وسنتيمان"),
    ("0.03", "صفر درهم وثلاثة سنتيمات"),
    ("0.10", "صفر درهم وعشرة سنتيمات"),
    ("0.11", "صفر درهم وأحد عشر سنتيما"),
    ("0.99", "صفر درهم وتسعة وتسعون سنتيما"),
    ("1.00", "درهم واحد"),
    ("1.01", "درهم واحد وسنتيم واحد"),
    ("2.00", "درهمان"),
    ("2.02", "درهمان وسنتيمان"),
    ("3.00", "ثلاثة دراهم"),
    ("10.00", "عشرة دراهم"),
    ("11.00", "أحد عشر درهما"),
    ("12.00", "اثنا عشر درهما"),
    ("12.05", "اثنا عشر درهما وخمسة سنتيمات"),
    ("21.00", "واحد وعشرون درهما"),
    ("99.00", "تسعة وتسعون درهما"),
    ("100.00", "مائة درهم"),
    ("101.00", "مائة وواحد درهم"),
    ("102.00", "مائة واثنان درهم"),
    ("103.00", "مائة وثلاثة دراهم"),
    ("111.00", "مائة وأحد عشر درهما"),
    ("200.00", "مائتا درهم"),
    ("201.00", "مائتان وواحد درهم"),
    ("300.00", "ثلاثمائة درهم"),
    ("1000.00", "ألف درهم"),
    ("1200.00", "ألف ومائتا درهم"),
    ("1234.50", "ألف ومائتان وأربعة وثلاثون درهما وخمسون سنتيما"),
    ("2000.00", "ألفا درهم"),
    ("2500.00", "ألفان وخمسمائة درهم"),
    ("3000.00", "ثلاثة آلاف درهم"),
    ("11000.00", "أحد عشر ألف درهم"),
    ("11500.00", "أحد عشر ألفا وخمسمائة درهم"),
    ("103000.00", "مائة وثلاثة آلاف درهم"),
    ("200000.00", "مائتا ألف درهم"),
    ("1000000.00", "مليون درهم"),
    ("1000100.00", "مليون ومائة درهم"),
    ("2000000.00", "مليونا درهم"),
    ("3000000.00", "ثلاثة ملايين درهم"),
    ("1000000000.00", "مليار درهم"),
    (
        "999999999999.99",
        "تسعمائة وتسعة وتسعون مليارا وتسعمائة وتسعة وتسعون مليونا وتسعمائة وتسعة وتسعون ألفا "
        "وتسعمائة وتسعة وتسعون درهما وتسعة وتسعون سنتيما",
    ),
]


@pytest.mark.parametrize(("value", "expected"), FRENCH)
def test_amount_in_words_in_french(value, expected):
    assert amount_in_words(value, "fr") == expected


@pytest.mark.parametrize(("value", "expected"), ARABIC)
def test_amount_in_words_in_arabic(value, expected):
    assert amount_in_words(value, "ar") == expected


def test_amount_in_words_takes_decimals_and_integers_and_rounds_first():
    expected = "mille deux cent trente-quatre dirhams et cinquante centimes"
    assert amount_in_words(Decimal("1234.5"), "fr") == expected
    assert amount_in_words(3, "ar") == "ثلاثة دراهم"
    assert amount_in_words("0.005", "fr") == "zéro dirham et un centime"
    assert amount_in_words("1.995", "ar") == "درهمان"


def test_amount_in_words_refuses_negative_amounts():
    with pytest.raises(ValueError, match="cannot be negative"):
        amount_in_words("-1", "fr")


# integer_in_words


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (2024, "ألفين وأربعة وعشرين"),
        (2000, "ألفين"),
        (2002, "ألفين واثنين"),
        (2012, "ألفين واثني عشر"),
        (2200, "ألفين ومائتين"),
        (1999, "ألف وتسعمائة وتسعة وتسعين"),
        (1980, "ألف وتسعمائة وثمانين"),
        (1445, "ألف وأربعمائة وخمسة وأربعين"),
    ],
)
def test_integer_in_words_in_the_arabic_genitive(number, expected):
    assert integer_in_words(number, "ar", genitive=True) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "صفر"),
        (200, "مائتان"),
        (2000, "ألفان"),
        (2024, "ألفان وأربعة وعشرون"),
        (11000, "أحد عشر ألفا"),
        (2000000, "مليونان"),
    ],
)
def test_integer_in_words_standing_alone_in_arabic(number, expected):
    assert integer_in_words(number, "ar") == expected


def test_integer_in_words_in_french():
    assert integer_in_words(2024, "fr") == "deux mille vingt-quatre"
    assert integer_in_words(1980, "fr") == "mille neuf cent quatre-vingts"


@pytest.mark.parametrize("number", [-1, 10**12])
def test_integer_in_words_refuses_numbers_out_of_range(number):
    with pytest.raises(ValueError, match="out of the range"):
        integer_in_words(number, "ar")


# languages and translation


@pytest.mark.parametrize("function", [format_amount, amount_in_words])
@pytest.mark.parametrize("language", ["en", "AR", "fr-fr", ""])
def test_only_arabic_and_french_are_written(function, language):
    with pytest.raises(ValueError, match="Unsupported language"):
        function("1", language)


def test_check_language_returns_the_language():
    assert check_language("ar") == "ar"
    assert check_language("fr") == "fr"


def test_error_messages_go_through_gettext(monkeypatch):
    monkeypatch.setattr(money, "_", lambda message: f"<translated>{message}")
    with pytest.raises(ValueError, match="^<translated>An amount cannot be negative"):
        to_dirhams("-1")
    with pytest.raises(TypeError, match="^<translated>"):
        to_dirhams(1.5)
    with pytest.raises(ValueError, match="^<translated>Unsupported language"):
        format_amount("1", "en")
