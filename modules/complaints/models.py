"""Complaints, observations and suggestions (réclamations, on the model of the national Chikaya platform): the
commune's services (departments) that answer them, the categories a citizen chooses from, each complaint with its
60-day answer clock, and its timeline. A complaint is never deleted (the database refuses it)."""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.locale import is_arabic


class Department(models.Model):
    """A service of the commune (e.g. voirie, hygiène) that answers the complaints assigned to it; its `members`
    are the staff who answer for it and receive its reminders."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True,
                                     related_name="complaint_departments")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        return self.name_ar if is_arabic(language) else self.name_fr


class Category(models.Model):
    """What a complaint is about; its `code` is the Open311 service_code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    department = models.ForeignKey(Department, verbose_name=_("service assigned by default"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="categories")
    keywords = models.CharField(_("keywords"), max_length=300, blank=True,
                                help_text=_("Comma-separated, for Open311 clients and search."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name_fr"]

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        return self.name_ar if is_arabic(language) else self.name_fr

    def description(self, language: str | None = None) -> str:
        preferred, other = ((self.description_ar, self.description_fr) if is_arabic(language)
                            else (self.description_fr, self.description_ar))
        return preferred or other


def _photo_path(instance, filename: str) -> str:
    # The citizen's file name is not trusted in a path; the default storage puts it under the commune's schema.
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"complaints/photos/{instance.received_at:%Y}/{uuid.uuid4().hex}{extension}"


class Complaint(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        OBSERVATION = "observation", _("Observation")
        SUGGESTION = "suggestion", _("Suggestion")

    class Status(models.TextChoices):
        NEW = "new", _("Received")
        ASSIGNED = "assigned", _("Assigned to a service")
        IN_PROGRESS = "in_progress", _("Being handled")
        ANSWERED = "answered", _("Answered")
        REOPENED = "reopened", _("Reopened")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        WEB = "web", _("Portal")
        OPEN311 = "open311", _("Open311 application")
        COUNTER = "counter", _("Counter")

    OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    # Only a keyed hash of the access key is kept: the key is shown once to the citizen and sent to them.
    access_key_digest = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="complaints")
    description = models.TextField(_("description"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("address or place"), max_length=300, blank=True)
    photo = models.ImageField(_("photo"), upload_to=_photo_path, blank=True)
    media_url = models.URLField(_("link to a photo"), max_length=500, blank=True)
    submitter_name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=5, default="ar")
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("citizen account"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="complaints")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW,
                              db_index=True)
    department = models.ForeignKey(Department, verbose_name=_("service"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="complaints")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="assigned_complaints")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    due_on = models.DateField(_("answer due by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("45-day reminder sent at"), null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(_("overdue reminder sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("receive_complaint", _("Can receive, assign and close complaints")),
            ("answer_complaint", _("Can answer the complaints of their service")),
        ]
        constraints = [
            # A reopening always carries the citizen's reason (once only: the database keeps reopened_at once set).
            models.CheckConstraint(condition=models.Q(reopened_at__isnull=True) | ~models.Q(reopen_reason=""),
                                   name="complaints_reopen_has_reason"),
            models.CheckConstraint(condition=~models.Q(status="answered") | models.Q(answered_at__isnull=False),
                                   name="complaints_answered_has_date"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="complaints_status_due_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ComplaintEvent(models.Model):
    """One line of a complaint's timeline; `public` lines are shown to the citizen (reminders are not)."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        STARTED = "started", _("Handling started")
        ANSWERED = "answered", _("Answered")
        REOPENED = "reopened", _("Reopened by the citizen")
        CLOSED = "closed", _("Closed")
        REMINDER = "reminder", _("Reminder to the service")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    status_after = models.CharField(_("status after"), max_length=12, choices=Complaint.Status.choices)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the citizen"), default=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
