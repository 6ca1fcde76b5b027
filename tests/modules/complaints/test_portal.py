"""The citizen's side on the portal (/<language>/reclamations/): filing with a photo and a position, the number
and key shown once, following with both (attempts limited per address), reopening once, the public statistics;
in Arabic and French."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from modules.complaints import portal, services
from modules.complaints.models import Category, Complaint
from tests.modules.complaints.conftest import ADDRESS


def photo(name="lampadaire.jpg", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def form(**overrides):
    data = {"kind": "complaint", "category": Category.objects.get(code="eclairage").pk,
            "description": "Le lampadaire devant l'école est éteint depuis une semaine.",
            "address": "Rue de l'école, Sefrou", "latitude": "33.829100", "longitude": "-4.835200",
            "name": "Salma Idrissi", "phone": "0612345678", "email": ""}
    data.update(overrides)
    return data


@pytest.fixture
def citizen(sefrou, client_for, staff):
    return client_for(sefrou, REMOTE_ADDR=ADDRESS)


def file_through_the_portal(citizen, language="fr", **overrides):
    answer = citizen.post(f"/{language}/reclamations/", form(photo=photo(), **overrides))
    assert answer.status_code == 302 and answer["Location"].endswith("/reclamations/deposee/")
    confirmation = citizen.get(answer["Location"])
    number, key = confirmation.context["complaint"].number, confirmation.context["access_key"]
    assert number in confirmation.content.decode() and key in confirmation.content.decode()
    return Complaint.objects.get(number=number), key


def test_filing_with_a_photo_and_a_position(citizen):
    complaint, key = file_through_the_portal(citizen)
    assert complaint.channel == "web" and complaint.language == "fr"
    assert complaint.photo.name.startswith(f"complaints/photos/{complaint.received_at:%Y}/")
    assert complaint.photo.name.endswith(".jpg") and "lampadaire" not in complaint.photo.name
    assert float(complaint.longitude) == pytest.approx(-4.8352)
    assert services.key_matches(complaint, key)
    # The key is shown once: the confirmation page does not show it again.
    assert citizen.get("/fr/reclamations/deposee/").status_code == 302


def test_the_form_refuses_bad_input_in_the_users_language(citizen):
    count = Complaint.objects.count()
    answer = citizen.post("/fr/reclamations/", form(description="", phone="", email=""))
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert "description" in errors and "phone" in errors
    not_an_image = SimpleUploadedFile("photo.jpg", b"MZ not an image", content_type="image/jpeg")
    assert "photo" in citizen.post("/fr/reclamations/", form(photo=not_an_image)).context["form"].errors
    assert "phone" in citizen.post("/fr/reclamations/", form(phone="12")).context["form"].errors
    assert Complaint.objects.count() == count


def test_follow_and_reopen_once(citizen, staff):
    complaint, key = file_through_the_portal(citizen, language="ar")
    page = citizen.post("/ar/reclamations/suivi/", {"number": complaint.number, "key": key})
    assert page.context["summary"]["number"] == complaint.number and not page.context["summary"]["can_reopen"]
    assert "Salma" not in page.content.decode()  # the page shows no personal data
    services.answer(complaint.pk, text="Le lampadaire a été réparé ce matin.", actor=staff.voirie)
    page = citizen.post("/fr/reclamations/suivi/", {"number": complaint.number, "key": key})
    assert page.context["summary"]["can_reopen"] and "réparé ce matin" in page.content.decode()
    reopened = citizen.post("/fr/reclamations/suivi/", {"number": complaint.number, "key": key,
                                                         "reason": "Il s'est éteint à nouveau le soir même."})
    assert reopened.context["reopened"] and Complaint.objects.get(pk=complaint.pk).status == "reopened"
    services.answer(complaint.pk, text="Le câble a été changé cette fois.", actor=staff.voirie)
    page = citizen.post("/fr/reclamations/suivi/", {"number": complaint.number, "key": key})
    assert not page.context["summary"]["can_reopen"] and "Reopen the complaint" not in page.content.decode()
    again = citizen.post("/fr/reclamations/suivi/", {"number": complaint.number, "key": key,
                                                      "reason": "Toujours pas satisfait de la réponse."})
    assert again.context["refused"] and Complaint.objects.get(pk=complaint.pk).status == "answered"


def test_lookups_are_limited_per_address(citizen, client_for, sefrou):
    complaint, key = file_through_the_portal(citizen)
    for _ in range(portal.MAX_FAILURES):
        refused = citizen.post("/fr/reclamations/suivi/", {"number": complaint.number, "key": "00000000"})
        assert refused.status_code == 200 and refused.context["summary"] is None and refused.context["refused"]
    blocked = citizen.post("/fr/reclamations/suivi/", {"number": complaint.number, "key": key})
    assert blocked.status_code == 429 and blocked.context["summary"] is None
    other = client_for(sefrou, REMOTE_ADDR="192.0.2.32")
    assert other.post("/fr/reclamations/suivi/", {"number": complaint.number, "key": key}).context["summary"]
    cache.delete(f"complaints.lookups:{ADDRESS}")


def test_public_statistics_page(citizen, staff):
    complaint, _key = file_through_the_portal(citizen)
    services.answer(complaint.pk, text="Le lampadaire a été réparé ce matin.", actor=staff.voirie)
    file_through_the_portal(citizen, category=Category.objects.get(code="dechets").pk)
    for language in ("fr", "ar"):
        page = citizen.get(f"/{language}/reclamations/statistiques/")
        assert page.status_code == 200
        html = page.content.decode()
        assert ("Éclairage public" if language == "fr" else "الإنارة العمومية") in html
        assert "Salma" not in html and "0612345678" not in html
        assert page.context["share"] == 100 and page.context["figures"].total == 2


@pytest.mark.parametrize("language,direction", [("fr", "ltr"), ("ar", "rtl")])
def test_pages_are_bilingual_and_labelled(citizen, language, direction):
    html = citizen.get(f"/{language}/reclamations/").content.decode()
    assert f'lang="{language}" dir="{direction}"' in html
    for field in ("id_category", "id_description", "id_address", "id_photo", "id_name", "id_phone", "id_email"):
        assert f'for="{field}"' in html
    assert 'name="csrfmiddlewaretoken"' in html and 'enctype="multipart/form-data"' in html
    assert f'href="/{"ar" if language == "fr" else "fr"}/reclamations/"' in html
    html = citizen.get(f"/{language}/reclamations/suivi/").content.decode()
    assert 'for="id_number"' in html and 'for="id_key"' in html
