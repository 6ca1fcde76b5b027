"""Civil status's items of the onboarding checklist, read from the commune's data (called inside its schema)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.civil_status.importing.declarations import backlog
from modules.civil_status.models import Bureau, Delegation
from platform_core.locale import is_arabic
from platform_core.modules.checklist import ChecklistItem, percent


def _path(name: str) -> str:
    # The commune's URLconf, also when the console (on the platform's domain) reads the checklist.
    return reverse(f"module-civil_status:{name}", urlconf=settings.ROOT_URLCONF)


def _name(bureau: Bureau) -> str:
    return bureau.name_ar if is_arabic() else bureau.name_fr


def checks(commune) -> list[ChecklistItem]:
    bureaux = list(Bureau.objects.order_by("-is_main", "name_fr"))
    return [_bureaux_item(bureaux), _delegations_item(bureaux), _backlog_item()]


def _bureaux_item(bureaux: list[Bureau]) -> ChecklistItem:
    """At least one bureau, and exactly one main bureau (the database allows at most one)."""
    mains = [bureau for bureau in bureaux if bureau.is_main]
    if not bureaux:
        detail = _("No bureau yet: create the main bureau and any subsidiary bureaux.")
    elif not mains:
        detail = _("None of the bureaux (%(bureaux)s) is marked as the main bureau.") % {
            "bureaux": ", ".join(_name(bureau) for bureau in bureaux)}
    else:
        others = [_name(bureau) for bureau in bureaux if not bureau.is_main]
        detail = _("Main bureau: %(main)s.") % {"main": _name(mains[0])}
        if others:
            detail += " " + ngettext("Subsidiary bureau: %(bureaux)s.", "Subsidiary bureaux: %(bureaux)s.",
                                     len(others)) % {"bureaux": ", ".join(others)}
    return ChecklistItem(key="civil_status.bureaux", label=_("Civil-status bureaux configured"),
                         done=len(mains) == 1, detail=detail,
                         back_office_path=_path("bureaux"))


def _delegations_item(bureaux: list[Bureau]) -> ChecklistItem:
    """Every bureau has an officier whose delegation is in force today: without one, nothing can be signed there."""
    today = timezone.localdate()
    covered = {delegation.bureau_id
               for delegation in Delegation.objects.filter(valid_from__lte=today, bureau__in=bureaux)
               if delegation.covers(today)}
    without = [bureau for bureau in bureaux if bureau.pk not in covered]
    if not bureaux:
        detail = _("Create the bureaux first, then record the officiers' delegations.")
    elif without:
        detail = ngettext("No delegation in force today for the bureau: %(bureaux)s.",
                          "No delegation in force today for the bureaux: %(bureaux)s.",
                          len(without)) % {"bureaux": ", ".join(_name(bureau) for bureau in without)}
    else:
        detail = ngettext("The bureau has an officier with a delegation in force.",
                          "All %(count)d bureaux have an officier with a delegation in force.",
                          len(bureaux)) % {"count": len(bureaux)}
    return ChecklistItem(key="civil_status.delegations", label=_("Officiers' delegations recorded"),
                         done=bool(bureaux) and not without, detail=detail,
                         progress=percent(len(bureaux) - len(without), len(bureaux)),
                         back_office_path=_path("delegations"))


def _backlog_item() -> ChecklistItem:
    """The historical backlog loaded, as a share of the acts in the registers the commune declared on paper."""
    measured = backlog()
    path = _path("declared_registers")
    label = _("Historical backlog imported")
    if not measured.registers:
        return ChecklistItem(key="civil_status.backlog", label=label, done=False, progress=0, back_office_path=path,
                             detail=_("No register declared yet: declare the paper registers (bureau, kind, year and "
                                      "the acts each holds) to measure the backlog."))
    detail = ngettext("%(counted)d of the %(declared)d acts of %(registers)d declared register are in the database.",
                      "%(counted)d of the %(declared)d acts of %(registers)d declared registers are in the database.",
                      len(measured.registers)) % {"counted": measured.counted, "declared": measured.declared,
                                                  "registers": len(measured.registers)}
    return ChecklistItem(key="civil_status.backlog", label=label, done=measured.complete, detail=detail,
                         progress=measured.percent, back_office_path=path)
