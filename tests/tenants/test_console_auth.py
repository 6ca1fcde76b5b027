"""Operators sign in to the console with a password and a TOTP code: enrolment the first time, the code after;
the password alone opens nothing; a commune's accounts do not exist on the platform domain."""

import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from platform_core.audit.models import AuditEntry
from tests.conftest import console_account

PASSWORD = "operator-pw-2026"


def code_of(device, drift=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time += drift * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def operator(db):
    from django.db import connection

    connection.set_schema_to_public()
    return console_account("operator.test", PASSWORD)


def password_step(client, username="operator.test", password=PASSWORD):
    return client.post("/console/login/", {"username": username, "password": password})


def test_the_first_sign_in_enrols_an_authenticator_app(client_for, operator):
    client = client_for(None)
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == "/console/login/enrol/"
    assert client.get("/console/").status_code == 302  # the password alone opens nothing
    page = client.get("/console/login/enrol/")
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=operator)
    assert not device.confirmed
    assert client.post("/console/login/enrol/", {"code": code_of(device, drift=-10)}).status_code == 200
    time.sleep(1.1)  # django-otp refuses any code for a second after a wrong one
    signed_in = client.post("/console/login/enrol/", {"code": code_of(device)})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/console/"
    assert client.get("/console/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="console.sign_in", object_id=str(operator.pk)).exists()


def test_an_enrolled_operator_types_the_code(client_for, operator):
    device = TOTPDevice.objects.create(user=operator, name="console", confirmed=True)
    client = client_for(None)
    assert password_step(client)["Location"] == "/console/login/code/"
    assert client.get("/console/login/enrol/")["Location"] == "/console/login/code/"  # no second enrolment
    wrong = client.post("/console/login/code/", {"code": code_of(device, drift=-10)})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert client.get("/console/").status_code == 302
    refused_at_once = client.post("/console/login/code/", {"code": code_of(device)})
    assert refused_at_once.status_code == 200  # even the right code, right after a wrong one
    time.sleep(1.1)
    assert client.post("/console/login/code/", {"code": code_of(device)})["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_the_code_step_needs_the_password_step_first(client_for, operator):
    TOTPDevice.objects.create(user=operator, name="console", confirmed=True)
    client = client_for(None)
    assert client.get("/console/login/code/")["Location"] == "/console/login/"
    assert client.get("/console/login/enrol/")["Location"] == "/console/login/"


def test_accounts_that_are_not_operators_do_not_get_in(client_for, db):
    get_user_model().objects.create_user("someone.public", password=PASSWORD)
    client = client_for(None)
    assert password_step(client, "someone.public").status_code == 200
    # A commune's administrator exists only in the commune's schema.
    assert password_step(client, "admin.sefrou", "sefrou-admin-pw").status_code == 200
    assert client.get("/console/").status_code == 302


def test_the_demo_prints_the_current_code_in_development_only(operator, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    device = TOTPDevice.objects.create(user=operator, name="console", confirmed=True)
    with pytest.raises(CommandError):
        call_command("console_code", "operator.test")
    settings.DEBUG = True
    printed = StringIO()
    call_command("console_code", "operator.test", stdout=printed)
    assert printed.getvalue().strip() in {code_of(device, drift) for drift in (-1, 0)}
