"""The catalogue's screens: the fiscal order's tariffs (versions, zone rates, a calculator), the taxpayers and
their taxable items. Reads through selectors, writes through services.catalogue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.regie import tariffs
from modules.regie.forms.catalogue import (
    CalculatorForm,
    TariffForm,
    TariffVersionForm,
    TaxableItemForm,
    TaxpayerForm,
    ZoneRateFormSet,
)
from modules.regie.models import Tariff, TaxableItem, Taxpayer
from modules.regie.selectors.catalogue import search_taxpayers, tariff_catalogue, tariff_history, taxpayer_file
from modules.regie.services import catalogue as services
from modules.regie.views.base import ModuleView, ServiceFormView, attach_errors, url

TAXPAYERS_PER_PAGE = 25


class TariffListView(ModuleView):
    permission = "regie.view_tariff"
    template_name = "regie/catalogue/tariffs.html"
    page_title = gettext_lazy("Tariffs of the fiscal order")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(rows=tariff_catalogue(today), today=today,
                                        can_add=self.request.user.has_perm("regie.add_tariff"), **kwargs)


class TariffDetailView(ModuleView):
    """Every version of a tariff, its zone rates, and a calculator on the version in force today."""

    permission = "regie.view_tariff"
    template_name = "regie/catalogue/tariff_detail.html"
    header_icon = "table"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.tariff = get_object_or_404(Tariff, pk=kwargs["pk"])

    def get_page_title(self):
        return f"{self.tariff.code} — {self.tariff.name_fr}"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        versions = tariff_history(self.tariff)
        current = next((version for version in versions if version.effective_from <= today), None)
        calculator, computation = None, None
        if current is not None:
            asked = "calculate" in self.request.GET
            calculator = CalculatorForm(self.request.GET if asked else None, version=current)
            if asked and calculator.is_valid():
                try:
                    computation = tariffs.compute(current, calculator.values(),
                                                  zone=calculator.cleaned_data.get("zone", ""))
                except ValidationError as error:
                    attach_errors(calculator, error)
        user = self.request.user
        return super().get_context_data(
            tariff=self.tariff, versions=versions, current=current, today=today, calculator=calculator,
            computation=computation, can_edit=user.has_perm("regie.change_tariff"),
            can_add_version=user.has_perm("regie.add_tariffversion"), **kwargs)


class TariffFormView(ServiceFormView):
    template_name = "regie/catalogue/form.html"
    header_icon = "table"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.tariff = get_object_or_404(Tariff, pk=kwargs["pk"]) if "pk" in kwargs else None
        self.permission = "regie.change_tariff" if self.tariff else "regie.add_tariff"

    def get_page_title(self):
        return _("Change the tariff %(code)s") % {"code": self.tariff.code} if self.tariff else _("New tariff")

    def get_form(self, data=None):
        # The form works on its own copy: the service compares the saved tariff with the new values for the audit.
        instance = Tariff.objects.get(pk=self.tariff.pk) if self.tariff else None
        return TariffForm(data, instance=instance)

    def save(self, form):
        tariff = services.save_tariff(actor=self.request.user, data=form.service_data(), tariff=self.tariff,
                                      request=self.request)
        messages.success(self.request, _("The tariff is saved."))
        return url("tariff", tariff.pk)


class TariffVersionAddView(ModuleView):
    """New amounts from an effective date (a new fiscal order); the earlier versions stay as they were."""

    permission = "regie.add_tariffversion"
    template_name = "regie/catalogue/version_form.html"
    header_icon = "table"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.tariff = get_object_or_404(Tariff, pk=kwargs["pk"])

    def get_page_title(self):
        return _("New amounts for %(code)s") % {"code": self.tariff.code}

    def get(self, request, *args, **kwargs):
        latest = self.tariff.versions.order_by("-effective_from").first()
        initial = {}
        if latest is not None:
            initial = {name: getattr(latest, name) for name in services.VERSION_FIELDS if name != "effective_from"}
        zones = [{"zone": zone_rate.zone, "rate": zone_rate.rate}
                 for zone_rate in (latest.zone_rates.order_by("zone") if latest else [])]
        return self.render_to_response(self.get_context_data(
            form=TariffVersionForm(initial=initial, tariff=self.tariff), zones=ZoneRateFormSet(initial=zones,
                                                                                               prefix="zones")))

    def post(self, request, *args, **kwargs):
        form = TariffVersionForm(request.POST, tariff=self.tariff)
        zones = ZoneRateFormSet(request.POST, prefix="zones")
        if form.is_valid() and zones.is_valid():
            try:
                services.add_tariff_version(self.tariff, actor=request.user, data=form.service_data(),
                                            zone_rates=zones.zone_rates(), request=request)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The new amounts are recorded."))
                return redirect(url("tariff", self.tariff.pk))
        return self.render_to_response(self.get_context_data(form=form, zones=zones))

    def get_context_data(self, **kwargs):
        return super().get_context_data(tariff=self.tariff, **kwargs)


class TaxpayerListView(ModuleView):
    permission = "regie.view_taxpayer"
    template_name = "regie/catalogue/taxpayers.html"
    page_title = gettext_lazy("Taxpayers")
    header_icon = "group"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        page = Paginator(search_taxpayers(query), TAXPAYERS_PER_PAGE).get_page(self.request.GET.get("p"))
        return super().get_context_data(query=query, page_obj=page,
                                        can_add=self.request.user.has_perm("regie.add_taxpayer"), **kwargs)


class TaxpayerDetailView(ModuleView):
    permission = "regie.view_taxpayer"
    template_name = "regie/catalogue/taxpayer_detail.html"
    header_icon = "group"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.taxpayer = get_object_or_404(Taxpayer, pk=kwargs["pk"])

    def get_page_title(self):
        return str(self.taxpayer)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            taxpayer=self.taxpayer, file=taxpayer_file(self.taxpayer, timezone.localdate()),
            can_edit=user.has_perm("regie.change_taxpayer"), can_add_item=user.has_perm("regie.add_taxableitem"),
            can_edit_item=user.has_perm("regie.change_taxableitem"),
            can_assess=user.has_perm("regie.add_assessment"), **kwargs)


class TaxpayerFormView(ServiceFormView):
    template_name = "regie/catalogue/form.html"
    header_icon = "group"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.taxpayer = get_object_or_404(Taxpayer, pk=kwargs["pk"]) if "pk" in kwargs else None
        self.permission = "regie.change_taxpayer" if self.taxpayer else "regie.add_taxpayer"

    def get_page_title(self):
        return _("Change the taxpayer") if self.taxpayer else _("New taxpayer")

    def get_form(self, data=None):
        instance = Taxpayer.objects.get(pk=self.taxpayer.pk) if self.taxpayer else None
        return TaxpayerForm(data, instance=instance)

    def save(self, form):
        taxpayer = services.save_taxpayer(actor=self.request.user, data=form.service_data(), taxpayer=self.taxpayer,
                                          request=self.request)
        messages.success(self.request, _("The taxpayer is saved."))
        return url("taxpayer", taxpayer.pk)


class ItemFormView(ServiceFormView):
    """A taxable item added to a taxpayer, or changed (it stays with its taxpayer)."""

    template_name = "regie/catalogue/form.html"
    header_icon = "group"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if "item" in kwargs:
            self.item = get_object_or_404(TaxableItem.objects.select_related("taxpayer"), pk=kwargs["item"])
            self.taxpayer = self.item.taxpayer
            self.permission = "regie.change_taxableitem"
        else:
            self.item = None
            self.taxpayer = get_object_or_404(Taxpayer, pk=kwargs["pk"])
            self.permission = "regie.add_taxableitem"

    def get_page_title(self):
        if self.item:
            return _("Change the item %(reference)s") % {"reference": self.item.reference}
        return _("New taxable item for %(taxpayer)s") % {"taxpayer": self.taxpayer.name_latin}

    def get_form(self, data=None):
        instance = TaxableItem.objects.get(pk=self.item.pk) if self.item else TaxableItem(taxpayer=self.taxpayer)
        return TaxableItemForm(data, instance=instance)

    def save(self, form):
        services.save_item(actor=self.request.user, data={"taxpayer": self.taxpayer, **form.service_data()},
                           item=self.item, request=self.request)
        messages.success(self.request, _("The taxable item is saved."))
        return url("taxpayer", self.taxpayer.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=url("taxpayer", self.taxpayer.pk), **kwargs)


urlpatterns = [
    path("tariffs/", TariffListView.as_view(), name="tariffs"),
    path("tariffs/new/", TariffFormView.as_view(), name="tariff_add"),
    path("tariffs/<int:pk>/", TariffDetailView.as_view(), name="tariff"),
    path("tariffs/<int:pk>/edit/", TariffFormView.as_view(), name="tariff_edit"),
    path("tariffs/<int:pk>/versions/new/", TariffVersionAddView.as_view(), name="tariff_version_add"),
    path("taxpayers/", TaxpayerListView.as_view(), name="taxpayers"),
    path("taxpayers/new/", TaxpayerFormView.as_view(), name="taxpayer_add"),
    path("taxpayers/<int:pk>/", TaxpayerDetailView.as_view(), name="taxpayer"),
    path("taxpayers/<int:pk>/edit/", TaxpayerFormView.as_view(), name="taxpayer_edit"),
    path("taxpayers/<int:pk>/items/new/", ItemFormView.as_view(), name="item_add"),
    path("items/<int:item>/edit/", ItemFormView.as_view(), name="item_edit"),
]
