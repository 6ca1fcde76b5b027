"""Staff's screens for online requests, inside the Wagtail admin: the inbox (what waits for me first, late ones
marked), and a request's page with everything needed to decide (the citizen's data and papers, the fee, the
timeline) and the actions the user's role allows on the current step. Every action is a POST to one service.

Attached papers and issued PDFs are streamed by a view that checks the user's role on the request's service:
they never get a public URL."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from platform_core.eservices import fees, selectors, services
from platform_core.eservices.definitions import get_eservice, offered_by
from platform_core.eservices.forms import ApproveForm, AskForPaperForm, InboxFilterForm, NoteForm, RefuseForm
from platform_core.eservices.models import ServiceRequest
from platform_core.modules.admin_views import attach_errors

PER_PAGE = 50
NAMESPACE = "eservices-admin"
Status = ServiceRequest.Status


def url(name: str, *args) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


def my_services(request) -> list:
    """The e-services this commune offers on which the user holds the permission of at least one step."""
    offered = offered_by(getattr(request, "commune", None) or getattr(connection, "tenant", None))
    return [service for service in selectors.services_user_works_on(request.user) if service in offered]


def waiting_count(request) -> int:
    services_ = my_services(request)
    if not services_:
        return 0
    return selectors.inbox(request.user, waiting_for_me=True).filter(
        service_code__in=[service.code for service in services_]).count()


def is_overdue(service_request: ServiceRequest, today) -> bool:
    return service_request.is_open and service_request.due_on < today


class EServicesView(WagtailAdminTemplateMixin, TemplateView):
    """Open to staff working on at least one e-service of the commune."""

    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        self.services = my_services(request)
        if not self.services:
            raise PermissionDenied
        self.language = translation.get_language()
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": url("inbox"), "label": _("Online requests")},
                {"url": "", "label": self.get_page_title()}]


class InboxView(EServicesView):
    template_name = "eservices/admin/inbox.html"
    page_title = gettext_lazy("Online requests")

    def get_breadcrumbs_items(self):
        return [*WagtailAdminTemplateMixin.get_breadcrumbs_items(self), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        form = InboxFilterForm(self.request.GET or None, services=self.services, language=self.language)
        requests = selectors.inbox(self.request.user, **form.filters()).filter(
            service_code__in=[service.code for service in self.services])
        page = Paginator(requests, PER_PAGE).get_page(self.request.GET.get("p"))
        names = {service.code: service.name(self.language) for service in self.services}
        today = timezone.localdate()
        rows = [{"request": item, "service": names.get(item.service_code, item.service_code),
                 "name": item.display_name(self.language), "overdue": is_overdue(item, today),
                 "step": selectors.current_step(item).name(self.language) if item.is_open else ""}
                for item in page]
        query = self.request.GET.copy()
        query.pop("p", None)
        return super().get_context_data(form=form, page_obj=page, rows=rows, query=query.urlencode(), **kwargs)


class _RequestMixin:
    """The request of the URL, in this commune's schema (another commune's number is a 404), on a service the user
    works on (otherwise refused)."""

    def load(self, request, pk):
        self.service_request = get_object_or_404(ServiceRequest, pk=pk)
        try:
            self.service = get_eservice(self.service_request.service_code)
        except LookupError:
            raise Http404 from None
        if self.service not in my_services(request):
            raise PermissionDenied


class RequestView(_RequestMixin, EServicesView):
    template_name = "eservices/admin/request.html"
    ACTIONS = ("approve", "refuse", "ask", "note", "deliver")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.forms = {}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.load(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Request %(number)s") % {"number": self.service_request.tracking_number}

    # --- what the user may do ------------------------------------------------------------------------------------

    def processing_form_class(self):
        if not self.service.processing_form:
            return None
        return self.service.processing_form(self.service_request)

    def may_deliver(self) -> bool:
        return (self.service_request.status == Status.READY and not self.service.downloadable
                and self.request.user.has_perm(self.service.steps[-1].permission))

    def build_forms(self, action: str | None = None, data=None) -> dict:
        """The action forms, the one posted bound to `data`."""
        def bound(name):
            return data if name == action else None

        processing = None
        can_act = selectors.can_process(self.request.user, self.service_request)
        forms_ = {"note": NoteForm(bound("note"), prefix="note")}
        if can_act and self.service_request.status != Status.AWAITING_DOCUMENTS:
            form_class = self.processing_form_class()
            processing = form_class(bound("approve"), prefix="processing") if form_class else None
            forms_["approve"] = ApproveForm(bound("approve"), prefix="approve")
        if can_act:
            forms_["refuse"] = RefuseForm(bound("refuse"), prefix="refuse")
            forms_["ask"] = AskForPaperForm(bound("ask"), prefix="ask")
        forms_["processing"] = processing
        return forms_

    # --- reading -------------------------------------------------------------------------------------------------

    def steps(self):
        item, done_all = self.service_request, self.service_request.status in (Status.READY, Status.DELIVERED)
        rows = []
        for index, step in enumerate(self.service.steps):
            if done_all or index < item.step_index:
                state = "done"
            elif index == item.step_index:
                state = "current" if item.is_open else ("refused" if item.status == Status.REFUSED else "stopped")
            else:
                state = "todo"
            rows.append({"name": step.name(self.language), "state": state})
        return rows

    def get_context_data(self, **kwargs):
        item, language = self.service_request, self.language
        papers = {paper.code: paper.name(language) for paper in self.service.papers}
        attachments = [{"attachment": attachment, "paper": papers.get(attachment.paper_code, attachment.paper_code)}
                       for attachment in item.attachments.all()]
        step_names = {step.key: step.name(language) for step in self.service.steps}
        timeline = [{"event": event, "step": step_names.get(event.step_key, event.step_key)}
                    for event in selectors.full_timeline(item)]
        forms_ = self.forms or self.build_forms()
        return super().get_context_data(
            item=item, service_name=self.service.name(language), summary=self.service.summary(item.data, language),
            steps=self.steps(), attachments=attachments, fee=fees.status(item), timeline=timeline,
            overdue=is_overdue(item, timezone.localdate()),
            current_step=selectors.current_step(item).name(language) if item.is_open else "",
            forms=forms_, may_deliver=self.may_deliver(), downloadable=self.service.downloadable, **kwargs)

    # --- acting --------------------------------------------------------------------------------------------------

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action not in self.ACTIONS:
            raise Http404
        self.forms = self.build_forms(action, request.POST)
        try:
            done = getattr(self, f"do_{action}")()
        except PermissionDenied as refusal:
            messages.error(request, str(refusal) or _("Your role does not allow this action."))
            return redirect(url("request", self.service_request.pk))
        except ValidationError as error:
            form = self.forms.get(action)
            if form is not None:
                attach_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(url("request", self.service_request.pk))
            done = None
        if done:
            messages.success(request, done)
            return redirect(url("request", self.service_request.pk))
        messages.error(request, _("The action was not done: see the reason below."))
        return self.render_to_response(self.get_context_data(), status=200)

    def _valid(self, name: str):
        form = self.forms.get(name)
        if form is None:
            raise PermissionDenied(_("Your role does not allow you to act on this step (%(step)s).")
                                   % {"step": selectors.current_step(self.service_request).name(self.language)})
        return form.cleaned_data if form.is_valid() else None

    def do_approve(self) -> str | None:
        data = self._valid("approve")
        processing = self.forms.get("processing")
        staff_data = None
        if processing is not None:
            staff_data = processing.cleaned_data if processing.is_valid() else None
            if staff_data is None:
                return None
        if data is None:
            return None
        try:
            item = services.approve_step(self.service_request.pk, actor=self.request.user, staff_data=staff_data,
                                         note=data["note"], request=self.request)
        except ValidationError as error:
            attach_errors(processing or self.forms["approve"], error)
            return None
        if item.status == Status.READY:
            return _("Request %(number)s is ready; the citizen is told by SMS.") % {"number": item.tracking_number}
        return _("Step approved: request %(number)s goes to the next step.") % {"number": item.tracking_number}

    def do_refuse(self) -> str | None:
        data = self._valid("refuse")
        if data is None:
            return None
        item = services.refuse_request(self.service_request.pk, actor=self.request.user, reason=data["reason"],
                                       request=self.request)
        return _("Request %(number)s is refused; the citizen is told why.") % {"number": item.tracking_number}

    def do_ask(self) -> str | None:
        data = self._valid("ask")
        if data is None:
            return None
        item = services.ask_for_papers(self.service_request.pk, actor=self.request.user, note=data["note"],
                                       request=self.request)
        return _("The citizen is asked for the paper; request %(number)s waits for it.") % {
            "number": item.tracking_number}

    def do_note(self) -> str | None:
        data = self._valid("note")
        if data is None:
            return None
        services.add_note(self.service_request.pk, actor=self.request.user, note=data["note"], request=self.request)
        return _("Note added.")

    def do_deliver(self) -> str | None:
        if not self.may_deliver():
            raise PermissionDenied(_("Your role does not allow you to deliver this paper."))
        item = services.mark_delivered(self.service_request.pk, actor=self.request.user, request=self.request)
        return _("Request %(number)s is marked as delivered.") % {"number": item.tracking_number}


class _FileView(_RequestMixin, View):
    """Streams a private file of a request to staff working on its service."""

    def respond(self, file, filename: str, content_type: str):
        try:
            handle = file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type, filename=filename, as_attachment=False)
        # A citizen's upload is only what it claims to be: never sniffed as HTML, never able to run script.
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
        response["Cache-Control"] = "private, no-store"
        return response


class AttachmentView(_FileView):
    def get(self, request, pk, attachment_pk):
        if not request.user.is_authenticated:
            raise PermissionDenied
        self.load(request, pk)
        attachment = get_object_or_404(self.service_request.attachments, pk=attachment_pk)
        return self.respond(attachment.file, attachment.original_name, attachment.content_type)


class OutcomeView(_FileView):
    """The paper issued for the request (to print it for the citizen who collects it)."""

    def get(self, request, pk):
        if not request.user.is_authenticated:
            raise PermissionDenied
        self.load(request, pk)
        if not self.service_request.outcome_file:
            raise Http404
        return self.respond(self.service_request.outcome_file,
                            self.service_request.outcome_file.name.rsplit("/", 1)[-1], "application/pdf")
