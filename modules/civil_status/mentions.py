"""Bilingual templates of the marginal mentions: what the agent types for each kind, and the sentences written
in the margin in French and Arabic, with the legal basis each kind cites by default."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.civil_status.models import MarginalMention

Kind = MarginalMention.Kind


@dataclass(frozen=True)
class MentionTemplate:
    kind: str
    fields: tuple[tuple[str, object, type[forms.Field]], ...]  # (name, label, form field class)
    text_fr: str
    text_ar: str
    legal_basis: str

    def compose(self, values: dict) -> tuple[str, str]:
        """The French and Arabic texts of the mention, with dates written dd/mm/yyyy."""
        shown = {key: f"{value:%d/%m/%Y}" if hasattr(value, "strftime") else value for key, value in values.items()}
        return self.text_fr.format(**shown), self.text_ar.format(**shown)


LAW = "Loi 36-21 relative à l'état civil"
SPOUSE = (("spouse_name_ar", _("spouse's name (Arabic)"), forms.CharField),
          ("spouse_name_latin", _("spouse's name (Latin)"), forms.CharField))
DATE = ("date", _("date"), forms.DateField)
REFERENCE = ("reference", _("reference (court, number, date)"), forms.CharField)
CORRECTION = (("correction_fr", _("rectification (French)"), forms.CharField),
              ("correction_ar", _("rectification (Arabic)"), forms.CharField))

TEMPLATES = {
    template.kind: template
    for template in (
        MentionTemplate(
            Kind.MARRIAGE, (*SPOUSE, DATE, REFERENCE),
            "Marié(e) le {date} avec {spouse_name_latin}, acte de mariage {reference}.",
            "تزوج(ت) بتاريخ {date} ب{spouse_name_ar}، عقد الزواج {reference}.",
            f"{LAW}; Code de la famille, art. 68",
        ),
        MentionTemplate(
            Kind.DIVORCE, (*SPOUSE, DATE, REFERENCE),
            "Divorcé(e) de {spouse_name_latin} le {date}, {reference}.",
            "طلق(ت) من {spouse_name_ar} بتاريخ {date}، {reference}.",
            f"{LAW}; Code de la famille, art. 141",
        ),
        MentionTemplate(
            Kind.DEATH, (DATE, ("place", _("place"), forms.CharField), REFERENCE),
            "Décédé(e) le {date} à {place}, {reference}.",
            "توفي(ت) بتاريخ {date} ب{place}، {reference}.",
            LAW,
        ),
        MentionTemplate(
            Kind.RECTIFICATION_JUDGMENT,
            (*CORRECTION, REFERENCE),
            "Rectifié par jugement {reference} : {correction_fr}.",
            "صحح بمقتضى الحكم {reference}: {correction_ar}.",
            f"{LAW}, rectification judiciaire",
        ),
        MentionTemplate(
            Kind.RECTIFICATION_PROSECUTOR,
            (*CORRECTION, REFERENCE),
            "Erreur matérielle rectifiée sur instruction du procureur du Roi {reference} : {correction_fr}.",
            "صحح الخطأ المادي بتعليمات من وكيل الملك {reference}: {correction_ar}.",
            f"{LAW}, rectification administrative",
        ),
        MentionTemplate(
            Kind.NAME_CHANGE,
            (("new_name_ar", _("new name (Arabic)"), forms.CharField),
             ("new_name_latin", _("new name (Latin)"), forms.CharField), REFERENCE),
            "Nom changé en {new_name_latin} par décision {reference}.",
            "غير الاسم إلى {new_name_ar} بمقتضى المقرر {reference}.",
            f"{LAW}; décret 2.22.04",
        ),
        MentionTemplate(
            Kind.ANNOTATION,
            (("note_fr", _("annotation (French)"), forms.CharField),
             ("note_ar", _("annotation (Arabic)"), forms.CharField)),
            "{note_fr}",
            "{note_ar}",
            LAW,
        ),
    )
}



def death_mention_texts(day, place_fr: str, place_ar: str, number: int, year: int) -> tuple[str, str]:
    """The death mention proposed on the deceased's birth act when the death act is signed."""
    template = TEMPLATES[Kind.DEATH]
    text_fr = template.compose({"date": day, "place": place_fr, "reference": f"acte de décès n° {number}/{year}"})[0]
    text_ar = template.compose({"date": day, "place": place_ar, "reference": f"رسم الوفاة عدد {number}/{year}"})[1]
    return text_fr, text_ar
