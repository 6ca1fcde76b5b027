"""The citizen's side on the commune's portal (/<language>/reclamations/): file a complaint, an observation or a
suggestion (with an optional photo and position), get its number and access key, follow it with both, reopen it
once; and the public statistics.

A wrong number and a wrong key get one same message, and failed look-ups are counted per address, so that keys
cannot be guessed by trying."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from modules.complaints import selectors, services
from modules.complaints.forms import ComplaintForm, FollowForm, ReopenForm
from modules.complaints.models import Complaint
from platform_core.attempts import AttemptLimit
from platform_core.modules.admin_views import attach_errors

MAX_FAILURES = 10  # look-ups per address and window
MAX_FILINGS = 20  # filings per address and window
WINDOW_SECONDS = 15 * 60
LOOKUPS = AttemptLimit("complaints.lookups", MAX_FAILURES, WINDOW_SECONDS)  # failed ones
FILINGS = AttemptLimit("complaints.filings", MAX_FILINGS, WINDOW_SECONDS)  # every one
FILED_SESSION_KEY = "complaints.filed"


@never_cache
@csrf_protect
def file(request):
    form = ComplaintForm(request.POST or None, request.FILES or None)
    refused, status = "", 200
    if request.method == "POST":
        if FILINGS.blocked(request):
            refused, status = _("Too many complaints from your connection. Try again in a quarter of an hour."), 429
        elif form.is_valid():
            citizen = request.user if request.user.is_authenticated and not request.user.is_staff else None
            try:
                filing = services.file_complaint(**form.filing(request.LANGUAGE_CODE), channel=Complaint.Channel.WEB,
                                                 citizen=citizen, request=request)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                FILINGS.count_failure(request)
                # The key goes through the session, never the address bar (nor a shared PC's history).
                request.session[FILED_SESSION_KEY] = [filing.complaint.number, filing.access_key]
                return redirect(reverse("portal-complaints:filed"))
    return render(request, "complaints/portal/file.html", {"form": form, "refused": refused}, status=status)


@never_cache
def filed(request):
    number, key = request.session.pop(FILED_SESSION_KEY, None) or (None, None)
    if number is None:
        return redirect(reverse("portal-complaints:file"))
    complaint = Complaint.objects.filter(number=number).first()
    return render(request, "complaints/portal/filed.html", {"complaint": complaint, "access_key": key})


def _public_view(complaint: Complaint, language: str) -> dict:
    return {
        "number": complaint.number, "kind": complaint.get_kind_display(), "category": complaint.category.name(language),
        "status": complaint.status, "status_label": complaint.get_status_display(),
        "received_at": complaint.received_at, "due_on": complaint.due_on, "answer": complaint.answer,
        "answered_at": complaint.answered_at, "reopened_at": complaint.reopened_at,
        "timeline": list(selectors.public_timeline(complaint)), "can_reopen": services.can_reopen(complaint),
        "reopen_deadline": services.reopen_deadline(complaint),
        "late": complaint.is_open and complaint.due_on < timezone.localdate(),
    }


@never_cache
@csrf_protect
def follow(request):
    """Look-up by number and key (POST, so that the key stays out of addresses and logs), and the reopening."""
    form = FollowForm(request.POST or None, initial={"number": request.GET.get("number", "")[:30]})
    context = {"form": form, "summary": None, "refused": "", "reopen_form": None, "reopened": False}
    status = 200
    if request.method == "POST":
        reopening = "reason" in request.POST
        if LOOKUPS.blocked(request):
            context["refused"] = _("Too many attempts from your connection. Wait a quarter of an hour and try "
                                   "again.")
            status = 429
        elif form.is_valid():
            complaint = selectors.find_complaint(form.cleaned_data["number"], form.cleaned_data["key"])
            if complaint is None:
                LOOKUPS.count_failure(request)
                context["refused"] = _("No complaint matches this number and access key. Check both.")
            else:
                reopen_form = ReopenForm(request.POST if reopening else None,
                                         initial={"number": complaint.number, "key": form.cleaned_data["key"]})
                if reopening and reopen_form.is_valid():
                    try:
                        complaint = services.reopen(
                            complaint.pk, access_key=form.cleaned_data["key"],
                            reason=reopen_form.cleaned_data["reason"],
                            citizen=request.user if request.user.is_authenticated else None, request=request)
                    except (ValidationError, PermissionDenied) as error:
                        context["refused"] = " ".join(getattr(error, "messages", [str(error)]))
                    else:
                        context["reopened"] = True
                context["summary"] = _public_view(complaint, request.LANGUAGE_CODE)
                context["reopen_form"] = reopen_form
    return render(request, "complaints/portal/follow.html", context, status=status)


def statistics(request):
    figures = selectors.public_statistics()
    labels = dict(Complaint.Status.choices)
    open_statuses = set(Complaint.OPEN_STATUSES)
    rows = [(category.name(request.LANGUAGE_CODE), total,
             sum(count for status, count in per_status.items() if status in open_statuses),
             sum(count for status, count in per_status.items() if status not in open_statuses))
            for category, per_status, total in figures.by_category]
    share = None if figures.answered_in_time_share is None else round(figures.answered_in_time_share * 100)
    return render(request, "complaints/portal/statistics.html", {
        "figures": figures, "rows": rows, "share": share,
        "statuses": [(labels[key], value) for key, value in figures.by_status.items()],
        "kinds": [(label, figures.by_kind[key]) for key, label in Complaint.Kind.choices]})


urlpatterns = [
    path("", file, name="file"),
    path("deposee/", filed, name="filed"),
    path("suivi/", follow, name="follow"),
    path("statistiques/", statistics, name="statistics"),
]
