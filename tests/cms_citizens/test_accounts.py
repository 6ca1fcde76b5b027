"""Citizen accounts on a commune's portal: sign-up verified by a one-time code, sign-in by phone or e-mail,
password reset without account enumeration, the history of requests, no back office, and isolation."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from cms.citizens import services as citizens
from cms.citizens.models import CitizenProfile, OneTimeCode
from platform_core.audit.models import AuditEntry
from platform_core.eservices import services as eservices
from platform_core.notifications.models import OutboxMessage
from platform_core.notifications.validators import normalise_email, normalise_phone
from tests.conftest import inside, says

PHONE = "+212612345678"

WRONG_CODE = "This code is wrong or no longer valid (10 minutes, 5 tries). Check it, or ask for a new code."
WAIT_A_MINUTE = "A code was sent less than a minute ago. Wait a minute before asking for another."
TOO_MANY_CODES = "Too many codes were sent to this recipient in the last hour. Try again later."
NO_MATCH = "This phone number or e-mail address and this password do not match an account of this commune."
TOO_MANY_FAILURES = "Too many failed attempts. Wait 15 minutes before trying again."
PASSWORD = "Atlas-Sefrou-2026"
SIGNUP = {"first_name": "Salma", "last_name": "Idrissi", "first_name_ar": "سلمى", "last_name_ar": "الإدريسي",
          "phone": "06 12 34 56 78", "email": "", "password1": PASSWORD, "password2": PASSWORD, "language": "fr"}
SIGNUP_URL, VERIFY_URL, LOGIN_URL = "/fr/compte/inscription/", "/fr/compte/verification/", "/fr/compte/connexion/"
ACCOUNT_URL, RESET_URL, RESET_CODE_URL = "/fr/compte/", "/fr/compte/mot-de-passe/", "/fr/compte/mot-de-passe/code/"


@pytest.fixture(autouse=True)
def _forget_login_failures():
    """Failed sign-ins are counted in Redis, which outlives each test's rolled-back transaction."""
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match="*citizens:login:*"):
        client.delete(key)
    yield


def messages_to(commune, recipient):
    with inside(commune):
        return list(OutboxMessage.objects.filter(recipient=recipient).order_by("pk"))


def last_code(commune, recipient=PHONE) -> str:
    return re.search(r"\b(\d{6})\b", messages_to(commune, recipient)[-1].body).group(1)


def sent_earlier(commune, recipient=PHONE, seconds=61):
    """Move the recipient's messages back in time, as if the sending limit's minute had passed."""
    with inside(commune):
        for message in OutboxMessage.objects.filter(recipient=recipient):
            message.created_at -= timedelta(seconds=seconds)
            message.save(update_fields=["created_at"])


def sign_up(client, **overrides):
    return client.post(SIGNUP_URL, {**SIGNUP, **overrides})


def make_citizen(commune, client_for, **overrides):
    """A verified citizen, signed up through the pages; returns a client signed in as them."""
    client = client_for(commune)
    assert sign_up(client, **overrides).status_code == 302
    data = {**SIGNUP, **overrides}
    recipient = normalise_phone(data["phone"]) if data["phone"] else normalise_email(data["email"])
    response = client.post(VERIFY_URL, {"code": last_code(commune, recipient)})
    assert response.status_code == 302 and response["Location"] == ACCOUNT_URL
    return client


def login(client, identifier, password=PASSWORD):
    return client.post(LOGIN_URL, {"identifier": identifier, "password": password})


def test_sign_up_by_phone_then_the_code_from_the_sms_activates_the_account(sefrou, client_for):
    client = client_for(sefrou)
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == VERIFY_URL
    with inside(sefrou):
        profile = CitizenProfile.objects.select_related("user").get(phone=PHONE)
        assert not profile.user.is_active and profile.verified_at is None
        assert profile.language == "fr" and profile.user.full_name_ar() == "سلمى الإدريسي"
        assert not profile.user.is_staff and not profile.user.groups.exists()
    [sms] = messages_to(sefrou, PHONE)
    assert sms.channel == "sms" and "10 minutes" in sms.body
    code = last_code(sefrou)
    with inside(sefrou):
        stored = OneTimeCode.objects.get(profile__phone=PHONE)
        assert code not in stored.code_hash and code not in stored.salt

    page = client.get(VERIFY_URL).content.decode()
    assert "+2126" in page and "678" in page and PHONE not in page  # masked
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page

    wrong = "000000" if code != "000000" else "111111"
    response = client.post(VERIFY_URL, {"code": wrong})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert 'aria-describedby="id_code_helptext id_code_error"' in response.content.decode()
    response = client.post(VERIFY_URL, {"code": code})
    assert response.status_code == 302 and response["Location"] == ACCOUNT_URL
    page = client.get(ACCOUNT_URL)
    assert page.status_code == 200 and "Salma Idrissi" in page.content.decode()
    with inside(sefrou):
        profile.refresh_from_db()
        profile.user.refresh_from_db()
        assert profile.user.is_active and profile.verified_at is not None
        assert AuditEntry.objects.filter(action="citizens.verify", object_id=str(profile.pk)).exists()
    # A used code is spent.
    with inside(sefrou):
        assert citizens.verify_account(PHONE, code) is None


def test_sign_up_by_e_mail_sends_the_code_by_e_mail(sefrou, client_for):
    client = make_citizen(sefrou, client_for, phone="", email="Salma@Example.MA", language="ar")
    assert client.get(ACCOUNT_URL).status_code == 200
    with inside(sefrou):
        profile = CitizenProfile.objects.get(email="Salma@example.ma")
        assert profile.phone == "" and profile.language == "ar"
    [mail] = messages_to(sefrou, "Salma@example.ma")
    assert mail.channel == "email" and mail.subject


def counts(commune):
    """Rows that a sign-up writes (browser tests commit accounts of their own, so tables need not be empty)."""
    with inside(commune):
        return (CitizenProfile.objects.count(), OutboxMessage.objects.count(),
                get_user_model().objects.filter(username__startswith="citizen-").count())


def test_bad_sign_up_input_is_refused_and_nothing_is_saved(sefrou, client_for):
    before = counts(sefrou)
    client = client_for(sefrou)
    cases = [
        ({"email": "salma@example.ma"}, "email"),  # phone and e-mail both
        ({"phone": ""}, "phone"),  # neither
        ({"phone": "0535123456"}, "phone"),  # a fixed line gets no SMS
        ({"first_name_ar": "Salma"}, "first_name_ar"),
        ({"first_name": "سلمى"}, "first_name"),
        ({"password1": "123456", "password2": "123456"}, "password1"),
        ({"password2": "Something-else-2026"}, "password2"),
    ]
    for overrides, field in cases:
        response = sign_up(client, **overrides)
        assert response.status_code == 200, overrides
        assert field in response.context["form"].errors, (overrides, response.context["form"].errors)
    assert counts(sefrou) == before


def test_five_wrong_tries_kill_the_code(sefrou, client_for):
    client = client_for(sefrou)
    sign_up(client)
    code = last_code(sefrou)
    wrong = "000000" if code != "000000" else "111111"
    for _try in range(5):
        assert client.post(VERIFY_URL, {"code": wrong}).status_code == 200
    assert client.post(VERIFY_URL, {"code": code}).status_code == 200  # the right one, too late
    with inside(sefrou):
        assert CitizenProfile.objects.get(phone=PHONE).verified_at is None


def test_an_expired_code_does_not_work(sefrou, client_for):
    client = client_for(sefrou)
    sign_up(client)
    code = last_code(sefrou)
    with inside(sefrou):
        OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(VERIFY_URL, {"code": code})
    assert response.status_code == 200 and says(response, WRONG_CODE)
    with inside(sefrou):
        assert CitizenProfile.objects.get(phone=PHONE).verified_at is None


def test_new_codes_are_limited_and_only_the_newest_works(sefrou, client_for):
    client = client_for(sefrou)
    sign_up(client)
    first = last_code(sefrou)
    response = client.post("/fr/compte/verification/renvoyer/", follow=True)
    assert says(response, WAIT_A_MINUTE)
    assert len(messages_to(sefrou, PHONE)) == 1
    sent_earlier(sefrou)
    client.post("/fr/compte/verification/renvoyer/")
    assert len(messages_to(sefrou, PHONE)) == 2
    second = last_code(sefrou)
    for _more in range(3):
        sent_earlier(sefrou)
        client.post("/fr/compte/verification/renvoyer/")
    assert len(messages_to(sefrou, PHONE)) == 5
    sent_earlier(sefrou)
    response = client.post("/fr/compte/verification/renvoyer/", follow=True)
    assert says(response, TOO_MANY_CODES)
    assert len(messages_to(sefrou, PHONE)) == 5
    newest = last_code(sefrou)
    if first != newest:
        assert client.post(VERIFY_URL, {"code": first}).status_code == 200
    if second != newest:
        assert client.post(VERIFY_URL, {"code": second}).status_code == 200
    assert client.post(VERIFY_URL, {"code": newest}).status_code == 302
    # An hour later the limit is lifted.
    sent_earlier(sefrou, seconds=3601)
    with inside(sefrou):
        citizens.request_password_reset(PHONE)
    assert len(messages_to(sefrou, PHONE)) == 6


def test_sign_in_by_phone_in_any_spelling_and_by_e_mail(sefrou, client_for):
    make_citizen(sefrou, client_for)
    make_citizen(sefrou, client_for, phone="", email="karim@example.ma")
    for identifier in ("0612345678", "+212 6 12 34 56 78", "karim@EXAMPLE.ma"):
        client = client_for(sefrou)
        response = login(client, identifier)
        assert response.status_code == 302 and response["Location"] == ACCOUNT_URL, identifier
        assert client.get(ACCOUNT_URL).status_code == 200
    client = client_for(sefrou)
    page = client.get(LOGIN_URL).content.decode()
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page
    response = login(client, "0612345678", "wrong-password")
    assert response.status_code == 200 and says(response, NO_MATCH)
    assert client.get(ACCOUNT_URL)["Location"].startswith(LOGIN_URL)


def test_a_pending_account_cannot_sign_in_and_is_sent_to_its_code(sefrou, client_for):
    sign_up(client_for(sefrou))
    client = client_for(sefrou)
    response = login(client, PHONE)
    assert response.status_code == 302 and response["Location"] == VERIFY_URL
    assert client.get(ACCOUNT_URL).status_code == 302
    assert login(client_for(sefrou), PHONE, "wrong-password").status_code == 200


def test_failed_sign_ins_are_limited_per_identifier(sefrou, client_for):
    make_citizen(sefrou, client_for)
    client = client_for(sefrou)
    for _try in range(5):
        assert login(client, "06 12 34 56 78", "wrong-password").status_code == 200
    response = login(client, "+212612345678")  # the right password, another spelling: still blocked
    assert response.status_code == 200 and says(response, TOO_MANY_FAILURES)


def test_failed_sign_ins_are_limited_per_address(sefrou, client_for):
    make_citizen(sefrou, client_for)
    client = client_for(sefrou, REMOTE_ADDR="192.0.2.7")
    for number in range(20):
        login(client, f"06000000{number:02d}", "wrong-password")
    assert says(login(client, PHONE), TOO_MANY_FAILURES)
    assert login(client_for(sefrou, REMOTE_ADDR="192.0.2.8"), PHONE).status_code == 302


def test_password_reset_by_code(sefrou, client_for):
    make_citizen(sefrou, client_for)
    sent_earlier(sefrou)
    client = client_for(sefrou)
    response = client.post(RESET_URL, {"identifier": "06 12 34 56 78"})
    assert response.status_code == 302 and response["Location"] == RESET_CODE_URL
    code = last_code(sefrou)
    assert re.search(r"\b\d{6}\b", messages_to(sefrou, PHONE)[-1].body)
    new_password = "Oued-Aggai-2027"
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(RESET_CODE_URL, {"code": wrong, "password1": new_password, "password2": new_password})
    assert response.status_code == 200 and says(response, WRONG_CODE)
    response = client.post(RESET_CODE_URL, {"code": code, "password1": "password", "password2": "password"})
    assert response.status_code == 200 and response.context["form"].errors.get("password1")
    response = client.post(RESET_CODE_URL, {"code": code, "password1": new_password, "password2": new_password})
    assert response.status_code == 302 and response["Location"] == LOGIN_URL
    assert login(client_for(sefrou), PHONE).status_code == 200
    assert login(client_for(sefrou), PHONE, new_password).status_code == 302


def test_password_reset_does_not_tell_who_has_an_account(sefrou, client_for):
    make_citizen(sefrou, client_for)
    sent_earlier(sefrou)
    answers = []
    for identifier in ("0612345678", "0698765432"):
        client = client_for(sefrou)
        response = client.post(RESET_URL, {"identifier": identifier})
        page = client.get(response["Location"]).content.decode()
        answers.append((response.status_code, response["Location"],
                        re.sub(r'<bdi dir="ltr">[^<]*</bdi>|name="csrfmiddlewaretoken" value="[^"]*"', "", page)))
    assert answers[0] == answers[1]
    assert messages_to(sefrou, "+212698765432") == []
    assert re.search(r"\b\d{6}\b", messages_to(sefrou, PHONE)[-1].body)
    sent_earlier(sefrou)
    # Signing up again with a verified account's number looks like a new sign-up, but only sends a notice.
    client = client_for(sefrou)
    response = sign_up(client, password1="Another-Pass-2026", password2="Another-Pass-2026")
    assert response.status_code == 302 and response["Location"] == VERIFY_URL
    notice = messages_to(sefrou, PHONE)[-1].body
    assert "/fr/compte/mot-de-passe/" in notice
    with inside(sefrou):
        assert CitizenProfile.objects.filter(phone=PHONE).count() == 1
    assert login(client_for(sefrou), PHONE, "Another-Pass-2026").status_code == 200


def test_change_password(sefrou, client_for):
    client = make_citizen(sefrou, client_for)
    page = client.get("/fr/compte/mot-de-passe/changer/").content.decode()
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page
    response = client.post("/fr/compte/mot-de-passe/changer/", {
        "old_password": "wrong", "new_password1": "Ifrane-Cedre-2028", "new_password2": "Ifrane-Cedre-2028"})
    assert response.status_code == 200
    response = client.post("/fr/compte/mot-de-passe/changer/", {
        "old_password": PASSWORD, "new_password1": "Ifrane-Cedre-2028", "new_password2": "Ifrane-Cedre-2028"})
    assert response.status_code == 302 and client.get(ACCOUNT_URL).status_code == 200  # still signed in
    assert login(client_for(sefrou), PHONE, "Ifrane-Cedre-2028").status_code == 302


def test_sign_out_is_a_post(sefrou, client_for):
    client = make_citizen(sefrou, client_for)
    assert client.get("/fr/compte/deconnexion/").status_code == 405
    assert client.post("/fr/compte/deconnexion/").status_code == 302
    assert client.get(ACCOUNT_URL).status_code == 302


def submit_certificate(applicant):
    return eservices.submit_request(
        "noticeboard.certificate", data={"purpose": "Dossier de bourse"},
        contact=eservices.Contact(name="Salma Idrissi", phone="0612345678", language="fr"),
        attachments=[("cin", SimpleUploadedFile("cin.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))],
        applicant=applicant).request


def test_the_account_lists_the_citizens_own_requests_only(sefrou, client_for):
    client = make_citizen(sefrou, client_for)
    make_citizen(sefrou, client_for, phone="0700112233")
    with inside(sefrou):
        salma = CitizenProfile.objects.get(phone=PHONE).user
        other = CitizenProfile.objects.get(phone="+212700112233").user
        mine = [submit_certificate(salma), submit_certificate(salma)]
        theirs = [submit_certificate(other), submit_certificate(None)]
    page = client.get(ACCOUNT_URL).content.decode()
    for service_request in mine:
        assert f'href="/fr/demandes/suivi/{service_request.tracking_number}/"' in page
    for service_request in theirs:
        assert service_request.tracking_number not in page
    assert page.index(mine[1].tracking_number) < page.index(mine[0].tracking_number)  # newest first
    with inside(sefrou), translation.override("fr"):
        assert mine[0].get_status_display() in page


def test_a_citizen_gets_no_back_office(sefrou, client_for):
    client = make_citizen(sefrou, client_for)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/admin/pages/").status_code == 302


def test_staff_are_not_citizens(sefrou, client_for):
    client = client_for(sefrou)
    with inside(sefrou):
        agent = get_user_model().objects.get(username="agent.sefrou")
    with inside(sefrou):
        client.force_login(agent)
    assert client.get(ACCOUNT_URL)["Location"].startswith(LOGIN_URL)
    assert login(client_for(sefrou), "agent.sefrou", "anything").status_code == 200


def test_a_berkane_account_does_not_exist_in_sefrou(sefrou, berkane, client_for):
    berkane_client = make_citizen(berkane, client_for)
    assert login(client_for(berkane), PHONE).status_code == 302
    response = login(client_for(sefrou), PHONE)
    assert response.status_code == 200 and says(response, NO_MATCH)
    with inside(sefrou):
        assert not CitizenProfile.objects.filter(phone=PHONE).exists()
        citizens.request_password_reset(PHONE)
        assert not OutboxMessage.objects.filter(recipient=PHONE).exists()
    # Berkane's session cookie means nothing to Sefrou (sessions live in each commune's schema).
    sefrou_client = client_for(sefrou)
    sefrou_client.cookies["sessionid"] = berkane_client.cookies["sessionid"].value
    assert sefrou_client.get(ACCOUNT_URL)["Location"].startswith(LOGIN_URL)


def test_a_sefrou_session_does_nothing_on_berkane(sefrou, berkane, client_for):
    sefrou_client = make_citizen(sefrou, client_for)
    assert sefrou_client.get(ACCOUNT_URL).status_code == 200
    berkane_client = client_for(berkane)
    berkane_client.cookies["sessionid"] = sefrou_client.cookies["sessionid"].value
    response = berkane_client.get(ACCOUNT_URL)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    # Sefrou's sign-up limits are Sefrou's: the same number signs up freely in Berkane.
    assert sign_up(client_for(berkane)).status_code == 302
    assert len(messages_to(berkane, PHONE)) == 1


def test_citizen_required_sends_to_sign_in_and_back_but_never_off_site(sefrou, client_for):
    make_citizen(sefrou, client_for)
    client = client_for(sefrou)
    assert client.get(ACCOUNT_URL)["Location"] == f"{LOGIN_URL}?next=%2Ffr%2Fcompte%2F"
    response = client.post(LOGIN_URL, {"identifier": PHONE, "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == ACCOUNT_URL
    client = client_for(sefrou)
    response = client.post(LOGIN_URL, {"identifier": PHONE, "password": PASSWORD, "next": "/fr/demandes/"})
    assert response["Location"] == "/fr/demandes/"


def test_citizens_are_not_listed_among_the_staff(sefrou, client_for):
    make_citizen(sefrou, client_for)
    administrator = client_for(sefrou)
    with inside(sefrou):
        administrator.force_login(get_user_model().objects.get(username="admin.sefrou"))
        citizen = CitizenProfile.objects.get(phone=PHONE).user
    listing = administrator.get("/admin/users/")
    assert listing.status_code == 200
    usernames = {user.username for user in listing.context["object_list"]}
    assert "agent.sefrou" in usernames and citizen.username not in usernames
