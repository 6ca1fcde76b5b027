"""Issuing a paper: render it, record the issue, audit it."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from platform_core.audit import services as audit
from platform_core.documents import subjects
from platform_core.documents.models import IssuedDocument
from platform_core.documents.rendering import current_commune, render_pdf
from tenants.selectors import commune_url

# 24 random bytes: 32 URL-safe characters that nobody can guess or enumerate.
TOKEN_BYTES = 24


def _subject_digest(subject: subjects.Subject) -> str:
    if subject.digest:
        return subject.digest
    digester = subjects.digester_for(subject.object_type)
    return (digester(subject.object_id) or "") if digester else ""


def _label(user) -> str:
    # The username, as the audit journal labels its actors, so that both records can be matched.
    return user.get_username()[:200] if user is not None else ""


def issue_document(
    template_name: str,
    context: dict,
    *,
    kind: str,
    title_fr: str,
    title_ar: str,
    subject: subjects.Subject | None = None,
    issued_by,
    issued_to: str = "",
    request=None,
) -> tuple[IssuedDocument, bytes]:
    """Issue (délivrer) a paper of the current commune: the PDF carries a QR code to its verification page,
    and the issue is recorded with the PDF's SHA-256 and written to the audit journal.

    The template receives `context` plus `title_fr`, `title_ar` and `issued_at`. The write joins the caller's
    transaction when there is one, so that a module can issue a paper together with the act it certifies.
    """
    token = secrets.token_urlsafe(TOKEN_BYTES)
    issued_at = timezone.now()
    document = IssuedDocument(
        token=token,
        kind=kind,
        title_fr=title_fr,
        title_ar=title_ar,
        object_type=subject.object_type if subject else "",
        object_id=subject.object_id if subject else "",
        subject_digest=_subject_digest(subject) if subject else "",
        issued_at=issued_at,
        issued_by=issued_by,
        issued_by_label=_label(issued_by),
        issued_to=issued_to,
    )
    # Typeset before the transaction opens: the audit journal's lock is then held for the inserts only.
    pdf = render_pdf(
        template_name,
        {**context, "title_fr": title_fr, "title_ar": title_ar, "issued_at": issued_at},
        verification_url=commune_url(current_commune(), document.get_absolute_url()),
    )
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        document.save(force_insert=True)
        audit.record(
            "documents.issue",
            actor=issued_by,
            target=document,
            after={
                "kind": kind,
                "title_fr": title_fr,
                "object_type": document.object_type,
                "object_id": document.object_id,
                "subject_digest": document.subject_digest,
                "issued_to": issued_to,
                "sha256": document.sha256,
            },
            request=request,
        )
    return document, pdf
