from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One line of the schema's append-only journal; each line's hash covers the previous line's hash.

    The database refuses UPDATE, DELETE and TRUNCATE on this table (trigger in migration 0002), and
    `manage.py verify_audit` recomputes the chain to detect what was changed by going around that.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=120)
    object_type = models.CharField(_("object type"), max_length=120, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"


class AuditHead(models.Model):
    """The chain's last sequence and hash, so that deleting the newest entries is detected too.

    A single row; the database only lets its sequence grow (trigger in migration 0002).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"#{self.last_sequence} {self.last_hash[:12]}"
