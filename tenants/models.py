"""The control plane, in the public schema: communes, their domains and their module subscriptions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from platform_core.locale import is_arabic


class Commune(TenantMixin):
    """A commune (جماعة) hosted on the platform; its data lives in the PostgreSQL schema named after its slug."""

    class Kind(models.TextChoices):
        PRODUCTION = "production", _("Production")
        TRAINING = "training", _("Training")
        TEMPLATE = "template", _("Template")

    class Status(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding")
        LIVE = "live", _("Live")
        SUSPENDED = "suspended", _("Suspended")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    region = models.CharField(_("region"), max_length=120, blank=True)
    province = models.CharField(_("province or prefecture"), max_length=120, blank=True)
    province_ar = models.CharField(_("province or prefecture (Arabic)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRODUCTION)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ONBOARDING)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address_fr = models.CharField(_("address (French)"), max_length=255, blank=True)
    address_ar = models.CharField(_("address (Arabic)"), max_length=255, blank=True)
    recipe_name = models.CharField(_("recipe"), max_length=120, blank=True)
    recipe_digest = models.CharField(_("recipe digest"), max_length=64, blank=True)
    # Training sandboxes only: the last day of the training, and the schema holding the state a reset restores.
    training_ends_on = models.DateField(_("training ends on"), null=True, blank=True)
    snapshot_schema = models.CharField(_("snapshot schema"), max_length=63, blank=True)
    live_since = models.DateTimeField(_("live since"), null=True, blank=True)
    # Storage used, measured by a staggered daily task (or on demand from the console): sizing every relation of
    # hundreds of schemas each time the console's list is shown would cost seconds.
    database_bytes = models.BigIntegerField(_("database (bytes)"), null=True, blank=True)
    files_bytes = models.BigIntegerField(_("files (bytes)"), null=True, blank=True)
    storage_measured_at = models.DateTimeField(_("storage measured at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Schemas are made by the provisioning service (a clone of the template), never implicitly on save.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["slug"]
        permissions = [
            ("operate_communes", _("Can operate communes from the console")),
            ("run_trainings", _("Can create and reset training sandboxes")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="template") | models.Q(status="live"),
                name="template_commune_is_live",
            )
        ]

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        return self.name_ar if is_arabic(language) else self.name_fr

    def province_name(self, language: str | None = None) -> str:
        return (self.province_ar or self.province) if is_arabic(language) else (self.province or self.province_ar)

    @property
    def is_training(self) -> bool:
        return self.kind == self.Kind.TRAINING

    @property
    def is_template(self) -> bool:
        return self.kind == self.Kind.TEMPLATE

    @staticmethod
    def schema_name_for(slug: str) -> str:
        return slug.replace("-", "_")


class Domain(DomainMixin):
    """A hostname that routes to a commune, e.g. sefrou.jamaa.ma."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain


class Subscription(models.Model):
    """A commune's subscription to a pluggable module; inactive means switched off, history kept."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="subscriptions")
    module_key = models.CharField(_("module"), max_length=60)
    active = models.BooleanField(_("active"), default=True)
    since = models.DateTimeField(_("since"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [models.UniqueConstraint(fields=["commune", "module_key"], name="one_subscription_per_module")]

    def __str__(self) -> str:
        return f"{self.commune.slug}:{self.module_key}"


class SupportSession(models.Model):
    """An operator's time-limited entry into a commune's back office, with the reason given (accès support).

    Kept in the public schema for the operators and mirrored in the commune's own audit journal, so the
    commune's administrator sees every session. Never deleted; it ends when it expires or is closed.
    """

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="support_sessions",
                                verbose_name=_("commune"))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_sessions",
                                 verbose_name=_("operator"))
    operator_name = models.CharField(_("operator's name"), max_length=200)
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    # Only a hash of the one-time entry token is kept; the token travels once, in the redirect to the commune.
    entry_token_hash = models.CharField(max_length=64, blank=True)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.CharField(_("ended by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("support session")
        verbose_name_plural = _("support sessions")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("opened_at")),
                                   name="support_session_ends_after_it_opens"),
        ]

    def __str__(self) -> str:
        return f"{self.commune.slug} · {self.operator_name} · {self.opened_at:%Y-%m-%d %H:%M}"
