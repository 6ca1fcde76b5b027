"""Revenue collection (régie de recettes, law 47-06 as amended by law 14-25).

The commune's fiscal order (arrêté fiscal) fixes its taxes and fees: `Tariff` and its dated `TariffVersion`s.
The ordonnateur issues assessments (ordres de recette) against taxpayers and their taxable items; the régisseur
and the field collectors collect on numbered receipt books (quittanciers à souches), each receipt numbered with
no gap inside its book. A mistaken receipt is voided, kept and listed; each cashier's day is closed by counting
the cash, and its takings go to the Trésorerie with a bordereau de versement.

Public-accounting rules the database enforces itself (triggers in migration 0002): receipts are never deleted,
a receipt is only ever changed from valid to voided, and nothing changes on a closed cash day.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


def money(verbose_name, **options):
    """A non-negative amount in dirhams with two places."""
    options.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2,
                               validators=[MinValueValidator(ZERO)], **options)


class BudgetLine(models.Model):
    """A revenue line of the commune's budget for a year, with its forecast (prévision)."""

    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("budget code"), max_length=30)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_ar = models.CharField(_("label (Arabic)"), max_length=200)
    forecast = money(_("forecast"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "code"]
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="one_budget_line_per_code_year")]

    def __str__(self) -> str:
        return f"{self.code} {self.label_fr} ({self.year})"


class Tariff(models.Model):
    """A tax or fee of the fiscal order, e.g. the tax on unbuilt urban land; its amounts live in its versions."""

    class Kind(models.TextChoices):
        TAX = "tax", _("tax")
        FEE = "fee", _("fee for a paper or service")
        OCCUPATION = "occupation", _("fee for occupying public land")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FEE)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    budget_code = models.CharField(_("budget code"), max_length=30, blank=True,
                                   help_text=_("The budget line its takings are counted on."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name_fr}"


class TariffVersion(models.Model):
    """The amounts of a tariff from an effective date on, as the fiscal order set them."""

    class Base(models.TextChoices):
        FLAT = "flat", _("fixed amount (per unit)")
        AREA = "area", _("rate per m²")
        TAKINGS = "takings", _("percentage of takings")
        PERSON_NIGHTS = "person_nights", _("rate per person and night")
        AREA_QUARTERS = "area_quarters", _("rate per m² and quarter")

    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="versions", verbose_name=_("tariff"))
    effective_from = models.DateField(_("effective from"))
    fiscal_order = models.CharField(_("fiscal order reference"), max_length=120, blank=True)
    base = models.CharField(_("base"), max_length=20, choices=Base.choices, default=Base.FLAT)
    rate = models.DecimalField(_("rate"), max_digits=14, decimal_places=4, validators=[MinValueValidator(0)],
                               help_text=_("The amount per unit, or the percentage for takings."))
    minimum_amount = money(_("minimum amount"))
    exemption_threshold = money(_("exemption threshold"),
                                help_text=_("A computed amount below this is not collected."))
    penalty_rate = models.DecimalField(_("penalty for the first month late (%)"), max_digits=6, decimal_places=2,
                                       default=Decimal("0"), validators=[MinValueValidator(0)])
    penalty_monthly_rate = models.DecimalField(_("penalty per further month late (%)"), max_digits=6,
                                               decimal_places=2, default=Decimal("0"),
                                               validators=[MinValueValidator(0)])
    penalty_minimum = money(_("minimum penalty"))
    payment_days = models.PositiveSmallIntegerField(_("days to pay"), default=30)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tariff version")
        verbose_name_plural = _("tariff versions")
        ordering = ["tariff", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["tariff", "effective_from"], name="one_tariff_version_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.tariff.code} @ {self.effective_from}"


class ZoneRate(models.Model):
    """A rate that depends on the item's zone (the tax on unbuilt urban land is set per zone)."""

    version = models.ForeignKey(TariffVersion, on_delete=models.CASCADE, related_name="zone_rates",
                                verbose_name=_("tariff version"))
    zone = models.SlugField(_("zone"), max_length=40)
    rate = models.DecimalField(_("rate"), max_digits=14, decimal_places=4, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("zone rate")
        verbose_name_plural = _("zone rates")
        constraints = [models.UniqueConstraint(fields=["version", "zone"], name="one_rate_per_zone")]

    def __str__(self) -> str:
        return f"{self.zone}: {self.rate}"


ice_validator = RegexValidator(r"^\d{15}$", _("An ICE has exactly 15 digits."))
cin_validator = RegexValidator(r"^[A-Za-z]{1,2}\d{1,7}$", _("A CIN is one or two letters followed by digits."))
phone_validator = RegexValidator(r"^\+?[\d ]{9,20}$", _("Write the phone number with digits, e.g. 0612345678."))


class Taxpayer(models.Model):
    """A person or a company that owes the commune taxes or fees (redevable)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        COMPANY = "company", _("company")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_latin = models.CharField(_("name (Latin script)"), max_length=200)
    cin = models.CharField(_("CIN"), max_length=10, blank=True, validators=[cin_validator])
    rc = models.CharField(_("trade register (RC)"), max_length=30, blank=True)
    ice = models.CharField(_("ICE"), max_length=15, blank=True, validators=[ice_validator])
    tax_id = models.CharField(_("tax identifier (IF)"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("taxpayer")
        verbose_name_plural = _("taxpayers")
        ordering = ["name_latin"]
        constraints = [
            models.UniqueConstraint(fields=["cin"], condition=~Q(cin=""), name="one_taxpayer_per_cin"),
            models.UniqueConstraint(fields=["ice"], condition=~Q(ice=""), name="one_taxpayer_per_ice"),
        ]

    def __str__(self) -> str:
        return f"{self.name_latin} / {self.name_ar}"


class TaxableItem(models.Model):
    """What a tax is assessed on: a parcel, an establishment, an occupation of public land, a sign."""

    class Kind(models.TextChoices):
        PARCEL = "parcel", _("unbuilt urban parcel")
        ESTABLISHMENT = "establishment", _("establishment")
        OCCUPATION = "occupation", _("occupation of public land")
        SIGN = "sign", _("sign")

    taxpayer = models.ForeignKey(Taxpayer, on_delete=models.PROTECT, related_name="items",
                                 verbose_name=_("taxpayer"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=60, unique=True,
                                 help_text=_("Land title, licence or permit number."))
    label = models.CharField(_("description"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    zone = models.SlugField(_("zone"), max_length=40, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(0)])
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, null=True, blank=True, related_name="items",
                               verbose_name=_("tariff"))
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="assigned_items", verbose_name=_("field collector"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("taxable item")
        verbose_name_plural = _("taxable items")
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} — {self.label}"


class Assessment(models.Model):
    """An ordre de recette: what a taxpayer owes for a tariff and a period, computed from the version in force."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("issued")
        PARTLY_PAID = "partly_paid", _("partly paid")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    access_key = models.CharField(_("access key"), max_length=16)
    taxpayer = models.ForeignKey(Taxpayer, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assessments", verbose_name=_("taxpayer"))
    payer_name = models.CharField(_("payer"), max_length=200, blank=True,
                                  help_text=_("Who pays, when they are not a registered taxpayer."))
    item = models.ForeignKey(TaxableItem, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="assessments", verbose_name=_("taxable item"))
    tariff_version = models.ForeignKey(TariffVersion, on_delete=models.PROTECT, related_name="assessments",
                                       verbose_name=_("tariff version"))
    period = models.CharField(_("period"), max_length=20, blank=True)
    base_values = models.JSONField(_("base"), default=dict, blank=True)
    principal = money(_("principal"))
    principal_paid = money(_("principal paid"))
    penalty_paid = money(_("penalties paid"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    # Another module's request that this fee pays for (e.g. "civil_status.paper", "PAP-2026-12").
    source = models.CharField(_("source"), max_length=60, blank=True)
    source_reference = models.CharField(_("source reference"), max_length=80, blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    cancellation_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                                  blank=True, related_name="+",
                                                  verbose_name=_("cancellation requested by"))
    cancellation_requested_at = models.DateTimeField(_("cancellation requested at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("cancellation approved by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-year", "-number"]
        permissions = [("approve_cancellation", _("Can approve the cancellation of an assessment"))]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="one_assessment_per_number_year"),
            models.CheckConstraint(condition=Q(principal_paid__lte=F("principal")),
                                   name="assessment_not_overpaid"),
            models.CheckConstraint(condition=~Q(status="cancelled") | ~Q(cancellation_reason=""),
                                   name="cancelled_assessment_has_reason"),
        ]
        indexes = [models.Index(fields=["source", "source_reference"], name="assessment_source")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"OR-{self.year}-{self.number:06d}"

    @property
    def principal_due(self) -> Decimal:
        return self.principal - self.principal_paid


class ReceiptBook(models.Model):
    """A quittancier à souches: a numbered range of receipts handed to one cashier at a time.

    Its numbers come from the series' gap-free sequence at creation, so two books of a series never overlap.
    """

    class Use(models.TextChoices):
        COUNTER = "counter", _("counter")
        FIELD = "field", _("field collection")

    class Status(models.TextChoices):
        IN_STOCK = "in_stock", _("in stock")
        ISSUED = "issued", _("issued")
        IN_USE = "in_use", _("in use")
        RETURNED = "returned", _("returned")
        CHECKED = "checked", _("checked")

    series = models.CharField(_("series"), max_length=10, validators=[RegexValidator(r"^[A-Z]{1,10}$")])
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("book number"))
    first_number = models.PositiveIntegerField(_("first receipt number"))
    last_number = models.PositiveIntegerField(_("last receipt number"))
    use = models.CharField(_("use"), max_length=10, choices=Use.choices, default=Use.COUNTER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_STOCK)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="receipt_books", verbose_name=_("holder"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt book")
        verbose_name_plural = _("receipt books")
        ordering = ["-year", "series", "serial"]
        permissions = [("manage_receipt_books", _("Can issue, take back and check receipt books"))]
        constraints = [
            models.UniqueConstraint(fields=["series", "year", "serial"], name="one_book_per_serial"),
            models.CheckConstraint(condition=Q(last_number__gte=F("first_number")), name="book_range_in_order"),
            models.CheckConstraint(condition=Q(holder__isnull=True) | ~Q(status="in_stock"),
                                   name="book_in_stock_has_no_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}-{self.serial:03d} ({self.first_number}–{self.last_number})"

    @property
    def label(self) -> str:
        return f"{self.series}-{self.year}-{self.serial:03d}"

    @property
    def size(self) -> int:
        return self.last_number - self.first_number + 1

    @property
    def number_series(self) -> str:
        """The numbering service's series of this book's receipts."""
        return f"regie.book.{self.pk}"


class BookMovement(models.Model):
    """A line of the receipt-book stock ledger (append-only): received, issued, block, returned, checked."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("received in stock")
        ISSUED = "issued", _("issued to a cashier")
        DEVICE_BLOCK = "device_block", _("numbers sent to a device")
        RETURNED = "returned", _("returned")
        CHECKED = "checked", _("checked")

    book = models.ForeignKey(ReceiptBook, on_delete=models.PROTECT, related_name="movements",
                             verbose_name=_("receipt book"))
    kind = models.CharField(_("movement"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                           verbose_name=_("by"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("holder"))
    first_number = models.PositiveIntegerField(_("from number"), null=True, blank=True)
    last_number = models.PositiveIntegerField(_("to number"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("receipt-book movement")
        verbose_name_plural = _("receipt-book movements")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.book.label} {self.kind} {self.at:%Y-%m-%d}"


class DeviceBlock(models.Model):
    """Receipt numbers of a field book reserved for one collector's device, used offline and uploaded later."""

    book = models.ForeignKey(ReceiptBook, on_delete=models.PROTECT, related_name="device_blocks",
                             verbose_name=_("receipt book"))
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("field collector"))
    device_id = models.CharField(_("device"), max_length=80)
    first_number = models.PositiveIntegerField(_("first number"))
    last_number = models.PositiveIntegerField(_("last number"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("device block")
        verbose_name_plural = _("device blocks")
        constraints = [
            models.CheckConstraint(condition=Q(last_number__gte=F("first_number")), name="block_range_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.book.label} {self.first_number}–{self.last_number} ({self.device_id})"


class CashDay(models.Model):
    """A cashier's day (journée de caisse): open while receipts are issued, closed by counting the cash."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    cashier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cash_days",
                                verbose_name=_("cashier"))
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    system_cash = money(_("cash according to the receipts"))
    system_other = money(_("cheques and transfers according to the receipts"))
    counted_cash = money(_("cash counted"), null=True, blank=True)
    # The count by notes and coins when the cashier gave one: {"200": 3, "0.50": 4}; kept for the audit of the till.
    cash_count = models.JSONField(_("cash counted by notes and coins"), default=dict, blank=True)
    variance = models.DecimalField(_("variance"), max_digits=14, decimal_places=2, null=True, blank=True)
    variance_explanation = models.TextField(_("explanation of the variance"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))

    class Meta:
        verbose_name = _("cash day")
        verbose_name_plural = _("cash days")
        ordering = ["-day", "cashier"]
        permissions = [("close_cashday", _("Can close a cash day"))]
        constraints = [
            models.UniqueConstraint(fields=["cashier", "day"], name="one_cash_day_per_cashier"),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(counted_cash__isnull=False) & Q(variance__isnull=False)
                                              & Q(closed_at__isnull=False)),
                name="closed_day_is_counted"),
            models.CheckConstraint(condition=Q(variance=0) | Q(variance__isnull=True) | ~Q(variance_explanation=""),
                                   name="variance_is_explained"),
        ]

    def __str__(self) -> str:
        return f"{self.cashier} {self.day}"


class Receipt(models.Model):
    """A quittance: money received, numbered with no gap inside its book; voided receipts keep their number."""

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        VOIDED = "voided", _("voided")

    class Method(models.TextChoices):
        CASH = "cash", _("cash")
        CHEQUE = "cheque", _("cheque")
        TRANSFER = "transfer", _("card or transfer")

    book = models.ForeignKey(ReceiptBook, on_delete=models.PROTECT, related_name="receipts",
                             verbose_name=_("receipt book"))
    number = models.PositiveIntegerField(_("number"))
    cash_day = models.ForeignKey(CashDay, on_delete=models.PROTECT, related_name="receipts",
                                 verbose_name=_("cash day"))
    cashier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("cashier"))
    issued_at = models.DateTimeField(_("issued at"))
    collected_at = models.DateTimeField(_("collected at"), help_text=_("When the money was received (offline "
                                                                       "devices upload later)."))
    taxpayer = models.ForeignKey(Taxpayer, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="receipts", verbose_name=_("taxpayer"))
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="receipts", verbose_name=_("assessment"))
    item = models.ForeignKey(TaxableItem, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="receipts", verbose_name=_("taxable item"))
    # Empty only on a spoiled stub: a number voided unused so that the book can be returned.
    tariff_version = models.ForeignKey(TariffVersion, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="receipts", verbose_name=_("tariff version"))
    base_values = models.JSONField(_("base"), default=dict, blank=True)
    principal = money(_("principal"))
    penalty = money(_("penalty"))
    amount = money(_("amount"))
    method = models.CharField(_("payment method"), max_length=10, choices=Method.choices, default=Method.CASH)
    method_reference = models.CharField(_("cheque or transfer number"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("voided by"))
    device_block = models.ForeignKey(DeviceBlock, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="receipts", verbose_name=_("device block"))
    idempotency_key = models.CharField(_("upload key"), max_length=80, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["book", "number"]
        permissions = [("void_receipt", _("Can void a receipt")),
                       ("collect_in_field", _("Can collect in the field from a device"))]
        constraints = [
            models.UniqueConstraint(fields=["book", "number"], name="one_receipt_per_book_number"),
            models.CheckConstraint(condition=Q(amount=F("principal") + F("penalty")),
                                   name="receipt_amount_adds_up"),
            models.CheckConstraint(condition=Q(status="valid") | ~Q(void_reason=""),
                                   name="voided_receipt_has_reason"),
        ]
        indexes = [models.Index(fields=["cash_day", "status"], name="receipt_day_status")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.book.series}-{self.book.year}/{self.number:06d}"


class Remittance(models.Model):
    """A bordereau de versement: a closed day's takings handed to the Trésorerie, numbered per year."""

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    cash_day = models.OneToOneField(CashDay, on_delete=models.PROTECT, related_name="remittance",
                                    verbose_name=_("cash day"))
    cash = money(_("cash"))
    other = money(_("cheques and transfers"))
    amount = money(_("amount"))
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("prepared by"))

    class Meta:
        verbose_name = _("remittance slip")
        verbose_name_plural = _("remittance slips")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="one_remittance_per_number_year"),
            models.CheckConstraint(condition=Q(amount=F("cash") + F("other")), name="remittance_adds_up"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"BV-{self.year}-{self.number:05d}"


class AnnualCheck(models.Model):
    """The ordonnateur's yearly check of the receipt-book stock (vérification annuelle des quittanciers)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    performed_at = models.DateTimeField(_("performed at"), auto_now_add=True)
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("performed by"))
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        verbose_name = _("annual check of receipt books")
        verbose_name_plural = _("annual checks of receipt books")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class BookCheck(models.Model):
    """One book as the annual check found it: its numbers as the system counts them, and whether it was shown."""

    check_run = models.ForeignKey(AnnualCheck, on_delete=models.PROTECT, related_name="books",
                                  verbose_name=_("annual check"))
    book = models.ForeignKey(ReceiptBook, on_delete=models.PROTECT, related_name="checks",
                             verbose_name=_("receipt book"))
    status_in_system = models.CharField(_("status in the system"), max_length=10,
                                        choices=ReceiptBook.Status.choices)
    holder_label = models.CharField(_("holder"), max_length=200, blank=True)
    valid_count = models.PositiveIntegerField(_("valid receipts"))
    voided_count = models.PositiveIntegerField(_("voided receipts"))
    unused_count = models.PositiveIntegerField(_("unused numbers"))
    presented = models.BooleanField(_("book presented"))
    remark = models.TextField(_("remark"), blank=True)

    class Meta:
        verbose_name = _("book checked")
        verbose_name_plural = _("books checked")
        constraints = [models.UniqueConstraint(fields=["check_run", "book"], name="one_line_per_book_and_check"),
                       models.CheckConstraint(condition=Q(presented=True) | ~Q(remark=""),
                                              name="missing_book_has_remark")]

    def __str__(self) -> str:
        return f"{self.check_run.year}: {self.book.label}"
