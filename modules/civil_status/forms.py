"""The counter's forms: drafting an act, searching, abandoning, mentions, bureaux and delegations.

Names are typed twice, in Arabic (right to left) and in Latin script (left to right); each input says which.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from modules.civil_status.mentions import TEMPLATES
from modules.civil_status.models import Act, Bureau
from modules.civil_status.selectors import ActSearch

ARABIC = {"dir": "rtl", "lang": "ar"}
LATIN = {"dir": "ltr", "lang": "fr"}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PERSON_DETAILS = ("birth_date", "birth_place", "occupation", "address")


def _text(label, *, script=None, required=True, max_length=200):
    attrs = ARABIC if script == "ar" else LATIN if script == "latin" else {}
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.TextInput(attrs=dict(attrs)))


class ActForm(forms.Form):
    """One form for births and deaths; `kind` decides which sections are shown and required."""

    bureau = forms.ModelChoiceField(label=_("bureau"), queryset=Bureau.objects.order_by("-is_main", "name_fr"),
                                    empty_label=None)
    first_names_ar = _text(_("first names (Arabic)"), script="ar", max_length=150)
    first_names_latin = _text(_("first names (Latin)"), script="latin", max_length=150)
    family_name_ar = _text(_("family name (Arabic)"), script="ar", max_length=150)
    family_name_latin = _text(_("family name (Latin)"), script="latin", max_length=150)
    sex = forms.ChoiceField(label=_("sex"), choices=Act.Sex.choices)
    nationality = _text(_("nationality, if foreign"), required=False, max_length=80)
    lineage_proof = _text(_("proof of lineage (for a title)"), required=False, max_length=255)
    event_date = forms.DateField(label=_("date of the event"), widget=DATE)
    event_time = forms.TimeField(label=_("time of the event"), required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    event_place_ar = _text(_("place of the event (Arabic)"), script="ar")
    event_place_fr = _text(_("place of the event (French)"), script="latin")
    birth_act_citizen_id = _text(_("citizen identifier of the deceased (birth act in this commune)"),
                                 required=False, max_length=20)

    father_name_ar = _text(_("father's name (Arabic)"), script="ar", required=False)
    father_name_latin = _text(_("father's name (Latin)"), script="latin", required=False)
    father_birth_date = forms.DateField(label=_("father's date of birth"), required=False, widget=DATE)
    father_birth_place = _text(_("father's place of birth"), required=False)
    father_occupation = _text(_("father's occupation"), required=False)
    father_address = _text(_("father's address"), required=False)
    mother_name_ar = _text(_("mother's name (Arabic)"), script="ar", required=False)
    mother_name_latin = _text(_("mother's name (Latin)"), script="latin", required=False)
    mother_birth_date = forms.DateField(label=_("mother's date of birth"), required=False, widget=DATE)
    mother_birth_place = _text(_("mother's place of birth"), required=False)
    mother_occupation = _text(_("mother's occupation"), required=False)
    mother_address = _text(_("mother's address"), required=False)

    declarant_name = _text(_("declarant's name"))
    declarant_age = forms.IntegerField(label=_("declarant's age"), min_value=18, max_value=120, required=False)
    declarant_occupation = _text(_("declarant's occupation"), required=False)
    declarant_address = _text(_("declarant's address"), required=False)
    declarant_relation = _text(_("declarant's relation to the person"))

    judgment_court = _text(_("court of the declaratory judgment"), required=False)
    judgment_number = _text(_("judgment number"), required=False, max_length=60)
    judgment_date = forms.DateField(label=_("judgment date"), required=False, widget=DATE)
    abroad = forms.BooleanField(label=_("declared by a Moroccan living abroad (one year's delay)"), required=False)
    confirm_duplicates = forms.BooleanField(
        label=_("I have checked the possible duplicates shown above: this is another person"), required=False)

    SECTIONS = (
        (_("The act"), ("bureau",)),
        (_("The person"), ("first_names_ar", "first_names_latin", "family_name_ar", "family_name_latin", "sex",
                           "nationality", "lineage_proof", "birth_act_citizen_id")),
        (_("The event"), ("event_date", "event_time", "event_place_ar", "event_place_fr")),
        (_("The father"), ("father_name_ar", "father_name_latin", "father_birth_date", "father_birth_place",
                           "father_occupation", "father_address")),
        (_("The mother"), ("mother_name_ar", "mother_name_latin", "mother_birth_date", "mother_birth_place",
                           "mother_occupation", "mother_address")),
        (_("The declarant"), ("declarant_name", "declarant_age", "declarant_occupation", "declarant_address",
                              "declarant_relation")),
        (_("Late declaration"), ("judgment_court", "judgment_number", "judgment_date", "abroad")),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Act.Kind.DEATH:
            for name in ("mother_name_ar", "mother_name_latin"):
                self.fields[name].help_text = _("Optional for a death.")
        else:
            del self.fields["birth_act_citizen_id"]
            for name in ("father_name_ar", "father_name_latin", "mother_name_ar", "mother_name_latin"):
                self.fields[name].required = name.startswith("mother")

    def sections(self):
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in self.SECTIONS]

    def clean_birth_act_citizen_id(self):
        citizen_id = self.cleaned_data.get("birth_act_citizen_id", "").strip()
        if not citizen_id:
            return None
        act = Act.objects.filter(citizen_id=citizen_id, kind=Act.Kind.BIRTH, status=Act.Status.SIGNED).first()
        if act is None:
            raise forms.ValidationError(_("No signed birth act of this commune has this citizen identifier."))
        return act

    def act_data(self) -> dict:
        """The fields of the services' draft_act() / update_draft()."""
        data = self.cleaned_data
        plain = ("first_names_ar", "first_names_latin", "family_name_ar", "family_name_latin", "sex",
                 "nationality", "lineage_proof", "event_date", "event_time", "event_place_ar", "event_place_fr",
                 "father_name_ar", "father_name_latin", "mother_name_ar", "mother_name_latin", "judgment_court",
                 "judgment_number", "judgment_date")
        result = {name: data[name] for name in plain}
        for parent in ("father", "mother"):
            result[parent] = {key: _json(data[f"{parent}_{key}"]) for key in PERSON_DETAILS if data[f"{parent}_{key}"]}
        result["declarant"] = {key: data[f"declarant_{key}"] for key in ("name", "age", "occupation", "address",
                                                                       "relation") if data[f"declarant_{key}"]}
        if self.kind == Act.Kind.DEATH:
            result["birth_act"] = data.get("birth_act_citizen_id")
        return result

    @classmethod
    def initial_from(cls, act: Act) -> dict:
        initial = {field: getattr(act, field) for field in cls.base_fields if hasattr(act, field)}
        initial["bureau"] = act.bureau_id
        for parent in ("father", "mother"):
            for key in PERSON_DETAILS:
                initial[f"{parent}_{key}"] = getattr(act, parent).get(key, "")
        for key in ("name", "age", "occupation", "address", "relation"):
            initial[f"declarant_{key}"] = act.declarant.get(key, "")
        initial["birth_act_citizen_id"] = act.birth_act.citizen_id if act.birth_act_id else ""
        return initial


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


class SearchForm(forms.Form):
    name = forms.CharField(label=_("name (Arabic or Latin script)"), required=False)
    parents = forms.CharField(label=_("a parent's name"), required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=[("", _("all"))] + list(Act.Kind.choices), required=False)
    status = forms.ChoiceField(label=_("status"), choices=list(Act.Status.choices), required=False,
                               initial=Act.Status.SIGNED)
    number = forms.IntegerField(label=_("act number"), min_value=1, required=False)
    year = forms.IntegerField(label=_("register year"), min_value=1900, max_value=2100, required=False)
    event_from = forms.DateField(label=_("event from"), required=False, widget=DATE)
    event_to = forms.DateField(label=_("event to"), required=False, widget=DATE)

    def criteria(self) -> ActSearch:
        data = self.cleaned_data
        return ActSearch(name=data["name"], parents=data["parents"], kind=data["kind"], year=data["year"],
                         number=data["number"], event_from=data["event_from"], event_to=data["event_to"],
                         status=data["status"] or Act.Status.SIGNED)

    def is_blank(self) -> bool:
        return not any(value not in (None, "") for key, value in self.cleaned_data.items() if key != "status")


class AbandonForm(forms.Form):
    reason = forms.CharField(label=_("reason for abandoning"), max_length=255)


class MentionForm(forms.Form):
    """The fields of one kind of mention, then its legal basis; the texts are composed from the template."""

    legal_basis = forms.CharField(label=_("legal basis"), max_length=255)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = TEMPLATES[kind]
        for name, label, field_class in self.template.fields:
            attrs = ARABIC if name.endswith("_ar") else LATIN if name.endswith(("_latin", "_fr")) else {}
            widget = DATE if field_class is forms.DateField else forms.TextInput(attrs=dict(attrs))
            self.fields[name] = field_class(label=label, widget=widget)
        self.fields["legal_basis"].initial = self.template.legal_basis
        self.order_fields([name for name, _label, _field in self.template.fields] + ["legal_basis"])

    def mention_data(self) -> dict:
        values = {name: self.cleaned_data[name] for name, _label, _field in self.template.fields}
        text_fr, text_ar = self.template.compose(values)
        return {"kind": self.template.kind, "text_fr": text_fr, "text_ar": text_ar,
                "legal_basis": self.cleaned_data["legal_basis"], "reference": values.get("reference", "")}


class BureauForm(forms.ModelForm):
    class Meta:
        model = Bureau
        fields = ["code", "name_fr", "name_ar", "is_main"]
        widgets = {"name_ar": forms.TextInput(attrs=dict(ARABIC))}


class DelegationForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("officer"), queryset=get_user_model().objects.none())
    bureau = forms.ModelChoiceField(label=_("bureau"), queryset=Bureau.objects.order_by("-is_main", "name_fr"))
    decree_number = forms.CharField(label=_("arrêté number"), max_length=60)
    decree_date = forms.DateField(label=_("arrêté date"), widget=DATE)
    valid_from = forms.DateField(label=_("valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("valid until"), required=False, widget=DATE)
    specimen_signature = forms.ImageField(label=_("specimen signature"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only staff holding the officier's role can be delegated.
        users = get_user_model().objects.filter(is_active=True, groups__permissions__codename="sign_act")
        self.fields["officer"].queryset = users.distinct().order_by("last_name", "first_name")
        self.fields["officer"].label_from_instance = lambda user: f"{user.get_full_name()} · {user.full_name_ar()}"


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(label=_("revoked on"), widget=DATE)
