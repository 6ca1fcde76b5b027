"""Marginal mentions: drafted from their bilingual template on a signed act, then signed by the officier."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _

from modules.civil_status import services
from modules.civil_status.forms import MentionForm
from modules.civil_status.mentions import TEMPLATES
from modules.civil_status.models import Act, MarginalMention
from modules.civil_status.views.base import ModuleView, attach_errors, url


class MentionCreateView(ModuleView):
    permission = "civil_status.add_marginalmention"
    template_name = "civil_status/admin/mention_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.act = get_object_or_404(Act.objects.select_related("bureau"), pk=kwargs["pk"])
        if kwargs["kind"] not in TEMPLATES:
            raise Http404
        self.kind = kwargs["kind"]

    def get_page_title(self):
        return _("Marginal mention: %(kind)s") % {"kind": MarginalMention.Kind(self.kind).label}

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=MentionForm(kind=self.kind), act=self.act))

    def post(self, request, *args, **kwargs):
        form = MentionForm(request.POST, kind=self.kind)
        if form.is_valid():
            try:
                services.draft_mention(self.act.pk, actor=request.user, request=request, **form.mention_data())
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The mention is drafted; it takes effect when the officier signs it."))
                return redirect(url("act_detail", self.act.pk))
        return self.render_to_response(self.get_context_data(form=form, act=self.act))


class SignMentionView(ModuleView):
    permission = "civil_status.sign_act"
    http_method_names = ["post"]

    def post(self, request, pk):
        mention = get_object_or_404(MarginalMention, pk=pk)
        try:
            services.sign_mention(pk, actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The mention is signed."))
        return redirect(url("act_detail", mention.act_id))


urlpatterns = [
    path("acts/<int:pk>/mentions/new/<slug:kind>/", MentionCreateView.as_view(), name="mention_create"),
    path("mentions/<int:pk>/sign/", SignMentionView.as_view(), name="mention_sign"),
]
