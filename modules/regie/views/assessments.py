"""The assessments' screens (ordres de recette): the list with the late ones marked, the detail with what is due
today, issuing one after a preview of its amount, and the cancellation asked for and then decided by the
ordonnateur. A cancelled assessment is kept, marked, with its reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.regie.forms.assessments import (
    AssessmentFilterForm,
    AssessmentForm,
    CancellationDecisionForm,
    CancellationRequestForm,
)
from modules.regie.models import Assessment, Taxpayer
from modules.regie.notices import assessment_notice_pdf
from modules.regie.selectors.assessments import (
    awaiting_decision,
    dues_on,
    is_overdue,
    list_assessments,
    preview_assessment,
)
from modules.regie.selectors.catalogue import search_taxpayers
from modules.regie.services import assessments as services
from modules.regie.views.base import ModuleView, attach_errors, url

PER_PAGE = 50
TAXPAYERS_OFFERED = 10


def may_request_cancellation(user) -> bool:
    return user.has_perm("regie.add_assessment") or user.has_perm("regie.add_receipt")


class AssessmentListView(ModuleView):
    permission = "regie.view_assessment"
    template_name = "regie/assessments/list.html"
    page_title = gettext_lazy("Assessments")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        form = AssessmentFilterForm(self.request.GET or None)
        page = Paginator(list_assessments(form.filters(), today), PER_PAGE).get_page(self.request.GET.get("p"))
        rows = [(assessment, is_overdue(assessment, today), awaiting_decision(assessment)) for assessment in page]
        query = self.request.GET.copy()
        query.pop("p", None)
        return super().get_context_data(form=form, page_obj=page, rows=rows, query=query.urlencode(),
                                        can_issue=self.request.user.has_perm("regie.add_assessment"), **kwargs)


class AssessmentDetailView(ModuleView):
    permission = "regie.view_assessment"
    template_name = "regie/assessments/detail.html"
    header_icon = "doc-full"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.assessment = get_object_or_404(
            Assessment.objects.select_related("taxpayer", "item", "tariff_version__tariff", "issued_by",
                                              "cancellation_requested_by", "cancelled_by"), pk=kwargs["pk"])

    def get_page_title(self):
        return _("Assessment %(reference)s") % {"reference": self.assessment.reference}

    def get_context_data(self, **kwargs):
        assessment, user = self.assessment, self.request.user
        cancellable = assessment.status != Assessment.Status.CANCELLED and assessment.principal_paid == 0
        waiting = awaiting_decision(assessment)
        return super().get_context_data(
            assessment=assessment, dues=dues_on(assessment, timezone.localdate()), today=timezone.localdate(),
            receipts=assessment.receipts.select_related("book").order_by("issued_at"),
            awaiting=waiting,
            can_request=cancellable and not waiting and may_request_cancellation(user),
            can_decide=cancellable and waiting and user.has_perm("regie.approve_cancellation"),
            request_form=kwargs.pop("request_form", None) or CancellationRequestForm(),
            decision_form=CancellationDecisionForm(), **kwargs)


class AssessmentAddView(ModuleView):
    """Issue an assessment: the amount is shown first (preview), then issued as previewed."""

    permission = "regie.add_assessment"
    template_name = "regie/assessments/add.html"
    page_title = gettext_lazy("Issue an assessment")
    header_icon = "doc-full"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        taxpayer_id = request.POST.get("taxpayer") or request.GET.get("taxpayer")
        self.taxpayer = None
        if taxpayer_id:
            self.taxpayer = get_object_or_404(Taxpayer, pk=taxpayer_id) if str(taxpayer_id).isdigit() else None

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        found = list(search_taxpayers(query)[:TAXPAYERS_OFFERED]) if query and not self.taxpayer else None
        return super().get_context_data(taxpayer=self.taxpayer, query=query, found=found, **kwargs)

    def get(self, request, *args, **kwargs):
        initial = {"taxpayer": self.taxpayer.pk} if self.taxpayer else {}
        return self.render_to_response(self.get_context_data(form=AssessmentForm(initial=initial,
                                                                                 taxpayer=self.taxpayer)))

    def post(self, request, *args, **kwargs):
        form = AssessmentForm(request.POST, taxpayer=self.taxpayer)
        preview = None
        if form.is_valid():
            data = form.cleaned_data
            try:
                preview = preview_assessment(tariff=data["tariff"], base_values=form.base_values(),
                                             item=data.get("item"), on=timezone.localdate())
                if preview.principal <= 0:
                    raise ValidationError(_("Nothing is due: the amount is below the exemption threshold of the "
                                            "tariff."))
            except ValidationError as error:
                attach_errors(form, error)
                preview = None
            else:
                confirmed = request.POST.get("action") == "issue" and data.get("previewed") == str(preview.principal)
                if confirmed:
                    return self._issue(form)
                if request.POST.get("action") == "issue":
                    messages.warning(request, _("The amount changed since the preview: check it before issuing."))
                form = AssessmentForm({**request.POST.dict(), "previewed": str(preview.principal)},
                                      taxpayer=self.taxpayer)
                form.is_valid()
        return self.render_to_response(self.get_context_data(form=form, preview=preview))

    def _issue(self, form):
        data = form.cleaned_data
        try:
            assessment = services.issue_assessment(
                actor=self.request.user, tariff=data["tariff"], base_values=form.base_values(),
                taxpayer=self.taxpayer, item=data.get("item"), payer_name=data.get("payer_name", ""),
                period=data.get("period", ""), request=self.request)
        except ValidationError as error:
            attach_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(self.request, _("Assessment %(reference)s issued for %(amount)s DH.")
                         % {"reference": assessment.reference, "amount": assessment.principal})
        return redirect(url("assessment", assessment.pk))


class CancellationRequestView(ModuleView):
    """A régisseur (or the ordonnateur) asks for a cancellation, with its reason; the ordonnateur decides."""

    permission = "regie.view_assessment"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not may_request_cancellation(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        form = CancellationRequestForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for the cancellation."))
            return redirect(url("assessment", pk))
        try:
            services.request_cancellation(pk, actor=request.user, reason=form.cleaned_data["reason"],
                                          request=request)
        except Assessment.DoesNotExist:
            return redirect(url("assessments"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The cancellation is asked for; the ordonnateur decides."))
        return redirect(url("assessment", pk))


class CancellationDecisionView(ModuleView):
    permission = "regie.approve_cancellation"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = CancellationDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose to approve or to reject the cancellation."))
            return redirect(url("assessment", pk))
        approve = form.cleaned_data["decision"] == "approve"
        try:
            if approve:
                services.approve_cancellation(pk, actor=request.user, request=request)
            else:
                services.reject_cancellation(pk, actor=request.user, request=request)
        except Assessment.DoesNotExist:
            return redirect(url("assessments"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The assessment is cancelled; it is kept with its reason.") if approve
                             else _("The cancellation is rejected; the assessment stays due."))
        return redirect(url("assessment", pk))


def assessment_notice(request, pk: int) -> HttpResponse:
    """The notice for the taxpayer, with the reference and access key to follow it on the portal."""
    if not request.user.has_perm("regie.view_assessment"):
        raise PermissionDenied
    assessment = get_object_or_404(Assessment.objects.select_related("taxpayer", "item", "tariff_version__tariff"),
                                   pk=pk)
    response = HttpResponse(assessment_notice_pdf(assessment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{assessment.reference}.pdf"'
    return response


urlpatterns = [
    path("assessments/", AssessmentListView.as_view(), name="assessments"),
    path("assessments/new/", AssessmentAddView.as_view(), name="assessment_add"),
    path("assessments/<int:pk>/", AssessmentDetailView.as_view(), name="assessment"),
    path("assessments/<int:pk>/notice.pdf", assessment_notice, name="assessment_notice"),
    path("assessments/<int:pk>/cancel/", CancellationRequestView.as_view(), name="assessment_cancel_request"),
    path("assessments/<int:pk>/cancel/decide/", CancellationDecisionView.as_view(), name="assessment_cancel_decide"),
]
