"""The assessment notice (avis de l'ordre de recette) handed or sent to the taxpayer: what is owed, by when, the
penalty rule, where to pay, and the reference and access key with which the citizen follows it on the portal
(the QR code opens the look-up page with both filled in)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils import timezone

from modules.regie.models import Assessment
from modules.regie.printing import BASE_VALUE_NAMES, paper_rows
from modules.regie.selectors.assessments import dues_on
from platform_core.documents.rendering import current_commune, render_pdf
from platform_core.money import amount_in_words, format_amount
from tenants.selectors import commune_url


def portal_lookup_url(assessment: Assessment, language: str = "fr") -> str:
    query = urlencode({"reference": assessment.reference, "key": assessment.access_key})
    return commune_url(current_commune(), f"/{language}/paiements/?{query}")


def _percent(rate, language: str) -> str:
    """15.00 -> "15", 0.50 -> "0,5" in French ("0.5" in Arabic, written with Latin digits like the amounts)."""
    text = f"{rate.normalize():f}"
    return text.replace(".", ",") if language == "fr" else text


def notice_context(assessment: Assessment) -> dict:
    today = timezone.localdate()
    dues = dues_on(assessment, today)
    version = assessment.tariff_version
    tariff = version.tariff
    taxpayer = assessment.taxpayer
    taxpayer_fr, taxpayer_ar = ((taxpayer.name_latin, taxpayer.name_ar) if taxpayer
                                else (assessment.payer_name, assessment.payer_name))
    rows = [("Redevable", "الملزم", taxpayer_fr, taxpayer_ar)]
    if taxpayer and (taxpayer.cin or taxpayer.ice):
        rows.append(("CIN / ICE", "ب.ت.و / ت.م.م", taxpayer.cin or taxpayer.ice, taxpayer.cin or taxpayer.ice))
    if assessment.item:
        item = f"{assessment.item.reference} — {assessment.item.label}"
        rows.append(("Assiette", "المادة الخاضعة للرسم", item, item))
    basis = f"{tariff.legal_basis} {version.fiscal_order}".strip() or "—"
    rows += [("Objet", "موضوع الأداء", tariff.name_fr, tariff.name_ar),
             ("Base légale", "السند القانوني", basis, basis)]
    if assessment.period:
        rows.append(("Période", "الفترة", assessment.period, assessment.period))
    for name, value in assessment.base_values.items():
        rows.append((*BASE_VALUE_NAMES[name], value, value))
    due = assessment.due_date.strftime("%d/%m/%Y")
    rows += [
        ("Montant principal", "أصل المبلغ", format_amount(assessment.principal, "fr"),
         format_amount(assessment.principal, "ar")),
        ("Déjà payé", "المبلغ المؤدى", format_amount(dues.paid, "fr"), format_amount(dues.paid, "ar")),
        ("Date limite de paiement", "آخر أجل للأداء", due, due),
    ]
    if dues.penalty_due:
        rows.append((f"Majoration de retard au {today:%d/%m/%Y}", f"ذعيرة التأخير بتاريخ {today:%d/%m/%Y}",
                     format_amount(dues.penalty_due, "fr"), format_amount(dues.penalty_due, "ar")))
    return {
        "assessment": assessment,
        "rows": paper_rows(rows),
        "total_fr": format_amount(dues.total_due, "fr"),
        "total_ar": format_amount(dues.total_due, "ar"),
        "words_fr": amount_in_words(dues.total_due, "fr"),
        "words_ar": amount_in_words(dues.total_due, "ar"),
        "has_penalty": bool(version.penalty_rate or version.penalty_monthly_rate),
        "penalty_fr": (_percent(version.penalty_rate, "fr"), _percent(version.penalty_monthly_rate, "fr")),
        "penalty_ar": (_percent(version.penalty_rate, "ar"), _percent(version.penalty_monthly_rate, "ar")),
        "cancelled": assessment.status == Assessment.Status.CANCELLED,
        "paid": assessment.status == Assessment.Status.PAID,
        "printed_on": today.strftime("%d/%m/%Y"),
    }


def assessment_notice_pdf(assessment: Assessment) -> bytes:
    return render_pdf("regie/print/assessment_notice.html", notice_context(assessment),
                      verification_url=portal_lookup_url(assessment))
