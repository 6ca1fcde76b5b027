"""Gregorian and Hijri dates side by side, written as Moroccan papers write them, in Arabic and French.

Hijri dates follow the Umm al-Qura calendar through hijridate, whose tables cover the Gregorian dates
1924-08-01 to 2077-11-16 (Hijri 1343-01-01 to 1500-12-30): `SUPPORTED_RANGE`. A date outside raises
ValueError. Gregorian formatting works for any date.

Umm al-Qura is computed in advance; Morocco's official Hijri calendar (Ministry of Habous) starts each month
on the sighting of the crescent, often one day after Umm al-Qura (Ramadan 1445 began on 11 March 2024 by
Umm al-Qura, on 12 March in Morocco). A Hijri date that must match the official Moroccan one (an act, a
decision) should be the one the officer records, not only the one computed here.

Forms, after the Bulletin officiel:
- `format_gregorian`: "15 mars 2024" / "15 مارس 2024", with the Gregorian month names used in Morocco
  (يناير ... يوليوز، غشت، شتنبر، نونبر، دجنبر); "1er mars 2024" in French.
- `format_hijri`: "5 ramadan 1445" / "5 رمضان 1445". French months are in the transliteration and lower case
  of the Bulletin officiel (moharrem, rabii I, joumada II, chaabane, chaoual, kaada, hija...). Arabic writes
  "ذي القعدة" and "ذي الحجة": after the day the month's name is in the genitive.
- `format_both`: "5 ramadan 1445 (15 mars 2024)", the Hijri date first and the Gregorian one in
  parentheses, as dahirs and decrees are dated.
- `date_in_words`, `hijri_date_in_words`: the date as civil-status acts spell it out:
  "quinze mars deux mille vingt-quatre" / "الخامس عشر من مارس سنة ألفين وأربعة وعشرين". The Arabic
  form is written to follow a preposition (في، بتاريخ), so its tens are genitive: "العشرين من مارس".
"""

import datetime

from django.utils.translation import gettext as _
from hijridate import Gregorian, Hijri
from hijridate.ummalqura import GREGORIAN_RANGE, HIJRI_RANGE

from platform_core.money import check_language, integer_in_words

SUPPORTED_RANGE = (datetime.date(*GREGORIAN_RANGE[0]), datetime.date(*GREGORIAN_RANGE[1]))

GREGORIAN_MONTHS = {
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر",
           "دجنبر"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}
HIJRI_MONTHS = {
    "ar": ("محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان",
           "شوال", "ذي القعدة", "ذي الحجة"),
    "fr": ("moharrem", "safar", "rabii I", "rabii II", "joumada I", "joumada II", "rejeb", "chaabane",
           "ramadan", "chaoual", "kaada", "hija"),
}

_ARABIC_ORDINALS = ("", "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن",
                    "التاسع", "العاشر")


def to_hijri(value: datetime.date) -> Hijri:
    """The Umm al-Qura date of `value`; it has `year`, `month` and `day`."""
    return Gregorian.fromdate(_supported(value)).to_hijri()


def from_hijri(year: int, month: int, day: int) -> datetime.date:
    """The Gregorian date of an Umm al-Qura date."""
    first_year, last_year = HIJRI_RANGE[0][0], HIJRI_RANGE[1][0]
    if not first_year <= year <= last_year:
        raise ValueError(_("Hijri dates can be converted from year %(first)s to year %(last)s, not %(year)s.")
                         % {"first": first_year, "last": last_year, "year": year})
    try:
        hijri = Hijri(year, month, day)
    except ValueError:
        raise ValueError(_("%(day)s/%(month)s/%(year)s is not a Hijri date: a Hijri year has 12 months of 29 "
                           "or 30 days.") % {"day": day, "month": month, "year": year}) from None
    return datetime.date(*hijri.to_gregorian().datetuple())


def format_gregorian(value: datetime.date, language: str) -> str:
    """"15 mars 2024" / "15 مارس 2024"."""
    language = check_language(language)
    value = _plain_date(value)
    return _format(value.day, GREGORIAN_MONTHS[language][value.month - 1], value.year, language)


def format_hijri(value: datetime.date, language: str) -> str:
    """The Hijri date of `value`: "5 ramadan 1445" / "5 رمضان 1445"."""
    language = check_language(language)
    hijri = to_hijri(value)
    return _format(hijri.day, HIJRI_MONTHS[language][hijri.month - 1], hijri.year, language)


def format_both(value: datetime.date, language: str) -> str:
    """"5 ramadan 1445 (15 mars 2024)" / "5 رمضان 1445 (15 مارس 2024)"."""
    return f"{format_hijri(value, language)} ({format_gregorian(value, language)})"


def date_in_words(value: datetime.date, language: str) -> str:
    """"quinze mars deux mille vingt-quatre" / "الخامس عشر من مارس سنة ألفين وأربعة وعشرين"."""
    language = check_language(language)
    value = _plain_date(value)
    return _in_words(value.day, GREGORIAN_MONTHS[language][value.month - 1], value.year, language)


def hijri_date_in_words(value: datetime.date, language: str) -> str:
    """The Hijri date of `value` in words: "cinq ramadan mille quatre cent quarante-cinq"."""
    language = check_language(language)
    hijri = to_hijri(value)
    return _in_words(hijri.day, HIJRI_MONTHS[language][hijri.month - 1], hijri.year, language)


def _plain_date(value: datetime.date) -> datetime.date:
    # A datetime's date depends on the time zone: the caller must choose it (timezone.localdate()).
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(_("Expected a date, not %(type)s.") % {"type": type(value).__name__})
    return value


def _supported(value: datetime.date) -> datetime.date:
    first, last = SUPPORTED_RANGE
    if not first <= _plain_date(value) <= last:
        raise ValueError(_("Hijri dates are available from %(first)s to %(last)s, not for %(date)s.")
                         % {"first": first.isoformat(), "last": last.isoformat(), "date": value.isoformat()})
    return value


def _format(day: int, month_name: str, year: int, language: str) -> str:
    day_text = "1er" if day == 1 and language == "fr" else str(day)
    return f"{day_text} {month_name} {year}"


def _in_words(day: int, month_name: str, year: int, language: str) -> str:
    if language == "fr":
        day_words = "premier" if day == 1 else integer_in_words(day, "fr")
        return f"{day_words} {month_name} {integer_in_words(year, 'fr')}"
    return f"{_arabic_ordinal(day)} من {month_name} سنة {integer_in_words(year, 'ar', genitive=True)}"


def _arabic_ordinal(day: int) -> str:
    """Masculine, as "اليوم" is; 20 to 31 in the genitive (see the module docstring)."""
    if day <= 10:
        return _ARABIC_ORDINALS[day]
    tens, units = divmod(day, 10)
    # In compound ordinals "first" is "الحادي", not "الأول".
    unit_word = "الحادي" if units == 1 else _ARABIC_ORDINALS[units]
    if tens == 1:
        return f"{unit_word} عشر"
    tens_word = "العشرين" if tens == 2 else "الثلاثين"
    return f"{unit_word} و{tens_word}" if units else tens_word
