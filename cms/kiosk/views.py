"""Kiosk mode (/<language>/borne/): the town hall's touch screen, in a full-screen layout of its own.

The procedure guide by category, and the tracking of a request with an on-screen digit keypad. Everything works
with plain links and forms: the keypad's keys are submit buttons that the server applies one by one, and
kiosk.js only spares the round trips (and brings the screen back to the start after a while without a touch).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Locale
from wagtail.rich_text import expand_db_html

from cms.eservices.access import ATTEMPTS
from cms.models import ProcedurePage
from platform_core.dates import format_gregorian
from platform_core.eservices import fees, keys, selectors
from platform_core.eservices.definitions import get_eservice
from platform_core.eservices.models import ServiceRequest
from platform_core.locale import is_arabic
from platform_core.money import format_amount

Category = ProcedurePage.Category
Status = ServiceRequest.Status
IDLE_SECONDS = 90
NUMBER_DIGITS = 10  # a tracking number, YYYY-NNNNNN
KEY_DIGITS = keys.ACCESS_KEY_DIGITS
KEYPAD = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
_LINK_TAG = re.compile(r"</?a\b[^>]*>", re.IGNORECASE)


def _language() -> str:
    return "ar" if is_arabic() else "fr"


def _home_url() -> str:
    """Where the kiosk goes back to after a while without a touch: the start, in the commune's first language."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("kiosk:home")


def _kiosk(request, template: str, context: dict, *, other_language_url=None, status: int = 200):
    current = translation.get_language()
    languages = []
    for code, name in settings.LANGUAGES:
        url = other_language_url(code) if other_language_url else translate_url(request.path, code)
        languages.append({"code": code, "name": name, "url": url, "current": code == current})
    home_url = _home_url()
    context = {**context, "languages": languages, "idle_seconds": IDLE_SECONDS, "home_url": home_url,
               "at_start": request.path == home_url}
    return render(request, template, context, status=status)


def _procedures():
    """Live, public procedures in the language of the screen."""
    return ProcedurePage.objects.live().public().filter(locale=Locale.get_active())


def _without_links(html: str) -> str:
    """Rich text without its links: nothing on a kiosk leads out of it."""
    return mark_safe(_LINK_TAG.sub("", expand_db_html(html)))  # editors' rich text, already sanitised by Wagtail


@require_GET
def home(request):
    present = set(_procedures().values_list("category", flat=True).distinct())
    categories = [{"value": value, "label": label} for value, label in Category.choices if value in present]
    return _kiosk(request, "cms/kiosk/home.html", {"categories": categories})


@require_GET
def category(request, category: str):
    if category not in Category.values:
        raise Http404
    procedures = _procedures().filter(category=category).order_by("path")
    return _kiosk(request, "cms/kiosk/category.html",
                  {"category": Category(category).label, "procedures": procedures})


def _fee(page: ProcedurePage, language: str) -> str:
    amount = fees.quote(page.tariff_code) if page.tariff_code else None
    if amount is None:
        return page.fee_note
    return f"{format_amount(amount, language)} ({page.fee_note})" if page.fee_note else format_amount(amount,
                                                                                                       language)


def _office(page: ProcedurePage) -> dict | None:
    office = page.office
    if office is None or not office.live:
        return None
    return {"name": office.title, "address": office.address, "phone": office.phone,
            "hours": [line.strip() for line in office.opening_hours.splitlines() if line.strip()]}


@require_GET
def procedure(request, page_id: int):
    page = get_object_or_404(_procedures(), pk=page_id)
    language = _language()

    def in_language(code: str) -> str:
        translated = page.get_translation_or_none(Locale.objects.filter(language_code=code).first())
        with translation.override(code):
            if translated is not None and translated.live:
                return reverse("kiosk:procedure", args=[translated.pk])
            return reverse("kiosk:category", args=[page.category])

    context = {
        "page": page,
        "category": {"value": page.category, "label": page.get_category_display()},
        "who_may_ask": _without_links(page.who_may_ask) if page.who_may_ask else "",
        "papers": [{"name": block.value["name"], "note": block.value["note"]} for block in page.required_papers],
        "fee": _fee(page, language),
        "office": _office(page),
        "online_address": f"{request.get_host()}{reverse('eservices:index')}" if page.eservice_code else "",
    }
    return _kiosk(request, "cms/kiosk/procedure.html", context, other_language_url=in_language)


# --- tracking a request with the keypad ----------------------------------------------------------------------

def _digits(value: str) -> str:
    return "".join(character for character in value if character in "0123456789")[:NUMBER_DIGITS + KEY_DIGITS]


def _number_display(digits: str) -> str:
    """The tracking number as typed so far, the dash put in for the citizen: "2026-00"."""
    return f"{digits[:4]}-{digits[4:]}" if len(digits) > 4 else digits


def _mask_name(name: str) -> str:
    """The first word whole, the others by their initial: "Salma Idrissi" -> "Salma I."; a screen in a hall is
    read over shoulders."""
    words = name.split()
    return " ".join([words[0], *(f"{word[0]}." for word in words[1:])]) if words else ""


def _next_step(service_request: ServiceRequest, service) -> str:
    status = service_request.status
    if status in (Status.SUBMITTED, Status.IN_PROGRESS):
        return _("Nothing to do for now: the town hall is processing your request. You will get an SMS when it "
                 "changes.")
    if status == Status.AWAITING_DOCUMENTS:
        return _("A paper is missing: the SMS we sent you says which. Bring it to the office, or add it on the "
                 "portal's page of your request with your number and key.")
    if status == Status.READY:
        if service is not None and service.downloadable:
            return _("Your paper is ready: download it from the portal's page of your request, or collect it at "
                     "the office with your identity card.")
        return _("Your paper is ready: collect it at the office with your identity card.")
    if status == Status.REFUSED:
        return _("Your request was refused. The reason is in the SMS we sent you and on the portal's page of "
                 "your request; the reception desk can help.")
    return _("Nothing more to do.")


def _result(service_request: ServiceRequest, language: str) -> dict:
    try:
        service = get_eservice(service_request.service_code)
    except LookupError:
        service = None
    fee = fees.status(service_request)
    return {
        "service": service.name(language) if service else service_request.service_code,
        "number": service_request.tracking_number,
        "name": _mask_name(service_request.display_name(language)),
        "status": service_request.get_status_display(),
        "status_code": service_request.status,
        "expected": format_gregorian(service_request.due_on, language) if service_request.is_open else "",
        "next_step": _next_step(service_request, service),
        "fee_due": (format_amount(fee.amount_due, language)
                    if fee is not None and not fee.paid and not fee.cancelled else ""),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    """The keypad: the 10 digits of the tracking number, then the 8 of the access key, kept in a hidden field
    between presses (each key is a submit button, so that the screen works without JavaScript)."""
    digits = _digits(request.POST.get("digits", ""))
    press = request.POST.get("press", "")
    message, status = "", 200
    if request.method == "POST":
        if press in KEYPAD or press == "0":
            digits = _digits(digits + press)
        elif press == "back":
            digits = digits[:-1]
        elif press == "clear":
            digits = ""
        elif press == "ok":
            if len(digits) < NUMBER_DIGITS + KEY_DIGITS:
                message = _("Type the 10 digits of the tracking number, then the 8 digits of the access key.")
            elif ATTEMPTS.blocked(request):
                message, status = _("Too many attempts on this kiosk. Wait a quarter of an hour, or ask at the "
                                    "reception desk."), 429
            else:
                found = selectors.find_request(digits[:NUMBER_DIGITS], digits[NUMBER_DIGITS:])
                if found is not None:
                    return _kiosk(request, "cms/kiosk/result.html", {"result": _result(found, _language())})
                ATTEMPTS.count_failure(request)
                # One answer whether the number or the key is wrong; the key is typed again.
                message, digits = _("No request matches this number and key. Check both in the SMS you "
                                    "received."), digits[:NUMBER_DIGITS]
    number, key = digits[:NUMBER_DIGITS], digits[NUMBER_DIGITS:]
    context = {
        "digits": digits, "number": _number_display(number), "key_dots": "•" * len(key),
        "typing_key": len(number) == NUMBER_DIGITS, "message": message, "keypad": KEYPAD,
        "number_digits": NUMBER_DIGITS, "key_digits": KEY_DIGITS,
    }
    return _kiosk(request, "cms/kiosk/track.html", context, status=status)
