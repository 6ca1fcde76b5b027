"""The régisseur's counter (caisse): one screen to price a payment, issue its receipt with Enter, print it, and
see the day's receipts beside it. The amount preview asks the same tariff code the receipt will be computed with."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from modules.regie import tariffs
from modules.regie.forms.counter import BASE_VALUE_NAMES, CounterForm, VoidForm
from modules.regie.models import CashDay, Receipt
from modules.regie.selectors import receipts as selectors
from modules.regie.services import receipts as service
from modules.regie.views.base import ModuleView, attach_errors, url
from platform_core.locale import is_arabic
from platform_core.money import amount_in_words, format_amount


def _language() -> str:
    return "ar" if is_arabic(get_language()) else "fr"


def amount_texts(amount) -> dict:
    """An amount as the counter shows it: in figures in the user's language, in words in both."""
    return {"amount": str(amount), "figures": format_amount(amount, _language()),
            "words_fr": amount_in_words(amount, "fr"), "words_ar": amount_in_words(amount, "ar")}


class CounterView(ModuleView):
    permission = "regie.add_receipt"
    template_name = "regie/counter/counter.html"
    page_title = gettext_lazy("Counter")
    header_icon = "pick"

    def get_context_data(self, form=None, **kwargs):
        user = self.request.user
        day = selectors.cash_day_today(user)
        receipts, total = selectors.day_receipts(user)
        issued = None
        issued_pk = self.request.GET.get("issued", "")
        if issued_pk.isdigit():
            issued = next((receipt for receipt in receipts if receipt.pk == int(issued_pk)), None)
        tariff_list = selectors.counter_tariffs()
        return super().get_context_data(
            form=form or CounterForm(),
            book=selectors.book_state(user),
            day=day,
            day_closed=day is not None and day.status == CashDay.Status.CLOSED,
            receipts=receipts,
            total=total,
            total_figures=format_amount(total, _language()),
            issued=issued,
            issued_texts=amount_texts(issued.amount) if issued else None,
            tariffs=tariff_list,
            tariff_values={entry["code"]: entry["values"] for entry in tariff_list},
            value_labels={name: tariffs.value_label(name) for name in BASE_VALUE_NAMES},
            arabic=is_arabic(),
            can_void=user.has_perm("regie.void_receipt"),
            void_form=VoidForm(initial={"next": url("counter")}),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = CounterForm(request.POST)
        if form.is_valid():
            try:
                receipt = service.issue_receipt(actor=request.user, payment=form.payment(), request=request)
            except ValidationError as error:
                attach_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Receipt %(number)s issued: %(amount)s.") % {
                    "number": receipt.reference, "amount": format_amount(receipt.amount, _language())})
                return redirect(f"{url('counter')}?issued={receipt.pk}")
        return self.render_to_response(self.get_context_data(form=form), status=200)


class CounterPreviewView(ModuleView):
    """What the payment being typed comes to, as JSON, without writing anything: the counter shows it live."""

    permission = "regie.add_receipt"
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        data.setdefault("method", Receipt.Method.CASH)
        form = CounterForm(data)
        if not form.is_valid():
            return JsonResponse({"ok": False, "errors": _flat_errors(form)})
        payment = form.payment()
        today = timezone.localdate()
        answer: dict = {"ok": True}
        try:
            if payment.assessment is not None:
                assessment = payment.assessment
                principal, penalty = service.amount_due(assessment, today)
                taxpayer = assessment.taxpayer
                answer.update({
                    "kind": "assessment", "reference": assessment.reference, "status": assessment.status,
                    "status_label": assessment.get_status_display(),
                    "payer": assessment.payer_name or (taxpayer.name_latin if taxpayer else ""),
                    "taxpayer": str(taxpayer) if taxpayer else "",
                    "tariff": _tariff_name(assessment.tariff_version.tariff),
                    "principal": format_amount(principal, _language()),
                    "penalty": format_amount(penalty, _language()),
                    "due_date": assessment.due_date.strftime("%d/%m/%Y"),
                    **amount_texts(principal + penalty),
                })
                if payment.amount not in (None, ""):
                    answer["paying"] = amount_texts(payment.amount)
            else:
                version = tariffs.version_in_force(payment.tariff, today)
                values = {name: value for name, value in payment.base_values.items()
                          if name in tariffs.BASE_VALUES[version.base]}
                computation = tariffs.compute(version, values)
                answer.update({"kind": "tariff", "tariff": _tariff_name(payment.tariff),
                               "values": list(tariffs.BASE_VALUES[version.base]),
                               "exempt": computation.exempt, **amount_texts(computation.principal)})
        except ValidationError as error:
            return JsonResponse({"ok": False, "errors": error.messages})
        except ValueError as error:
            return JsonResponse({"ok": False, "errors": [str(error)]})
        if payment.taxpayer is not None:
            answer["found_taxpayer"] = str(payment.taxpayer)
        return JsonResponse(answer)


def _tariff_name(tariff) -> str:
    return tariff.name_ar if is_arabic() else tariff.name_fr


def _flat_errors(form) -> list[str]:
    return [message for messages_ in form.errors.values() for message in messages_]


urlpatterns = [
    path("counter/", CounterView.as_view(), name="counter"),
    path("counter/preview/", CounterPreviewView.as_view(), name="counter_preview"),
]
