"""The paper registers the commune declares at onboarding: the chef de bureau lists them with the acts already in
the database for each, declares, corrects and withdraws them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.civil_status.importing import declarations
from modules.civil_status.importing.models import DeclaredRegister
from modules.civil_status.models import Bureau
from modules.civil_status.views.base import ModuleView, attach_errors, url
from platform_core.locale import is_arabic


class BureauChoice(forms.ModelChoiceField):
    def label_from_instance(self, bureau: Bureau) -> str:
        return bureau.name_ar if is_arabic() else bureau.name_fr


class DeclaredRegisterForm(forms.ModelForm):
    bureau = BureauChoice(queryset=Bureau.objects.order_by("-is_main", "name_fr"), label=gettext_lazy("Bureau"))

    class Meta:
        model = DeclaredRegister
        fields = ["bureau", "kind", "year", "acts_declared", "note"]
        help_texts = {"acts_declared": gettext_lazy("The acts the register holds, as counted on paper (usually the "
                                                    "number of its last act).")}


class RegisterView(ModuleView):
    permission = "civil_status.view_declaredregister"
    header_icon = "folder-open-inverse"

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if not isinstance(self, DeclaredRegisterListView):
            items.insert(-1, {"url": url("declared_registers"), "label": _("Declared registers")})
        return items


class DeclaredRegisterListView(RegisterView):
    template_name = "civil_status/imports/declared_registers.html"
    page_title = gettext_lazy("Declared registers")

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            backlog=declarations.backlog(), can_add=user.has_perm("civil_status.add_declaredregister"),
            can_change=user.has_perm("civil_status.change_declaredregister"),
            can_delete=user.has_perm("civil_status.delete_declaredregister"), **kwargs)


class DeclaredRegisterFormView(RegisterView):
    template_name = "civil_status/admin/simple_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.register = (get_object_or_404(DeclaredRegister.objects.select_related("bureau"), pk=kwargs["pk"])
                         if "pk" in kwargs else None)
        self.permission = ("civil_status.change_declaredregister" if self.register
                           else "civil_status.add_declaredregister")

    def get_page_title(self):
        return _("Change a declared register") if self.register else _("Declare a register")

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=DeclaredRegisterForm(instance=self.register)))

    def post(self, request, *args, **kwargs):
        # A fresh copy: the form writes the posted values into its instance, the service reads the row again.
        form = DeclaredRegisterForm(request.POST, instance=DeclaredRegister() if self.register is None
                                    else get_object_or_404(DeclaredRegister, pk=self.register.pk))
        if form.is_valid():
            try:
                if self.register:
                    declarations.change_declaration(self.register.pk, actor=request.user, data=form.cleaned_data,
                                                    request=request)
                else:
                    declarations.declare_register(actor=request.user, data=form.cleaned_data, request=request)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The register is declared."))
                return redirect(url("declared_registers"))
        return self.render_to_response(self.get_context_data(form=form))


class DeclaredRegisterDeleteView(RegisterView):
    permission = "civil_status.delete_declaredregister"
    template_name = "civil_status/imports/declared_register_delete.html"
    page_title = gettext_lazy("Withdraw a declared register")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.register = get_object_or_404(DeclaredRegister.objects.select_related("bureau"), pk=kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(register=self.register, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            declarations.withdraw_declaration(self.register.pk, actor=request.user, request=request)
        except ValidationError as error:  # withdrawn by someone else since the page was shown
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The declaration is withdrawn."))
        return redirect(url("declared_registers"))


urlpatterns = [
    path("registers/", DeclaredRegisterListView.as_view(), name="declared_registers"),
    path("registers/new/", DeclaredRegisterFormView.as_view(), name="declared_register_create"),
    path("registers/<int:pk>/", DeclaredRegisterFormView.as_view(), name="declared_register_edit"),
    path("registers/<int:pk>/withdraw/", DeclaredRegisterDeleteView.as_view(), name="declared_register_delete"),
]
