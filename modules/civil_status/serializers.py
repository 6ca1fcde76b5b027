"""What the civil-status API reads and writes: acts (names in Arabic and Latin script, Gregorian and Hijri dates),
their marginal mentions, the counter's search criteria, and the inputs of the services' actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from modules.civil_status.models import Act, Bureau, MarginalMention
from modules.civil_status.selectors import ActSearch
from modules.civil_status.services import DRAFT_FIELDS


class BureauSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bureau
        fields = ["code", "name_fr", "name_ar", "is_main"]


class PersonDetailsSerializer(serializers.Serializer):
    """A parent's details kept with the act (the name is in the act's own fields, where it is searched)."""

    birth_date = serializers.DateField(required=False)
    birth_place = serializers.CharField(required=False, max_length=200)
    occupation = serializers.CharField(required=False, max_length=200)
    address = serializers.CharField(required=False, max_length=255)

    def to_internal_value(self, data):
        # Stored as JSON: dates as ISO text.
        return {key: value.isoformat() if hasattr(value, "isoformat") else value
                for key, value in super().to_internal_value(data).items()}


class DeclarantSerializer(serializers.Serializer):
    """Who declared the birth or death, and their relation to the person."""

    name = serializers.CharField(max_length=200)
    age = serializers.IntegerField(required=False, min_value=18, max_value=120)
    occupation = serializers.CharField(required=False, max_length=200)
    address = serializers.CharField(required=False, max_length=255)
    relation = serializers.CharField(max_length=100)


@extend_schema_field(PersonDetailsSerializer)
class PersonDetailsField(serializers.JSONField):
    """The stored details as they are (an act typed from a paper register may hold fewer of them)."""


@extend_schema_field(DeclarantSerializer)
class DeclarantField(serializers.JSONField):
    """The stored declarant as it is (an act typed from a paper register may hold fewer details)."""


class MentionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MarginalMention
        fields = ["id", "act", "kind", "status", "text_fr", "text_ar", "legal_basis", "reference", "drafted_at",
                  "signed_at"]
        read_only_fields = fields


SUMMARY_FIELDS = [
    "id", "bureau", "kind", "status", "year", "number", "citizen_id",
    "first_names_ar", "first_names_latin", "family_name_ar", "family_name_latin", "sex",
    "event_date", "event_hijri", "event_place_fr", "event_place_ar",
    "father_name_ar", "father_name_latin", "mother_name_ar", "mother_name_latin",
]


class ActSummarySerializer(serializers.ModelSerializer):
    """An act as a search result lists it."""

    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Act
        fields = SUMMARY_FIELDS
        read_only_fields = fields


class ActSerializer(serializers.ModelSerializer):
    """The whole act, with its marginal mentions (drafts of mentions included, each with its status)."""

    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    father = PersonDetailsField(read_only=True)
    mother = PersonDetailsField(read_only=True)
    declarant = DeclarantField(read_only=True)
    mentions = MentionSerializer(many=True, read_only=True)

    class Meta:
        model = Act
        fields = [
            *SUMMARY_FIELDS, "nationality", "lineage_proof", "event_time", "father", "mother", "declarant",
            "birth_act", "judgment_court", "judgment_number", "judgment_date", "drafted_at", "abandoned_reason",
            "drawn_up_on", "drawn_up_hijri", "officer_name", "officer_capacity", "signed_at", "mentions",
        ]
        read_only_fields = fields


class ActDraftSerializer(serializers.ModelSerializer):
    """A birth or death act as an agent drafts it; the law's rules are checked by the service."""

    bureau = serializers.SlugRelatedField(slug_field="code", queryset=Bureau.objects.all(),
                                          help_text=_("The code of the bureau the act is drawn up in."))
    father = PersonDetailsSerializer(required=False)
    mother = PersonDetailsSerializer(required=False)
    declarant = DeclarantSerializer()
    birth_act = serializers.PrimaryKeyRelatedField(
        queryset=Act.objects.filter(kind=Act.Kind.BIRTH), required=False, allow_null=True,
        help_text=_("For a death: the id of the deceased's signed birth act in this commune, if any."))
    abroad = serializers.BooleanField(
        default=False, help_text=_("Declared by a Moroccan living abroad (one year's delay instead of 30 days)."))
    confirm_duplicates = serializers.BooleanField(
        default=False, help_text=_("Set after checking the possible duplicates a first attempt answered with "
                                   "(409): this is another person."))

    class Meta:
        model = Act
        fields = ["bureau", "kind", *DRAFT_FIELDS, "abroad", "confirm_duplicates"]
        extra_kwargs = {"event_hijri": {"required": False, "allow_blank": True,
                                        "help_text": _("As the officier records it; computed when left out.")}}

    def validate(self, attrs):
        kind = attrs.get("kind", getattr(self.instance, "kind", None))  # a correction (PATCH) keeps its kind
        if attrs.get("birth_act") and kind != Act.Kind.DEATH:
            raise serializers.ValidationError({"birth_act": _("Only a death act refers to a birth act.")})
        return attrs


class SignSerializer(serializers.Serializer):
    abroad = serializers.BooleanField(
        default=False, help_text=_("Declared by a Moroccan living abroad (one year's delay instead of 30 days)."))


class AbandonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class MentionDraftSerializer(serializers.Serializer):
    """A marginal mention as an agent drafts it on a signed act, citing its legal basis."""

    kind = serializers.ChoiceField(choices=MarginalMention.Kind.choices)
    text_fr = serializers.CharField()
    text_ar = serializers.CharField()
    legal_basis = serializers.CharField(max_length=255)
    reference = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)


class ActSearchSerializer(serializers.Serializer):
    """The counter's search criteria, from the query string; every one is optional."""

    name = serializers.CharField(required=False, max_length=200,
                                 help_text=_("The person's names, in Arabic or Latin script (fuzzy)."))
    parents = serializers.CharField(required=False, max_length=200,
                                    help_text=_("A parent's name, in Arabic or Latin script (fuzzy)."))
    kind = serializers.ChoiceField(choices=Act.Kind.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2100,
                                    help_text=_("The register year."))
    number = serializers.IntegerField(required=False, min_value=1, help_text=_("The act number."))
    event_from = serializers.DateField(required=False, help_text=_("Events on or after this date."))
    event_to = serializers.DateField(required=False, help_text=_("Events on or before this date."))
    bureau = serializers.SlugRelatedField(slug_field="code", queryset=Bureau.objects.all(), required=False,
                                          help_text=_("The code of a bureau."))
    status = serializers.ChoiceField(choices=Act.Status.choices, default=Act.Status.SIGNED)

    def to_internal_value(self, data):
        # A mistyped parameter would otherwise be ignored and the search silently widened.
        errors = {name: [_("Unknown search parameter.")] for name in sorted(set(data) - set(self.fields) - {"format"})}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as refused:
            errors.update(refused.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def validate(self, attrs):
        if attrs.get("event_from") and attrs.get("event_to") and attrs["event_from"] > attrs["event_to"]:
            raise serializers.ValidationError({"event_to": _("The end of the period is before its start.")})
        return attrs

    def criteria(self) -> ActSearch:
        data = dict(self.validated_data)
        bureau = data.pop("bureau", None)
        return ActSearch(**data, bureau_id=bureau.pk if bureau else None)
