"""Papers as PDF: a Django template rendered to HTML, typeset by WeasyPrint with the fonts the project ships.

Only the shipped fonts are declared (as @font-face rules with file URLs), and WeasyPrint may fetch nothing
but those files and data: URIs, so a paper looks the same on every server, including one without any font
installed, and a template can never make the server fetch a URL or read a file.
"""

from __future__ import annotations

import atexit
import base64
import functools
import threading
from io import BytesIO
from pathlib import Path

import qrcode
from django.db import connection
from django.template.loader import render_to_string
from qrcode.image.pil import PilImage

from tenants.models import Commune

FONTS_DIR = Path(__file__).resolve().parent / "fonts"

# (family, weight, file): the families the paper templates name. Arabic text takes what Noto Naskh Arabic
# lacks (parentheses, slash, Latin letters) from "Jamaa Naskh Complement", Noto Serif under another name: in
# right-to-left text a "(" is drawn with the ")" glyph, and a PDF maps each glyph of a font to one character
# only, so sharing the glyph with the French text would make the French "(" extract as ")".
FONT_FACES = (
    ("Jamaa Naskh", 400, "NotoNaskhArabic-Regular.ttf"),
    ("Jamaa Naskh", 700, "NotoNaskhArabic-Bold.ttf"),
    ("Jamaa Naskh Complement", 400, "NotoSerif-Regular.ttf"),
    ("Jamaa Naskh Complement", 700, "NotoSerif-Bold.ttf"),
    ("Jamaa Serif", 400, "NotoSerif-Regular.ttf"),
    ("Jamaa Serif", 700, "NotoSerif-Bold.ttf"),
)

# Archival PDF (ISO 19005-3, level B: faithful appearance; fonts embedded, sRGB output intent).
PDF_VARIANT = "pdf/a-3b"

# Medium error correction survives a crease or a stamp over a corner without making the code dense.
QR_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M

# WeasyPrint resolves a paper's relative URLs against the fonts' folder.
_FONTS_BASE_URL = FONTS_DIR.as_uri() + "/"
_SHIPPED_FONT_URLS = frozenset((FONTS_DIR / file).as_uri() for _, _, file in FONT_FACES)


# WeasyPrint is imported when the first paper is typeset, not with this module: it costs about a second, and every
# process (each manage.py command, each worker) imports this module through the modules' specs.
@functools.cache
def _paper_url_fetcher_class():
    from weasyprint.urls import URLFetcher

    class PaperURLFetcher(URLFetcher):
        """Lets WeasyPrint load the shipped fonts and data: URIs (the QR code), and nothing else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:") or url in _SHIPPED_FONT_URLS:
                return super().fetch(url, headers)
            raise ValueError(f"A paper may only load the shipped fonts and data: URIs, not {url}")

    return PaperURLFetcher


def paper_url_fetcher():
    return _paper_url_fetcher_class()()


def _font_face(family: str, weight: int, file: str) -> str:
    url = (FONTS_DIR / file).as_uri()
    return f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{url}"); }}'


def _font_faces_css() -> str:
    return "\n".join(_font_face(*face) for face in FONT_FACES)


class _Typesetter:
    """WeasyPrint's font set-up and URL fetcher, reused from one paper to the next."""

    def __init__(self):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.url_fetcher = paper_url_fetcher()
        self.font_config = FontConfiguration()
        self.fonts = CSS(
            string=_font_faces_css(),
            base_url=_FONTS_BASE_URL,
            url_fetcher=self.url_fetcher,
            font_config=self.font_config,
        )

    def pdf(self, html: str) -> bytes:
        from weasyprint import HTML

        document = HTML(string=html, base_url=_FONTS_BASE_URL, url_fetcher=self.url_fetcher)
        return document.write_pdf(
            stylesheets=[self.fonts], font_config=self.font_config, pdf_variant=PDF_VARIANT
        )


_per_thread = threading.local()


def _typesetter() -> _Typesetter:
    # Built on first use in each thread: building it copies and registers every font, which costs more than
    # typesetting a short paper, and fontconfig objects are not to be shared between threads (nor made before
    # a server forks its workers).
    if not hasattr(_per_thread, "typesetter"):
        _per_thread.typesetter = _Typesetter()
        # Let it go before the interpreter tears WeasyPrint's modules down (its fonts' finaliser needs them).
        atexit.register(_per_thread.__dict__.pop, "typesetter", None)
    return _per_thread.typesetter


def current_commune() -> Commune:
    """The commune whose schema is in use. A request or task routed to it leaves the Commune on the
    connection, but schema_context() leaves a stand-in with only the schema name: then ask the control
    plane."""
    tenant = connection.tenant
    if isinstance(tenant, Commune):
        return tenant
    return Commune.objects.get(schema_name=connection.schema_name)


def qr_code_data_uri(url: str) -> str:
    """The URL as a QR code, a black-and-white PNG in a data: URI (one pixel per module, scaled by CSS)."""
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, box_size=1, border=4, image_factory=PilImage)
    code.add_data(url)
    code.make(fit=True)
    buffer = BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def paper_context(context: dict, *, verification_url: str = "") -> dict:
    """The template's context plus what every paper shows: the commune's header, the training watermark and,
    for an issued paper, its verification link and QR code."""
    commune = current_commune()
    return {
        **context,
        "commune": commune,
        "is_training": commune.is_training,
        "verification_url": verification_url,
        "qr_code": qr_code_data_uri(verification_url) if verification_url else "",
    }


def render_pdf(template_name: str, context: dict, *, verification_url: str = "") -> bytes:
    """The paper as PDF/A bytes, recording nothing (previews, benchmarks); issue_document() issues one."""
    html = render_to_string(template_name, paper_context(context, verification_url=verification_url))
    return _typesetter().pdf(html)
