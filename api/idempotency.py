"""Idempotency keys for writes from devices (after the IETF draft "The Idempotency-Key HTTP Header Field").

A counter PC on a slow link that never saw the answer to a POST sends it again with the same `Idempotency-Key`
header; the retry gets the first answer back instead of writing twice. Only successful answers are kept: a refused
write wrote nothing, so it may be sent again, corrected, under the same key. Answers are kept once the write has
committed, per account, in the commune's own cache space (the cache key carries the schema), for a day.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEPT_SECONDS = 24 * 3600
# A first request still running after this long is taken as lost (its worker died): a retry may run again.
IN_FLIGHT_SECONDS = 60

PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="A value unique to this write (a UUID), sent again unchanged when the write is retried. A retry "
                "of a successful write gets the first answer back, marked `Idempotent-Replayed: true`, and writes "
                "nothing. The same key with a different request answers 422; while the first request is still "
                "running, 409. Kept for 24 hours per account.",
)


class KeyInUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("A request with this idempotency key is still being processed; try again in a moment.")
    default_code = "idempotency_key_in_use"


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This idempotency key was already used for a different request.")
    default_code = "idempotency_key_reused"


def idempotent(view_method):
    """Decorate a DRF view method that writes: honour the request's idempotency key, if it carries one."""

    @functools.wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(view, request, *args, **kwargs)
        if not 0 < len(key) <= MAX_KEY_LENGTH:
            raise exceptions.ValidationError({HEADER: [_("An idempotency key has 1 to 255 characters.")]})
        slot = "idempotency:" + hashlib.sha256(f"{request.user.pk}\n{key}".encode()).hexdigest()
        fingerprint = _fingerprint(request)
        if not cache.add(slot, {"fingerprint": fingerprint}, IN_FLIGHT_SECONDS):
            return _replay(cache.get(slot), fingerprint)
        try:
            response = view_method(view, request, *args, **kwargs)
        except BaseException:
            cache.delete(slot)
            raise
        if status.is_success(response.status_code):
            kept = {"fingerprint": fingerprint, "status": response.status_code, "data": response.data}
            transaction.on_commit(lambda: cache.set(slot, kept, KEPT_SECONDS))
        else:
            cache.delete(slot)
        return response

    return wrapper


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.get_full_path()}\n{body}".encode()).hexdigest()


def _replay(kept: dict | None, fingerprint: str) -> Response:
    if kept is not None and kept["fingerprint"] != fingerprint:
        raise KeyReused()
    if kept is None or "status" not in kept:
        raise KeyInUse()
    return Response(kept["data"], status=kept["status"], headers={REPLAYED_HEADER: "true"})
