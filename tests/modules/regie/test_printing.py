"""The printed receipt: number and amount in words in Arabic and French, the 80 mm ticket, the ANNULÉE mark of a
voided receipt, and the QR verification page that tells a voided receipt from a valid one."""

import io
import re
import subprocess
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from modules.regie import printing
from modules.regie.models import Tariff
from modules.regie.services import receipts
from modules.regie.services.receipts import Payment
from platform_core.documents.models import IssuedDocument
from platform_core.documents.selectors import SubjectState, subject_state

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
MM = 72 / 25.4


def text_of(pdf: bytes) -> str:
    """pdftotext's text, bidi marks stripped, presentation forms normalised, white space collapsed."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "receipt.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFKC", out.decode().translate(BIDI_MARKS)).split())


def snapshot(pdf: bytes, name: str) -> None:
    """The first page as PNG in tests/artifacts, to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(path), str(ARTIFACTS / name)], check=True)
    path.unlink()


@pytest.fixture
def receipt(regie):
    """1 234,50 DH of takings tax paid by cheque (5 % of 24 690 DH)."""
    return receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(
        tariff=Tariff.objects.get(code="debits-boissons"), base_values={"takings": "24690"},
        payer_name="Café Atlas", method="cheque", method_reference="778812"))


@pytest.mark.parametrize("layout", printing.LAYOUTS)
def test_receipt_holds_its_number_and_amount_in_words(receipt, layout):
    assert receipt.amount == Decimal("1234.50")
    pdf = printing.receipt_pdf(receipt, layout=layout, language="fr")
    snapshot(pdf, f"regie-receipt-{layout}")
    text = text_of(pdf)
    assert receipt.reference in text
    assert "mille deux cent trente-quatre dirhams et cinquante centimes" in text
    assert "ألف ومائتان وأربعة وثلاثون درهما وخمسون سنتيما" in text
    assert "Café Atlas" in text and "778812" in text and "Taxe sur les débits de boissons" in text
    assert "ANNULÉE" not in text
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width, height = float(page.mediabox.width) / MM, float(page.mediabox.height) / MM
    if layout == "thermal":
        assert round(width) == 80 and len(PdfReader(io.BytesIO(pdf)).pages) == 1
    else:
        assert (round(width), round(height)) == (148, 210)


def test_arabic_receipt_leads_in_arabic(receipt):
    text = text_of(printing.receipt_pdf(receipt, layout="thermal", language="ar"))
    assert text.index("ألف ومائتان") < text.index("mille deux cent")


def test_voided_receipt_is_marked_and_its_copies_say_so(regie, receipt):
    printing.receipt_pdf(receipt, layout="a5", language="fr", actor=regie["regisseur"])
    issued = IssuedDocument.objects.get(object_type=printing.OBJECT_TYPE, object_id=str(receipt.pk))
    assert issued.issued_to == "Café Atlas" and receipt.reference in issued.title_fr
    assert subject_state(issued) == SubjectState.UNCHANGED
    voided = receipts.void_receipt(receipt.pk, actor=regie["regisseur"], reason="Montant erroné")
    assert subject_state(issued) == SubjectState.CHANGED
    for layout in printing.LAYOUTS:
        pdf = printing.receipt_pdf(voided, layout=layout, language="fr")
        # pypdf, unlike pdftotext, keeps the rotated mark of the A5 sheet.
        drawn = unicodedata.normalize("NFKC", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
        assert "ANNULÉE" in drawn and "ملغاة" in drawn.translate(BIDI_MARKS)
        assert "Montant erroné" in text_of(pdf)
        snapshot(pdf, f"regie-receipt-{layout}-voided")


def test_pdf_view_prints_and_refuses_unknown_layouts(regie, receipt, sefrou, client_for):
    client = client_for(sefrou)
    client.force_login(regie["consultation"])
    response = client.get(f"/admin/regie/receipts/{receipt.pk}/thermal.pdf", {"lang": "ar"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert re.search(r"no-store|no-cache", response["Cache-Control"])
    assert client.get(f"/admin/regie/receipts/{receipt.pk}/a4.pdf").status_code == 404
