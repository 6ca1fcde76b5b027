"""The complaints module's item of the onboarding checklist, read from the commune's data (inside its schema).

A citizen chooses a category; a complaint is answered by a service (department) whose members receive it. With
no category the portal's form offers nothing, and with no service staffed nobody answers: both are needed.
The services and categories come from the recipe's `complaints` section (there is no back-office screen for them),
so the item sends the commune's staff to the complaints screen and says to ask the operators.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.complaints.models import Category, Department
from platform_core.modules.checklist import ChecklistItem


def checks(commune) -> list[ChecklistItem]:
    categories = Category.objects.filter(active=True).aggregate(
        all=Count("pk"), unrouted=Count("pk", filter=Q(department__isnull=True) | Q(department__active=False)))
    departments = Department.objects.filter(active=True).aggregate(
        all=Count("pk", distinct=True),
        staffed=Count("pk", distinct=True, filter=Q(members__is_active=True)))
    parts = [
        ngettext("%(count)d category offered to citizens", "%(count)d categories offered to citizens",
                 categories["all"]) % {"count": categories["all"]},
        ngettext("%(count)d service with staff to answer", "%(count)d services with staff to answer",
                 departments["staffed"]) % {"count": departments["staffed"]},
    ]
    detail = "; ".join(parts) + "."
    if categories["unrouted"]:
        detail += " " + ngettext("%(count)d category is sent to no service (an agent assigns each complaint).",
                                 "%(count)d categories are sent to no service (an agent assigns each complaint).",
                                 categories["unrouted"]) % {"count": categories["unrouted"]}
    done = categories["all"] > 0 and departments["staffed"] > 0
    if not done:
        detail += " " + _("The services and categories are set up by the platform's operators: ask them.")
    return [ChecklistItem(key="complaints.setup", label=_("Complaint services and categories configured"), done=done,
                          detail=detail,
                          back_office_path=reverse("module-complaints:complaints", urlconf=settings.ROOT_URLCONF))]
