"""The public verification page that an issued paper's QR code opens."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from platform_core.documents import selectors
from platform_core.documents.models import IssuedDocument


@require_safe
def verify(request, token: str):
    # The table is in the commune's schema: a token of another commune is unknown here, hence 404.
    document = get_object_or_404(IssuedDocument, token=token)
    context = {
        "document": document,
        "issued_to": selectors.masked_name(document.issued_to),
        "subject_state": selectors.subject_state(document),
    }
    response = render(request, "documents/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
