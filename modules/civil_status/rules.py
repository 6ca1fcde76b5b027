"""The rules an act must follow before it may be drawn up (law 36-21 and decree 2.22.04), each refusal citing
the rule in the user's language."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FIRST_NAMES = 2
DECLARATION_DAYS = 30
DECLARATION_DAYS_ABROAD = 365
TITLES = ("مولاي", "سيدي", "لالة", "للا", "moulay", "mulay", "sidi", "lalla", "lala", "chérif", "cherif", "الشريف")


def check_names(first_names_ar: str, first_names_latin: str, family_name_ar: str, family_name_latin: str,
                lineage_proof: str = "") -> None:
    errors = {}
    for field, value in (("first_names_ar", first_names_ar), ("first_names_latin", first_names_latin),
                         ("family_name_ar", family_name_ar), ("family_name_latin", family_name_latin)):
        words = value.split()
        if not words:
            errors[field] = _("This name is required, in Arabic and in Latin script.")
        elif re.search(r"\d", value):
            errors[field] = _("A name may not contain digits (law 36-21 on civil status).")
        elif field.startswith("first_names") and len(_first_names(value)) > MAX_FIRST_NAMES:
            errors[field] = _("At most two first names may be given (law 36-21 on civil status).")
        elif not lineage_proof and any(word.lower().strip("-") in TITLES for word in words):
            errors[field] = _(
                "A title (Moulay, Sidi, Lalla, ...) needs a recorded proof of lineage (law 36-21 on civil status)."
            )
    if errors:
        raise ValidationError(errors)


def _first_names(value: str) -> list[str]:
    # A compound first name joined by a hyphen counts as one (e.g. Mohamed-Amine).
    return [name for name in re.split(r"[\s,]+", value.strip()) if name]


def check_declaration_delay(event_date: datetime.date, declared_on: datetime.date, *, abroad: bool,
                            has_judgment: bool) -> None:
    if event_date > declared_on:
        raise ValidationError({"event_date": _("The date of the event is in the future.")})
    allowed = DECLARATION_DAYS_ABROAD if abroad else DECLARATION_DAYS
    if (declared_on - event_date).days > allowed and not has_judgment:
        raise ValidationError({"judgment_number": _(
            "Declared more than %(days)s days after the event: a declaratory judgment (court, number, date) is "
            "required (law 36-21 on civil status)."
        ) % {"days": allowed}})
