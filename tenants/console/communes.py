"""The list of communes and a commune's page."""

from django.shortcuts import render

from platform_core.modules.registry import registry
from tenants import selectors
from tenants.console.access import operator_required


@operator_required
def home(request):
    rows = [
        {
            "commune": commune,
            "url": selectors.commune_url(commune),
            "modules": [
                registry.get(s.module_key).name() if s.module_key in registry else s.module_key
                for s in commune.subscriptions.all()
                if s.active
            ],
        }
        for commune in selectors.console_communes()
    ]
    return render(request, "console/home.html", {"rows": rows})
