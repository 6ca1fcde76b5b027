"""The columns of an import file: English names (the documented ones), French aliases, and the words accepted
for an act's kind and a person's sex. docs/civil-status-import.md describes them for the people who type."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    name: str  # the English header, also the key everywhere in the code
    french: str  # the French header
    label: Promise  # what the review screen calls it
    required: bool = False
    max_length: int | None = None
    kind: str = "text"  # text, date, time, int, sex, act_kind


def _text(name, french, label, max_length, required=False):
    return Column(name, french, label, required, max_length)


COLUMNS: tuple[Column, ...] = (
    Column("kind", "type", _("kind (birth or death)"), True, kind="act_kind"),
    Column("year", "annee", _("register year"), True, kind="int"),
    Column("number", "numero", _("act number"), True, kind="int"),
    _text("first_names_ar", "prenoms_ar", _("first names (Arabic)"), 150, True),
    _text("first_names_latin", "prenoms_latin", _("first names (Latin)"), 150, True),
    _text("family_name_ar", "nom_ar", _("family name (Arabic)"), 150, True),
    _text("family_name_latin", "nom_latin", _("family name (Latin)"), 150, True),
    Column("sex", "sexe", _("sex"), True, kind="sex"),
    _text("nationality", "nationalite", _("nationality, if foreign"), 80),
    _text("lineage_proof", "preuve_filiation", _("proof of lineage (for a title)"), 255),
    _text("citizen_id", "identifiant_citoyen", _("citizen identifier"), 20),
    Column("event_date", "date_evenement", _("date of the event"), True, kind="date"),
    Column("event_time", "heure_evenement", _("time of the event"), kind="time"),
    _text("event_hijri", "date_evenement_hegire", _("Hijri date of the event"), 40),
    _text("event_place_fr", "lieu_evenement_fr", _("place of the event (French)"), 200, True),
    _text("event_place_ar", "lieu_evenement_ar", _("place of the event (Arabic)"), 200, True),
    _text("father_name_ar", "pere_nom_ar", _("father's name (Arabic)"), 200),
    _text("father_name_latin", "pere_nom_latin", _("father's name (Latin)"), 200),
    Column("father_birth_date", "pere_date_naissance", _("father's date of birth"), kind="date"),
    _text("father_birth_place", "pere_lieu_naissance", _("father's place of birth"), 200),
    _text("father_occupation", "pere_profession", _("father's occupation"), 200),
    _text("father_address", "pere_adresse", _("father's address"), 255),
    _text("mother_name_ar", "mere_nom_ar", _("mother's name (Arabic)"), 200),
    _text("mother_name_latin", "mere_nom_latin", _("mother's name (Latin)"), 200),
    Column("mother_birth_date", "mere_date_naissance", _("mother's date of birth"), kind="date"),
    _text("mother_birth_place", "mere_lieu_naissance", _("mother's place of birth"), 200),
    _text("mother_occupation", "mere_profession", _("mother's occupation"), 200),
    _text("mother_address", "mere_adresse", _("mother's address"), 255),
    _text("declarant_name", "declarant_nom", _("declarant's name"), 200),
    Column("declarant_age", "declarant_age", _("declarant's age"), kind="int"),
    _text("declarant_occupation", "declarant_profession", _("declarant's occupation"), 200),
    _text("declarant_address", "declarant_adresse", _("declarant's address"), 255),
    _text("declarant_relation", "declarant_lien", _("declarant's relation to the person"), 100),
    _text("judgment_court", "jugement_tribunal", _("court of the declaratory judgment"), 200),
    _text("judgment_number", "jugement_numero", _("judgment number"), 60),
    Column("judgment_date", "jugement_date", _("judgment date"), kind="date"),
    _text("birth_act", "acte_naissance", _("birth act of the deceased"), 80),
    Column("drawn_up_on", "date_redaction", _("drawn up on"), True, kind="date"),
    _text("drawn_up_hijri", "date_redaction_hegire", _("drawn up on (Hijri)"), 40),
    _text("officer_name", "officier_nom", _("officer's name"), 200, True),
    _text("officer_capacity", "officier_qualite", _("officer's capacity"), 200),
    _text("image", "image", _("scanned page(s)"), 500),
)
BY_NAME = {column.name: column for column in COLUMNS}
NAMES = tuple(BY_NAME)
REQUIRED = tuple(column.name for column in COLUMNS if column.required)

# What typists write for an act's kind and a person's sex, folded by header_key(); the value is the code stored.
KINDS = {"birth": "birth", "naissance": "birth", "ولادة": "birth", "ازدياد": "birth",
         "death": "death", "deces": "death", "وفاة": "death"}
SEXES = {"m": "M", "h": "M", "male": "M", "homme": "M", "masculin": "M", "ذكر": "M",
         "f": "F", "female": "F", "femme": "F", "feminin": "F", "انثى": "F", "أنثى": "F"}


def header_key(text: str) -> str:
    """A header or a vocabulary word as compared: lower case, without accents, words joined by underscores."""
    decomposed = unicodedata.normalize("NFKD", str(text).strip().lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^\w]+", "_", plain).strip("_")


HEADERS = {**{header_key(column.french): column.name for column in COLUMNS},
           **{column.name: column.name for column in COLUMNS}}
