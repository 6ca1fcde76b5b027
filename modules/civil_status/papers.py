"""The bureau's papers (copie intégrale, extrait d'acte de naissance or de décès, fiche individuelle d'état civil),
issued through the platform's documents service: bilingual with the official header, QR-verified, journaled.

The wording printed on a paper is the law's, in Arabic and French whatever the interface language (as the
platform's base paper prints its header), so it is written here and in the templates, not in the catalogues.
The act's digest covers its content and its signed marginal mentions, so that the verification page of a paper
says "changed" once a mention is signed after the paper was issued.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import GeneratedField
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.civil_status.models import Act, MarginalMention
from platform_core import dates
from platform_core.documents import subjects
from platform_core.documents.models import IssuedDocument
from platform_core.documents.services import issue_document
from platform_core.locale import is_arabic

OBJECT_TYPE = "civil_status.act"
LANGUAGES = ("ar", "fr")
# Printing is counter work: the agent and the officier hold both; the consultation role only reads.
PRINT_PERMISSIONS = ("civil_status.view_act", "civil_status.add_act")


class Paper(StrEnum):
    FULL_COPY = "full-copy"
    EXTRACT = "extract"
    INDIVIDUAL_RECORD = "individual-record"


MentionKind = MarginalMention.Kind
# An extract and a fiche summarise the person's civil status as it stands: marriages, divorces, death, and what
# changed the act itself. Annotations are printed on the full copy only.
SUMMARISED_MENTIONS = frozenset({
    MentionKind.MARRIAGE, MentionKind.DIVORCE, MentionKind.DEATH, MentionKind.NAME_CHANGE,
    MentionKind.RECTIFICATION_JUDGMENT, MentionKind.RECTIFICATION_PROSECUTOR,
})
MENTION_NAMES = {
    MentionKind.MARRIAGE: ("Mariage", "زواج"),
    MentionKind.DIVORCE: ("Divorce", "طلاق"),
    MentionKind.DEATH: ("Décès", "وفاة"),
    MentionKind.RECTIFICATION_JUDGMENT: ("Rectification judiciaire", "تصحيح قضائي"),
    MentionKind.RECTIFICATION_PROSECUTOR: ("Rectification par le procureur du Roi", "تصحيح بتعليمات وكيل الملك"),
    MentionKind.NAME_CHANGE: ("Changement de nom", "تغيير الاسم"),
    MentionKind.ANNOTATION: ("Annotation", "تقييد"),
}
SEX_NAMES = {Act.Sex.MALE: ("Masculin", "ذكر"), Act.Sex.FEMALE: ("Féminin", "أنثى")}


@dataclass(frozen=True)
class PaperSpec:
    template: str
    kind: str
    title_fr: str
    title_ar: str


def paper_spec(paper: Paper, act_kind: str, language: str) -> PaperSpec:
    birth = act_kind == Act.Kind.BIRTH
    if paper == Paper.FULL_COPY:
        if birth:
            return PaperSpec("civil_status/papers/full_copy.html", "civil_status.birth_full_copy",
                             "Copie intégrale d'acte de naissance", "نسخة كاملة من رسم الولادة")
        return PaperSpec("civil_status/papers/full_copy.html", "civil_status.death_full_copy",
                         "Copie intégrale d'acte de décès", "نسخة كاملة من رسم الوفاة")
    if paper == Paper.EXTRACT:
        if birth:
            return PaperSpec("civil_status/papers/extract.html", f"civil_status.birth_extract.{language}",
                             "Extrait d'acte de naissance", "نسخة موجزة من رسم الولادة")
        return PaperSpec("civil_status/papers/extract.html", f"civil_status.death_extract.{language}",
                         "Extrait d'acte de décès", "نسخة موجزة من رسم الوفاة")
    return PaperSpec("civil_status/papers/individual_record.html", "civil_status.individual_record",
                     "Fiche individuelle d'état civil", "البطاقة الشخصية للحالة المدنية")


# --- permission and checks ---------------------------------------------------------------------------------------

def can_print(user) -> bool:
    return user.has_perms(PRINT_PERMISSIONS)


def check_printable(act: Act, paper: Paper) -> None:
    """Refuse, in the user's language, a paper that cannot be drawn from this act."""
    if act.status != Act.Status.SIGNED:
        raise ValidationError(_("Only a signed act can be printed: this act is not signed."))
    if paper == Paper.INDIVIDUAL_RECORD and act.kind != Act.Kind.BIRTH:
        raise ValidationError(_("An individual civil-status record is drawn from a birth act."))


def _clean_issued_to(issued_to: str) -> str:
    cleaned = " ".join(issued_to.split())
    if not cleaned:
        raise ValidationError(_("Enter the name and identity card number of the person the paper is issued to."))
    return cleaned[:200]


# --- the service -------------------------------------------------------------------------------------------------

def issue_paper(act_id: int, *, paper: str, language: str, issued_to: str, actor,
                request=None) -> tuple[IssuedDocument, bytes]:
    """Issue a paper of a signed act to the requester at the counter: the PDF (with its QR code) and its record
    in the commune's journal of issued documents (who, when, which paper, for whom), audited.

    `language` (ar or fr) is the extract's language; the full copy and the fiche are bilingual.
    An act of another commune does not exist in this schema: Act.DoesNotExist.
    """
    if not can_print(actor):
        raise PermissionDenied(_("Your role does not allow printing civil-status papers."))
    try:
        paper = Paper(paper)
    except ValueError:
        raise ValidationError(_("Unknown paper: %(paper)s.") % {"paper": paper}) from None
    if language not in LANGUAGES:
        raise ValidationError(_("A paper is printed in Arabic (ar) or French (fr), not %(language)s.")
                              % {"language": language})
    issued_to = _clean_issued_to(issued_to)
    act = Act.objects.select_related("bureau", "birth_act__bureau").get(pk=act_id)
    check_printable(act, paper)
    mentions = signed_mentions(act)
    spec = paper_spec(paper, act.kind, language)
    return issue_document(
        spec.template,
        paper_context(act, mentions, paper=paper, language=language),
        kind=spec.kind,
        # The act's reference in the title: the verification page then says which act the paper is about.
        title_fr=f"{spec.title_fr} n° {act.number}/{act.year} ({act.bureau.name_fr})"[:200],
        title_ar=f"{spec.title_ar} عدد {act.number}/{act.year} ({act.bureau.name_ar})"[:200],
        # The digest of what was printed, from the same reads: a mention signed meanwhile shows as a change.
        subject=subjects.Subject(OBJECT_TYPE, str(act.pk), act_digest_of(act, mentions)),
        issued_by=actor,
        issued_to=issued_to,
        request=request,
    )


def issuances(act: Act):
    """The act's journal of issued papers, newest first."""
    return IssuedDocument.objects.filter(object_type=OBJECT_TYPE, object_id=str(act.pk)).select_related("issued_by")


def issuance_label(document: IssuedDocument) -> str:
    """Which paper, in the user's language; an extract says its language."""
    title = document.title_ar if is_arabic() else document.title_fr
    language = document.kind.rsplit(".", 1)[-1] if "_extract." in document.kind else ""
    if language == "ar":
        return _("%(title)s (Arabic)") % {"title": title}
    if language == "fr":
        return _("%(title)s (French)") % {"title": title}
    return title


# --- the digest --------------------------------------------------------------------------------------------------

_ACT_FIELDS = [field.attname for field in Act._meta.concrete_fields if not isinstance(field, GeneratedField)]
_MENTION_FIELDS = ("id", "kind", "text_fr", "text_ar", "legal_basis", "reference", "signed_by_id", "signed_at")


def signed_mentions(act: Act) -> list[MarginalMention]:
    return list(act.mentions.filter(status=Act.Status.SIGNED).select_related("signed_by").order_by("signed_at", "pk"))


def act_digest_of(act: Act, mentions: list[MarginalMention]) -> str:
    return subjects.fingerprint({
        "act": {name: getattr(act, name) for name in _ACT_FIELDS},
        "mentions": [{name: getattr(mention, name) for name in _MENTION_FIELDS} for mention in mentions],
    })


def act_digest(object_id: str) -> str | None:
    """The digester of "civil_status.act" (registered by the app): the act's content and its signed mentions."""
    act = Act.objects.filter(pk=object_id).first() if object_id.isdigit() else None
    return act_digest_of(act, signed_mentions(act)) if act else None


# --- what the paper says ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One line of a paper: its label and value in French and Arabic. `both_scripts`: a name or a place, which
    a paper in one language still prints in both scripts."""

    label_fr: str
    label_ar: str
    value_fr: str
    value_ar: str
    both_scripts: bool = False

    @property
    def single_value(self) -> bool:
        """Typed once, the same in both languages (a number, an address): printed once across both columns."""
        return self.value_fr == self.value_ar

    @property
    def value_is_arabic(self) -> bool:
        return bool(_ARABIC_LETTER.search(self.value_ar))


@dataclass(frozen=True)
class Section:
    title_fr: str
    title_ar: str
    rows: list[Row]


@dataclass(frozen=True)
class MentionText:
    name_fr: str
    name_ar: str
    text_fr: str
    text_ar: str
    legal_basis: str
    reference: str
    signed_fr: str
    signed_ar: str
    officer_fr: str
    officer_ar: str


def paper_context(act: Act, mentions: list[MarginalMention], *, paper: Paper, language: str) -> dict:
    """Everything the paper templates print about the act (render_pdf adds the commune, QR code, watermark)."""
    officer_ar, officer_fr = split_scripts(act.officer_name)
    capacity_ar, capacity_fr = split_scripts(act.officer_capacity)
    shown = mentions if paper == Paper.FULL_COPY else [m for m in mentions if m.kind in SUMMARISED_MENTIONS]
    spec = paper_spec(paper, act.kind, language)
    return {
        "act": act,
        "paper": paper.value,
        # The paper's own name as its heading (the journal's title also names the act, for the verification page).
        "paper_title_fr": spec.title_fr,
        "paper_title_ar": spec.title_ar,
        "language": language,
        "is_birth": act.kind == Act.Kind.BIRTH,
        "register": _register(act),
        "sections": _sections(act, paper),
        "mentions": [_mention_text(mention) for mention in shown],
        "drawn_up_fr": _date_both(act.drawn_up_on, act.drawn_up_hijri, "fr"),
        "drawn_up_ar": _date_both(act.drawn_up_on, act.drawn_up_hijri, "ar"),
        "officer_fr": officer_fr or officer_ar,
        "officer_ar": officer_ar or officer_fr,
        "capacity_fr": capacity_fr or capacity_ar,
        "capacity_ar": capacity_ar or capacity_fr,
    }


_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


def split_scripts(snapshot: str) -> tuple[str, str]:
    """The Arabic and Latin parts of a "name / الاسم" snapshot taken at signature (either order, or one part)."""
    arabic, latin = [], []
    for part in (part.strip() for part in snapshot.split(" / ")):
        if part:
            (arabic if _ARABIC_LETTER.search(part) else latin).append(part)
    return " / ".join(arabic), " / ".join(latin)


def _register(act: Act) -> dict:
    hijri = _hijri_parts(act.drawn_up_hijri)
    hijri_year = hijri[2] if hijri else _computed_hijri_year(act.drawn_up_on)
    return {"bureau_fr": act.bureau.name_fr, "bureau_ar": act.bureau.name_ar, "number": act.number,
            "year": act.year, "hijri_year": hijri_year}


def _computed_hijri_year(day: datetime.date | None) -> int | None:
    if day is None or not dates.SUPPORTED_RANGE[0] <= day <= dates.SUPPORTED_RANGE[1]:
        return None
    return dates.to_hijri(day).year


_HIJRI_TEXT = re.compile(r"^\s*(\d{1,2})\s+(.+?)\s+(\d{3,4})\s*$")


def _hijri_parts(recorded: str) -> tuple[int, int, int] | None:
    """(day, month, year) of a Hijri date recorded as dates.format_hijri writes it, in Arabic or French."""
    match = _HIJRI_TEXT.match(recorded or "")
    if not match:
        return None
    day, month_name, year = match.groups()
    for months in dates.HIJRI_MONTHS.values():
        if month_name in months:
            return int(day), months.index(month_name) + 1, int(year)
    return None


def hijri_text(recorded: str, day: datetime.date | None, language: str) -> str:
    """The Hijri date the officer recorded, written in `language`; computed (Umm al-Qura) when none was recorded
    in a form we can read."""
    parts = _hijri_parts(recorded)
    if parts:
        hijri_day, month, year = parts
        day_text = "1er" if hijri_day == 1 and language == "fr" else str(hijri_day)
        return f"{day_text} {dates.HIJRI_MONTHS[language][month - 1]} {year}"
    if day is not None and _computed_hijri_year(day) is not None:
        return dates.format_hijri(day, language)
    return recorded


def _date_both(day: datetime.date | None, recorded_hijri: str, language: str) -> str:
    """"15 mars 2024 (5 ramadan 1445)" / "15 مارس 2024 (5 رمضان 1445)": the act's Gregorian date first."""
    if day is None:
        return ""
    gregorian = dates.format_gregorian(day, language)
    hijri = hijri_text(recorded_hijri, day, language)
    return f"{gregorian} ({hijri})" if hijri else gregorian


def _time(value: datetime.time | None) -> str:
    return f"{value:%H:%M}" if value else ""


def _detail(data: dict, key: str, language: str) -> str:
    """A value of a parent's or the declarant's record in `language`: `<key>_ar` or `<key>_fr`, else `<key>`."""
    order = ("_ar", "", "_fr", "_latin") if language == "ar" else ("_fr", "_latin", "", "_ar")
    for suffix in order:
        value = data.get(key + suffix)
        if value not in (None, ""):
            return _iso_date(str(value), language)
    return ""


def _iso_date(value: str, language: str) -> str:
    # Dates in the JSON records are ISO text; anything else is printed as typed.
    try:
        return dates.format_gregorian(datetime.date.fromisoformat(value), language)
    except ValueError:
        return value


def _names_rows(act: Act) -> list[Row]:
    return [
        Row("Prénom(s)", "الاسم الشخصي", act.first_names_latin, act.first_names_ar, both_scripts=True),
        Row("Nom", "الاسم العائلي", act.family_name_latin, act.family_name_ar, both_scripts=True),
        Row("Sexe", "الجنس", *SEX_NAMES.get(act.sex, (act.sex, act.sex))),
        *([Row("Nationalité", "الجنسية", act.nationality, act.nationality)] if act.nationality else []),
    ]


def _event_rows(act: Act, *, with_time: bool = True) -> list[Row]:
    birth = act.kind == Act.Kind.BIRTH
    when_fr = _date_both(act.event_date, act.event_hijri, "fr")
    when_ar = _date_both(act.event_date, act.event_hijri, "ar")
    if with_time and act.event_time:
        when_fr, when_ar = f"{when_fr}, à {_time(act.event_time)}", f"{when_ar} على الساعة {_time(act.event_time)}"
    return [
        Row("Date de naissance" if birth else "Date du décès", "تاريخ الازدياد" if birth else "تاريخ الوفاة",
            when_fr, when_ar),
        Row("Lieu de naissance" if birth else "Lieu du décès", "مكان الازدياد" if birth else "مكان الوفاة",
            act.event_place_fr, act.event_place_ar, both_scripts=True),
    ]


def _birth_of_deceased_rows(act: Act) -> list[Row]:
    born = act.birth_act
    if born is None:
        return []
    reference_fr = f"n° {born.number}/{born.year}, {born.bureau.name_fr}"
    reference_ar = f"عدد {born.number}/{born.year}، {born.bureau.name_ar}"
    return [
        Row("Né(e) le", "تاريخ ومكان الازدياد",
            f"{_date_both(born.event_date, born.event_hijri, 'fr')} à {born.event_place_fr}",
            f"{_date_both(born.event_date, born.event_hijri, 'ar')} ب{born.event_place_ar}"),
        Row("Acte de naissance", "رسم الولادة", reference_fr, reference_ar),
    ]


def _citizen_id_row(act: Act) -> list[Row]:
    identifier = act.citizen_id or (act.birth_act.citizen_id if act.birth_act else "")
    return [Row("Identifiant civil", "المعرف المدني", identifier, identifier)] if identifier else []


def _parent_name_rows(act: Act) -> list[Row]:
    return [
        Row("Père", "الأب", act.father_name_latin, act.father_name_ar, both_scripts=True),
        Row("Mère", "الأم", act.mother_name_latin, act.mother_name_ar, both_scripts=True),
    ]


PARENT_DETAILS = (
    ("birth_date", "Date de naissance", "تاريخ الازدياد"),
    ("birth_place", "Lieu de naissance", "مكان الازدياد"),
    ("nationality", "Nationalité", "الجنسية"),
    ("occupation", "Profession", "المهنة"),
    ("address", "Domicile", "محل السكنى"),
)
DECLARANT_DETAILS = (
    ("name", "Nom", "الاسم"),
    ("relation", "Qualité", "الصفة"),
    ("age", "Âge", "السن"),
    ("id_number", "Pièce d'identité", "رقم البطاقة الوطنية"),
    ("occupation", "Profession", "المهنة"),
    ("address", "Domicile", "محل السكنى"),
)


def _detail_rows(data: dict, details) -> list[Row]:
    rows = []
    for key, label_fr, label_ar in details:
        value_fr, value_ar = _detail(data, key, "fr"), _detail(data, key, "ar")
        if value_fr or value_ar:
            rows.append(Row(label_fr, label_ar, value_fr or value_ar, value_ar or value_fr))
    return rows


def _parent_section(title_fr: str, title_ar: str, name_latin: str, name_ar: str, data: dict) -> Section:
    return Section(title_fr, title_ar, [
        Row("Nom", "الاسم", name_latin, name_ar, both_scripts=True),
        *_detail_rows(data, PARENT_DETAILS),
    ])


def _judgment_rows(act: Act) -> list[Row]:
    if not act.judgment_number:
        return []
    judged_on_fr = dates.format_gregorian(act.judgment_date, "fr") if act.judgment_date else ""
    judged_on_ar = dates.format_gregorian(act.judgment_date, "ar") if act.judgment_date else ""
    return [Row("Jugement déclaratif", "الحكم التصريحي",
                f"n° {act.judgment_number} du {judged_on_fr}, {act.judgment_court}",
                f"عدد {act.judgment_number} بتاريخ {judged_on_ar}، {act.judgment_court}")]


def _sections(act: Act, paper: Paper) -> list[Section]:
    birth = act.kind == Act.Kind.BIRTH
    person = ("Enfant", "المولود") if birth else ("Défunt(e)", "المتوفى")
    if paper == Paper.FULL_COPY:
        sections = [
            Section(*person, [*_names_rows(act), *_event_rows(act),
                              *_birth_of_deceased_rows(act), *_citizen_id_row(act)]),
            _parent_section("Père", "الأب", act.father_name_latin, act.father_name_ar, act.father),
            _parent_section("Mère", "الأم", act.mother_name_latin, act.mother_name_ar, act.mother),
            Section("Déclarant", "المصرح", _detail_rows(act.declarant, DECLARANT_DETAILS)),
        ]
        if act.judgment_number:
            sections.append(Section("Jugement déclaratif", "الحكم التصريحي", _judgment_rows(act)))
        return [section for section in sections if section.rows]
    if paper == Paper.INDIVIDUAL_RECORD:
        # The person as they stand, without the circumstances of the birth (hour, declarant).
        return [
            Section("Identité", "الهوية", [*_names_rows(act), *_citizen_id_row(act),
                                           *_event_rows(act, with_time=False)]),
            Section("Filiation", "النسب", _parent_name_rows(act)),
            Section("Acte de naissance", "رسم الولادة", [
                Row("Référence", "المرجع", f"n° {act.number}/{act.year}, {act.bureau.name_fr}",
                    f"عدد {act.number}/{act.year}، {act.bureau.name_ar}"),
                *_judgment_rows(act),
            ]),
        ]
    return [Section("", "", [*_names_rows(act), *_event_rows(act),
                             *_birth_of_deceased_rows(act), *_citizen_id_row(act), *_parent_name_rows(act),
                             *_judgment_rows(act)])]


def _mention_text(mention: MarginalMention) -> MentionText:
    name_fr, name_ar = MENTION_NAMES.get(mention.kind, (mention.kind, mention.kind))
    signed_on = timezone.localdate(mention.signed_at) if mention.signed_at else None
    officer = mention.signed_by
    return MentionText(
        name_fr=name_fr,
        name_ar=name_ar,
        text_fr=mention.text_fr,
        text_ar=mention.text_ar,
        legal_basis=mention.legal_basis,
        reference=mention.reference,
        signed_fr=dates.format_gregorian(signed_on, "fr") if signed_on else "",
        signed_ar=dates.format_gregorian(signed_on, "ar") if signed_on else "",
        officer_fr=officer.display_name("fr") if officer else "",
        officer_ar=officer.display_name("ar") if officer else "",
    )
