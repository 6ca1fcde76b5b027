"""What the régie API reads and writes: the tariff catalogue with the version in force, taxpayers and their
taxable items, assessments with what is due today, receipts and receipt books, and the field devices' protocol
(assignment, blocks of numbers, receipts uploaded after working offline)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from modules.regie import tariffs
from modules.regie.models import (
    Assessment,
    DeviceBlock,
    Receipt,
    ReceiptBook,
    Tariff,
    TariffVersion,
    TaxableItem,
    Taxpayer,
)
from modules.regie.services.books import used_count
from modules.regie.services.catalogue import ITEM_FIELDS, TAXPAYER_FIELDS
from modules.regie.services.receipts import Payment, amount_due

BASE_VALUES_HELP = _("The values the tariff's base needs, e.g. {\"area_m2\": \"120\"} or {\"persons\": 2, "
                     "\"nights\": 3}; amounts as strings with a dot before the centimes.")


def person_label(user) -> str | None:
    return user.get_username() if user else None


class ZoneRateSerializer(serializers.Serializer):
    zone = serializers.CharField()
    rate = serializers.DecimalField(max_digits=14, decimal_places=4)


class TariffVersionSerializer(serializers.ModelSerializer):
    """A tariff's amounts from an effective date on, with the rates per zone where the rate depends on the zone."""

    zone_rates = ZoneRateSerializer(many=True, read_only=True)
    base_values = serializers.SerializerMethodField(help_text=_("The names of the values the base needs."))

    class Meta:
        model = TariffVersion
        fields = ["id", "effective_from", "fiscal_order", "base", "base_values", "rate", "zone_rates",
                  "minimum_amount", "exemption_threshold", "penalty_rate", "penalty_monthly_rate", "penalty_minimum",
                  "payment_days"]
        read_only_fields = fields

    def get_base_values(self, version) -> list[str]:
        return list(tariffs.BASE_VALUES[version.base])


def in_force(tariff: Tariff, on=None) -> TariffVersion | None:
    """The version in force on `on` (today), from prefetched versions (newest first)."""
    on = on or timezone.localdate()
    return next((version for version in sorted(tariff.versions.all(), key=lambda v: v.effective_from, reverse=True)
                 if version.effective_from <= on), None)


class TariffSerializer(serializers.ModelSerializer):
    """A tax or fee of the fiscal order, with its version in force today and its earlier and later versions."""

    version_in_force = serializers.SerializerMethodField()
    versions = TariffVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Tariff
        fields = ["id", "code", "name_fr", "name_ar", "kind", "legal_basis", "budget_code", "active",
                  "version_in_force", "versions"]
        read_only_fields = fields

    @extend_schema_field(TariffVersionSerializer(allow_null=True))
    def get_version_in_force(self, tariff):
        version = in_force(tariff)
        return TariffVersionSerializer(version).data if version else None


class QuoteSerializer(serializers.Serializer):
    """What to compute a tariff's amount from."""

    base_values = serializers.DictField(required=False, default=dict, help_text=BASE_VALUES_HELP)
    zone = serializers.SlugField(required=False, allow_blank=True, default="",
                                 help_text=_("The zone, where the tariff sets a rate per zone."))
    item = serializers.PrimaryKeyRelatedField(
        queryset=TaxableItem.objects.all(), required=False, allow_null=True,
        help_text=_("A taxable item whose zone and area are used (the values given win)."))
    on = serializers.DateField(required=False, allow_null=True,
                               help_text=_("The date whose version applies (today by default)."))


class QuoteResultSerializer(serializers.Serializer):
    tariff = serializers.CharField()
    version = serializers.IntegerField()
    effective_from = serializers.DateField()
    rate = serializers.DecimalField(max_digits=14, decimal_places=4)
    base_values = serializers.DictField(child=serializers.CharField())
    exempt = serializers.BooleanField()
    principal = serializers.DecimalField(max_digits=14, decimal_places=2)


class TaxpayerSerializer(serializers.ModelSerializer):
    """A person or company that owes the commune taxes or fees; the service validates (CIN, ICE, phone)."""

    class Meta:
        model = Taxpayer
        fields = ["id", *TAXPAYER_FIELDS, "created_at"]
        read_only_fields = ["id", "created_at"]
        # Uniqueness (CIN, ICE) is the service's to check (full_clean), with the model's messages.
        validators = []


class TaxableItemSerializer(serializers.ModelSerializer):
    """What a tax is assessed on; `tariff` is the tariff's code, `collector` the field collector's username."""

    tariff = serializers.SlugRelatedField(slug_field="code", queryset=Tariff.objects.all(), required=False,
                                          allow_null=True)
    collector = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all(),
                                             required=False, allow_null=True)

    class Meta:
        model = TaxableItem
        fields = ["id", *ITEM_FIELDS]
        read_only_fields = ["id"]
        validators = []
        extra_kwargs = {"reference": {"validators": []}}


class TaxpayerDetailSerializer(TaxpayerSerializer):
    items = TaxableItemSerializer(many=True, read_only=True)

    class Meta(TaxpayerSerializer.Meta):
        fields = [*TaxpayerSerializer.Meta.fields, "items"]


class AssessmentSerializer(serializers.ModelSerializer):
    """An ordre de recette with what remains due today (the penalty runs on what remains of the principal)."""

    reference = serializers.CharField(read_only=True)
    tariff = serializers.CharField(source="tariff_version.tariff.code", read_only=True)
    issued_by = serializers.SerializerMethodField()
    principal_due = serializers.SerializerMethodField()
    penalty_due = serializers.SerializerMethodField()
    amount_due = serializers.SerializerMethodField(help_text=_("Principal and penalty due today."))

    class Meta:
        model = Assessment
        fields = ["id", "reference", "year", "number", "status", "taxpayer", "payer_name", "item", "tariff",
                  "tariff_version", "period", "base_values", "principal", "principal_paid", "penalty_paid",
                  "principal_due", "penalty_due", "amount_due", "due_date", "issued_at", "issued_by", "source",
                  "source_reference", "cancellation_reason", "cancellation_requested_at", "cancelled_at"]
        read_only_fields = fields

    def _due(self, assessment):
        if assessment.status in (Assessment.Status.CANCELLED, Assessment.Status.PAID):
            zero = assessment.principal - assessment.principal
            return zero, zero
        cache = self.context.setdefault("due", {})
        if assessment.pk not in cache:
            cache[assessment.pk] = amount_due(assessment, timezone.localdate())
        return cache[assessment.pk]

    def get_issued_by(self, assessment) -> str | None:
        return person_label(assessment.issued_by)

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_principal_due(self, assessment):
        return str(self._due(assessment)[0])

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_penalty_due(self, assessment):
        return str(self._due(assessment)[1])

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_amount_due(self, assessment):
        principal, penalty = self._due(assessment)
        return str(principal + penalty)


class AssessmentFilterSerializer(serializers.Serializer):
    """Filters of the assessments list."""

    status = serializers.ChoiceField(choices=Assessment.Status.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    taxpayer = serializers.IntegerField(required=False, min_value=1)
    item = serializers.IntegerField(required=False, min_value=1)
    tariff = serializers.SlugField(required=False, help_text=_("A tariff's code."))
    reference = serializers.CharField(required=False, help_text=_("OR-2026-000012, 2026-12 or 12."))
    payer = serializers.CharField(required=False, help_text=_("Part of the payer's name."))
    cancellation_requested = serializers.BooleanField(required=False, allow_null=True, default=None,
                                                      help_text=_("Only those awaiting the ordonnateur's decision."))


class AssessmentCreateSerializer(serializers.Serializer):
    """An assessment to issue from the tariff in force: for a taxpayer (and one of their items) or a payer's name."""

    tariff = serializers.SlugRelatedField(slug_field="code", queryset=Tariff.objects.all())
    base_values = serializers.DictField(required=False, default=dict, help_text=BASE_VALUES_HELP)
    taxpayer = serializers.PrimaryKeyRelatedField(queryset=Taxpayer.objects.all(), required=False, allow_null=True)
    item = serializers.PrimaryKeyRelatedField(queryset=TaxableItem.objects.all(), required=False, allow_null=True)
    payer_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    period = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReceiptSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    book_label = serializers.CharField(source="book.label", read_only=True)
    cashier = serializers.SerializerMethodField()
    voided_by = serializers.SerializerMethodField()
    tariff = serializers.SerializerMethodField()
    assessment_reference = serializers.SerializerMethodField()
    cash_day = serializers.DateField(source="cash_day.day", read_only=True)

    class Meta:
        model = Receipt
        fields = ["id", "reference", "book", "book_label", "number", "status", "cash_day", "cashier", "issued_at",
                  "collected_at", "taxpayer", "payer_name", "assessment", "assessment_reference", "item", "tariff",
                  "tariff_version", "base_values", "principal", "penalty", "amount", "method", "method_reference",
                  "void_reason", "voided_at", "voided_by", "device_block", "idempotency_key"]
        read_only_fields = fields

    def get_cashier(self, receipt) -> str | None:
        return person_label(receipt.cashier)

    def get_voided_by(self, receipt) -> str | None:
        return person_label(receipt.voided_by)

    def get_tariff(self, receipt) -> str | None:
        return receipt.tariff_version.tariff.code if receipt.tariff_version_id else None

    def get_assessment_reference(self, receipt) -> str | None:
        return receipt.assessment.reference if receipt.assessment_id else None


class ReceiptFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Receipt.Status.choices, required=False)
    book = serializers.IntegerField(required=False, min_value=1)
    day = serializers.DateField(required=False, help_text=_("The cash day."))
    cashier = serializers.CharField(required=False, help_text=_("The cashier's username."))
    assessment = serializers.IntegerField(required=False, min_value=1)
    taxpayer = serializers.IntegerField(required=False, min_value=1)


class PaymentSerializer(serializers.Serializer):
    """What a receipt is for: an assessment (all that is due today unless `amount` says less), or a tariff and
    its base values."""

    assessment = serializers.PrimaryKeyRelatedField(queryset=Assessment.objects.all(), required=False,
                                                    allow_null=True)
    tariff = serializers.SlugRelatedField(slug_field="code", queryset=Tariff.objects.all(), required=False,
                                          allow_null=True)
    base_values = serializers.DictField(required=False, default=dict, help_text=BASE_VALUES_HELP)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False,
                                      allow_null=True)
    taxpayer = serializers.PrimaryKeyRelatedField(queryset=Taxpayer.objects.all(), required=False, allow_null=True)
    item = serializers.PrimaryKeyRelatedField(queryset=TaxableItem.objects.all(), required=False, allow_null=True)
    payer_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    method = serializers.ChoiceField(choices=Receipt.Method.choices, default=Receipt.Method.CASH)
    method_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)

    def validate(self, attrs):
        if not attrs.get("assessment") and not attrs.get("tariff"):
            raise serializers.ValidationError(_("Say what is paid: an assessment or a tariff."))
        if attrs.get("assessment") and attrs.get("tariff"):
            raise serializers.ValidationError(_("Give an assessment or a tariff, not both."))
        return attrs

    def payment(self) -> Payment:
        data = self.validated_data
        return Payment(assessment=data.get("assessment"), tariff=data.get("tariff"),
                       base_values=data.get("base_values") or {}, amount=data.get("amount"),
                       taxpayer=data.get("taxpayer"), item=data.get("item"), payer_name=data.get("payer_name", ""),
                       method=data["method"], method_reference=data.get("method_reference", ""))


class CounterReceiptSerializer(PaymentSerializer):
    book = serializers.PrimaryKeyRelatedField(
        queryset=ReceiptBook.objects.all(), required=False, allow_null=True,
        help_text=_("One of the cashier's counter books (the current one by default)."))


class ReceiptBookSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    holder = serializers.SerializerMethodField()
    size = serializers.IntegerField(read_only=True)
    numbers_used = serializers.SerializerMethodField(
        help_text=_("Numbers taken so far, by receipts at the counter or by blocks sent to devices."))

    class Meta:
        model = ReceiptBook
        fields = ["id", "label", "series", "year", "serial", "first_number", "last_number", "size", "use", "status",
                  "holder", "numbers_used", "created_at", "issued_at", "returned_at"]
        read_only_fields = fields

    def get_holder(self, book) -> str | None:
        return person_label(book.holder)

    def get_numbers_used(self, book) -> int:
        return used_count(book)


# --- Field collection ----------------------------------------------------------------------------------------


class DeviceBlockSerializer(serializers.ModelSerializer):
    book_label = serializers.CharField(source="book.label", read_only=True)
    series = serializers.CharField(source="book.series", read_only=True)
    year = serializers.IntegerField(source="book.year", read_only=True)

    class Meta:
        model = DeviceBlock
        fields = ["id", "book", "book_label", "series", "year", "device_id", "first_number", "last_number",
                  "issued_at"]
        read_only_fields = fields


class BlockRequestSerializer(serializers.Serializer):
    device_id = serializers.CharField(max_length=80, help_text=_("The device's own identifier."))
    count = serializers.IntegerField(min_value=1, help_text=_("How many numbers the device wants."))


class UploadSerializer(PaymentSerializer):
    """One receipt written offline. `amount` is what the device printed: it must be what is due."""

    idempotency_key = serializers.CharField(
        min_length=8, max_length=80,
        help_text=_("Made by the device for this receipt (a UUID), sent unchanged on every retry."))
    device_id = serializers.CharField(max_length=80)
    book = serializers.IntegerField(min_value=1, help_text=_("The id of the book of the block the number is from."))
    number = serializers.IntegerField(min_value=1)
    collected_at = serializers.DateTimeField(help_text=_("When the money was received, with its time zone."))
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                      help_text=_("The amount printed on the receipt."))


class AssignedItemSerializer(TaxableItemSerializer):
    """An item as the device needs it offline: its taxpayer, its tariff with the version in force and its rates,
    and its open assessments with what is due today."""

    taxpayer = TaxpayerSerializer(read_only=True)
    tariff = TariffSerializer(read_only=True)
    open_assessments = AssessmentSerializer(many=True, read_only=True)

    class Meta(TaxableItemSerializer.Meta):
        fields = [*TaxableItemSerializer.Meta.fields, "open_assessments"]
        read_only_fields = fields


class OpenBlockSerializer(DeviceBlockSerializer):
    unused_numbers = serializers.ListField(child=serializers.IntegerField(), read_only=True,
                                           help_text=_("The block's numbers with no receipt uploaded yet."))

    class Meta(DeviceBlockSerializer.Meta):
        fields = [*DeviceBlockSerializer.Meta.fields, "unused_numbers"]
        read_only_fields = fields


class AssignmentSerializer(serializers.Serializer):
    collector = serializers.CharField(source="collector.username")
    generated_at = serializers.DateTimeField()
    items = AssignedItemSerializer(many=True)
    tariffs = TariffSerializer(many=True, help_text=_("The tariffs in use, for fees without an assessment."))
    blocks = OpenBlockSerializer(many=True, help_text=_("The collector's blocks on books still in hand, with their "
                                                        "numbers not yet uploaded."))


class UploadResultSerializer(serializers.Serializer):
    """One item of a batch upload, in the order sent."""

    index = serializers.IntegerField()
    idempotency_key = serializers.CharField(allow_null=True)
    result = serializers.ChoiceField(choices=["created", "replayed", "error"])
    status = serializers.IntegerField(help_text=_("The HTTP status this item would have answered alone."))
    receipt = ReceiptSerializer(required=False)
    errors = serializers.DictField(required=False)
