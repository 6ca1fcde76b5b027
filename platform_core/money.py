"""Money: amounts in Moroccan dirhams as Decimals with two places, in figures and in words (Arabic, French).

Amounts enter through `to_dirhams`, which accepts Decimals, ints and strings in Decimal syntax ("1234.50"),
rounds to the centime with ROUND_HALF_UP (the rounding taught at school and used on receipts: 0.125 -> 0.13),
and refuses:
- floats, because 1.005 as a float is 1.00499... and would round down: the caller must say which decimal
  they mean (a string or a Decimal);
- strings with a comma, because "1,234" is 1.234 in French and 1234 in English;
- NaN, infinities, and amounts of a trillion dirhams or more (the words stop at milliards);
- negative amounts, unless the caller passes allow_negative=True (a refund, a correction).

Printed amounts (`format_amount`) use Latin digits, as Moroccan administration does in both languages:
- French: "1 234,50 DH", a narrow no-break space (U+202F) between thousands, as French typography wants;
- Arabic: "1.234,50 درهم", a dot between thousands and a comma before centimes, the usual form on Moroccan
  Arabic papers (and CLDR's ar-MA).
The unit is tied to the figure by a no-break space (U+00A0) so that a line never ends between them.

Amounts in words (`amount_in_words`) are for receipts and papers. French comes from num2words, which follows
the traditional spelling ("vingt et un", "quatre-vingts", "deux cents" but "deux cent un", "mille"
invariable), plus the noun: "un dirham", "deux dirhams", "un million de dirhams". Arabic is spelled here, not
by num2words, whose Arabic writes "و" apart from the next word, mixes "مائة" with "مئتان", and gets some
scale words wrong (101000 -> "مائة و ألف ألف", 103000 -> "مائة و ثلاثة ألف"). The counted noun agrees with
the number as Arabic grammar wants: "درهم واحد", "درهمان", "ثلاثة دراهم", "أحد عشر درهما", "مائة درهم",
"ألفا درهم"; the same rule counts the thousands and millions themselves ("ثلاثة آلاف", "أحد عشر ألفا").
Tanween is not written ("درهما", not "درهماً"), as on most Moroccan administrative papers.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.translation import gettext as _
from num2words import num2words

LANGUAGES = ("ar", "fr")
CENTIME = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")

_NARROW_NBSP = "\u202f"
_NBSP = "\u00a0"
# A left-to-right mark keeps the minus sign on the left of the figure inside right-to-left Arabic text
# (without it the bidi algorithm shows "1.234,50-").
_LRM = "\u200e"


def check_language(language: str) -> str:
    """Return `language` if it is one the platform writes papers in ("ar" or "fr"), else raise ValueError."""
    if language not in LANGUAGES:
        raise ValueError(_("Unsupported language “%(language)s”: use “ar” or “fr”.") % {"language": language})
    return language


def to_dirhams(value: Decimal | int | str, *, allow_negative: bool = False) -> Decimal:
    """The amount as a Decimal of dirhams with two places; see the module docstring for what is refused."""
    if isinstance(value, float):
        raise TypeError(_("An amount cannot be a float: pass a Decimal or a string such as “12.50”."))
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(_("An amount must be a Decimal, an integer or a string."))
    if isinstance(value, str):
        if "," in value:
            raise ValueError(_("Write the amount “%(value)s” with a dot before the centimes and no thousands "
                               "separator, such as “1234.50”.") % {"value": value})
        try:
            value = Decimal(value)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": value}) from None
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(_("An amount must be a finite number."))
    if amount < 0 and not allow_negative:
        raise ValueError(_("An amount cannot be negative here."))
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(_("An amount must be less than a trillion dirhams."))
    amount = amount.quantize(CENTIME, rounding=ROUND_HALF_UP)
    # "-0.00" would print with a minus sign.
    return amount.copy_abs() if amount.is_zero() else amount


def format_amount(amount: Decimal | int | str, language: str) -> str:
    """The amount in figures with its unit: "1 234,50 DH" in French, "1.234,50 درهم" in Arabic."""
    language = check_language(language)
    amount = to_dirhams(amount, allow_negative=True)
    dirhams, centimes = divmod(abs(amount), 1)
    grouped = f"{int(dirhams):,}".replace(",", "." if language == "ar" else _NARROW_NBSP)
    figure = f"{grouped},{int(centimes * 100):02d}"
    if language == "ar":
        return f"{_LRM}-{figure}{_NBSP}درهم" if amount < 0 else f"{figure}{_NBSP}درهم"
    return f"-{figure}{_NBSP}DH" if amount < 0 else f"{figure}{_NBSP}DH"


def amount_in_words(amount: Decimal | int | str, language: str) -> str:
    """The amount spelled out for a receipt: "mille deux cent trente-quatre dirhams et cinquante centimes".

    Zero dirhams are said ("zéro dirham et cinquante centimes", "صفر درهم وخمسون سنتيما"), so that nothing can
    be written before the words; zero centimes are not. Negative amounts are refused.
    """
    language = check_language(language)
    amount = to_dirhams(amount)
    dirhams, centimes = (int(part) for part in divmod(amount * 100, 100))
    if language == "ar":
        words = _arabic_counted(dirhams, _DIRHAM)
        return f"{words} و{_arabic_counted(centimes, _CENTIME)}" if centimes else words
    words = _french_counted(dirhams, "dirham")
    return f"{words} et {_french_counted(centimes, 'centime')}" if centimes else words


def integer_in_words(number: int, language: str, *, genitive: bool = False) -> str:
    """A whole number (0 to 999 999 999 999) in words, standing alone (not followed by a counted noun).

    `genitive` matters in Arabic only: after a noun such as "سنة" the number takes the genitive case
    ("سنة ألفين وأربعة وعشرين", not "ألفان وأربعة وعشرون").
    """
    language = check_language(language)
    if not 0 <= number <= int(MAX_AMOUNT):
        raise ValueError(_("%(number)s is out of the range that can be written in words.")
                         % {"number": number})
    if language == "ar":
        return _arabic_cardinal(number, genitive=genitive, counted=False)
    return num2words(number, lang="fr")


def _french_counted(number: int, noun: str) -> str:
    words = num2words(number, lang="fr")
    if number <= 1:
        return f"{words} {noun}"
    # A number ending on "million(s)" or "milliard(s)" is a noun itself: "un million de dirhams".
    if words.endswith(("million", "millions", "milliard", "milliards")):
        return f"{words} de {noun}s"
    return f"{words} {noun}s"


class _Noun(NamedTuple):
    """The forms a counted noun takes after a number.

    Only the scale words need the construct and genitive duals: a currency noun ends the phrase, and an amount
    is in the nominative.
    """

    singular: str  # before "واحد"; after 100, 1000... (genitive); after 101, 102... by convention
    dual: str  # 2 of them, alone: "درهمان"
    dual_construct: str  # 2 of them followed by what they count: "ألفا درهم"
    plural: str  # after 3 to 10: "دراهم"
    accusative: str  # after 11 to 99 (tamyiz): "درهما"
    dual_genitive: str = ""
    dual_construct_genitive: str = ""


_DIRHAM = _Noun("درهم", "درهمان", "", "دراهم", "درهما")
_CENTIME = _Noun("سنتيم", "سنتيمان", "", "سنتيمات", "سنتيما")
_SCALES = {
    1: _Noun("ألف", "ألفان", "ألفا", "آلاف", "ألفا", "ألفين", "ألفي"),
    2: _Noun("مليون", "مليونان", "مليونا", "ملايين", "مليونا", "مليونين", "مليوني"),
    3: _Noun("مليار", "ملياران", "مليارا", "مليارات", "مليارا", "مليارين", "ملياري"),
}

# Masculine forms: they count masculine nouns (درهم, سنتيم, ألف, مليون, مليار, and the year).
_UNITS = ("", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة")
_TENS = ("", "", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون")
_HUNDREDS = ("", "مائة", "مائتان", "ثلاثمائة", "أربعمائة", "خمسمائة", "ستمائة", "سبعمائة", "ثمانمائة",
             "تسعمائة")


def _arabic_counted(number: int, noun: _Noun) -> str:
    """`number` of `noun` with the noun in the form the number governs."""
    if number == 0:
        return f"صفر {noun.singular}"
    if number == 1:
        return f"{noun.singular} واحد"
    if number == 2:
        return noun.dual
    words = _arabic_cardinal(number, genitive=False, counted=True)
    return f"{words} {_noun_after(number, noun, counted=False)}"


def _noun_after(number: int, noun: _Noun, *, counted: bool) -> str:
    """The form of `noun` after `number` (3 or more); `counted`: another noun follows, as in "ألف درهم"."""
    rest = number % 100
    if 3 <= rest <= 10:
        return noun.plural
    if 11 <= rest <= 99:
        # A tamyiz that is itself followed by a noun loses its accusative ending: "خمسون ألف درهم".
        return noun.singular if counted else noun.accusative
    return noun.singular


def _arabic_cardinal(number: int, *, genitive: bool, counted: bool) -> str:
    """`number` in Arabic words; `counted`: the noun it counts follows directly (construct forms)."""
    if number == 0:
        return "صفر"
    groups = []
    level = 0
    while number:
        number, group = divmod(number, 1000)
        if group:
            groups.append((level, group))
        level += 1
    lowest = groups[0][0]
    parts = []
    for level, group in reversed(groups):
        # Only the last group stands right before the counted noun; the others are followed by "و...".
        noun_follows = counted and level == lowest
        if level == 0:
            parts.append(_below_thousand(group, genitive=genitive, construct=noun_follows))
        else:
            parts.append(_scaled(group, _SCALES[level], genitive=genitive, noun_follows=noun_follows))
    return " و".join(parts)


def _scaled(group: int, scale: _Noun, *, genitive: bool, noun_follows: bool) -> str:
    """`group` thousands (millions, milliards), the scale word agreeing with the group as a counted noun."""
    if group == 1:
        return scale.singular
    if group == 2:
        if noun_follows:
            return scale.dual_construct_genitive if genitive else scale.dual_construct
        return scale.dual_genitive if genitive else scale.dual
    count = _below_thousand(group, genitive=genitive, construct=True)
    return f"{count} {_noun_after(group, scale, counted=noun_follows)}"


def _below_thousand(number: int, *, genitive: bool, construct: bool) -> str:
    """1 to 999; `construct`: a noun follows, so an even 200 is "مائتا" ("مائتا درهم", "مائتا ألف")."""
    hundreds, rest = divmod(number, 100)
    parts = []
    if hundreds == 2:
        if construct and not rest:
            parts.append("مائتي" if genitive else "مائتا")
        else:
            parts.append("مائتين" if genitive else "مائتان")
    elif hundreds:
        parts.append(_HUNDREDS[hundreds])
    if rest:
        parts.append(_below_hundred(rest, genitive=genitive))
    return " و".join(parts)


def _below_hundred(number: int, *, genitive: bool) -> str:
    if number == 2:
        return "اثنين" if genitive else "اثنان"
    if number <= 10:
        return _UNITS[number]
    if number == 11:
        return "أحد عشر"
    if number == 12:
        return "اثني عشر" if genitive else "اثنا عشر"
    if number < 20:
        return f"{_UNITS[number - 10]} عشر"
    tens, units = divmod(number, 10)
    tens_word = _TENS[tens][:-2] + "ين" if genitive else _TENS[tens]
    if not units:
        return tens_word
    return f"{_below_hundred(units, genitive=genitive)} و{tens_word}"
