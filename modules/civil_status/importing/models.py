"""The historical backlog (reprise de l'historique): files of acts typed from paper registers, their second
entries and mismatches, and the scanned pages attached to the acts they loaded."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One uploaded file of typed acts, checked as a whole and loaded whole or not at all."""

    class Entry(models.TextChoices):
        SINGLE = "single", _("Single entry")
        FIRST = "first", _("First entry (a second one will follow)")
        SECOND = "second", _("Second entry")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be checked")
        VALIDATING = "validating", _("Being checked and loaded")
        FAILED = "failed", _("Refused")
        AWAITING_SECOND = "awaiting_second", _("Checked, waiting for the second entry")
        REVIEW = "review", _("Differences to review")
        IMPORTED = "imported", _("Imported")

    bureau = models.ForeignKey("civil_status.Bureau", on_delete=models.PROTECT, related_name="import_batches",
                               verbose_name=_("bureau"))
    entry = models.CharField(_("entry"), max_length=8, choices=Entry.choices, default=Entry.SINGLE)
    first_batch = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="second_entries", verbose_name=_("first entry"))
    file = models.FileField(_("file"), upload_to="civil_status/imports/")
    file_name = models.CharField(_("file name"), max_length=255)
    images = models.FileField(_("scanned pages (zip)"), upload_to="civil_status/imports/", blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_from = models.GenericIPAddressField(_("uploaded from"), null=True, blank=True)
    language = models.CharField(_("language of the report"), max_length=8, default="ar")
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_refused = models.PositiveIntegerField(_("refused rows"), default=0)
    acts_imported = models.PositiveIntegerField(_("acts imported"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-pk"]
        permissions = [("import_acts", _("Can import acts typed from paper registers"))]
        constraints = [
            models.CheckConstraint(condition=Q(entry="second", first_batch__isnull=False)
                                   | (~Q(entry="second") & Q(first_batch__isnull=True)),
                                   name="second_entry_names_its_first"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.VALIDATING)


class ImportMismatch(models.Model):
    """A cell the two agents typed differently (double saisie); the reviewer settles it before loading."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="mismatches",
                              verbose_name=_("second entry"))
    position = models.PositiveIntegerField(_("row position"))  # 0 for the first act of both files
    line = models.PositiveIntegerField(_("line"))  # as a spreadsheet shows it, in the second file
    column = models.CharField(_("column"), max_length=40)
    first_value = models.TextField(_("first entry"), blank=True)
    second_value = models.TextField(_("second entry"), blank=True)
    resolved_value = models.TextField(_("value kept"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("entry mismatch")
        verbose_name_plural = _("entry mismatches")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["batch", "position", "column"], name="one_mismatch_per_cell")]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.line}/{self.column}"


class ActPageImage(models.Model):
    """A scanned page of the paper register an act was typed from."""

    act = models.ForeignKey("civil_status.Act", on_delete=models.PROTECT, related_name="page_images",
                            verbose_name=_("act"))
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="page_images",
                              verbose_name=_("import batch"))
    image = models.FileField(_("scanned page"), upload_to="civil_status/pages/")
    original_name = models.CharField(_("name in the upload"), max_length=255)

    class Meta:
        verbose_name = _("scanned register page")
        verbose_name_plural = _("scanned register pages")

    def __str__(self) -> str:
        return self.original_name


class DeclaredRegister(models.Model):
    """A paper register the commune declares at onboarding (registre déclaré): the bureau, the kind and year, and
    the acts it holds as counted on paper. The backlog is measured against these counts (onboarding checklist)."""

    class Kind(models.TextChoices):
        # The values of Act.Kind (this module is imported by models.py, so Act cannot be imported here).
        BIRTH = "birth", _("Birth")
        DEATH = "death", _("Death")

    bureau = models.ForeignKey("civil_status.Bureau", on_delete=models.PROTECT, related_name="declared_registers",
                               verbose_name=_("bureau"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("register year"), validators=[MinValueValidator(1900)])
    acts_declared = models.PositiveIntegerField(_("acts in the register (counted on paper)"),
                                                validators=[MinValueValidator(1)])
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("declared register")
        verbose_name_plural = _("declared registers")
        ordering = ["bureau__code", "kind", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "kind", "year"], name="one_declaration_per_register",
                violation_error_message=_("This register is already declared for this bureau: change its count "
                                          "instead.")),
            models.CheckConstraint(condition=Q(acts_declared__gt=0), name="declared_register_holds_acts"),
        ]

    def __str__(self) -> str:
        return f"{self.bureau.code} · {self.get_kind_display()} · {self.year}"
