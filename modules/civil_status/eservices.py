"""The civil-status papers asked for online (issue 5): the extract of a birth act (in Arabic or French, to download),
its full copy and the individual civil-status record (fiche individuelle), both collected at the bureau.

The citizen finds the act by its number and year, or by the person's names and birth date; an agent checks the
request and picks the act (step "check"), an officier issues the paper (step "issue"), which modules.civil_status
.papers draws, numbers in the journal of issued papers and makes verifiable by its QR code.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.civil_status.models import Act, Bureau
from modules.civil_status.papers import Paper, issue_paper
from modules.civil_status.selectors import ActSearch, search_acts
from platform_core.dates import format_gregorian
from platform_core.eservices.definitions import EService, Outcome, RequiredPaper, Step
from platform_core.locale import is_arabic

CANDIDATES = 10
RELATIONSHIPS = [
    ("self", gettext_lazy("The person themself")),
    ("parent", gettext_lazy("Father or mother")),
    ("child", gettext_lazy("Son or daughter")),
    ("spouse", gettext_lazy("Husband or wife")),
    ("representative", gettext_lazy("Legal representative")),
]
LANGUAGES = [("ar", gettext_lazy("Arabic")), ("fr", gettext_lazy("French"))]
AUTO = {"dir": "auto", "autocomplete": "off"}


def _bureau_choices():
    # Read when the form is built, in the commune's schema: each commune offers its own bureaux.
    language = translation.get_language()
    return [("", gettext_lazy("Any bureau"))] + [
        (bureau.code, bureau.name_ar if is_arabic(language) else bureau.name_fr)
        for bureau in Bureau.objects.order_by("-is_main", "name_fr")
    ]


def _name(label):
    return forms.CharField(label=label, required=False, max_length=150, widget=forms.TextInput(attrs=dict(AUTO)))


class ActRequestForm(forms.Form):
    """The citizen's request: which act (by its number and year, or by the person's names and birth date) and
    who asks. The cleaned data is JSON-ready (it is kept on the request)."""

    act_number = forms.IntegerField(label=gettext_lazy("act number"), required=False, min_value=1,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    act_year = forms.IntegerField(label=gettext_lazy("year of the act"), required=False, min_value=1900,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    bureau = forms.ChoiceField(label=gettext_lazy("civil-status bureau"), required=False, choices=_bureau_choices)
    first_names = _name(gettext_lazy("first names (Arabic or Latin script)"))
    family_name = _name(gettext_lazy("family name (Arabic or Latin script)"))
    birth_date = forms.DateField(label=gettext_lazy("date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    father_first_name = _name(gettext_lazy("father's first name (helps to find the act)"))
    mother_first_name = _name(gettext_lazy("mother's first name (helps to find the act)"))
    relationship = forms.ChoiceField(label=gettext_lazy("you are"), choices=RELATIONSHIPS)

    def clean_act_year(self):
        year = self.cleaned_data.get("act_year")
        if year is not None and year > timezone.localdate().year:
            raise ValidationError(_("The year of the act cannot be in the future."))
        return year

    def clean_birth_date(self):
        born = self.cleaned_data.get("birth_date")
        if born is not None and born > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        return born

    def clean(self):
        data = super().clean()
        by_number = data.get("act_number") is not None and data.get("act_year") is not None
        by_names = bool(data.get("first_names") and data.get("family_name") and data.get("birth_date"))
        if not (by_number or by_names) and not self.errors:
            raise ValidationError(_("Give the act's number and year, or the person's first names, family name and "
                                    "date of birth."))
        if isinstance(data.get("birth_date"), datetime.date):
            data["birth_date"] = data["birth_date"].isoformat()
        for key in ("first_names", "family_name", "father_first_name", "mother_first_name"):
            data[key] = " ".join((data.get(key) or "").split())
        return data


class ExtractRequestForm(ActRequestForm):
    language = forms.ChoiceField(label=gettext_lazy("language of the extract"), choices=LANGUAGES,
                                 widget=forms.RadioSelect, initial="ar")


def summary(data: dict, language: str) -> list[tuple[str, str]]:
    """The request as staff and the citizen read it, labels in `language`."""
    with translation.override(language):
        rows = []
        if data.get("act_number") and data.get("act_year"):
            rows.append((_("Act"), f"{data['act_number']}/{data['act_year']}"))
        if data.get("bureau"):
            bureau = Bureau.objects.filter(code=data["bureau"]).first()
            name = (bureau.name_ar if is_arabic(language) else bureau.name_fr) if bureau else data["bureau"]
            rows.append((_("Bureau"), name))
        names = " ".join(part for part in (data.get("first_names"), data.get("family_name")) if part)
        if names:
            rows.append((_("Person"), names))
        if data.get("birth_date"):
            born = datetime.date.fromisoformat(data["birth_date"])
            rows.append((_("Date of birth"), format_gregorian(born, "ar" if is_arabic(language) else "fr")))
        if data.get("father_first_name"):
            rows.append((_("Father's first name"), data["father_first_name"]))
        if data.get("mother_first_name"):
            rows.append((_("Mother's first name"), data["mother_first_name"]))
        relationship = dict(RELATIONSHIPS).get(data.get("relationship"))
        if relationship:
            rows.append((_("Applicant is"), str(relationship)))
        paper_language = dict(LANGUAGES).get(data.get("language"))
        if paper_language:
            rows.append((_("Language of the extract"), str(paper_language)))
        return rows


# --- processing: the agent picks the act ---------------------------------------------------------------------------

def candidate_acts(data: dict) -> list[Act]:
    """Signed birth acts that may be the one asked for: by number, year (and bureau) first, then by names and date."""
    found: dict[int, Act] = {}
    bureau = Bureau.objects.filter(code=data["bureau"]).first() if data.get("bureau") else None
    if data.get("act_number") and data.get("act_year"):
        by_number = ActSearch(kind=Act.Kind.BIRTH, number=int(data["act_number"]), year=int(data["act_year"]),
                              bureau_id=bureau.pk if bureau else None)
        found.update((act.pk, act) for act in search_acts(by_number, limit=CANDIDATES))
    if data.get("first_names") and data.get("family_name") and data.get("birth_date"):
        born = datetime.date.fromisoformat(data["birth_date"])
        parents = " ".join(part for part in (data.get("father_first_name"), data.get("mother_first_name")) if part)
        by_names = ActSearch(kind=Act.Kind.BIRTH, name=f"{data['first_names']} {data['family_name']}",
                             parents=parents, event_from=born, event_to=born)
        found.update((act.pk, act) for act in search_acts(by_names, limit=CANDIDATES) if act.pk not in found)
    return list(found.values())[:CANDIDATES]


def candidate_label(act: Act) -> str:
    """One candidate as staff read it; each part isolated, so that Arabic and Latin names keep their order."""
    arabic = is_arabic()
    parts = {
        "number": format_html('<bdi dir="ltr">{}/{}</bdi>', act.number, act.year),
        "bureau": format_html("<bdi>{}</bdi>", act.bureau.name_ar if arabic else act.bureau.name_fr),
        "names": format_html('<bdi dir="ltr">{} {}</bdi> / <bdi dir="rtl" lang="ar">{} {}</bdi>',
                             act.first_names_latin, act.family_name_latin, act.first_names_ar, act.family_name_ar),
        "born": format_html("<bdi>{}</bdi>", format_gregorian(act.event_date, "ar" if arabic else "fr")),
    }
    # The sentence is escaped and every part built by format_html: the whole is safe to show as HTML.
    # One span: the admin lays a radio's label out as flex items, which would scatter the parts.
    text = conditional_escape(_("Act %(number)s · %(bureau)s · %(names)s · born on %(born)s")) % parts
    return format_html("<span>{}</span>", mark_safe(text))


def act_choice_form(service_request) -> type[forms.Form] | None:
    """At the check step: the act the request is about, among the signed acts its data points to."""
    if service_request.step_index != 0:
        return None
    candidates = candidate_acts(service_request.data)

    class ActChoiceForm(forms.Form):
        act_id = forms.TypedChoiceField(
            label=gettext_lazy("the act this request is about"), coerce=int, widget=forms.RadioSelect,
            choices=[(act.pk, candidate_label(act)) for act in candidates],
            error_messages={"required": gettext_lazy("Choose the act this request is about. If none is listed, "
                                                     "ask the citizen for details or refuse the request.")})

    return ActChoiceForm


# --- the paper -----------------------------------------------------------------------------------------------------

def _complete(paper: Paper):
    def complete(service_request, actor) -> Outcome:
        act_id = service_request.staff_data.get("act_id")
        if not act_id:
            raise ValidationError(_("No act was chosen at the check step: the paper cannot be issued."))
        issued_to = " · ".join(part for part in (
            service_request.display_name("fr"),
            f"CIN {service_request.national_id}" if service_request.national_id else "") if part)
        language = service_request.data.get("language") or service_request.language
        try:
            document, pdf = issue_paper(int(act_id), paper=paper.value, language=language,
                                        issued_to=issued_to or service_request.tracking_number, actor=actor)
        except Act.DoesNotExist:
            raise ValidationError(_("The act chosen at the check step is not in this commune's register.")) from None
        return Outcome(document, pdf, f"{paper.value}-{service_request.tracking_number}.pdf")

    return complete


IDENTITY_CARD = RequiredPaper("cin", "Carte nationale d'identité (scan ou photo)",
                              "البطاقة الوطنية للتعريف (نسخة ممسوحة أو صورة)")
STEPS = [
    Step("check", "Vérification", "التحقق", "civil_status.add_act"),
    Step("issue", "Signature et délivrance", "التوقيع والتسليم", "civil_status.sign_act"),
]


def _act_paper(code: str, paper: Paper, *, tariff: str, form_class, downloadable: bool, delay_days: int, name_fr: str,
               name_ar: str, description_fr: str, description_ar: str) -> EService:
    """A paper drawn from a birth act: checked against the register, then signed and issued, for a fee."""
    return EService(
        code=f"civil_status.{code}", module_key="civil_status", name_fr=name_fr, name_ar=name_ar,
        description_fr=description_fr, description_ar=description_ar, form_class=lambda: form_class, steps=STEPS,
        summary=summary, papers=[IDENTITY_CARD], processing_form=act_choice_form,
        fee_tariff=lambda data: (tariff, {}), complete=_complete(paper), downloadable=downloadable,
        delay_days=delay_days)


BIRTH_EXTRACT = _act_paper(
    "birth_extract", Paper.EXTRACT, tariff="extrait-naissance", form_class=ExtractRequestForm, downloadable=True,
    delay_days=2,
    name_fr="Extrait d'acte de naissance",
    name_ar="نسخة موجزة من رسم الولادة",
    description_fr="L'extrait de l'acte de naissance, en arabe ou en français, à télécharger une fois signé.",
    description_ar="نسخة موجزة من رسم الولادة، بالعربية أو بالفرنسية، تحمل بعد توقيعها.",
)

FULL_COPY = _act_paper(
    "full_copy", Paper.FULL_COPY, tariff="copie-integrale", form_class=ActRequestForm, downloadable=False,
    delay_days=3,
    name_fr="Copie intégrale d'acte de naissance",
    name_ar="نسخة كاملة من رسم الولادة",
    description_fr="La copie intégrale de l'acte de naissance, avec ses mentions marginales, à retirer au bureau.",
    description_ar="نسخة كاملة من رسم الولادة بما فيها البيانات الهامشية، تسحب من المكتب.",
)

INDIVIDUAL_RECORD = _act_paper(
    "individual_record", Paper.INDIVIDUAL_RECORD, tariff="fiche-etat-civil", form_class=ActRequestForm,
    downloadable=False, delay_days=3,
    name_fr="Fiche individuelle d'état civil",
    name_ar="البطاقة الشخصية للحالة المدنية",
    description_fr="La fiche individuelle d'état civil, tirée de l'acte de naissance, à retirer au bureau.",
    description_ar="البطاقة الشخصية للحالة المدنية، مستخرجة من رسم الولادة، تسحب من المكتب.",
)

ESERVICES = [BIRTH_EXTRACT, FULL_COPY, INDIVIDUAL_RECORD]
