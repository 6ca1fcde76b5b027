"""Training sandboxes from the console: the list, creation from a scenario recipe, and reset, end date and archive.

Trainers (permission run_trainings) and operators use these pages; the work is done by
tenants.services.sandboxes, the same services as `manage.py sandbox`. The trainee sheet is the only copy of the
trainees' passwords: it waits in the platform cache for the trainer who created the sandbox, and the first
download takes it out, so it reaches one person once.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from platform_core.audit import services as audit
from tenants.console.access import trainer_required
from tenants.models import Commune
from tenants.recipes import RESERVED_SLUGS, SLUG_PATTERN, RecipeError, load_recipe
from tenants.selectors import commune_url
from tenants.services.provisioning import ProvisioningError
from tenants.services.sandboxes import (
    SNAPSHOT_PREFIX,
    SandboxError,
    create_sandbox,
    reset_sandbox,
    retire_sandbox,
)

SCENARIO_ROOT = settings.BASE_DIR / "recipes"
SHEET_SECONDS = 15 * 60
MAX_TRAINEES = 60
MAX_DAYS_AHEAD = 365
# A sandbox's snapshot schema is "snapshot__<schema>", and PostgreSQL names stop at 63 characters.
MAX_SLUG_LENGTH = 63 - len(SNAPSHOT_PREFIX)

Kind = Commune.Kind
Status = Commune.Status


# --- The scenario library ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A recipe of the library whose commune is a training commune."""

    value: str  # path relative to SCENARIO_ROOT, the form's choice
    stem: str  # what provisioning records as the commune's recipe_name
    name_fr: str
    name_ar: str

    @property
    def path(self) -> Path:
        return SCENARIO_ROOT / self.value


def scenario_library() -> list[Scenario]:
    """The training recipes under recipes/ (any folder), by file name; files that are not valid recipes are
    left out (the provisioning page shows them as such)."""
    scenarios = []
    for file in sorted(SCENARIO_ROOT.rglob("*.yaml")):
        try:
            recipe = load_recipe(file)
        except RecipeError:
            continue
        if recipe.commune.kind == Kind.TRAINING:
            scenarios.append(Scenario(value=file.relative_to(SCENARIO_ROOT).as_posix(), stem=file.stem,
                                      name_fr=recipe.commune.name_fr, name_ar=recipe.commune.name_ar))
    return scenarios


# --- Reads ------------------------------------------------------------------------------------------------


def _snapshot_schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [SNAPSHOT_PREFIX])
        return {row[0] for row in cursor.fetchall()}


def _time_left(ends_on: datetime.date | None, today: datetime.date) -> tuple[str, bool]:
    """What to say about the end of the training, and whether it has ended."""
    if ends_on is None:
        return _("no end date"), False
    days = (ends_on - today).days
    if days < 0:
        return _("ended"), True
    if days == 0:
        return _("last day today"), False
    return ngettext("%(count)d day left", "%(count)d days left", days) % {"count": days}, False


def sandbox_rows(today: datetime.date | None = None) -> dict[str, list[dict]]:
    """The training communes, the running ones (soonest end first) apart from the archived ones (latest end
    first), each with its links, what is left of its training, whether its snapshot exists and its scenario."""
    today = today or timezone.localdate()
    connection.set_schema_to_public()
    snapshots = _snapshot_schemas()
    scenarios = {scenario.stem: scenario for scenario in scenario_library()}
    communes = Commune.objects.filter(kind=Kind.TRAINING).prefetch_related("domains").order_by("slug")
    running, archived = [], []
    for commune in communes:
        time_left, ended = _time_left(commune.training_ends_on, today)
        row = {
            "commune": commune,
            "url": commune_url(commune),
            "admin_url": commune_url(commune, "/admin/"),
            "time_left": time_left,
            "ended": ended,
            "snapshot": bool(commune.snapshot_schema) and commune.snapshot_schema in snapshots,
            "scenario": scenarios.get(commune.recipe_name),
        }
        (archived if commune.status == Status.ARCHIVED else running).append(row)
    far = datetime.date.max
    running.sort(key=lambda row: (row["commune"].training_ends_on or far, row["commune"].slug))
    archived.sort(key=lambda row: row["commune"].training_ends_on or far, reverse=True)
    return {"running": running, "archived": archived}


# --- Writes -----------------------------------------------------------------------------------------------


def change_end_date(commune: Commune, ends_on: datetime.date, *, actor, request=None) -> Commune:
    """Move the last day of a sandbox's training (the scheduled expiry archives it the day after)."""
    connection.set_schema_to_public()
    with transaction.atomic(durable=True):
        locked = Commune.objects.select_for_update().get(pk=commune.pk)
        if not locked.is_training:
            raise SandboxError(_("Only a training commune can be a sandbox."))
        if locked.status == Status.ARCHIVED:
            raise SandboxError(_("%(slug)s is archived and its snapshot is gone: create a new sandbox instead.")
                               % {"slug": locked.slug})
        before = locked.training_ends_on
        locked.training_ends_on = ends_on
        locked.save(update_fields=["training_ends_on", "updated_at"])
        audit.record("tenants.sandbox_end_date", actor=actor, target=locked, request=request,
                     before={"ends_on": str(before) if before else None}, after={"ends_on": str(ends_on)})
    commune.training_ends_on = ends_on
    return commune


def archive_now(commune: Commune, *, actor, request=None) -> Commune:
    """End the sandbox's training yesterday, then archive it and drop its snapshot, as the daily expiry would."""
    if commune.status == Status.ARCHIVED:
        raise SandboxError(_("%(slug)s is already archived.") % {"slug": commune.slug})
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    if commune.training_ends_on is None or commune.training_ends_on > yesterday:
        change_end_date(commune, yesterday, actor=actor, request=request)
    archived = retire_sandbox(commune, actor=actor, request=request)
    if archived is None:  # another trainer, or the daily expiry, archived it first
        raise SandboxError(_("%(slug)s is already archived.") % {"slug": commune.slug})
    return archived


# --- The trainee sheet, once ------------------------------------------------------------------------------


def _sheet_key(token: str) -> str:
    return f"console.sandbox-sheet:{token}"


def keep_sheet(user, commune: Commune, sheet: bytes, trainees: int) -> str:
    """Keep the sheet for its creator for a few minutes; returns the token of its download link."""
    token = secrets.token_urlsafe(24)
    caches["platform"].set(_sheet_key(token), {"user": user.pk, "slug": commune.slug, "pdf": sheet,
                                               "trainees": trainees}, SHEET_SECONDS)
    return token


def _waiting_sheet(request, slug: str, token: str) -> dict | None:
    """The sheet still waiting for this trainer under this token, or None (downloaded, expired, never existed).
    Someone else's sheet is a 404: its existence is not for them to know."""
    entry = caches["platform"].get(_sheet_key(token))
    if entry is None:
        return None
    if entry["user"] != request.user.pk or entry["slug"] != slug:
        raise Http404
    return entry


# --- Forms ------------------------------------------------------------------------------------------------


class SandboxForm(forms.Form):
    scenario = forms.ChoiceField(label=gettext_lazy("Scenario"), widget=forms.RadioSelect)
    slug = forms.CharField(
        label=gettext_lazy("Slug"), max_length=MAX_SLUG_LENGTH,
        help_text=gettext_lazy("Lower-case letters, digits and hyphens, e.g. formation-fes-mars. The sandbox's "
                               "address is <slug>.<platform domain>."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}))
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=200, required=False,
        help_text=gettext_lazy("Optional; by default, the scenario's names in Arabic and French."))
    trainees = forms.IntegerField(label=gettext_lazy("Number of trainees"), min_value=1, max_value=MAX_TRAINEES,
                                  initial=10)
    ends_on = forms.DateField(
        label=gettext_lazy("Last day of the training"), input_formats=["%Y-%m-%d"],
        help_text=gettext_lazy("The sandbox is archived the day after, and can no longer be reset."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, library: list[Scenario], **kwargs):
        super().__init__(*args, **kwargs)
        self.library = {scenario.value: scenario for scenario in library}
        self.fields["scenario"].choices = [(scenario.value, scenario.value) for scenario in library]
        if len(library) == 1:
            self.fields["scenario"].initial = library[0].value
        self.fields["slug"].initial = suggested_slug()
        today = timezone.localdate()
        self.fields["ends_on"].widget.attrs.update(
            min=today.isoformat(), max=(today + datetime.timedelta(days=MAX_DAYS_AHEAD)).isoformat())

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        if not re.fullmatch(SLUG_PATTERN, slug) or slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("Use lower-case letters, digits and single hyphens, starting with a "
                                          "letter (e.g. formation-fes-mars)."))
        if _slug_taken(slug):
            raise forms.ValidationError(_("A commune named %(slug)s already exists.") % {"slug": slug})
        return slug

    def clean_ends_on(self) -> datetime.date:
        return _check_end_date(self.cleaned_data["ends_on"])

    def scenario_chosen(self) -> Scenario:
        return self.library[self.cleaned_data["scenario"]]


class EndDateForm(forms.Form):
    ends_on = forms.DateField(label=gettext_lazy("Last day of the training"), input_formats=["%Y-%m-%d"])

    def clean_ends_on(self) -> datetime.date:
        return _check_end_date(self.cleaned_data["ends_on"])


def _check_end_date(ends_on: datetime.date) -> datetime.date:
    today = timezone.localdate()
    if ends_on < today:
        raise forms.ValidationError(_("The last day of the training cannot be in the past."))
    if ends_on > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise forms.ValidationError(_("The last day of the training must be within a year."))
    return ends_on


def _slug_taken(slug: str) -> bool:
    schema = Commune.schema_name_for(slug)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname IN (%s, %s)", [schema, SNAPSHOT_PREFIX + schema])
        leftover = cursor.fetchone() is not None
    return leftover or Commune.objects.filter(slug=slug).exists()


def suggested_slug(today: datetime.date | None = None) -> str:
    """formation-<date>, with -2, -3... when taken."""
    base = f"formation-{(today or timezone.localdate()).isoformat()}"
    candidate, number = base, 1
    while _slug_taken(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


# --- Views ------------------------------------------------------------------------------------------------


def _training_commune(slug: str) -> Commune:
    """Only training communes are handled here: a production commune's slug is not found."""
    connection.set_schema_to_public()
    return get_object_or_404(Commune.objects.prefetch_related("domains"), slug=slug, kind=Kind.TRAINING)


@trainer_required
@never_cache
def sandbox_list(request):
    return render(request, "console/sandboxes.html", {
        "section": "sandboxes", **sandbox_rows(), "today": timezone.localdate(),
        "max_ends_on": timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD),
    })


@trainer_required
@never_cache
def sandbox_new(request):
    connection.set_schema_to_public()
    form = SandboxForm(request.POST or None, library=scenario_library())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = create_sandbox(form.scenario_chosen().path, slug=data["slug"], name=data["name"] or None,
                                    trainees=data["trainees"], ends_on=data["ends_on"], actor=request.user,
                                    request=request)
        except (RecipeError, ProvisioningError, SandboxError) as error:
            form.add_error(None, str(error))
        else:
            token = keep_sheet(request.user, result.commune, result.sheet, len(result.trainees))
            messages.success(request, _("The sandbox %(slug)s was created in %(seconds).1f s.") % {
                "slug": result.commune.slug, "seconds": result.seconds})
            return redirect("console:sandbox_created", slug=result.commune.slug, token=token)
    return render(request, "console/sandbox_new.html", {
        "section": "sandboxes", "form": form,
        "scenarios": [(form["scenario"][index], scenario) for index, scenario in enumerate(form.library.values())],
    })


@trainer_required
@never_cache
def sandbox_created(request, slug: str, token: str):
    commune = _training_commune(slug)
    sheet = _waiting_sheet(request, slug, token)
    return render(request, "console/sandbox_created.html", {
        "section": "sandboxes", "commune": commune, "url": commune_url(commune),
        "admin_url": commune_url(commune, "/admin/"), "sheet": sheet, "token": token,
        "minutes": SHEET_SECONDS // 60,
    })


@trainer_required
@never_cache
def sandbox_sheet(request, slug: str, token: str):
    """The trainee sheet, once: the first download takes it out of the cache (the delete that succeeds wins, so
    two clicks at once cannot both get it)."""
    commune = _training_commune(slug)
    sheet = _waiting_sheet(request, slug, token)
    if sheet is None or not caches["platform"].delete(_sheet_key(token)):
        return render(request, "console/sandbox_sheet_gone.html",
                      {"section": "sandboxes", "commune": commune, "minutes": SHEET_SECONDS // 60}, status=410)
    response = HttpResponse(sheet["pdf"], content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{slug}-trainees.pdf")
    return response


@trainer_required
@require_POST
def sandbox_reset(request, slug: str):
    commune = _training_commune(slug)
    try:
        seconds = reset_sandbox(commune, actor=request.user, request=request)
    except SandboxError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(slug)s is back to its starting state (%(seconds).1f s).") % {
            "slug": commune.slug, "seconds": seconds})
    return redirect("console:sandboxes")


@trainer_required
@require_POST
def sandbox_end_date(request, slug: str):
    commune = _training_commune(slug)
    form = EndDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["ends_on"]))
        return redirect("console:sandboxes")
    try:
        change_end_date(commune, form.cleaned_data["ends_on"], actor=request.user, request=request)
    except SandboxError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The training in %(slug)s now ends on %(date)s.") % {
            "slug": commune.slug, "date": form.cleaned_data["ends_on"].isoformat()})
    return redirect("console:sandboxes")


@trainer_required
@require_POST
def sandbox_archive(request, slug: str):
    commune = _training_commune(slug)
    try:
        archive_now(commune, actor=request.user, request=request)
    except SandboxError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(slug)s is archived and its snapshot dropped.") % {"slug": commune.slug})
    return redirect("console:sandboxes")


urlpatterns = [
    path("", sandbox_list, name="sandboxes"),
    path("new/", sandbox_new, name="sandbox_new"),
    path("<slug:slug>/created/<str:token>/", sandbox_created, name="sandbox_created"),
    path("<slug:slug>/sheet/<str:token>/", sandbox_sheet, name="sandbox_sheet"),
    path("<slug:slug>/reset/", sandbox_reset, name="sandbox_reset"),
    path("<slug:slug>/end-date/", sandbox_end_date, name="sandbox_end_date"),
    path("<slug:slug>/archive/", sandbox_archive, name="sandbox_archive"),
]
