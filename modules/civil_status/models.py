"""Civil status (état civil, law 36-21): bureaux, officiers' delegations, acts and their marginal mentions.

A signed act is never changed: every later fact is a marginal mention, itself signed. The database enforces it
(triggers in migration 0002), so no code path, admin screen or SQL UPDATE through the application can alter one.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _


class Folded(Func):
    """`public.jamaa_fold(a || ' ' || b ...)`: names folded for fuzzy search (platform_core migration 0001)."""

    function = "public.jamaa_fold"
    template = "%(function)s(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = models.TextField()


class RegistrySettings(models.Model):
    """The commune's civil-status settings (one row): its code, which prefixes its citizen identifiers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    commune_code = models.CharField(_("commune code"), max_length=8, default="000000")

    class Meta:
        verbose_name = _("civil-status settings")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_registry_settings_row")]

    def __str__(self) -> str:
        return self.commune_code

    @classmethod
    def current(cls) -> "RegistrySettings":
        return cls.objects.get_or_create(id=1)[0]


class Bureau(models.Model):
    """A bureau d'état civil: the commune's main bureau or a subsidiary one."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    is_main = models.BooleanField(_("main bureau"), default=False)

    class Meta:
        verbose_name = _("civil-status bureau")
        verbose_name_plural = _("civil-status bureaux")
        constraints = [models.UniqueConstraint(fields=["is_main"], condition=Q(is_main=True), name="one_main_bureau")]

    def __str__(self) -> str:
        return self.name_fr


class Delegation(models.Model):
    """The president's arrêté delegating the officier's functions to a staff member, for a bureau and a period."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations",
                                verbose_name=_("officer"))
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("bureau"))
    capacity_fr = models.CharField(_("capacity (French)"), max_length=200, default="Officier d'état civil délégué")
    capacity_ar = models.CharField(_("capacity (Arabic)"), max_length=200, default="ضابط الحالة المدنية المفوض")
    decree_number = models.CharField(_("arrêté number"), max_length=60)
    decree_date = models.DateField(_("arrêté date"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    specimen_signature = models.FileField(_("specimen signature"), upload_to="civil_status/signatures/", blank=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                                   name="delegation_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.decree_number} · {self.officer}"

    def covers(self, day) -> bool:
        """Whether the delegation is in force on `day` (from its start to its end or revocation, inclusive)."""
        ends = [end for end in (self.valid_until, self.revoked_on) if end]
        return self.valid_from <= day and all(day <= end for end in ends)


class Act(models.Model):
    """A birth or death act. Drafted by an agent, numbered and locked when the officier signs it."""

    class Kind(models.TextChoices):
        BIRTH = "birth", _("Birth")
        DEATH = "death", _("Death")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        ABANDONED = "abandoned", _("Abandoned")

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="acts", verbose_name=_("bureau"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    year = models.PositiveSmallIntegerField(_("register year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("act number"), null=True, blank=True)

    # The person the act is about: the child, or the deceased.
    first_names_ar = models.CharField(_("first names (Arabic)"), max_length=150)
    first_names_latin = models.CharField(_("first names (Latin)"), max_length=150)
    family_name_ar = models.CharField(_("family name (Arabic)"), max_length=150)
    family_name_latin = models.CharField(_("family name (Latin)"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    nationality = models.CharField(_("nationality, if foreign"), max_length=80, blank=True)
    lineage_proof = models.CharField(_("proof of lineage (for a title)"), max_length=255, blank=True)
    citizen_id = models.CharField(_("citizen identifier"), max_length=20, null=True, blank=True, unique=True)

    event_date = models.DateField(_("date of the event"))
    event_time = models.TimeField(_("time of the event"), null=True, blank=True)
    event_hijri = models.CharField(_("Hijri date of the event"), max_length=40)
    event_place_fr = models.CharField(_("place of the event (French)"), max_length=200)
    event_place_ar = models.CharField(_("place of the event (Arabic)"), max_length=200)

    # Each parent: the name in both scripts here (searched), the rest (birth date and place, occupation,
    # address) in the JSON document.
    father_name_ar = models.CharField(_("father's name (Arabic)"), max_length=200, blank=True)
    father_name_latin = models.CharField(_("father's name (Latin)"), max_length=200, blank=True)
    father = models.JSONField(_("father"), default=dict, blank=True)
    mother = models.JSONField(_("mother"), default=dict, blank=True)
    mother_name_ar = models.CharField(_("mother's name (Arabic)"), max_length=200, blank=True)
    mother_name_latin = models.CharField(_("mother's name (Latin)"), max_length=200, blank=True)
    declarant = models.JSONField(_("declarant"), default=dict)
    birth_act = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="death_acts",
                                  verbose_name=_("birth act of the deceased"))

    # Computed by PostgreSQL on every insert (COPY included); searched with trigram indexes.
    name_key = models.GeneratedField(
        expression=Folded("first_names_ar", "family_name_ar", "first_names_latin", "family_name_latin"),
        output_field=models.TextField(), db_persist=True,
    )
    parents_key = models.GeneratedField(
        expression=Folded("father_name_ar", "father_name_latin", "mother_name_ar", "mother_name_latin"),
        output_field=models.TextField(), db_persist=True,
    )

    judgment_court = models.CharField(_("court of the declaratory judgment"), max_length=200, blank=True)
    judgment_number = models.CharField(_("judgment number"), max_length=60, blank=True)
    judgment_date = models.DateField(_("judgment date"), null=True, blank=True)

    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    abandoned_reason = models.CharField(_("reason for abandoning"), max_length=255, blank=True)
    drawn_up_on = models.DateField(_("drawn up on"), null=True, blank=True)
    drawn_up_hijri = models.CharField(_("drawn up on (Hijri)"), max_length=40, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    officer_name = models.CharField(_("officer's name"), max_length=200, blank=True)
    officer_capacity = models.CharField(_("officer's capacity"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("act")
        verbose_name_plural = _("acts")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "kind", "year", "number"], name="one_number_per_register"),
            models.CheckConstraint(
                condition=(Q(status="signed", number__isnull=False, year__isnull=False, signed_at__isnull=False)
                           | (~Q(status="signed") & Q(number__isnull=True))),
                name="number_given_at_signature",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "year", "number"], name="act_register_idx"),
            models.Index(fields=["event_date"], name="act_event_date_idx"),
            # One GIN index for both keys: every typed word, of the person or of a parent, in one index scan.
            GinIndex(OpClass("name_key", name="gin_trgm_ops"), OpClass("parents_key", name="gin_trgm_ops"),
                     name="act_names_trgm_idx"),
        ]
        permissions = [("sign_act", _("Can sign acts and marginal mentions"))]

    def __str__(self) -> str:
        if self.number:
            return f"{self.get_kind_display()} {self.number}/{self.year}"
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class MarginalMention(models.Model):
    """A mention written in the margin of a signed act (marriage, divorce, death, rectification, ...)."""

    class Kind(models.TextChoices):
        MARRIAGE = "marriage", _("Marriage")
        DIVORCE = "divorce", _("Divorce")
        DEATH = "death", _("Death")
        RECTIFICATION_JUDGMENT = "rectification_judgment", _("Rectification by judgment")
        RECTIFICATION_PROSECUTOR = "rectification_prosecutor", _("Rectification by the prosecutor")
        NAME_CHANGE = "name_change", _("Change of name")
        ANNOTATION = "annotation", _("Annotation")

    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="mentions", verbose_name=_("act"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    text_fr = models.TextField(_("text (French)"))
    text_ar = models.TextField(_("text (Arabic)"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    reference = models.CharField(_("reference (court, number, date)"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Act.Status.choices, default=Act.Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("marginal mention")
        verbose_name_plural = _("marginal mentions")
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.act}"


from modules.civil_status.importing.models import (  # noqa: E402, F401
    ActPageImage,
    DeclaredRegister,
    ImportBatch,
    ImportMismatch,
)
