"""Requests made online (demandes en ligne): one row per request, its timeline of events, and its attached
papers. A request is never deleted: withdrawn and refused requests are kept with their reason."""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceRequest(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_PROGRESS = "in_progress", _("Being processed")
        AWAITING_DOCUMENTS = "awaiting_documents", _("Waiting for a paper from you")
        READY = "ready", _("Ready")
        DELIVERED = "delivered", _("Delivered")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = (Status.SUBMITTED, Status.IN_PROGRESS, Status.AWAITING_DOCUMENTS)
    FINAL_STATUSES = (Status.DELIVERED, Status.REFUSED, Status.WITHDRAWN)

    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True, editable=False)
    # Only a keyed hash of the access key is kept: the key is shown once to the citizen and sent by SMS.
    access_key_digest = models.CharField(max_length=64, editable=False)
    service_code = models.CharField(_("service"), max_length=80, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    step_index = models.PositiveSmallIntegerField(_("current step"), default=0)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("citizen account"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="service_requests")
    applicant_name = models.CharField(_("name (Latin script)"), max_length=200, blank=True)
    applicant_name_ar = models.CharField(_("name (Arabic script)"), max_length=200, blank=True)
    national_id = models.CharField(_("national identity card number"), max_length=20, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=5, default="ar")
    data = models.JSONField(_("request data"), default=dict)
    staff_data = models.JSONField(_("processing data"), default=dict)
    fee_reference = models.CharField(_("fee reference"), max_length=30, blank=True)
    outcome_document = models.ForeignKey("documents.IssuedDocument", verbose_name=_("paper issued"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    outcome_file = models.FileField(_("paper (PDF)"), upload_to="eservices/outcomes/%Y/", blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    due_on = models.DateField(_("expected by"))

    class Meta:
        verbose_name = _("online request")
        verbose_name_plural = _("online requests")
        ordering = ["-submitted_at"]
        permissions = [("process_servicerequest", _("Can process online requests"))]
        indexes = [models.Index(fields=["status", "service_code"], name="eservices_status_service_idx")]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def display_name(self, language: str | None = None) -> str:
        from platform_core.locale import is_arabic

        preferred, other = ((self.applicant_name_ar, self.applicant_name) if is_arabic(language)
                            else (self.applicant_name, self.applicant_name_ar))
        return preferred or other


class RequestEvent(models.Model):
    """One line of the request's timeline; `public` lines are shown to the citizen (internal notes are not)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Request submitted")
        STEP_APPROVED = "step_approved", _("Step approved")
        DOCUMENTS_ASKED = "documents_asked", _("Paper asked for")
        DOCUMENTS_PROVIDED = "documents_provided", _("Paper provided")
        FEE_CHARGED = "fee_charged", _("Fee to pay")
        FEE_PAID = "fee_paid", _("Fee paid")
        READY = "ready", _("Ready")
        DELIVERED = "delivered", _("Delivered")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        NOTE = "note", _("Internal note")

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=24, choices=Kind.choices)
    status_after = models.CharField(_("status after"), max_length=20, choices=ServiceRequest.Status.choices)
    step_key = models.CharField(_("step"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the citizen"), default=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def _attachment_path(instance, filename: str) -> str:
    # The citizen's file name is not trusted in a path; the extension is kept for the browser.
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"eservices/attachments/{instance.request.tracking_number}/{uuid.uuid4().hex}{extension}"


class RequestAttachment(models.Model):
    """A paper the citizen attached (identity card, family booklet page), under the commune's storage."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="attachments")
    paper_code = models.CharField(_("paper"), max_length=40)
    file = models.FileField(_("file"), upload_to=_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attached paper")
        verbose_name_plural = _("attached papers")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
