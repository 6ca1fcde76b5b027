"""The citizen's look-up on the commune's portal (/<language>/paiements/): with the reference of an assessment
and its access key, see what is owed today and where to pay, without an account.

A wrong reference and a wrong key get one same message, and failed attempts are counted per address in the
cache (whose keys carry the commune's schema), so that keys cannot be guessed by trying."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from modules.regie.models import Assessment
from modules.regie.selectors.assessments import dues_on, find_for_citizen
from platform_core.attempts import AttemptLimit
from platform_core.locale import is_arabic
from platform_core.money import format_amount

MAX_FAILURES = 10  # per address and window
WINDOW_SECONDS = 15 * 60
ATTEMPTS = AttemptLimit("regie.portal.failures", MAX_FAILURES, WINDOW_SECONDS)


class LookupForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Reference of the assessment"), max_length=30,
        help_text=gettext_lazy("As printed on your notice, e.g. OR-2026-000123"),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false", "placeholder": "OR-2026-000123"}))
    access_key = forms.CharField(
        label=gettext_lazy("Access key"), max_length=30,
        help_text=gettext_lazy("The 10 letters and digits printed beside the reference"),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false"}))


def mask_name(name: str) -> str:
    """The first word whole, the others by their first letter: "Fatima Zahra Idrissi" -> "Fatima Z. I."."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{word[0]}." for word in words[1:])])


def _summary(assessment: Assessment, language: str) -> dict:
    arabic = is_arabic(language)
    dues = dues_on(assessment, timezone.localdate())
    tariff = assessment.tariff_version.tariff
    taxpayer = assessment.taxpayer
    if taxpayer is not None:
        name = taxpayer.name_ar if arabic else taxpayer.name_latin
    else:
        name = assessment.payer_name

    def amount(value):
        return format_amount(value, "ar" if arabic else "fr")

    return {
        "reference": assessment.reference,
        "payer": mask_name(name),
        "purpose": tariff.name_ar if arabic else tariff.name_fr,
        "period": assessment.period,
        "item": assessment.item.label if assessment.item else "",
        "principal": amount(dues.principal),
        "paid": amount(dues.paid),
        "penalty": amount(dues.penalty_due) if dues.penalty_due else "",
        "total": amount(dues.total_due),
        "due_date": assessment.due_date,
        "overdue": dues.overdue,
        "status": assessment.status,
        "status_label": assessment.get_status_display(),
    }


@never_cache
@csrf_protect
def lookup(request):
    # The notice's QR code brings the reference and key in the address: the form is filled, the citizen submits.
    initial = {"reference": request.GET.get("reference", "")[:30], "access_key": request.GET.get("key", "")[:30]}
    form = LookupForm(request.POST or None, initial=initial)
    context = {"form": form, "summary": None, "refused": "", "status": 200}
    if request.method == "POST":
        if ATTEMPTS.blocked(request):
            context["refused"] = _("Too many attempts from your connection. Wait a quarter of an hour and try "
                                   "again, or ask at the régie's counter.")
            context["status"] = 429
        elif form.is_valid():
            assessment = find_for_citizen(form.cleaned_data["reference"], form.cleaned_data["access_key"])
            if assessment is None:
                ATTEMPTS.count_failure(request)
                context["refused"] = _("No assessment matches this reference and access key. Check both as "
                                       "printed on your notice.")
            else:
                context["summary"] = _summary(assessment, request.LANGUAGE_CODE)
                context["form"] = LookupForm()
    commune = getattr(request, "commune", None)
    if commune is not None:
        context["counter_address"] = commune.address_ar if is_arabic(request.LANGUAGE_CODE) else commune.address_fr
    # The same page in the other languages: the path after the /<language>/ prefix.
    rest = request.path_info.lstrip("/").partition("/")[2]
    context["languages"] = [(code, name, f"/{code}/{rest}") for code, name in settings.LANGUAGES
                            if code != request.LANGUAGE_CODE]
    status = context.pop("status")
    return render(request, "regie/portal/lookup.html", context, status=status)


urlpatterns = [
    path("", lookup, name="portal_lookup"),
]
