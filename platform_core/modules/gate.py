"""Closes a module's URLs (admin, API, portal) in a commune that is not subscribed to it."""

from django.http import Http404
from django.utils.translation import gettext as _

from platform_core.modules.registry import module_enabled

NAMESPACE_PREFIXES = ("module-", "portal-")


class ModuleGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        for namespace in match.namespaces:
            prefix = next((prefix for prefix in NAMESPACE_PREFIXES if namespace.startswith(prefix)), None)
            if prefix and not module_enabled(getattr(request, "commune", None), namespace[len(prefix):]):
                raise Http404(_("This service is not available in this commune."))
        return None
