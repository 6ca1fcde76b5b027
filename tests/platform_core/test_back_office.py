"""The back-office shell: Wagtail admin per commune, in each user's language, staff accounts with module roles."""

from django.contrib.auth import get_user_model

from platform_core.modules.roles import role_group


def login(client_for, commune, username, password):
    client = client_for(commune)
    assert client.post("/admin/login/", {"username": username, "password": password}).status_code == 302
    return client


def test_admin_speaks_each_users_language(client_for, sefrou):
    arabic = login(client_for, sefrou, "admin.sefrou", "sefrou-admin-pw").get("/admin/").content.decode()
    assert 'dir="rtl"' in arabic and 'lang="ar"' in arabic
    french = login(client_for, sefrou, "agent.sefrou", "sefrou-agent-pw").get("/admin/").content.decode()
    assert 'dir="ltr"' in french and 'lang="fr"' in french


def test_a_user_switches_language_in_their_account(client_for, sefrou, in_commune):
    client = login(client_for, sefrou, "agent.sefrou", "sefrou-agent-pw")
    page = client.get("/admin/account/").content.decode()
    assert 'name="locale-preferred_language"' in page and '<option value="ar"' in page
    response = client.post("/admin/account/", {
        "locale-preferred_language": "ar", "locale-current_time_zone": "",
        "name_email-first_name": "Amina", "name_email-last_name": "Tazi", "name_email-email": "amina@sefrou.example.ma",
        "theme-theme": "system", "theme-density": "default", "theme-contrast": "system",
        "theme-keyboard_shortcuts": "on",
    })
    assert response.status_code == 302, response.content.decode()[:1500]
    with in_commune(sefrou):
        assert get_user_model().objects.get(username="agent.sefrou").wagtail_userprofile.preferred_language == "ar"
    assert 'dir="rtl"' in client.get("/admin/").content.decode()


def test_the_administrator_creates_a_staff_account_with_a_module_role(client_for, sefrou, in_commune):
    client = login(client_for, sefrou, "admin.sefrou", "sefrou-admin-pw")
    form = client.get("/admin/users/new/").content.decode()
    assert 'name="first_name_ar"' in form and 'name="phone"' in form
    with in_commune(sefrou):
        editor = role_group("noticeboard", "editor")
    response = client.post("/admin/users/new/", {
        "username": "clerk.sefrou", "email": "clerk@sefrou.example.ma",
        "first_name": "Youssef", "last_name": "Amrani", "first_name_ar": "يوسف", "last_name_ar": "العمراني",
        "phone": "+212600000000", "password1": "A-long-passphrase-1", "password2": "A-long-passphrase-1",
        "groups": [editor.pk],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_commune(sefrou):
        clerk = get_user_model().objects.get(username="clerk.sefrou")
        assert clerk.full_name_ar() == "يوسف العمراني" and clerk.phone == "+212600000000"
        assert clerk.has_perm("numbering.view_sequence") and clerk.has_perm("wagtailadmin.access_admin")
        assert not clerk.is_superuser
    staff = client_for(sefrou)
    credentials = {"username": "clerk.sefrou", "password": "A-long-passphrase-1"}
    assert staff.post("/admin/login/", credentials).status_code == 302
    assert staff.get("/admin/").status_code == 200
    assert staff.get("/admin/users/").status_code in (302, 403)  # staff do not manage accounts


def test_staff_without_a_role_cannot_enter_the_back_office(client_for, sefrou, in_commune):
    with in_commune(sefrou):
        get_user_model().objects.create_user("citizen.sefrou", password="citizen-pw-123")
    client = client_for(sefrou)
    client.post("/admin/login/", {"username": "citizen.sefrou", "password": "citizen-pw-123"})
    assert client.get("/admin/").status_code == 302
