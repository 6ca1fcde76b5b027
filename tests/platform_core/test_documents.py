"""The documents service: bilingual papers typeset with the shipped fonts only, the training watermark, PDF/A,
the QR code, the record of each issue and the public verification page."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import qrcode
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from platform_core import dates
from platform_core.audit.models import AuditEntry
from platform_core.documents import subjects
from platform_core.documents.models import IssuedDocument
from platform_core.documents.rendering import (
    FONT_FACES,
    FONTS_DIR,
    QR_ERROR_CORRECTION,
    paper_url_fetcher,
    render_pdf,
)
from platform_core.documents.services import issue_document
from tenants.selectors import commune_url

SAMPLE = "documents/sample_certificate.html"
TITLE_FR = "Certificat administratif"
TITLE_AR = "شهادة إدارية"
NAME_FR = "Mohammed Ben Ali"
NAME_AR = "محمد بن علي"
# محمد as drawn from left to right on the page: final dal, medial meem, medial hah, initial meem.
MUHAMMAD_SHAPED_RTL = "\ufeaa\ufee4\ufea4\ufee3"
# pdftotext wraps right-to-left runs in these.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def sample_context(lines: int = 0) -> dict:
    return {
        "title_fr": TITLE_FR,
        "title_ar": TITLE_AR,
        "holder_name_fr": NAME_FR,
        "holder_name_ar": NAME_AR,
        "lines": [f"Paragraphe {number} du document." for number in range(lines)],
    }


def pdftotext(pdf: bytes) -> str:
    """The text in reading (logical) order, as poppler extracts it, Arabic presentation forms normalised."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "paper.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFKC", text.stdout.decode().translate(BIDI_CONTROLS))


def page_texts(pdf: bytes) -> list[str]:
    # pypdf, unlike pdftotext's default mode, keeps the rotated text of the watermark.
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def shipped_fonts() -> dict[str, TTFont]:
    fonts = (TTFont(FONTS_DIR / file) for _, _, file in FONT_FACES)
    return {font["name"].getDebugName(4): font for font in fonts}


def embedded_fonts(pdf: bytes) -> dict[str, TTFont]:
    """The PDF's fonts by resource name, each parsed from the font program embedded in the file (a font that
    is not embedded fails here)."""
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for name, font in page["/Resources"]["/Font"].items():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts[name] = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
    return fonts


def drawn_presentation_forms(pdf: bytes) -> str:
    """The Arabic glyphs drawn on the first page, from left to right, as the presentation-form characters
    they are named after in the shipped fonts (embedded subsets keep the original glyph ids)."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    glyph_orders = {name: font.getGlyphOrder() for name, font in shipped_fonts().items()}
    by_resource = {
        resource: glyph_orders[font["name"].getDebugName(4)] for resource, font in embedded_fonts(pdf).items()
    }
    drawn, glyph_order = [], None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            glyph_order = by_resource[operands[0]]
        elif operator in (b"Tj", b"TJ"):
            for item in operands[0] if operator == b"TJ" else operands:
                raw = getattr(item, "original_bytes", None)
                for index in range(0, len(raw or b""), 2):
                    name = glyph_order[int.from_bytes(raw[index:index + 2], "big")]
                    drawn.append(chr(int(name[3:], 16)) if name.startswith("uni") and len(name) == 7 else " ")
    return "".join(drawn)


def issue_sample(admin, **fields):
    defaults = {"kind": "test.certificate", "title_fr": TITLE_FR, "title_ar": TITLE_AR, "issued_by": admin}
    return issue_document(SAMPLE, sample_context(), **{**defaults, **fields})


@pytest.fixture
def admin(sefrou, in_commune):
    with in_commune(sefrou):
        return get_user_model().objects.get(username="admin.sefrou")


@pytest.fixture
def issued(sefrou, in_commune, admin):
    with in_commune(sefrou):
        return issue_sample(admin, issued_to=NAME_FR)


@pytest.fixture
def sefrou_paper(sefrou, in_commune):
    with in_commune(sefrou):
        return render_pdf(SAMPLE, sample_context())


def test_paper_text_extracts_in_reading_order_in_both_languages(sefrou_paper):
    text = pdftotext(sefrou_paper)
    for arabic in (TITLE_AR, NAME_AR, "المملكة المغربية", "وزارة الداخلية", "جماعة صفرو"):
        assert arabic in text
    for french in (TITLE_FR.upper(), NAME_FR, "ROYAUME DU MAROC", "Ministère de l'Intérieur"):
        assert french in text
    assert "Province de Sefrou" in text
    assert "أن السيد(ة) محمد بن علي يقطن بتراب الجماعة" in text
    assert "Le président de la Commune de Sefrou certifie" in text


def test_arabic_is_shaped_and_laid_out_right_to_left(sefrou_paper):
    drawn = drawn_presentation_forms(sefrou_paper)
    assert MUHAMMAD_SHAPED_RTL in drawn
    assert "\u0645\u062d\u0645\u062f" not in drawn  # no unjoined letters left to right


def test_paper_uses_only_the_shipped_fonts(sefrou_paper):
    names = {font["name"].getDebugName(4) for font in embedded_fonts(sefrou_paper).values()}
    assert {"Noto Naskh Arabic Regular", "Noto Naskh Arabic Bold", "Noto Serif Regular"} <= names
    assert names <= set(shipped_fonts())


NO_FONTS_SCRIPT = """
import json, sys
import django
django.setup()
from django.db import connection
from tenants.models import Commune
from platform_core.documents.rendering import render_pdf
connection.tenant = Commune(**json.loads(sys.argv[1]))
sys.stdout.buffer.write(render_pdf(sys.argv[2], json.loads(sys.argv[3])))
"""


def test_paper_renders_on_a_machine_without_fonts(sefrou, tmp_path):
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    assert subprocess.run(["fc-list"], env=env, capture_output=True, check=True).stdout == b""
    commune = {field: getattr(sefrou, field) for field in ("slug", "name_fr", "name_ar", "province", "kind")}
    pdf = subprocess.run(
        [sys.executable, "-c", NO_FONTS_SCRIPT, json.dumps(commune), SAMPLE, json.dumps(sample_context())],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    text = pdftotext(pdf)
    assert TITLE_AR in text and NAME_AR in text and NAME_FR in text
    assert MUHAMMAD_SHAPED_RTL in drawn_presentation_forms(pdf)
    names = {font["name"].getDebugName(4) for font in embedded_fonts(pdf).values()}
    assert "Noto Naskh Arabic Regular" in names and names <= set(shipped_fonts())


def test_paper_is_pdf_a_3b(sefrou_paper):
    reader = PdfReader(io.BytesIO(sefrou_paper))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in metadata and b'pdfaid:conformance="B"' in metadata
    assert reader.trailer["/Root"]["/OutputIntents"]
    assert embedded_fonts(sefrou_paper)  # every font's program is in the file


def test_training_commune_papers_carry_the_watermark_on_every_page(formation, in_commune):
    with in_commune(formation):
        pdf = render_pdf(SAMPLE, sample_context(lines=80))
    pages = page_texts(pdf)
    assert len(pages) >= 3
    for text in pages:
        assert "FORMATION" in text and "تكوين" in text


def test_production_commune_papers_have_no_watermark(sefrou, in_commune):
    with in_commune(sefrou):
        pdf = render_pdf(SAMPLE, sample_context(lines=80))
    pages = page_texts(pdf)
    assert len(pages) >= 3
    assert not any("FORMATION" in text or "تكوين" in text for text in pages)


def test_issuing_records_the_paper_and_audits_it(issued, admin, sefrou, in_commune):
    document, pdf = issued
    assert pdf.startswith(b"%PDF-")
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert len(document.token) >= 32
    assert (document.kind, document.title_fr, document.title_ar) == ("test.certificate", TITLE_FR, TITLE_AR)
    assert (document.issued_by, document.issued_by_label) == (admin, "admin.sefrou")
    assert document.issued_to == NAME_FR
    with in_commune(sefrou):
        assert IssuedDocument.objects.get(token=document.token) == document
        entry = AuditEntry.objects.get(action="documents.issue", object_id=str(document.pk))
    assert entry.actor_id == admin.pk and entry.after["sha256"] == document.sha256
    url = commune_url(sefrou, f"/verify/{document.token}/")
    text = pdftotext(pdf)
    assert url in text
    day = timezone.localdate(document.issued_at)
    assert f"Délivré le {dates.format_hijri(day, 'fr')} ({dates.format_gregorian(day, 'fr')})" in text
    # pdftotext orders the numbers of a right-to-left line by its own rules: look for the words.
    assert "سلمت بتاريخ" in text
    for arabic_date in (dates.format_hijri(day, "ar"), dates.format_gregorian(day, "ar")):
        assert " ".join(word for word in arabic_date.split() if not word.isdigit()) in text


def test_each_issue_has_its_own_token(issued, sefrou, in_commune, admin):
    with in_commune(sefrou):
        other, _ = issue_sample(admin)
    assert other.token != issued[0].token


def test_an_issue_rolls_back_with_the_callers_transaction(sefrou, in_commune, admin):
    with in_commune(sefrou):
        audit_entries = AuditEntry.objects.count()
        with pytest.raises(RuntimeError), transaction.atomic():
            issue_sample(admin)
            raise RuntimeError("the act this paper certifies failed")
        assert not IssuedDocument.objects.exists()
        assert AuditEntry.objects.count() == audit_entries


def test_qr_code_encodes_the_verification_url(issued, sefrou):
    document, pdf = issued
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, border=4)
    code.add_data(commune_url(sefrou, f"/verify/{document.token}/"))
    code.make(fit=True)
    expected = code.get_matrix()
    pages = PdfReader(io.BytesIO(pdf)).pages
    (image,) = [picture.image.convert("L") for page in pages for picture in page.images]
    size = len(expected)
    module = image.width / size

    def dark(row, column):
        return image.getpixel((int((column + 0.5) * module), int((row + 0.5) * module))) < 128

    assert [[dark(row, column) for column in range(size)] for row in range(size)] == expected


def test_verification_page_shows_the_issue_on_the_issuing_communes_domain(issued, sefrou, client_for):
    document, _ = issued
    response = client_for(sefrou).get(urlsplit(commune_url(sefrou, document.get_absolute_url())).path)
    assert response.status_code == 200
    body = response.content.decode()
    for shown in (TITLE_FR, TITLE_AR, "جماعة صفرو", "Commune de Sefrou", document.sha256, "M••••••• B•• A••"):
        assert shown in body
    assert timezone.localtime(document.issued_at).strftime("%d/%m/%Y %H:%M") in body
    assert NAME_FR not in body and "Mohammed" not in body
    assert response["X-Robots-Tag"] == "noindex"


def test_verification_page_masks_arabic_names_too(sefrou, in_commune, admin, client_for):
    with in_commune(sefrou):
        document, _ = issue_sample(admin, issued_to=NAME_AR)
    body = client_for(sefrou).get(document.get_absolute_url()).content.decode()
    assert "م••• ب• ع••" in body and NAME_AR not in body


def test_a_token_is_unknown_on_another_communes_domain(issued, berkane, client_for):
    document, _ = issued
    assert client_for(berkane).get(document.get_absolute_url()).status_code == 404


def test_an_unknown_token_gives_404(sefrou, client_for):
    assert client_for(sefrou).get("/verify/not-a-real-token-0123456789abcdef/").status_code == 404


def test_verification_page_tells_whether_the_subject_changed(
    monkeypatch, sefrou, in_commune, admin, client_for
):
    User = get_user_model()

    def user_digest(object_id):
        user = User.objects.filter(pk=object_id).values("first_name", "last_name").first()
        return subjects.fingerprint(user) if user else None

    monkeypatch.setitem(subjects._digesters, "accounts.user", user_digest)
    with in_commune(sefrou):
        resident = User.objects.create(username="resident", first_name="Mohammed", last_name="Ben Ali")
        document, _ = issue_sample(admin, subject=subjects.Subject.of(resident))
        assert document.subject_digest == user_digest(resident.pk)
    assert (document.object_type, document.object_id) == ("accounts.user", str(resident.pk))
    client = client_for(sefrou)
    assert 'class="subject-unchanged"' in client.get(document.get_absolute_url()).content.decode()
    with in_commune(sefrou):
        User.objects.filter(pk=resident.pk).update(last_name="Ben Omar")
    assert 'class="subject-changed"' in client.get(document.get_absolute_url()).content.decode()
    with in_commune(sefrou):
        User.objects.filter(pk=resident.pk).delete()
    assert 'class="subject-gone"' in client.get(document.get_absolute_url()).content.decode()


def test_a_subject_without_digester_shows_no_subject_state(issued, sefrou, client_for):
    body = client_for(sefrou).get(issued[0].get_absolute_url()).content.decode()
    assert "subject-" not in body


def test_papers_may_fetch_nothing_but_the_shipped_fonts():
    fetcher = paper_url_fetcher()
    response = fetcher.fetch((FONTS_DIR / FONT_FACES[0][2]).as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    response.close()
    for url in ("file:///etc/hostname", "http://169.254.169.254/latest/", f"{FONTS_DIR.as_uri()}/OFL.txt"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
