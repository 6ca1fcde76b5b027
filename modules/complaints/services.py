"""Every write on complaints, one function per action: transactional, permission-checked, audited, with the
messages to the citizen or to staff queued in the same transaction (they leave only once it commits).

The Chikaya rules: an answer is due within 60 days of reception; the citizen may reopen an answered complaint
once, within 30 days of the answer, with a reason (a new 60-day clock starts); staff of the service get a reminder
at 45 days and another once the answer is late.
"""

from __future__ import annotations

import datetime
import mimetypes
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image

from modules.complaints.models import Category, Complaint, ComplaintEvent, Department
from platform_core.audit import services as audit
from platform_core.eservices import keys
from platform_core.notifications.services import send_email, send_sms
from platform_core.notifications.validators import normalise_email, normalise_phone
from platform_core.numbering import services as numbering

Status = Complaint.Status
Kind = ComplaintEvent.Kind
SERIES = "complaints.complaint"
ANSWER_DAYS = 60
REMINDER_DAYS = 45
REOPEN_DAYS = 30
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
MIN_TEXT_LENGTH = 10
RECEIVE = "complaints.receive_complaint"
ANSWER = "complaints.answer_complaint"


@dataclass(frozen=True)
class Submitter:
    """Who complains and where to tell them of the answer; every part is optional (an Open311 client may send
    none), the portal's form asks for a name and a phone or an e-mail."""

    name: str = ""
    phone: str = ""
    email: str = ""
    language: str = "ar"


@dataclass(frozen=True)
class Filing:
    complaint: Complaint
    access_key: str  # shown once to the citizen and sent to them; only its hash is kept


# --- helpers -----------------------------------------------------------------------------------------------------

def complaint_number(year: int, number: int) -> str:
    return f"CH-{year}-{number:06d}"


def normalise_number(value: str) -> str:
    """"CH-2026-000123", "ch 2026 123" and "2026000123" all name complaint 123 of 2026."""
    return keys.normalise_tracking_number(value, complaint_number)


def key_matches(complaint: Complaint, access_key: str) -> bool:
    return keys.access_key_matches(complaint.number, access_key, complaint.access_key_digest)


def _check_photo(upload) -> None:
    content_type = getattr(upload, "content_type", "") or mimetypes.guess_type(upload.name)[0] or ""
    if content_type not in PHOTO_TYPES:
        raise ValidationError({"photo": _("Attach a photo (JPEG, PNG or WebP).")})
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": _("The photo is larger than 5 MB.")})
    try:  # what the file says it is is not enough: Pillow must read it as an image
        with Image.open(upload) as image:
            image.verify()
    except Exception:
        raise ValidationError({"photo": _("This file is not a readable photo.")}) from None
    finally:
        upload.seek(0)


def _coordinate(value, limit: int, field: str):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give the position in decimal degrees.")}) from None
    if not -limit <= number <= limit:
        raise ValidationError({field: _("This position is not on the map.")})
    return number


def _text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) < MIN_TEXT_LENGTH:
        raise ValidationError({field: message})
    return value


def _label(actor) -> str:
    return actor.display_name() if getattr(actor, "pk", None) and hasattr(actor, "display_name") else ""


def _event(complaint: Complaint, kind: str, *, actor=None, note: str = "", public: bool = True) -> ComplaintEvent:
    return ComplaintEvent.objects.create(complaint=complaint, kind=kind, status_after=complaint.status, note=note,
                                         public=public, actor=actor if getattr(actor, "pk", None) else None,
                                         actor_label=_label(actor))


def _audit(action: str, complaint: Complaint, *, actor=None, request=None, **after) -> None:
    audit.record(action, actor=actor if getattr(actor, "pk", None) else None, target=complaint, request=request,
                 after={"number": complaint.number, "status": complaint.status, **after})


def _locked(complaint_id: int) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint_id)


def follow_url(complaint: Complaint) -> str:
    """The look-up page, in the complaint's language, on the commune's own domain."""
    from tenants.selectors import commune_url

    commune = getattr(connection, "tenant", None)
    path = f"/{complaint.language}/reclamations/suivi/?number={complaint.number}"
    return commune_url(commune, path) if commune is not None and getattr(commune, "pk", None) else path


def _tell_submitter(complaint: Complaint, body: str) -> None:
    purpose = f"complaints:{complaint.number}"
    if complaint.phone:
        send_sms(complaint.phone, body, purpose=purpose)
    elif complaint.email:
        with translation.override(complaint.language):
            subject = _("Your complaint %(number)s") % {"number": complaint.number}
        send_email(complaint.email, subject, body, purpose=purpose)


def may_answer(user, complaint: Complaint) -> bool:
    """A responder answers for the services they belong to; the commune's administrator for any."""
    if not (getattr(user, "is_authenticated", False) and user.has_perm(ANSWER)):
        return False
    if user.is_superuser:
        return True
    return complaint.department_id is not None and complaint.department.members.filter(pk=user.pk).exists()


def _require(user, permission: str) -> None:
    if not (getattr(user, "is_authenticated", False) and user.has_perm(permission)):
        raise PermissionDenied(_("Your role does not allow this action on complaints."))


# --- filing ------------------------------------------------------------------------------------------------------

@transaction.atomic
def file_complaint(*, category: Category | str, description: str, kind: str = Complaint.Kind.COMPLAINT,
                   submitter: Submitter = Submitter(), latitude=None, longitude=None, address: str = "",
                   photo=None, media_url: str = "", channel: str = Complaint.Channel.WEB, citizen=None,
                   received_at: datetime.datetime | None = None, actor=None, request=None) -> Filing:
    """Receive a complaint from any channel: number it, start its 60-day clock, send the citizen its number and
    access key. `category` is a Category or its code (the Open311 service_code).

    At the counter, `received_at` is when the commune received it (a letter entered a few days later): the clock
    runs from then."""
    now = timezone.now()
    if channel == Complaint.Channel.COUNTER:
        _require(actor, RECEIVE)
    elif received_at is not None:
        raise ValidationError(_("Only a complaint received at the counter can be dated in the past."))
    received_at = received_at or now
    if received_at > now or received_at < now - datetime.timedelta(days=ANSWER_DAYS):
        raise ValidationError({"received_at": _("The date of reception is in the future or too long ago.")})
    if isinstance(category, str):
        category = Category.objects.filter(code=category, active=True).first()
    if category is None or not category.active:
        raise ValidationError({"category": _("Choose a category from the list.")})
    if kind not in Complaint.Kind.values:
        raise ValidationError({"kind": _("Choose a complaint, an observation or a suggestion.")})
    description = _text(description, _("Describe the problem in a few words (at least 10 characters)."),
                        "description")
    latitude = _coordinate(latitude, 90, "latitude")
    longitude = _coordinate(longitude, 180, "longitude")
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": _("Give both the latitude and the longitude, or neither.")})
    if photo:
        _check_photo(photo)
    phone, email = submitter.phone.strip(), submitter.email.strip()
    try:
        phone = normalise_phone(phone) if phone else ""
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    try:
        email = normalise_email(email) if email else ""
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from None

    today = timezone.localdate(received_at)
    number = complaint_number(today.year, numbering.allocate(SERIES, today.year))
    access_key = keys.new_access_key()
    complaint = Complaint(
        number=number, access_key_digest=keys.access_key_digest(number, access_key), kind=kind,
        category=category, description=description[:5000], latitude=latitude, longitude=longitude,
        address=(address or "").strip()[:300], media_url=(media_url or "").strip()[:500],
        submitter_name=submitter.name.strip()[:200], phone=phone, email=email,
        language=submitter.language if submitter.language in ("ar", "fr") else "ar",
        citizen=citizen if getattr(citizen, "pk", None) else None, department=category.department,
        channel=channel, received_at=received_at, due_on=today + datetime.timedelta(days=ANSWER_DAYS),
    )
    complaint.full_clean(exclude=["photo", "number", "access_key_digest"])
    if photo:
        complaint.photo.save(photo.name, photo, save=False)
    complaint.save()
    _event(complaint, Kind.FILED, actor=actor or citizen)
    with translation.override(complaint.language):
        body = _("Complaint %(number)s received. Access key: %(key)s. An answer is due by %(due)s. Follow it at "
                 "%(url)s") % {"number": number, "key": access_key, "due": complaint.due_on.strftime("%d/%m/%Y"),
                               "url": follow_url(complaint)}
    _tell_submitter(complaint, body)
    _audit("complaints.file", complaint, actor=actor or citizen, request=request, channel=channel,
           category=category.code)
    return Filing(complaint, access_key)


# --- the staff's side --------------------------------------------------------------------------------------------

@transaction.atomic
def assign(complaint_id: int, *, department: Department, assignee=None, actor, request=None) -> Complaint:
    """Send the complaint to a service (and, if known, the staff member who handles it)."""
    _require(actor, RECEIVE)
    complaint = _locked(complaint_id)
    if not complaint.is_open:
        raise ValidationError(_("This complaint is %(status)s: it is no longer assigned.")
                              % {"status": complaint.get_status_display()})
    if department is None or not department.active:
        raise ValidationError({"department": _("Choose a service.")})
    if assignee is not None and not department.members.filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("%(name)s does not work in this service.")
                               % {"name": assignee.display_name()}})
    complaint.department = department
    complaint.assignee = assignee
    if complaint.status == Status.NEW:
        complaint.status = Status.ASSIGNED
    complaint.save(update_fields=["department", "assignee", "status", "updated_at"])
    note = department.name(complaint.language)
    _event(complaint, Kind.ASSIGNED, actor=actor, note=note)
    _audit("complaints.assign", complaint, actor=actor, request=request, department=department.code,
           assignee=getattr(assignee, "pk", None))
    return complaint


@transaction.atomic
def start(complaint_id: int, *, actor, request=None) -> Complaint:
    """The service takes the complaint up (e.g. a team is sent to look)."""
    complaint = _locked(complaint_id)
    if not may_answer(actor, complaint):
        raise PermissionDenied(_("Only the staff of the service the complaint is assigned to can handle it."))
    if complaint.status not in (Status.NEW, Status.ASSIGNED, Status.REOPENED):
        raise ValidationError(_("This complaint is %(status)s: it cannot be started.")
                              % {"status": complaint.get_status_display()})
    complaint.status = Status.IN_PROGRESS
    if complaint.assignee_id is None:
        complaint.assignee = actor
    complaint.save(update_fields=["status", "assignee", "updated_at"])
    _event(complaint, Kind.STARTED, actor=actor)
    _audit("complaints.start", complaint, actor=actor, request=request)
    return complaint


@transaction.atomic
def answer(complaint_id: int, *, text: str, actor, request=None) -> Complaint:
    """The service's written answer, which the citizen reads on the portal and receives by SMS or e-mail."""
    text = _text(text, _("Write the answer (at least 10 characters): the citizen reads it."), "text")
    complaint = _locked(complaint_id)
    if not may_answer(actor, complaint):
        raise PermissionDenied(_("Only the staff of the service the complaint is assigned to can answer it."))
    if not complaint.is_open:
        raise ValidationError(_("This complaint is %(status)s: it is already answered.")
                              % {"status": complaint.get_status_display()})
    complaint.status = Status.ANSWERED
    complaint.answer = text
    complaint.answered_at = timezone.now()
    if complaint.assignee_id is None:
        complaint.assignee = actor
    complaint.save(update_fields=["status", "answer", "answered_at", "assignee", "updated_at"])
    _event(complaint, Kind.ANSWERED, actor=actor, note=text)
    with translation.override(complaint.language):
        body = _("Answer to your complaint %(number)s: %(answer)s") % {"number": complaint.number, "answer": text}
        if complaint.reopened_at is None:
            body += " " + _("Not satisfied? You may reopen it once within %(days)s days: %(url)s") % {
                "days": REOPEN_DAYS, "url": follow_url(complaint)}
    _tell_submitter(complaint, body)
    _audit("complaints.answer", complaint, actor=actor, request=request)
    return complaint


@transaction.atomic
def close(complaint_id: int, *, actor=None, request=None) -> Complaint:
    """Close an answered complaint: by an agent, or by the reminders task once the time to reopen is over
    (`actor` None)."""
    if actor is not None:
        _require(actor, RECEIVE)
    complaint = _locked(complaint_id)
    if complaint.status != Status.ANSWERED:
        raise ValidationError(_("Only an answered complaint can be closed."))
    complaint.status = Status.CLOSED
    complaint.closed_at = timezone.now()
    complaint.save(update_fields=["status", "closed_at", "updated_at"])
    _event(complaint, Kind.CLOSED, actor=actor)
    _audit("complaints.close", complaint, actor=actor, request=request, automatic=actor is None)
    return complaint


# --- the citizen's side ------------------------------------------------------------------------------------------

def reopen_deadline(complaint: Complaint) -> datetime.date | None:
    if complaint.answered_at is None:
        return None
    return timezone.localdate(complaint.answered_at) + datetime.timedelta(days=REOPEN_DAYS)


def can_reopen(complaint: Complaint) -> bool:
    deadline = reopen_deadline(complaint)
    return (complaint.status == Status.ANSWERED and complaint.reopened_at is None and deadline is not None
            and timezone.localdate() <= deadline)


@transaction.atomic
def reopen(complaint_id: int, *, access_key: str, reason: str, citizen=None, request=None) -> Complaint:
    """The citizen, not satisfied with the answer, reopens the complaint: once, within 30 days, with a reason;
    the service has a new 60-day clock."""
    reason = _text(reason, _("Say why the answer does not settle your complaint (at least 10 characters)."),
                   "reason")
    complaint = _locked(complaint_id)
    if not key_matches(complaint, access_key):
        raise PermissionDenied(_("The access key does not match this complaint."))
    if complaint.reopened_at is not None:
        raise ValidationError(_("This complaint was already reopened once: it cannot be reopened again."))
    if complaint.status != Status.ANSWERED:
        raise ValidationError(_("Only an answered complaint can be reopened."))
    if not can_reopen(complaint):
        raise ValidationError(_("The %(days)s days to reopen this complaint are over.") % {"days": REOPEN_DAYS})
    now = timezone.now()
    complaint.status = Status.REOPENED
    complaint.reopened_at = now
    complaint.reopen_reason = reason[:5000]
    complaint.due_on = timezone.localdate(now) + datetime.timedelta(days=ANSWER_DAYS)
    complaint.reminded_at = complaint.overdue_reminded_at = None  # the new clock has its own reminders
    complaint.save(update_fields=["status", "reopened_at", "reopen_reason", "due_on", "reminded_at",
                                  "overdue_reminded_at", "updated_at"])
    _event(complaint, Kind.REOPENED, actor=citizen, note=complaint.reopen_reason)
    _audit("complaints.reopen", complaint, actor=citizen, request=request)
    return complaint


# --- reminders ---------------------------------------------------------------------------------------------------

def _reminder_recipients(complaint: Complaint) -> list:
    """The staff of the complaint's service; with no service yet, the agents who assign complaints."""
    users = get_user_model().objects.filter(is_active=True)
    if complaint.department_id:
        staff = list(users.filter(complaint_departments=complaint.department_id))
        if staff:
            return staff
    receive = Q(groups__permissions__codename="receive_complaint",
                groups__permissions__content_type__app_label="complaints")
    return list(users.filter(receive | Q(user_permissions__codename="receive_complaint")).distinct())


def _remind(complaint: Complaint, *, overdue: bool) -> int:
    sent = 0
    for user in _reminder_recipients(complaint):
        language = "fr"
        profile = getattr(user, "wagtail_userprofile", None)
        if profile is not None and profile.preferred_language:
            language = profile.preferred_language
        with translation.override(language):
            if overdue:
                body = _("Complaint %(number)s (%(category)s) is late: its answer was due on %(due)s.")
            else:
                body = _("Complaint %(number)s (%(category)s) has %(days)s days left: its answer is due on %(due)s.")
            body = body % {"number": complaint.number, "category": complaint.category.name(language),
                           "due": complaint.due_on.strftime("%d/%m/%Y"),
                           "days": (complaint.due_on - timezone.localdate()).days}
            subject = _("Complaint %(number)s to answer") % {"number": complaint.number}
        purpose = f"complaints.reminder:{complaint.number}"
        if user.email:
            send_email(user.email, subject, body, purpose=purpose)
        elif user.phone:
            send_sms(user.phone, body, purpose=purpose)
        else:
            continue
        sent += 1
    return sent


def send_due_reminders() -> dict[str, int]:
    """Remind staff of complaints at 45 days and of late ones, once each; close answered complaints whose time
    to reopen is over. Each complaint in its own transaction, so one failure stops nothing else."""
    today = timezone.localdate()
    counts = {"reminded": 0, "overdue": 0, "closed": 0}
    open_ones = Complaint.objects.filter(status__in=Complaint.OPEN_STATUSES)
    late = open_ones.filter(due_on__lt=today, overdue_reminded_at__isnull=True)
    near = open_ones.filter(due_on__gte=today, reminded_at__isnull=True,
                            due_on__lte=today + datetime.timedelta(days=ANSWER_DAYS - REMINDER_DAYS))
    for overdue, queryset in ((True, late), (False, near)):
        for complaint_id in queryset.values_list("pk", flat=True):
            with transaction.atomic():
                complaint = _locked(complaint_id)
                field = "overdue_reminded_at" if overdue else "reminded_at"
                if getattr(complaint, field) is not None:
                    continue
                now = timezone.now()
                setattr(complaint, field, now)
                if overdue and complaint.reminded_at is None:
                    complaint.reminded_at = now  # the 45-day reminder is moot once late
                complaint.save(update_fields=["reminded_at", "overdue_reminded_at"])
                recipients = _remind(complaint, overdue=overdue)
                _event(complaint, Kind.REMINDER, public=False,
                       note=_("Late") if overdue else _("%(days)s days left") % {
                           "days": (complaint.due_on - today).days})
                _audit("complaints.remind", complaint, overdue=overdue, recipients=recipients)
                counts["overdue" if overdue else "reminded"] += 1
    for complaint in Complaint.objects.filter(status=Status.ANSWERED):
        if reopen_deadline(complaint) < today:
            close(complaint.pk)
            counts["closed"] += 1
    return counts
