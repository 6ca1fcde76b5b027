"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) at /api/open311/v2/ on each commune's domain, so that
existing Open311 apps can file and follow complaints: services = categories (service_code = the category's
code), service requests = complaints (service_request_id = the complaint's number), in JSON or XML.

One commune per host: `jurisdiction_id` is accepted and ignored. Reads are public and carry no personal data
(no name, phone or e-mail). A POST may carry an `api_key` (a staff member's API token: a partner app) or none
(a citizen's app: throttled per address); it needs no CSRF token, since it acts on no session. Errors are the
standard's list of {"code", "description"} with the same HTTP status.
"""

from __future__ import annotations

import datetime
import json
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from modules.complaints import services
from modules.complaints.models import Category, Complaint
from platform_core.attempts import AttemptLimit

MAX_RESULTS = 1000
DEFAULT_DAYS = 90
ANONYMOUS_POSTS = AttemptLimit("complaints.open311", max_failures=10, window_seconds=60 * 60)  # every post
CLOSED = (Complaint.Status.ANSWERED, Complaint.Status.CLOSED)


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code, self.description = code, description


# --- rendering ---------------------------------------------------------------------------------------------------

def _xml_value(element, value) -> None:
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _xml(root: str, item: str, rows: list[dict]) -> bytes:
    """The standard's XML: <root><item><field>value</field>...</item>...</root>."""
    top = ElementTree.Element(root)
    for row in rows:
        node = ElementTree.SubElement(top, item)
        for key, value in row.items():
            _xml_value(ElementTree.SubElement(node, key), value)
    return _xml_document(top)


def _xml_document(top) -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(top, encoding="utf-8",
                                                                              xml_declaration=False)


def _respond(fmt: str, payload, *, root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        rows = payload if isinstance(payload, list) else [payload]
        return HttpResponse(_xml(root, item, rows), status=status, content_type="text/xml; charset=utf-8")
    return HttpResponse(json.dumps(payload, ensure_ascii=False), status=status,
                        content_type="application/json; charset=utf-8")


def _error(fmt: str, error: Open311Error) -> HttpResponse:
    return _respond(fmt, [{"code": error.code, "description": error.description}], root="errors", item="error",
                    status=error.code)


def open311_view(handler):
    """Errors raised by the handler become the standard's error list; the answer's language is `locale` (ar or
    fr) if given, else the one negotiated from Accept-Language."""
    def view(request, fmt, **kwargs):
        locale = (request.GET.get("locale") or request.POST.get("locale") or "")[:2]
        with translation.override(locale if locale in ("ar", "fr") else translation.get_language()):
            try:
                return handler(request, fmt, **kwargs)
            except Open311Error as error:
                return _error(fmt, error)
    view.__name__ = handler.__name__
    return view


def _datetime(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _absolute(request, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)


# --- services ----------------------------------------------------------------------------------------------------

def _service(category: Category) -> dict:
    department = category.department
    return {
        "service_code": category.code,
        "service_name": category.name(),
        "description": category.description(),
        "metadata": True,  # every service takes the `kind` attribute
        "type": "realtime",
        "keywords": category.keywords,
        "group": department.name() if department else "",
    }


@require_http_methods(["GET", "HEAD"])
@open311_view
def services_list(request, fmt):
    rows = [_service(category) for category in Category.objects.filter(active=True).select_related("department")]
    return _respond(fmt, rows, root="services", item="service")


def _kind_attribute() -> dict:
    return {
        "variable": True,
        "code": "kind",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": _("Complaint, observation or suggestion (complaint if not given)."),
        "order": 1,
        "description": _("What do you want to tell the commune?"),
        "values": [{"key": key, "name": str(label)} for key, label in Complaint.Kind.choices],
    }


@require_http_methods(["GET", "HEAD"])
@open311_view
def service_definition(request, fmt, service_code):
    if not Category.objects.filter(code=service_code, active=True).exists():
        raise Open311Error(404, _("service_code %(code)s not found") % {"code": service_code})
    payload = {"service_code": service_code, "attributes": [_kind_attribute()]}
    if fmt == "xml":
        top = ElementTree.Element("service_definition")
        ElementTree.SubElement(top, "service_code").text = service_code
        attributes = ElementTree.SubElement(top, "attributes")
        for attribute in payload["attributes"]:
            node = ElementTree.SubElement(attributes, "attribute")
            for key, value in attribute.items():
                child = ElementTree.SubElement(node, key)
                if key == "values":
                    for entry in value:
                        value_node = ElementTree.SubElement(child, "value")
                        ElementTree.SubElement(value_node, "key").text = entry["key"]
                        ElementTree.SubElement(value_node, "name").text = entry["name"]
                else:
                    _xml_value(child, value)
        return HttpResponse(_xml_document(top), content_type="text/xml; charset=utf-8")
    return _respond(fmt, payload, root="service_definition", item="service_definition")


# --- service requests --------------------------------------------------------------------------------------------

def _agency(complaint: Complaint) -> str:
    if complaint.department_id:
        return complaint.department.name()
    commune = getattr(connection, "tenant", None)
    return commune.name() if commune is not None and hasattr(commune, "name") else ""


def _request_row(request, complaint: Complaint) -> dict:
    """A complaint as the standard's service request, without its submitter's name, phone or e-mail."""
    media = complaint.photo.url if complaint.photo else complaint.media_url
    return {
        "service_request_id": complaint.number,
        "status": "closed" if complaint.status in CLOSED else "open",
        "status_notes": complaint.answer if complaint.status in CLOSED else complaint.get_status_display(),
        "service_name": complaint.category.name(),
        "service_code": complaint.category.code,
        "description": complaint.description,
        "agency_responsible": _agency(complaint),
        "service_notice": "",
        "requested_datetime": _datetime(complaint.received_at),
        "updated_datetime": _datetime(complaint.updated_at),
        "expected_datetime": _datetime(timezone.make_aware(datetime.datetime.combine(complaint.due_on,
                                                                                      datetime.time(23, 59, 59)))),
        "address": complaint.address,
        "address_id": None,
        "zipcode": None,
        "lat": float(complaint.latitude) if complaint.latitude is not None else None,
        "long": float(complaint.longitude) if complaint.longitude is not None else None,
        "media_url": _absolute(request, media) if media else None,
    }


def _parse_moment(value: str, name: str) -> datetime.datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    if moment is None:
        raise Open311Error(400, _("%(name)s is not a W3C date and time (e.g. 2026-04-14T06:37:38+01:00)")
                           % {"name": name})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _complaints():
    return Complaint.objects.select_related("category", "department")


def _search(request) -> list[Complaint]:
    ids = [value.strip() for value in request.GET.get("service_request_id", "").split(",") if value.strip()]
    if ids:  # the other parameters are then ignored, as the standard says
        numbers = {services.normalise_number(value) for value in ids[:MAX_RESULTS]} - {""}
        return list(_complaints().filter(number__in=numbers).order_by("-received_at"))
    complaints = _complaints()
    codes = [value.strip() for value in request.GET.get("service_code", "").split(",") if value.strip()]
    if codes:
        complaints = complaints.filter(category__code__in=codes)
    end = _parse_moment(request.GET["end_date"], "end_date") if request.GET.get("end_date") else None
    start = _parse_moment(request.GET["start_date"], "start_date") if request.GET.get("start_date") else None
    if start is None:
        start = (end or timezone.now()) - datetime.timedelta(days=DEFAULT_DAYS)
    complaints = complaints.filter(received_at__gte=start)
    if end is not None:
        complaints = complaints.filter(received_at__lte=end)
    statuses = {value.strip() for value in request.GET.get("status", "").split(",") if value.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status is open, closed or both (open,closed)"))
    if statuses == {"open"}:
        complaints = complaints.exclude(status__in=CLOSED)
    elif statuses == {"closed"}:
        complaints = complaints.filter(status__in=CLOSED)
    return list(complaints.order_by("-received_at")[:MAX_RESULTS])


def _api_user(request):
    """The staff member whose API token is the `api_key`, or None without one; a wrong key is refused."""
    from rest_framework.authtoken.models import Token

    key = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not key:
        return None
    token = Token.objects.select_related("user").filter(key=key[:40]).first()
    if token is None or not token.user.is_active:
        raise Open311Error(403, _("api_key is invalid"))
    return token.user


def _post(request, fmt):
    user = _api_user(request)
    if user is None and ANONYMOUS_POSTS.blocked(request):
        raise Open311Error(429, _("Too many requests from this address: try again in an hour, or use an api_key."))
    data = request.POST
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required"))
    if not Category.objects.filter(code=code, active=True).exists():
        raise Open311Error(400, _("service_code %(code)s not found") % {"code": code})
    lat, lon, address = data.get("lat", "").strip(), data.get("long", "").strip(), data.get("address_string", "")
    if not address.strip() and not (lat and lon):
        raise Open311Error(400, _("a location is required: lat and long, or address_string"))
    if not data.get("description", "").strip():
        raise Open311Error(400, _("description is required"))
    kind = data.get("attribute[kind]", "").strip() or Complaint.Kind.COMPLAINT
    name = " ".join(part for part in (data.get("first_name", "").strip(), data.get("last_name", "").strip()) if part)
    locale = (data.get("locale") or "")[:2]
    try:
        filing = services.file_complaint(
            category=code, kind=kind, description=data.get("description", ""), latitude=lat or None,
            longitude=lon or None, address=address, photo=request.FILES.get("media"),
            media_url=data.get("media_url", "") if data.get("media_url", "").startswith(("http://", "https://"))
            else "", channel=Complaint.Channel.OPEN311, actor=user, request=request,
            submitter=services.Submitter(name=name, phone=data.get("phone", ""), email=data.get("email", ""),
                                         language=locale if locale in ("ar", "fr") else translation.get_language()))
    except ValidationError as error:
        raise Open311Error(400, " ".join(error.messages)) from None
    if user is None:
        ANONYMOUS_POSTS.count_failure(request)
    complaint = filing.complaint
    notice = _("Complaint %(number)s received; an answer is due by %(due)s. Access key to follow it on the "
               "commune's portal: %(key)s") % {"number": complaint.number, "key": filing.access_key,
                                               "due": complaint.due_on.strftime("%d/%m/%Y")}
    row = {"service_request_id": complaint.number, "service_notice": notice, "account_id": None}
    return _respond(fmt, [row], root="service_requests", item="request")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@open311_view
def requests_view(request, fmt):
    if request.method == "POST":
        return _post(request, fmt)
    rows = [_request_row(request, complaint) for complaint in _search(request)]
    return _respond(fmt, rows, root="service_requests", item="request")


@require_http_methods(["GET", "HEAD"])
@open311_view
def request_detail(request, fmt, service_request_id):
    number = services.normalise_number(service_request_id)
    complaint = _complaints().filter(number=number).first() if number else None
    if complaint is None:
        raise Open311Error(404, _("service_request_id %(id)s not found") % {"id": service_request_id})
    return _respond(fmt, [_request_row(request, complaint)], root="service_requests", item="request")


FORMAT = r"(?P<fmt>json|xml)"
routes = [
    re_path(rf"^services\.{FORMAT}$", services_list, name="open311_services"),
    re_path(rf"^services/(?P<service_code>[-\w]+)\.{FORMAT}$", service_definition, name="open311_service"),
    re_path(rf"^requests\.{FORMAT}$", requests_view, name="open311_requests"),
    re_path(rf"^requests/(?P<service_request_id>[-\w]+)\.{FORMAT}$", request_detail, name="open311_request"),
]

# Inside the module's namespace, which the module gate closes (404) in a commune that does not subscribe.
app_name = "open311"
urlpatterns = [path("", include((routes, "complaints"), namespace="module-complaints"))]
