from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class IssuedDocument(models.Model):
    """A paper the commune issued (document délivré): what it is, what it is about, when, by whom, to whom,
    and the SHA-256 of the exact PDF handed over. Its token, printed as a QR code on the paper, opens the
    public verification page."""

    token = models.CharField(_("verification token"), max_length=64, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=80, help_text=_("e.g. civil_status.birth_extract"))
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    object_type = models.CharField(_("subject type"), max_length=120, blank=True)
    object_id = models.CharField(_("subject id"), max_length=64, blank=True)
    subject_digest = models.CharField(
        _("subject digest"),
        max_length=128,
        blank=True,
        help_text=_("Fingerprint of the subject at issue, to tell later whether it has changed."),
    )
    issued_at = models.DateTimeField(_("issued at"))
    # The label keeps who issued the paper readable after the account is renamed or deleted.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_by_label = models.CharField(_("issued by (label)"), max_length=200, blank=True)
    issued_to = models.CharField(_("issued to"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="issued_document_subject_idx")]

    def __str__(self) -> str:
        return f"{self.title_fr} ({self.issued_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        # The verification page lives in the commune's URLconf, wherever the paper was issued from.
        return reverse("documents:verify", args=[self.token], urlconf=settings.ROOT_URLCONF)
