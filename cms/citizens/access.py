"""`citizen_required` for portal views that need a verified citizen account of this commune."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

from cms.citizens.selectors import citizen_of


def login_redirect(request) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('citizens:login')}?{urlencode({'next': request.get_full_path()})}")


def citizen_required(view):
    """Send visitors who are not signed in as a verified citizen to the sign-in page (and back afterwards);
    the view finds the account in `request.citizen`. Staff signed in to the back office are not citizens."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        profile = citizen_of(request.user)
        if profile is None:
            return login_redirect(request)
        request.citizen = profile
        return view(request, *args, **kwargs)

    return wrapped


class CitizenRequiredMixin:
    """`citizen_required` for class-based views."""

    def dispatch(self, request, *args, **kwargs):
        profile = citizen_of(request.user)
        if profile is None:
            return login_redirect(request)
        request.citizen = profile
        return super().dispatch(request, *args, **kwargs)
