"""The back office of complaints (Wagtail admin): the list with its filters, a complaint's page with its timeline
and the actions the user's role allows (assign, start, answer, close), filing at the counter, and the home panel."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.components import Component

from modules.complaints import selectors, services
from modules.complaints.forms import AnswerForm, AssignForm, CounterForm, FilterForm
from modules.complaints.models import Complaint
from platform_core.locale import is_arabic
from platform_core.modules import admin_views
from platform_core.modules.admin_views import attach_errors

PER_PAGE = 50
VIEW = "complaints.view_complaint"


def url(name: str, *args) -> str:
    return reverse(f"module-complaints:{name}", args=args)


class ModuleView(admin_views.ModuleView):
    module_key = "complaints"
    home_url_name = "complaints"
    permission = VIEW
    header_icon = "warning"


def _get_complaint(request, pk: int) -> Complaint:
    # Looked up among what the user may see, in the routed commune's schema: anything else is a 404.
    try:
        return selectors.visible_to(request.user).get(pk=pk)
    except Complaint.DoesNotExist:
        raise Http404 from None


class ComplaintListView(ModuleView):
    template_name = "complaints/admin/list.html"
    page_title = gettext_lazy("Complaints")

    def get_context_data(self, **kwargs):
        form = FilterForm(self.request.GET or None)
        complaints = selectors.search(self.request.user, **form.criteria())
        page = Paginator(complaints, PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        rows = []
        for complaint in page.object_list:
            days = selectors.days_left(complaint)
            rows.append((complaint, days, -days if days is not None and days < 0 else 0))
        return super().get_context_data(
            form=form, page=page, rows=rows, query=query.urlencode(), counts=selectors.counts(self.request.user),
            can_receive=self.request.user.has_perm(services.RECEIVE), arabic=is_arabic(), **kwargs)


class ComplaintDetailView(ModuleView):
    template_name = "complaints/admin/detail.html"

    @cached_property
    def complaint(self) -> Complaint:
        return _get_complaint(self.request, self.kwargs["pk"])

    def get_page_title(self):
        return _("Complaint %(number)s") % {"number": self.complaint.number}

    def get_context_data(self, **kwargs):
        complaint, user = self.complaint, self.request.user
        can_receive = user.has_perm(services.RECEIVE)
        may_answer = services.may_answer(user, complaint)
        assign_form = AssignForm(initial={"department": complaint.department_id, "assignee": complaint.assignee_id})
        return super().get_context_data(
            complaint=complaint, days_left=selectors.days_left(complaint),
            timeline=selectors.full_timeline(complaint), arabic=is_arabic(),
            category_name=complaint.category.name(), department_name=complaint.department.name()
            if complaint.department_id else "",
            can_assign=can_receive and complaint.is_open, assign_form=assign_form,
            can_start=may_answer and complaint.status in (Complaint.Status.NEW, Complaint.Status.ASSIGNED,
                                                          Complaint.Status.REOPENED),
            can_answer=may_answer and complaint.is_open, answer_form=kwargs.pop("answer_form", None) or AnswerForm(),
            can_close=can_receive and complaint.status == Complaint.Status.ANSWERED,
            reopen_deadline=services.reopen_deadline(complaint),
            photo_url=complaint.photo.url if complaint.photo else "",
            **kwargs)


class ActionView(ModuleView):
    """One staff action on a complaint, posted from its page; the service decides whether it is allowed."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, pk):
        complaint = _get_complaint(request, pk)
        try:
            message = self.act(complaint)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error) or _("Your role does not allow this action on complaints."))
        else:
            messages.success(request, message)
        return redirect(url("complaint", complaint.pk))

    def act(self, complaint: Complaint) -> str:
        raise NotImplementedError


class AssignView(ActionView):
    permission = services.RECEIVE

    def act(self, complaint):
        form = AssignForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a service."))
        services.assign(complaint.pk, department=form.cleaned_data["department"],
                        assignee=form.cleaned_data.get("assignee"), actor=self.request.user, request=self.request)
        return _("Complaint %(number)s assigned to %(service)s.") % {
            "number": complaint.number, "service": form.cleaned_data["department"].name()}


class StartView(ActionView):
    permission = services.ANSWER

    def act(self, complaint):
        services.start(complaint.pk, actor=self.request.user, request=self.request)
        return _("You are handling complaint %(number)s.") % {"number": complaint.number}


class AnswerView(ActionView):
    permission = services.ANSWER

    def act(self, complaint):
        form = AnswerForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Write the answer (at least 10 characters): the citizen reads it."))
        services.answer(complaint.pk, text=form.cleaned_data["text"], actor=self.request.user, request=self.request)
        return _("Answer sent to the citizen; complaint %(number)s is answered.") % {"number": complaint.number}


class CloseView(ActionView):
    permission = services.RECEIVE

    def act(self, complaint):
        services.close(complaint.pk, actor=self.request.user, request=self.request)
        return _("Complaint %(number)s closed.") % {"number": complaint.number}


class CounterView(ModuleView):
    """An agent files a complaint for a citizen at the counter (or from a letter, dated when it was received)."""

    template_name = "complaints/admin/counter.html"
    page_title = gettext_lazy("File a complaint at the counter")
    permission = services.RECEIVE

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=CounterForm()))

    def post(self, request, *args, **kwargs):
        form = CounterForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            received_at = None
            if data.get("received_on") and data["received_on"] != timezone.localdate():
                received_at = timezone.make_aware(datetime.datetime.combine(data["received_on"],
                                                                            datetime.time(9)))
            try:
                filing = services.file_complaint(
                    **form.filing("ar" if is_arabic() else "fr"), channel=Complaint.Channel.COUNTER,
                    received_at=received_at, actor=request.user, request=request)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Complaint %(number)s filed. Give the citizen its number and access key: "
                                            "%(key)s.") % {"number": filing.complaint.number,
                                                           "key": filing.access_key})
                return redirect(url("complaint", filing.complaint.pk))
        return self.render_to_response(self.get_context_data(form=form))


urlpatterns = [
    path("", ComplaintListView.as_view(), name="complaints"),
    path("counter/", CounterView.as_view(), name="counter"),
    path("<int:pk>/", ComplaintDetailView.as_view(), name="complaint"),
    path("<int:pk>/assign/", AssignView.as_view(), name="assign"),
    path("<int:pk>/start/", StartView.as_view(), name="start"),
    path("<int:pk>/answer/", AnswerView.as_view(), name="answer"),
    path("<int:pk>/close/", CloseView.as_view(), name="close"),
]


# The back-office home ----------------------------------------------------------------------------------------------


class ComplaintsPanel(Component):
    """Open, late and soon-due complaints the user sees, on the back-office home."""

    name = "complaints"
    order = 130
    template_name = "complaints/admin/panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        counts = selectors.counts(self.user)
        labels = dict(Complaint.Status.choices)
        return {"counts": counts, "statuses": [(labels[key], value) for key, value in counts.by_status.items()],
                "list_url": url("complaints"), "late_url": url("complaints") + "?overdue=on",
                "soon_url": url("complaints") + "?days_left=15"}


def dashboard_panels(request) -> list[Component]:
    return [ComplaintsPanel(request.user)] if request.user.has_perm(VIEW) else []
