"""The printed receipt (quittance): an A5 sheet or an 80 mm thermal ticket, bilingual, the amount in figures and
in words in Arabic and French, and a QR code to the commune's verification page.

Every print is issued through the platform's documents service (recorded with the PDF's SHA-256, journaled), so
a copy in a citizen's hands can be checked, and the verification page says "changed" once the receipt is voided.
The wording printed is the law's, in Arabic and French whatever the interface language (as the civil-status
papers do), so it is written here and in the templates, not in the catalogues. `language` only decides which
language leads (title and amount in words first).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language

from modules.regie import tariffs
from modules.regie.models import Receipt
from platform_core import dates
from platform_core.documents import subjects
from platform_core.documents.services import issue_document
from platform_core.locale import is_arabic
from platform_core.money import amount_in_words, format_amount

OBJECT_TYPE = "regie.receipt"
LAYOUTS = ("a5", "thermal")
LANGUAGES = ("ar", "fr")
TEMPLATES = {"a5": "regie/print/receipt_a5.html", "thermal": "regie/print/receipt_thermal.html"}

BASE_VALUE_NAMES = {
    "units": ("Nombre d'unités", "عدد الوحدات"),
    "area_m2": ("Superficie (m²)", "المساحة (م²)"),
    "takings": ("Chiffre d'affaires (DH)", "رقم المعاملات (درهم)"),
    "persons": ("Personnes", "عدد الأشخاص"),
    "nights": ("Nuitées", "عدد الليالي"),
    "quarters": ("Trimestres", "عدد الأرباع"),
}
METHOD_NAMES = {
    Receipt.Method.CASH: ("Espèces", "نقدا"),
    Receipt.Method.CHEQUE: ("Chèque", "شيك"),
    Receipt.Method.TRANSFER: ("Carte ou virement", "بطاقة أو تحويل"),
}


def _value(raw) -> str:
    """A base value as typed ("3", "12.50"), without trailing zeros of a whole number."""
    number = Decimal(str(raw))
    return str(number.quantize(Decimal(1))) if number == number.to_integral_value() else str(number.normalize())


def lines(receipt: Receipt) -> list[dict]:
    """What the receipt says, one line per item: labels and values in French and Arabic (values typed once,
    such as a number or a name, are the same in both)."""
    issued = timezone.localtime(receipt.issued_at)
    cashier = receipt.cashier
    rows = [
        ("Quittancier", "دفتر الوصولات", receipt.book.label, receipt.book.label),
        ("Date", "التاريخ", f"{issued:%d/%m/%Y %H:%M}", f"{issued:%d/%m/%Y %H:%M}"),
        ("Régisseur", "الشسيع", cashier.display_name("fr"), cashier.display_name("ar")),
        ("Partie versante", "الطرف المؤدي", receipt.payer_name, receipt.payer_name),
    ]
    taxpayer = receipt.taxpayer
    if taxpayer is not None:
        identifier = taxpayer.cin or taxpayer.ice or taxpayer.tax_id
        rows.append(("Redevable", "الملزم", f"{taxpayer.name_latin}{f' · {identifier}' if identifier else ''}",
                     f"{taxpayer.name_ar}{f' · {identifier}' if identifier else ''}"))
    if receipt.tariff_version_id:
        tariff = receipt.tariff_version.tariff
        rows.append(("Objet", "موضوع الأداء", tariff.name_fr, tariff.name_ar))
        if tariff.legal_basis:
            rows.append(("Base légale", "السند القانوني", tariff.legal_basis, tariff.legal_basis))
    for name in tariffs.BASE_VALUES.get(receipt.tariff_version.base, ()) if receipt.tariff_version_id else ():
        if name in (receipt.base_values or {}):
            label_fr, label_ar = BASE_VALUE_NAMES[name]
            value = _value(receipt.base_values[name])
            rows.append((label_fr, label_ar, value, value))
    if receipt.assessment_id:
        assessment = receipt.assessment
        reference = assessment.reference + (f" ({assessment.period})" if assessment.period else "")
        rows.append(("Ordre de recette", "الأمر بالمداخيل", reference, reference))
    if receipt.item_id:
        rows.append(("Article imposable", "المادة الخاضعة", str(receipt.item), str(receipt.item)))
    rows.append(("Principal", "الأصل", format_amount(receipt.principal, "fr"), format_amount(receipt.principal, "ar")))
    if receipt.penalty:
        rows.append(("Pénalités de retard", "غرامات التأخير", format_amount(receipt.penalty, "fr"),
                     format_amount(receipt.penalty, "ar")))
    method_fr, method_ar = METHOD_NAMES.get(receipt.method, (receipt.method, receipt.method))
    if receipt.method_reference:
        number = receipt.method_reference
        method_fr, method_ar = f"{method_fr} n° {number}", f"{method_ar} عدد {number}"
    rows.append(("Mode de paiement", "طريقة الأداء", method_fr, method_ar))
    return paper_rows(rows)


def paper_rows(rows) -> list[dict]:
    """(label_fr, label_ar, value_fr, value_ar) tuples as the papers' bilingual table draws them
    (templates/regie/print/_rows.html); a value the same in both languages is written once."""
    return [{"label_fr": label_fr, "label_ar": label_ar, "value_fr": value_fr, "value_ar": value_ar,
             "single": value_fr == value_ar} for label_fr, label_ar, value_fr, value_ar in rows]


def receipt_context(receipt: Receipt, *, layout: str, language: str) -> dict:
    rows = lines(receipt)
    voided_at = timezone.localtime(receipt.voided_at) if receipt.voided_at else None
    return {
        "receipt": receipt,
        "layout": layout,
        "language": language,
        "reference": receipt.reference,
        "rows": rows,
        "amount_fr": format_amount(receipt.amount, "fr"),
        "amount_ar": format_amount(receipt.amount, "ar"),
        "words_fr": amount_in_words(receipt.amount, "fr"),
        "words_ar": amount_in_words(receipt.amount, "ar"),
        "voided": receipt.status == Receipt.Status.VOIDED,
        "voided_on": f"{voided_at:%d/%m/%Y %H:%M}" if voided_at else "",
        "issued_day_fr": dates.format_gregorian(timezone.localdate(receipt.issued_at), "fr"),
        "issued_day_ar": dates.format_gregorian(timezone.localdate(receipt.issued_at), "ar"),
        # A roll printer prints the whole page: the ticket is as long as what it says (rows may wrap once).
        "ticket_height_mm": 135 + 9 * len(rows) + (24 if receipt.status == Receipt.Status.VOIDED else 0),
    }


def receipt_digest_of(receipt: Receipt) -> str:
    return subjects.fingerprint({
        "book": receipt.book_id, "number": receipt.number, "amount": receipt.amount, "principal": receipt.principal,
        "penalty": receipt.penalty, "payer": receipt.payer_name, "method": receipt.method,
        "method_reference": receipt.method_reference, "status": receipt.status,
    })


def receipt_digest(object_id: str) -> str | None:
    """The digester of "regie.receipt" (registered by the app): a voided receipt no longer matches its copies."""
    receipt = Receipt.objects.filter(pk=object_id).first() if object_id.isdigit() else None
    return receipt_digest_of(receipt) if receipt else None


def receipt_pdf(receipt: Receipt, *, layout: str = "a5", language: str | None = None, actor=None,
                request=None) -> bytes:
    """The receipt as PDF, A5 or an 80 mm thermal ticket, issued (QR-verifiable, journaled) as printed by `actor`.

    `language` (ar or fr; by default the active one) leads the paper; both languages are always printed.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown receipt layout {layout!r}: use one of {', '.join(LAYOUTS)}.")
    if language not in LANGUAGES:
        language = "ar" if is_arabic(get_language()) else "fr"
    reference = receipt.reference
    _document, pdf = issue_document(
        TEMPLATES[layout],
        receipt_context(receipt, layout=layout, language=language),
        kind=f"regie.receipt.{layout}",
        title_fr=f"Quittance n° {reference}",
        title_ar=f"وصل عدد {reference}",
        subject=subjects.Subject(OBJECT_TYPE, str(receipt.pk), receipt_digest_of(receipt)),
        issued_by=actor,
        issued_to=receipt.payer_name[:200],
        request=request,
    )
    return pdf
