"""The historical backlog in the back office: upload a file of typed acts, follow its check and load on a progress
bar, read the report of bad rows, and review the differences of a second entry."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from modules.civil_status.importing import services
from modules.civil_status.importing.columns import COLUMNS
from modules.civil_status.importing.forms import ReviewForm, UploadForm
from modules.civil_status.importing.models import ImportBatch
from modules.civil_status.importing.selectors import batch_progress, recent_batches
from modules.civil_status.views.base import ModuleView, attach_errors, url


class ImportView(ModuleView):
    permission = "civil_status.import_acts"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not services.can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if not isinstance(self, ImportListView):
            items.insert(-1, {"url": url("imports"), "label": _("Historical backlog")})
        return items


class BatchView(ImportView):
    """A screen about one batch of the current commune (another commune's batch does not exist here: 404)."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.batch = get_object_or_404(ImportBatch.objects.select_related("bureau", "uploaded_by", "first_batch"),
                                       pk=kwargs["pk"])

    def get_page_title(self):
        return _("Import #%(id)s") % {"id": self.batch.pk}


class ImportListView(ImportView):
    template_name = "civil_status/imports/index.html"
    page_title = gettext_lazy("Historical backlog")

    def get_context_data(self, **kwargs):
        return super().get_context_data(batches=recent_batches(), **kwargs)


class ImportUploadView(ImportView):
    template_name = "civil_status/imports/upload.html"
    page_title = gettext_lazy("Import a file of acts")

    def get(self, request, *args, **kwargs):
        initial = {}
        if request.GET.get("second_entry_of", "").isdecimal():
            initial = {"entry": ImportBatch.Entry.SECOND, "first_batch": int(request.GET["second_entry_of"])}
        return self.render_to_response(self.get_context_data(form=UploadForm(initial=initial)))

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=COLUMNS, **kwargs)

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    batch = services.create_batch(
                        actor=request.user, bureau=data["bureau"], file=data["file"], images=data["images"],
                        entry=data["entry"], first_batch=data["first_batch"], language=get_language(),
                        request=request)
                    services.queue(batch)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect(url("import_detail", batch.pk))
        return self.render_to_response(self.get_context_data(form=form))


class ImportDetailView(BatchView):
    template_name = "civil_status/imports/detail.html"

    def get_context_data(self, **kwargs):
        batch = self.batch
        report = batch.report or {}
        problems = report.get("problems", [])
        return super().get_context_data(
            batch=batch, percent=batch_progress(batch), problems=problems,
            problems_hidden=max(report.get("problems_total", 0) - len(problems), 0),
            registers=report.get("registers", []), pages=report.get("pages", 0),
            mismatches_total=batch.mismatches.count(), second_entries=batch.second_entries.all(), **kwargs)


def import_progress(request, pk: int):
    """What the detail page polls while the batch runs: its status and percentage, as JSON."""
    if not services.can_import(request.user):
        raise PermissionDenied
    batch = get_object_or_404(ImportBatch, pk=pk)
    return JsonResponse({"status": batch.status, "status_label": batch.get_status_display(),
                         "percent": batch_progress(batch), "running": batch.is_running})


def import_report(request, pk: int):
    """The bad rows of a refused batch as CSV (line, column, reason), to fix the file beside it."""
    if not services.can_import(request.user):
        raise PermissionDenied
    batch = get_object_or_404(ImportBatch, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
    response.write("\ufeff")  # so that Excel reads the Arabic reasons as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("line"), _("column"), _("reason")])
    for problem in (batch.report or {}).get("problems", []):
        writer.writerow([problem["line"], problem["column"], problem["reason"]])
    return response


class ImportReviewView(BatchView):
    template_name = "civil_status/imports/review.html"

    def get_page_title(self):
        return _("Review of import #%(id)s") % {"id": self.batch.pk}

    def _form(self, data=None):
        return ReviewForm(self.batch.mismatches.all(), data)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                services.resolve_mismatches(self.batch.pk, actor=request.user, values=form.values())
                if "load" in request.POST:
                    with transaction.atomic():
                        services.queue(services.load_reviewed(self.batch.pk, actor=request.user))
                    return redirect(url("import_detail", self.batch.pk))
            except ValidationError as error:
                for key, problems in getattr(error, "message_dict", {"__all__": error.messages}).items():
                    form.add_error(f"other_{key}" if f"other_{key}" in form.fields else None, problems)
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect(url("import_review", self.batch.pk))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        unresolved = self.batch.mismatches.filter(resolved_value__isnull=True).count()
        problems = (self.batch.report or {}).get("problems", []) if self.batch.status == ImportBatch.Status.REVIEW \
            else []
        return super().get_context_data(batch=self.batch, unresolved=unresolved, problems=problems, **kwargs)


urlpatterns = [
    path("imports/", ImportListView.as_view(), name="imports"),
    path("imports/new/", ImportUploadView.as_view(), name="import_new"),
    path("imports/<int:pk>/", ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", import_progress, name="import_progress"),
    path("imports/<int:pk>/report.csv", import_report, name="import_report"),
    path("imports/<int:pk>/review/", ImportReviewView.as_view(), name="import_review"),
]
