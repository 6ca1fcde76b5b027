"""The counter's screens: search, draft, correct, sign and abandon acts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.civil_status import services
from modules.civil_status.forms import AbandonForm, ActForm, SearchForm
from modules.civil_status.mentions import TEMPLATES
from modules.civil_status.models import Act, MarginalMention
from modules.civil_status.selectors import possible_duplicates, search_acts
from modules.civil_status.views.base import ModuleView, attach_errors, url

DRAFTS_SHOWN = 20


class ActSearchView(ModuleView):
    template_name = "civil_status/admin/acts.html"
    page_title = gettext_lazy("Civil-status acts")

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        results = None
        if form.is_valid() and not form.is_blank():
            results = search_acts(form.criteria())
        drafts = Act.objects.filter(status=Act.Status.DRAFT).select_related("bureau").order_by("-drafted_at")
        return super().get_context_data(form=form, results=results, drafts=drafts[:DRAFTS_SHOWN],
                                        can_draft=self.request.user.has_perm("civil_status.add_act"), **kwargs)


class ActFormView(ModuleView):
    """Drafting a new act, or correcting a draft; possible duplicates must be acknowledged before saving."""

    permission = "civil_status.add_act"
    template_name = "civil_status/admin/act_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.act = get_object_or_404(Act, pk=kwargs["pk"]) if "pk" in kwargs else None
        self.kind = self.act.kind if self.act else kwargs["kind"]
        if self.kind not in Act.Kind.values:
            raise Http404

    def get_page_title(self):
        if self.act:
            return _("Correct the draft")
        return _("Draft a birth act") if self.kind == Act.Kind.BIRTH else _("Draft a death act")

    def get(self, request, *args, **kwargs):
        if self.act and self.act.status != Act.Status.DRAFT:
            return redirect(url("act_detail", self.act.pk))
        initial = ActForm.initial_from(self.act) if self.act else {}
        return self.render_to_response(self.get_context_data(form=ActForm(initial=initial, kind=self.kind)))

    def post(self, request, *args, **kwargs):
        form = ActForm(request.POST, kind=self.kind)
        duplicates = []
        if form.is_valid():
            data = form.act_data()
            duplicates = possible_duplicates(Act(pk=self.act.pk if self.act else None, kind=self.kind,
                                                 bureau=form.cleaned_data["bureau"], **data))
            if not duplicates or form.cleaned_data["confirm_duplicates"]:
                try:
                    act = self._save(form, data)
                except ValidationError as error:
                    attach_errors(form, error)
                else:
                    messages.success(request, _("The draft is saved. It takes its number when the officier signs it."))
                    return redirect(url("act_detail", act.pk))
        return self.render_to_response(self.get_context_data(form=form, duplicates=duplicates))

    def _save(self, form, data):
        abroad = form.cleaned_data["abroad"]
        if self.act:
            if form.cleaned_data["bureau"].pk != self.act.bureau_id:
                raise ValidationError({"bureau": _("A draft stays in the bureau where it was drafted.")})
            return services.update_draft(self.act.pk, actor=self.request.user, data=data, abroad=abroad,
                                         request=self.request)
        return services.draft_act(actor=self.request.user, bureau=form.cleaned_data["bureau"], kind=self.kind,
                                  data=data, abroad=abroad, request=self.request)


class ActDetailView(ModuleView):
    template_name = "civil_status/admin/act_detail.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.act = get_object_or_404(Act.objects.select_related("bureau", "birth_act", "drafted_by", "signed_by"),
                                     pk=kwargs["pk"])

    def get_page_title(self):
        return str(self.act)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            act=self.act,
            mentions=self.act.mentions.select_related("signed_by").exclude(status=Act.Status.ABANDONED),
            pages=self.act.page_images.order_by("pk"),
            can_draft=user.has_perm("civil_status.add_act"),
            can_sign=user.has_perm("civil_status.sign_act"),
            mention_kinds=[(kind, label) for kind, label in MarginalMention.Kind.choices if kind in TEMPLATES],
            abandon_form=AbandonForm(),
            **kwargs,
        )


class SignActView(ModuleView):
    permission = "civil_status.sign_act"
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            act = services.sign_act(pk, actor=request.user, request=request)
        except Act.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Act signed: number %(number)s of %(year)s.") % {
                "number": act.number, "year": act.year})
        return redirect(url("act_detail", pk))


class AbandonDraftView(ModuleView):
    permission = "civil_status.change_act"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = AbandonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for abandoning the draft."))
            return redirect(url("act_detail", pk))
        try:
            services.abandon_draft(pk, actor=request.user, reason=form.cleaned_data["reason"], request=request)
        except Act.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The draft is abandoned; it is kept and takes no number."))
        return redirect(url("act_detail", pk))


urlpatterns = [
    path("", ActSearchView.as_view(), name="acts"),
    path("acts/new/<slug:kind>/", ActFormView.as_view(), name="act_create"),
    path("acts/<int:pk>/", ActDetailView.as_view(), name="act_detail"),
    path("acts/<int:pk>/edit/", ActFormView.as_view(), name="act_edit"),
    path("acts/<int:pk>/sign/", SignActView.as_view(), name="act_sign"),
    path("acts/<int:pk>/abandon/", AbandonDraftView.as_view(), name="act_abandon"),
]
