"""The chef de bureau's screens: the bureaux and the officiers' delegations (arrêtés)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.civil_status import services
from modules.civil_status.forms import BureauForm, DelegationForm, RevokeForm
from modules.civil_status.models import Bureau, Delegation
from modules.civil_status.views.base import ModuleView, attach_errors, url


class BureauListView(ModuleView):
    permission = "civil_status.view_bureau"
    template_name = "civil_status/admin/bureaux.html"
    page_title = gettext_lazy("Bureaux")

    def get_context_data(self, **kwargs):
        return super().get_context_data(bureaux=Bureau.objects.order_by("-is_main", "name_fr"),
                                        can_edit=self.request.user.has_perm("civil_status.change_bureau"), **kwargs)


class BureauFormView(ModuleView):
    permission = "civil_status.add_bureau"
    template_name = "civil_status/admin/simple_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.bureau = get_object_or_404(Bureau, pk=kwargs["pk"]) if "pk" in kwargs else None
        if self.bureau:
            self.permission = "civil_status.change_bureau"

    def get_page_title(self):
        return str(self.bureau) if self.bureau else _("New bureau")

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=BureauForm(instance=self.bureau)))

    def post(self, request, *args, **kwargs):
        form = BureauForm(request.POST, instance=Bureau.objects.get(pk=self.bureau.pk) if self.bureau else None)
        if form.is_valid():
            try:
                services.save_bureau(actor=request.user, bureau=self.bureau, data=form.cleaned_data, request=request)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The bureau is saved."))
                return redirect(url("bureaux"))
        return self.render_to_response(self.get_context_data(form=form))


class DelegationListView(ModuleView):
    permission = "civil_status.view_delegation"
    template_name = "civil_status/admin/delegations.html"
    page_title = gettext_lazy("Delegations of the officier d'état civil")

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        delegations = Delegation.objects.select_related("officer", "bureau").order_by("-valid_from", "-pk")
        return super().get_context_data(
            rows=[(delegation, delegation.covers(today)) for delegation in delegations],
            can_edit=self.request.user.has_perm("civil_status.add_delegation"),
            revoke_form=RevokeForm(initial={"revoked_on": today}, auto_id=False), **kwargs)


class DelegationCreateView(ModuleView):
    permission = "civil_status.add_delegation"
    template_name = "civil_status/admin/simple_form.html"
    page_title = gettext_lazy("Record an arrêté of delegation")

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=DelegationForm()))

    def post(self, request, *args, **kwargs):
        form = DelegationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.record_delegation(actor=request.user, data=form.cleaned_data, request=request)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The delegation is recorded."))
                return redirect(url("delegations"))
        return self.render_to_response(self.get_context_data(form=form))


class DelegationRevokeView(ModuleView):
    permission = "civil_status.change_delegation"
    http_method_names = ["post"]

    def post(self, request, pk):
        delegation = get_object_or_404(Delegation, pk=pk)
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                services.revoke_delegation(delegation.pk, actor=request.user, on=form.cleaned_data["revoked_on"],
                                           request=request)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The delegation is revoked."))
        else:
            messages.error(request, _("Give the date of the revocation."))
        return redirect(url("delegations"))


urlpatterns = [
    path("bureaux/", BureauListView.as_view(), name="bureaux"),
    path("bureaux/new/", BureauFormView.as_view(), name="bureau_create"),
    path("bureaux/<int:pk>/", BureauFormView.as_view(), name="bureau_edit"),
    path("delegations/", DelegationListView.as_view(), name="delegations"),
    path("delegations/new/", DelegationCreateView.as_view(), name="delegation_create"),
    path("delegations/<int:pk>/revoke/", DelegationRevokeView.as_view(), name="delegation_revoke"),
]
