"""Language selection for the platform's pages."""

from django.middleware.locale import LocaleMiddleware
from django.utils.translation import get_language


def is_arabic(language: str | None = None) -> bool:
    """Whether `language` (by default the active one; Arabic when none is active) is Arabic."""
    return (language or get_language() or "ar").startswith("ar")

# Paths outside the portal's language-prefixed pages: a 404 there is a 404, not a redirect to /ar/<path>.
UNPREFIXED_PATHS = ("/admin/", "/api/", "/media/", "/documents/", "/verify/", "/i18n/", "/static/", "/console/",
                    "/healthz", "/livez")


class PlatformLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that it does not send a missing back-office or API URL to the portal.

    The portal's Wagtail pages are served under /ar/ and /fr/ with a catch-all pattern, so the stock middleware
    would turn every 404 elsewhere (e.g. a module switched off) into a redirect to a portal page.
    """

    def process_response(self, request, response):
        if response.status_code == 404 and request.path_info.startswith(UNPREFIXED_PATHS):
            response.headers.setdefault("Content-Language", self._language(request))
            return response
        return super().process_response(request, response)

    @staticmethod
    def _language(request):
        return getattr(request, "LANGUAGE_CODE", "ar")
