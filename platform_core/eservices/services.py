"""Every write of the e-services engine, one function per action (Zulip-style): transactional, permission-checked,
audited, and with its SMS queued in the same transaction (sent only once it commits).

A citizen's SMS goes out at every change of status, in the language the request was made in.
"""

from __future__ import annotations

import datetime
import mimetypes
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from platform_core.audit import services as audit
from platform_core.eservices import fees, keys
from platform_core.eservices.definitions import EService, get_eservice, offered_by
from platform_core.eservices.models import RequestAttachment, RequestEvent, ServiceRequest
from platform_core.notifications.services import send_email, send_sms
from platform_core.numbering import services as numbering

Status = ServiceRequest.Status
Kind = RequestEvent.Kind
SERIES = "eservices.request"
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}
FILE_SIGNATURES = {"application/pdf": b"%PDF-", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
MIN_REASON_LENGTH = 10


@dataclass(frozen=True)
class Contact:
    """Who asks, and where to tell them: a phone number for SMS (or an e-mail address)."""

    name: str = ""
    name_ar: str = ""
    national_id: str = ""
    phone: str = ""
    email: str = ""
    language: str = "ar"


@dataclass(frozen=True)
class Submission:
    request: ServiceRequest
    access_key: str  # shown once on the confirmation page and sent by SMS; only its hash is kept


# --- helpers -----------------------------------------------------------------------------------------------------

def _offered(code: str) -> EService:
    try:
        service = get_eservice(code)
    except LookupError:
        raise ValidationError(_("This service cannot be requested online.")) from None
    if service not in offered_by(getattr(connection, "tenant", None)):
        raise ValidationError(_("This service cannot be requested online in this commune."))
    return service


def _check_attachment(upload) -> str:
    content_type = getattr(upload, "content_type", "") or mimetypes.guess_type(upload.name)[0] or ""
    if content_type not in ATTACHMENT_TYPES:
        raise ValidationError(_("“%(name)s”: attach a PDF file or a photo (JPEG, PNG or WebP).")
                              % {"name": upload.name})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("“%(name)s” is larger than 5 MB.") % {"name": upload.name})
    if not _content_is(content_type, upload):
        raise ValidationError(_("“%(name)s” is not a readable PDF file or photo: scan or photograph the paper "
                                "again.") % {"name": upload.name})
    return content_type


def _content_is(content_type: str, upload) -> bool:
    """Whether the file's first bytes are those of the type the browser claims (staff open these files)."""
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if content_type == "image/webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return head.startswith(FILE_SIGNATURES[content_type])


def _attach(service_request: ServiceRequest, paper_code: str, upload) -> RequestAttachment:
    content_type = _check_attachment(upload)
    attachment = RequestAttachment(request=service_request, paper_code=paper_code,
                                   original_name=upload.name[:200], content_type=content_type, size=upload.size)
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


def _event(service_request: ServiceRequest, kind: str, *, actor=None, note: str = "", public: bool = True,
           step_key: str = "") -> RequestEvent:
    label = actor.display_name() if getattr(actor, "pk", None) and hasattr(actor, "display_name") else ""
    return RequestEvent.objects.create(request=service_request, kind=kind, status_after=service_request.status,
                                       step_key=step_key, note=note, public=public,
                                       actor=actor if getattr(actor, "pk", None) else None, actor_label=label)


def tracking_url(service_request: ServiceRequest) -> str:
    """The request's public page, in its language, on the commune's own domain."""
    from tenants.selectors import commune_url

    commune = getattr(connection, "tenant", None)
    path = f"/{service_request.language}/demandes/suivi/{service_request.tracking_number}/"
    return commune_url(commune, path) if commune is not None and getattr(commune, "pk", None) else path


def _status_message(service_request: ServiceRequest, service: EService, note: str = "") -> str:
    language = service_request.language
    with translation.override(language):
        name = service.name(language)
        number = service_request.tracking_number
        status = service_request.status
        if status == Status.READY:
            text = (_("Your request %(number)s (%(service)s) is ready: download it from %(url)s")
                    if service.downloadable else
                    _("Your request %(number)s (%(service)s) is ready: collect it at the office with your identity "
                      "card."))
        elif status == Status.REFUSED:
            text = _("Your request %(number)s (%(service)s) was refused: %(note)s")
        elif status == Status.AWAITING_DOCUMENTS:
            text = _("Your request %(number)s (%(service)s) needs a paper from you: %(note)s. Follow it at %(url)s")
        else:
            text = _("Your request %(number)s (%(service)s) is now: %(status)s. Follow it at %(url)s")
        return text % {"number": number, "service": name, "url": tracking_url(service_request), "note": note,
                       "status": service_request.get_status_display()}


def _tell_citizen(service_request: ServiceRequest, body: str) -> None:
    purpose = f"eservices:{service_request.tracking_number}"
    if service_request.phone:
        send_sms(service_request.phone, body, purpose=purpose)
    elif service_request.email:
        with translation.override(service_request.language):
            subject = _("Your request %(number)s") % {"number": service_request.tracking_number}
        send_email(service_request.email, subject, body, purpose=purpose)


def _locked(request_id: int) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().get(pk=request_id)


def _current_step(service_request: ServiceRequest, service: EService):
    return service.steps[min(service_request.step_index, len(service.steps) - 1)]


def _require_step_permission(actor, service_request: ServiceRequest, service: EService):
    step = _current_step(service_request, service)
    if not (getattr(actor, "is_authenticated", False) and actor.has_perm(step.permission)):
        raise PermissionDenied(_("Your role does not allow you to act on this step (%(step)s).")
                               % {"step": step.name()})
    return step


def _require_open(service_request: ServiceRequest) -> None:
    if not service_request.is_open:
        raise ValidationError(_("This request is closed (%(status)s): it cannot change any more.")
                              % {"status": service_request.get_status_display()})


def _audit(action: str, service_request: ServiceRequest, *, actor=None, request=None, **after) -> None:
    audit.record(action, actor=actor if getattr(actor, "pk", None) else None, target=service_request,
                 request=request,
                 after={"tracking_number": service_request.tracking_number, "status": service_request.status,
                        **after})


# --- the citizen's side ------------------------------------------------------------------------------------------

@transaction.atomic
def submit_request(service_code: str, *, data: dict, contact: Contact, attachments=(), applicant=None,
                   request=None) -> Submission:
    """File a request: number it, keep its papers, charge its fee, tell the citizen how to follow it.

    `data` is the cleaned data of the service's form; `attachments` is a list of (paper code, uploaded file).
    """
    service = _offered(service_code)
    if not (contact.phone or contact.email):
        raise ValidationError(_("Give a mobile phone number or an e-mail address so that we can tell you when "
                                "the paper is ready."))
    if not (contact.name or contact.name_ar):
        raise ValidationError(_("Enter your name."))
    given = {code for code, upload in attachments if upload}
    missing = [paper.name() for paper in service.papers if paper.required and paper.code not in given]
    if missing:
        raise ValidationError(_("Attach the following papers: %(papers)s.") % {"papers": ", ".join(missing)})
    known = {paper.code for paper in service.papers}
    for code, upload in attachments:
        if upload and code not in known:
            raise ValidationError(_("This service does not take the paper “%(code)s”.") % {"code": code})
        if upload:
            _check_attachment(upload)

    today = timezone.localdate()
    number = keys.tracking_number(today.year, numbering.allocate(SERIES, today.year))
    access_key = keys.new_access_key()
    service_request = ServiceRequest.objects.create(
        tracking_number=number, access_key_digest=keys.access_key_digest(number, access_key),
        service_code=service.code, applicant=applicant if getattr(applicant, "pk", None) else None,
        applicant_name=contact.name.strip()[:200], applicant_name_ar=contact.name_ar.strip()[:200],
        national_id=contact.national_id.strip().upper()[:20], phone=contact.phone.strip(),
        email=contact.email.strip(), language=contact.language if contact.language in ("ar", "fr") else "ar",
        data=data, due_on=_working_days_after(today, service.delay_days),
    )
    for code, upload in attachments:
        if upload:
            _attach(service_request, code, upload)
    _event(service_request, Kind.SUBMITTED, actor=applicant)
    fee = service.fee_tariff(data) if service.fee_tariff else None
    if fee is not None:
        charged = fees.charge(service_request, *fee)
        if charged is not None:
            service_request.fee_reference = charged.reference
            service_request.save(update_fields=["fee_reference"])
            _event(service_request, Kind.FEE_CHARGED, note=charged.reference)
    with translation.override(service_request.language):
        body = _("Request %(number)s received (%(service)s). Access key: %(key)s. Follow it at %(url)s") % {
            "number": number, "service": service.name(service_request.language), "key": access_key,
            "url": tracking_url(service_request)}
    _tell_citizen(service_request, body)
    _audit("eservices.submit", service_request, actor=applicant, request=request, service=service.code)
    return Submission(service_request, access_key)


def _working_days_after(day: datetime.date, count: int) -> datetime.date:
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


@transaction.atomic
def provide_papers(request_id: int, *, attachments, note: str = "", applicant=None, request=None) -> ServiceRequest:
    """The citizen sends the paper staff asked for; the request goes back to the step it was at."""
    service_request = _locked(request_id)
    if service_request.status != Status.AWAITING_DOCUMENTS:
        raise ValidationError(_("No paper is asked for on this request."))
    service = get_eservice(service_request.service_code)
    known = {paper.code for paper in service.papers} | {"other"}
    files = [(code, upload) for code, upload in attachments if upload]
    if not files:
        raise ValidationError(_("Attach the paper asked for."))
    for code, upload in files:
        if code not in known:
            raise ValidationError(_("This service does not take the paper “%(code)s”.") % {"code": code})
        _attach(service_request, code, upload)
    service_request.status = Status.IN_PROGRESS if _any_step_approved(service_request) else Status.SUBMITTED
    service_request.save(update_fields=["status", "updated_at"])
    _event(service_request, Kind.DOCUMENTS_PROVIDED, actor=applicant, note=note.strip())
    _tell_citizen(service_request, _status_message(service_request, service))
    _audit("eservices.provide_papers", service_request, actor=applicant, request=request)
    return service_request


def _any_step_approved(service_request: ServiceRequest) -> bool:
    return service_request.events.filter(kind=Kind.STEP_APPROVED).exists()


@transaction.atomic
def withdraw_request(request_id: int, *, applicant=None, request=None) -> ServiceRequest:
    service_request = _locked(request_id)
    _require_open(service_request)
    service_request.status = Status.WITHDRAWN
    service_request.save(update_fields=["status", "updated_at"])
    _event(service_request, Kind.WITHDRAWN, actor=applicant)
    _tell_citizen(service_request, _status_message(service_request, get_eservice(service_request.service_code)))
    _audit("eservices.withdraw", service_request, actor=applicant, request=request)
    return service_request


# --- the staff's side --------------------------------------------------------------------------------------------

@transaction.atomic
def approve_step(request_id: int, *, actor, staff_data: dict | None = None, note: str = "",
                 request=None) -> ServiceRequest:
    """Approve the current step; approving the last one produces the paper (once the fee is paid)."""
    service_request = _locked(request_id)
    _require_open(service_request)
    if service_request.status == Status.AWAITING_DOCUMENTS:
        raise ValidationError(_("This request is waiting for a paper from the citizen."))
    service = get_eservice(service_request.service_code)
    step = _require_step_permission(actor, service_request, service)
    if staff_data:
        service_request.staff_data = {**service_request.staff_data, **staff_data}
    last = service_request.step_index >= len(service.steps) - 1
    before = service_request.status
    if last:
        fee = fees.status(service_request)
        if fee is not None and not fee.paid and not fee.cancelled:
            raise ValidationError(_("The fee %(reference)s (%(amount)s DH) is not paid yet.")
                                  % {"reference": fee.reference, "amount": fee.amount_due})
        outcome = service.complete(service_request, actor) if service.complete else None
        if outcome is not None:
            service_request.outcome_document = outcome.document
            service_request.outcome_file.save(outcome.filename, ContentFile(outcome.pdf), save=False)
        service_request.status = Status.READY
    else:
        service_request.step_index += 1
        service_request.status = Status.IN_PROGRESS
    service_request.save()
    _event(service_request, Kind.STEP_APPROVED, actor=actor, note=note.strip(), step_key=step.key)
    if last:
        _event(service_request, Kind.READY, actor=actor)
    if service_request.status != before:
        _tell_citizen(service_request, _status_message(service_request, service))
    _audit("eservices.approve_step", service_request, actor=actor, request=request, step=step.key)
    return service_request


def _reason(text: str, message: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        raise ValidationError(message)
    return text


def _stop_at_step(request_id: int, *, actor, status: str, kind: str, note: str, action: str, audited: dict,
                  request=None, **fields) -> ServiceRequest:
    """Stop the request at its current step with a note the citizen reads on the request page and in the SMS."""
    service_request = _locked(request_id)
    _require_open(service_request)
    service = get_eservice(service_request.service_code)
    step = _require_step_permission(actor, service_request, service)
    service_request.status = status
    for name, value in fields.items():
        setattr(service_request, name, value)
    service_request.save(update_fields=["status", *fields, "updated_at"])
    _event(service_request, kind, actor=actor, note=note, step_key=step.key)
    _tell_citizen(service_request, _status_message(service_request, service, note))
    _audit(action, service_request, actor=actor, request=request, **audited)
    return service_request


@transaction.atomic
def refuse_request(request_id: int, *, actor, reason: str, request=None) -> ServiceRequest:
    """Refuse with a written reason, which the citizen reads on the request page and in the SMS."""
    reason = _reason(reason, _("Write the reason for the refusal (at least 10 characters): the citizen reads it."))
    return _stop_at_step(request_id, actor=actor, status=Status.REFUSED, kind=Kind.REFUSED, note=reason,
                         action="eservices.refuse", audited={"reason": reason}, request=request,
                         refusal_reason=reason)


@transaction.atomic
def ask_for_papers(request_id: int, *, actor, note: str, request=None) -> ServiceRequest:
    """Ask the citizen for a missing or unreadable paper; the request waits until they send it."""
    note = _reason(note, _("Say which paper is missing (at least 10 characters): the citizen reads it."))
    return _stop_at_step(request_id, actor=actor, status=Status.AWAITING_DOCUMENTS, kind=Kind.DOCUMENTS_ASKED,
                         note=note, action="eservices.ask_for_papers", audited={"note": note}, request=request)


@transaction.atomic
def mark_delivered(request_id: int, *, actor, request=None) -> ServiceRequest:
    """The citizen collected the paper at the office."""
    service_request = _locked(request_id)
    if service_request.status != Status.READY:
        raise ValidationError(_("Only a request that is ready can be delivered."))
    service = get_eservice(service_request.service_code)
    if not (actor.has_perm(service.steps[-1].permission)):
        raise PermissionDenied(_("Your role does not allow you to deliver this paper."))
    service_request.status = Status.DELIVERED
    service_request.save(update_fields=["status", "updated_at"])
    _event(service_request, Kind.DELIVERED, actor=actor)
    _tell_citizen(service_request, _status_message(service_request, service))
    _audit("eservices.deliver", service_request, actor=actor, request=request)
    return service_request


@transaction.atomic
def add_note(request_id: int, *, actor, note: str, request=None) -> RequestEvent:
    """An internal note between staff; the citizen does not see it."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("The note is empty."))
    service_request = _locked(request_id)
    service = get_eservice(service_request.service_code)
    if not any(actor.has_perm(step.permission) for step in service.steps):
        raise PermissionDenied(_("Your role does not allow you to work on this request."))
    event = _event(service_request, Kind.NOTE, actor=actor, note=note, public=False)
    _audit("eservices.note", service_request, actor=actor, request=request)
    return event


@transaction.atomic
def record_fee_paid(tracking_number: str) -> None:
    """The régie says the request's fee is paid (signal fee_paid, after its commit)."""
    service_request = ServiceRequest.objects.select_for_update().filter(tracking_number=tracking_number).first()
    if service_request is None or service_request.events.filter(kind=Kind.FEE_PAID).exists():
        return
    _event(service_request, Kind.FEE_PAID, note=service_request.fee_reference)
