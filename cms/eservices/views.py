"""The citizen's side of online requests on the portal (/<language>/demandes/): the services offered, the request
form, the confirmation with the tracking number and access key, the look-up, the request's page and its paper.

Views are thin: the engine (platform_core.eservices) does every write; this module decides who sees what."""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cms.eservices import access
from cms.eservices.forms import ContactForm, PapersForm, ProvidePapersForm, TrackForm
from platform_core.eservices import fees, keys, selectors
from platform_core.eservices import services as engine
from platform_core.eservices.definitions import get_eservice, offered_by
from platform_core.eservices.models import RequestEvent, ServiceRequest
from platform_core.modules.registry import module_enabled
from platform_core.money import format_amount

Status = ServiceRequest.Status
DOWNLOADABLE_STATUSES = (Status.READY, Status.DELIVERED)


def _commune(request):
    return getattr(request, "commune", None) or getattr(connection, "tenant", None)


def _language(request) -> str:
    return "ar" if (getattr(request, "LANGUAGE_CODE", "") or "ar").startswith("ar") else "fr"


def _offered(request, code: str):
    try:
        service = get_eservice(code)
    except LookupError:
        raise Http404 from None
    if service not in offered_by(_commune(request)):
        raise Http404
    return service


def _fee_quote(service, language: str) -> str:
    fee = service.fee_tariff({}) if service.fee_tariff else None
    amount = fees.quote(*fee) if fee else None
    return format_amount(amount, language) if amount is not None else ""


def _focus_first_error(*forms) -> bool:
    """Put the keyboard focus on the first field in error (announced with its message by screen readers)."""
    for form in forms:
        for name in form.errors:
            if name in form.fields:
                form.fields[name].widget.attrs["autofocus"] = True
                return True
    return False


@never_cache
def index(request):
    language = _language(request)
    services = [{"service": service, "name": service.name(language), "description": service.description(language),
                 "fee": _fee_quote(service, language)}
                for service in sorted(offered_by(_commune(request)), key=lambda service: service.name(language))]
    return render(request, "cms/eservices/index.html", {"services": services})


def _initial_contact(user) -> dict:
    """The citizen's account fills the contact fields; every attribute is optional (staff accounts have fewer)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    profile = getattr(user, "citizen_profile", None)

    def first(*values) -> str:
        return next((str(value).strip() for value in values if value and str(value).strip()), "")

    def joined(*names) -> str:
        return " ".join(first(getattr(user, name, "")) for name in names).strip()

    return {"name": joined("first_name", "last_name"), "name_ar": joined("first_name_ar", "last_name_ar"),
            "national_id": first(getattr(user, "national_id", "")),
            "phone": first(getattr(user, "phone", ""), getattr(profile, "phone", "")),
            "email": first(getattr(user, "email", ""), getattr(profile, "email", ""))}


def _json_ready(data: dict) -> dict:
    # Dates and decimals of a service's form become text, as they will be once stored in the request's JSON.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@never_cache
@require_http_methods(["GET", "POST"])
def request_service(request, code: str):
    service = _offered(request, code)
    language = _language(request)
    service_form_class = service.form_class()
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    service_form = service_form_class(data, files, prefix="service")
    contact_form = ContactForm(data, initial=_initial_contact(request.user))
    papers_form = PapersForm(data, files, papers=service.papers, language=language)
    problems: list[str] = []
    if request.method == "POST":
        if all([service_form.is_valid(), contact_form.is_valid(), papers_form.is_valid()]):
            contact = contact_form.cleaned_data
            try:
                submission = engine.submit_request(
                    service.code, data=_json_ready(service_form.cleaned_data),
                    contact=engine.Contact(name=contact["name"], name_ar=contact["name_ar"],
                                           national_id=contact["national_id"], phone=contact["phone"],
                                           email=contact["email"], language=language),
                    attachments=papers_form.attachments(),
                    applicant=_applicant(request), request=request)
            except ValidationError as error:
                problems = error.messages
            else:
                access.grant(request, submission.request)
                access.keep_for_confirmation(request, submission)
                return redirect("eservices:submitted")
        else:
            problems = [*service_form.non_field_errors(), *contact_form.non_field_errors(),
                        *papers_form.non_field_errors()]
    focused = _focus_first_error(service_form, contact_form, papers_form)
    context = {
        "service": service, "name": service.name(language), "description": service.description(language),
        "fee": _fee_quote(service, language), "service_form": service_form, "contact_form": contact_form,
        "papers_form": papers_form, "forms_in_order": [service_form, contact_form, papers_form],
        "problems": problems, "failed": request.method == "POST",
        "focus_summary": request.method == "POST" and not focused,
    }
    return render(request, "cms/eservices/request.html", context, status=400 if request.method == "POST" else 200)


@never_cache
def submitted(request):
    confirmation = access.take_confirmation(request)
    if confirmation is None:  # shown once: a reload or a shared link gets the look-up page
        return redirect("eservices:track")
    service_request = ServiceRequest.objects.filter(tracking_number=confirmation["tracking_number"]).first()
    if service_request is None:
        raise Http404
    language = _language(request)
    service = get_eservice(service_request.service_code)
    response = render(request, "cms/eservices/submitted.html", {
        "service_request": service_request, "name": service.name(language), "access_key": confirmation["access_key"],
        "by_sms": bool(service_request.phone), "phone": _masked_phone(service_request.phone),
        "tracking_path": _tracking_path(service_request),
    })
    response["Cache-Control"] = "no-store, private"
    return response


def _masked_phone(phone: str) -> str:
    """The end of the number, enough for the citizen to recognise it on a screen others may see."""
    return phone[-4:] if len(phone) >= 4 else ""


def _tracking_path(service_request) -> str:
    return reverse("eservices:tracking", args=[service_request.tracking_number])


def _too_many() -> str:
    return _("Too many attempts from your connection. Wait a quarter of an hour and try again, or ask at the "
             "town hall's reception.")


def _neutral() -> str:
    return _("No request matches this tracking number and access key. Check both as in the SMS you received.")


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None, initial={"tracking_number": request.GET.get("number", "")[:20]})
    refused, status = "", 200
    if request.method == "POST":
        if access.ATTEMPTS.blocked(request):
            refused, status = _too_many(), 429
        elif form.is_valid():
            service_request = selectors.find_request(form.cleaned_data["tracking_number"],
                                                     form.cleaned_data["access_key"])
            if service_request is not None:
                access.grant(request, service_request)
                return redirect(_tracking_path(service_request))
            access.ATTEMPTS.count_failure(request)
            refused = _neutral()
        else:
            _focus_first_error(form)
    return _track_page(request, form, refused, status=status)


def _track_page(request, form, refused: str = "", *, status: int = 200, asking_key: bool = False):
    return render(request, "cms/eservices/track.html",
                  {"form": form, "forms_in_order": [form], "refused": refused, "asking_key": asking_key},
                  status=status)


def _visible_request(request, tracking_number: str):
    """The request if this visitor may see it, else None (the same answer whether the number exists or not)."""
    number = keys.normalise_tracking_number(tracking_number)
    service_request = ServiceRequest.objects.filter(tracking_number=number).first() if number else None
    if service_request is None or not access.may_see(request, service_request):
        return None
    return service_request


@never_cache
@require_http_methods(["GET", "POST"])
def tracking(request, tracking_number: str):
    if "key" in request.GET:
        return _open_with_key(request, tracking_number, request.GET["key"])
    service_request = _visible_request(request, tracking_number)
    if service_request is None:
        # The SMS link: ask for the key, saying nothing of whether the number exists.
        form = TrackForm(initial={"tracking_number": tracking_number[:20]})
        form.fields["access_key"].widget.attrs["autofocus"] = True
        return _track_page(request, form, asking_key=True)
    service = get_eservice(service_request.service_code)
    language = _language(request)
    provide_form = None
    if service_request.status == Status.AWAITING_DOCUMENTS:
        provide_form = ProvidePapersForm(papers=service.papers, language=language)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "withdraw":
            return _withdraw(request, service_request)
        if action != "provide":
            raise Http404
        if provide_form is None:  # staff moved the request on while the citizen was choosing the file
            messages.error(request, _("No paper is asked for on this request any more."))
            return redirect(_tracking_path(service_request))
        provide_form = ProvidePapersForm(request.POST, request.FILES, papers=service.papers, language=language)
        if _provide(request, service_request, provide_form):
            return redirect(_tracking_path(service_request))
        _focus_first_error(provide_form)
    return render(request, "cms/eservices/tracking.html",
                  _tracking_context(request, service_request, service, language, provide_form))


def _applicant(request):
    return request.user if request.user.is_authenticated else None


def _withdraw(request, service_request):
    try:
        engine.withdraw_request(service_request.pk, applicant=_applicant(request), request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect(_tracking_path(service_request))


def _provide(request, service_request, form) -> bool:
    if not form.is_valid():
        return False
    try:
        engine.provide_papers(service_request.pk, attachments=[(form.cleaned_data["paper"], form.cleaned_data["file"])],
                              note=form.cleaned_data["note"], applicant=_applicant(request), request=request)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, _("Thank you: the paper is sent to the office."))
    return True


def _open_with_key(request, tracking_number: str, key: str):
    """A link that carries the key: check it (counted like the look-up form), then drop it from the address."""
    form = TrackForm(initial={"tracking_number": tracking_number[:20]})
    if access.ATTEMPTS.blocked(request):
        return _track_page(request, form, _too_many(), status=429)
    service_request = selectors.find_request(tracking_number, key)
    if service_request is None:
        access.ATTEMPTS.count_failure(request)
        return _track_page(request, form, _neutral())
    access.grant(request, service_request)
    return redirect(_tracking_path(service_request))


def _stepper(service_request, service, language: str) -> list[dict]:
    """Received, the service's steps, ready (and collected when the paper is fetched at the office)."""
    labels = [_("Received"), *[step.name(language) for step in service.steps], _("Ready")]
    if not service.downloadable:
        labels.append(_("Collected"))
    if service_request.status == Status.DELIVERED:
        current = len(labels)
    elif service_request.status == Status.READY:
        current = len(service.steps) + 2  # past "ready": all done, or "collected" still to come
    else:
        current = service_request.step_index + 1
    stopped = service_request.status in (Status.REFUSED, Status.WITHDRAWN)
    waiting = service_request.status == Status.AWAITING_DOCUMENTS
    steps = []
    for index, label in enumerate(labels):
        if index < current:
            state = "done"
        elif index == current:
            state = "stopped" if stopped else "waiting" if waiting else "current"
        else:
            state = "todo"
        steps.append({"label": label, "state": state, "number": index + 1})
    return steps


def _fee(request, service_request, language: str) -> dict | None:
    fee = fees.status(service_request)
    if fee is None:
        return None
    lookup = ""
    if module_enabled(_commune(request), "regie"):
        try:
            lookup = reverse("portal-regie:portal_lookup") + "?" + urlencode(
                {"reference": fee.reference, "key": fee.access_key})
        except NoReverseMatch:  # a régie without its portal page: the reference alone is shown
            pass
    return {"amount": format_amount(fee.amount_due, language), "reference": fee.reference, "paid": fee.paid,
            "cancelled": fee.cancelled, "lookup_url": lookup}


def _tracking_context(request, service_request, service, language: str, provide_form) -> dict:
    steps_by_key = {step.key: step.name(language) for step in service.steps}
    timeline = [{"event": event, "step": steps_by_key.get(event.step_key, "")}
                for event in selectors.public_timeline(service_request)]
    asked = ""
    if service_request.status == Status.AWAITING_DOCUMENTS:
        asked = next((entry["event"].note for entry in reversed(timeline)
                      if entry["event"].kind == RequestEvent.Kind.DOCUMENTS_ASKED), "")
    downloadable = (service.downloadable and service_request.status in DOWNLOADABLE_STATUSES
                    and bool(service_request.outcome_file))
    return {
        "service_request": service_request, "service": service, "name": service.name(language),
        "summary": service.summary(service_request.data, language),
        "steps": _stepper(service_request, service, language), "timeline": timeline, "asked": asked,
        "provide_form": provide_form, "fee": _fee(request, service_request, language), "downloadable": downloadable,
        "collect_at_office": not service.downloadable and service_request.status == Status.READY, "Status": Status,
    }


@never_cache
def download(request, tracking_number: str):
    service_request = _visible_request(request, tracking_number)
    if service_request is None or service_request.status not in DOWNLOADABLE_STATUSES:
        raise Http404
    if not (get_eservice(service_request.service_code).downloadable and service_request.outcome_file):
        raise Http404
    response = FileResponse(service_request.outcome_file.open("rb"), as_attachment=True,
                            filename=os.path.basename(service_request.outcome_file.name),
                            content_type="application/pdf")
    response["Cache-Control"] = "no-store, private"
    return response
