"""Keeps support sessions within their time limit on a commune's domain.

A request whose Django session carries a support session id goes on only while that session is open and
unexpired (read by id in the public table, cached a few seconds); otherwise the browser is signed out with a
message and the end is recorded once. A new entry link is the exception: a browser still holding an ended session
is signed out and handed to the entry view, so that the operator enters the new session. A support account never
works without its support session. Requests that carry no support session cost one look into the already loaded
Django session.
"""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants.services import support

# The request of a support session being served, for the back office's banner (Wagtail's hook has no request).
current_support_request: contextvars.ContextVar = contextvars.ContextVar("current_support_request", default=None)


class SupportSessionMiddleware:
    """After the authentication and messages middleware; commune requests only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        commune = getattr(request, "commune", None)
        # No session cookie, no support session: the session is not even looked at (no `Vary: Cookie` added).
        if commune is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        support_id = request.session.get(support.SESSION_KEY)
        if support_id is None:
            # A support account outside a support session (someone gave it a password): never let it in.
            if request.path.startswith(("/admin/", "/api/")) and support.is_support_account(request.user):
                logout(request)
                return redirect(reverse("wagtailadmin_login"))
            return self.get_response(request)
        state = support.state(support_id)
        if state is None or state.commune_id != commune.pk or not state.is_open():
            if request.path.startswith(self._entry_prefix(request)):
                self._end_and_sign_out(request, state, commune)
                return self.get_response(request)
            return self._close(request, state, commune)
        request.support_session = state
        user = request.user  # lazy: still the support account if a view signs it out
        token = current_support_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_support_request.reset(token)
        if support.SESSION_KEY not in request.session:
            # Signed out through the back office's own "Log out": the session ends with it.
            self._end(state, ended_by=state.operator_name, actor=user if user.is_authenticated else None,
                      request=request)
        return response

    @staticmethod
    def _entry_prefix(request) -> str:
        """/admin/support/enter/ (the entry link without its token)."""
        return reverse("support_enter", args=["token"], urlconf=getattr(request, "urlconf", None)).removesuffix(
            "token/")

    def _end_and_sign_out(self, request, state, commune):
        if state is not None and state.commune_id == commune.pk and not state.ended:
            self._end(state, ended_by=support.EXPIRED, actor=None, request=request)
        logout(request)

    def _close(self, request, state, commune):
        self._end_and_sign_out(request, state, commune)
        messages.warning(request, _("The support session has ended: you have been signed out."))
        return redirect(reverse("wagtailadmin_login"))

    @staticmethod
    def _end(state, *, ended_by, actor, request):
        from tenants.models import SupportSession

        session = SupportSession.objects.filter(pk=state.pk).first()
        if session is not None:
            support.end(session, ended_by=ended_by, actor=actor, request=request)
