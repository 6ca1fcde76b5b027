"""Shared by the console's tests: an operator signed in past both steps, and a commune's figures counted inside it."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.citizens.models import CitizenProfile
from modules.civil_status.models import Act
from modules.regie.models import Receipt
from platform_core.audit.models import AuditEntry
from platform_core.eservices.models import ServiceRequest
from tests.conftest import console_account, inside

PASSWORD = "console-pw-2026"


def signed_in(client, user):
    """The client as the account, signed in with the password and the second factor (a confirmed TOTP device)."""
    device = TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def operator(db, request):
    """An operator's console account, named by the module's OPERATOR (its journal entries carry that name)."""
    connection.set_schema_to_public()
    return console_account(getattr(request.module, "OPERATOR", "operator.console"), PASSWORD)


@pytest.fixture
def console(client_for, operator):
    return signed_in(client_for(None), operator)


def counted_inside(commune):
    """The figures the console shows, counted the slow way inside the commune's schema."""
    with inside(commune):
        citizens = CitizenProfile.objects.values("user_id")
        return {
            "staff": get_user_model().objects.filter(is_active=True).exclude(pk__in=citizens).count(),
            "acts": Act.objects.filter(status="signed").count(),
            "receipts": Receipt.objects.count(),
            "requests": ServiceRequest.objects.count(),
            "last_activity": AuditEntry.objects.order_by("-sequence").values_list("recorded_at", flat=True).first(),
        }
