"""Serves the current commune's files at MEDIA_URL when they are stored locally (see platform_core.storage).

Only URLs signed by the storage open a file, only in the schema they were signed for, and only until they
expire: private files stay private, and public ones (Wagtail images on the portal) display because every
page that shows them signs their URLs as it renders.
"""

import re
import time

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseForbidden
from django.urls import re_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from platform_core.storage import media_signature_valid

# An uploaded SVG or HTML file must not run scripts with the commune's origin.
SANDBOX_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


@require_safe
def serve_media(request, name):
    expires = request.GET.get("expires", "")
    if not media_signature_valid(name, expires, request.GET.get("signature", "")):
        return HttpResponseForbidden(_("This file link is not valid or has expired."))
    try:
        file = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation) as exc:
        raise Http404(_("No such file.")) from exc
    response = FileResponse(file)
    response["Content-Security-Policy"] = SANDBOX_POLICY
    # Private: no proxy keeps a commune's file, and the browser keeps it no longer than the link lives.
    response["Cache-Control"] = f"private, max-age={max(0, int(expires) - int(time.time()))}"
    return response


urlpatterns = [
    re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<name>.+)$", serve_media, name="media"),
]
