"""The régie's papers of cash closing, as PDF and as XLSX: the relevé nominatif des quittances (every receipt of a
day or a period, in number order, voided ones listed and marked), the bordereau de versement (a closed day's
takings handed to the Trésorerie) and the cancelled-receipts register.

As on the civil-status papers, the wording printed is the public accountant's, in Arabic and French whatever the
interface language, so it is written here and in the templates, not in the catalogues.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.utils import timezone

from modules.regie.models import CashDay, Receipt, Remittance
from modules.regie.selectors import closing as selectors
from platform_core import dates
from platform_core.documents.rendering import current_commune, render_pdf
from platform_core.money import amount_in_words, format_amount

FORMATS = ("pdf", "xlsx")
PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZERO = Decimal("0.00")

METHODS = {
    Receipt.Method.CASH: ("Espèces", "نقدا"),
    Receipt.Method.CHEQUE: ("Chèque", "شيك"),
    Receipt.Method.TRANSFER: ("Carte ou virement", "بطاقة أو تحويل"),
}
STATUSES = {Receipt.Status.VALID: ("Valide", "صالح"), Receipt.Status.VOIDED: ("ANNULÉE", "ملغى")}
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")
MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر",
             "دجنبر")


@dataclass(frozen=True)
class Paper:
    """A paper rendered: its bytes, content type and file name."""

    content: bytes
    content_type: str
    filename: str


# --- what the papers say -------------------------------------------------------------------------------------

def _name(user, arabic: bool) -> str:
    if user is None:
        return ""
    latin, ar = user.get_full_name(), user.full_name_ar()
    return (ar or latin or user.get_username()) if arabic else (latin or ar or user.get_username())


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment) if moment else None


@dataclass(frozen=True)
class ReceiptLine:
    receipt: Receipt
    reference: str
    number: int
    time: str
    day: str
    payer: str
    object_fr: str
    object_ar: str
    budget_code: str
    method_fr: str
    method_ar: str
    method_reference: str
    amount: Decimal
    figure: str
    voided: bool
    void_reason: str
    voided_at: str
    voided_by: str
    cashier_fr: str
    cashier_ar: str


def _line(receipt: Receipt) -> ReceiptLine:
    tariff = receipt.tariff_version.tariff if receipt.tariff_version else None
    object_fr = tariff.name_fr if tariff else "Souche annulée non utilisée"
    object_ar = tariff.name_ar if tariff else "أرومة ملغاة غير مستعملة"
    if receipt.assessment_id:
        object_fr = f"{object_fr} ({receipt.assessment.reference})"
        object_ar = f"{object_ar} ({receipt.assessment.reference})"
    method_fr, method_ar = METHODS.get(receipt.method, (receipt.method, receipt.method))
    issued = _local(receipt.collected_at)
    voided = _local(receipt.voided_at)
    return ReceiptLine(
        receipt=receipt, reference=receipt.reference, number=receipt.number, time=f"{issued:%H:%M}",
        day=f"{issued:%d/%m/%Y}", payer=receipt.payer_name, object_fr=object_fr, object_ar=object_ar,
        budget_code=tariff.budget_code if tariff else "", method_fr=method_fr, method_ar=method_ar,
        method_reference=receipt.method_reference, amount=receipt.amount, figure=figure(receipt.amount),
        voided=receipt.status == Receipt.Status.VOIDED, void_reason=receipt.void_reason,
        voided_at=f"{voided:%d/%m/%Y %H:%M}" if voided else "", voided_by=_name(receipt.voided_by, False),
        cashier_fr=_name(receipt.cashier, False), cashier_ar=_name(receipt.cashier, True),
    )


def figure(amount: Decimal) -> str:
    """The amount in figures without its unit, as the French papers print it ("1 234,50")."""
    return format_amount(amount, "fr").removesuffix("\u00a0DH")


def _money(amount: Decimal) -> dict:
    return {"fr": format_amount(amount, "fr"), "ar": format_amount(amount, "ar"), "value": amount}


def _words(amount: Decimal) -> dict:
    return {"fr": amount_in_words(amount, "fr"), "ar": amount_in_words(amount, "ar")}


def _date(day: datetime.date) -> dict:
    return {"fr": dates.format_gregorian(day, "fr"), "ar": dates.format_gregorian(day, "ar")}


def _totals_context(totals: selectors.Totals) -> dict:
    return {
        "valid_count": totals.valid_count, "voided_count": totals.voided_count,
        "cash": _money(totals.cash), "other": _money(totals.other), "total": _money(totals.total),
        "voided_amount": _money(totals.voided_amount),
        "by_method": [{"fr": METHODS[row.method][0], "ar": METHODS[row.method][1], "count": row.count,
                       "amount": _money(row.amount)} for row in totals.by_method],
    }


def releve_context(receipts, *, day: CashDay | None = None, start: datetime.date | None = None,
                   end: datetime.date | None = None, cashier=None) -> dict:
    """The relevé nominatif of a cash day, or of a period (a cashier's or everyone's)."""
    lines = [_line(receipt) for receipt in receipts]
    totals = selectors.totals(receipts)
    if day is not None:
        start = end = day.day
        cashier = day.cashier
    return {
        "title_fr": "Relevé nominatif des quittances",
        "title_ar": "البيان الاسمي للوصولات",
        "day": day,
        "provisional": day is not None and day.status == CashDay.Status.OPEN,
        "single_day": start == end,
        "start": _date(start), "end": _date(end),
        "cashier_fr": _name(cashier, False) if cashier else "Tous les caissiers",
        "cashier_ar": _name(cashier, True) if cashier else "جميع الصناديق",
        "lines": lines,
        "totals": _totals_context(totals),
        "printed_at": f"{timezone.localtime():%d/%m/%Y %H:%M}",
    }


def bordereau_context(remittance: Remittance) -> dict:
    day = remittance.cash_day
    receipts = selectors.day_receipts(day)
    valid = [receipt for receipt in receipts if receipt.status == Receipt.Status.VALID]
    non_cash = [_line(receipt) for receipt in valid if receipt.method != Receipt.Method.CASH]
    regisseur = remittance.prepared_by
    return {
        "title_fr": "Bordereau de versement",
        "title_ar": "بيان الدفع",
        "remittance": remittance,
        "reference": remittance.reference,
        "day": day,
        "day_date": _date(day.day),
        "prepared_at": f"{_local(remittance.prepared_at):%d/%m/%Y %H:%M}",
        "regisseur_fr": _name(regisseur, False), "regisseur_ar": _name(regisseur, True),
        "cashier_fr": _name(day.cashier, False), "cashier_ar": _name(day.cashier, True),
        "for_collector": day.cashier_id != regisseur.pk,
        "cash": _money(remittance.cash), "other": _money(remittance.other), "amount": _money(remittance.amount),
        "words": _words(remittance.amount),
        "counted": _money(day.counted_cash or ZERO),
        "variance": _money(day.variance or ZERO),
        "variance_value": day.variance or ZERO,
        "explanation": day.variance_explanation,
        "non_cash": non_cash,
        "by_tariff": [{"code": row.budget_code, "fr": row.tariff_fr, "ar": row.tariff_ar, "count": row.count,
                       "amount": _money(row.amount)} for row in selectors.totals_by_tariff(receipts)],
        "receipt_count": len(valid),
        "voided_count": len(receipts) - len(valid),
        "number_ranges": _number_ranges(receipts),
    }


def _number_ranges(receipts) -> list[str]:
    """"QC-2026/000001 – 000042" per book: the numbers the day used, voided ones included."""
    spans: dict[int, list[Receipt]] = {}
    for receipt in receipts:
        spans.setdefault(receipt.book_id, []).append(receipt)
    result = []
    for book_receipts in spans.values():
        first, last = book_receipts[0], book_receipts[-1]
        result.append(first.reference if first.pk == last.pk else f"{first.reference} – {last.number:06d}")
    return result


def cancelled_context(receipts, *, year: int, month: int | None) -> dict:
    lines = [_line(receipt) for receipt in receipts]
    total = sum((line.amount for line in lines), ZERO)
    return {
        "title_fr": "Registre des quittances annulées",
        "title_ar": "سجل الوصولات الملغاة",
        "period_fr": f"{MONTHS_FR[month - 1]} {year}" if month else f"Année {year}",
        "period_ar": f"{MONTHS_AR[month - 1]} {year}" if month else f"سنة {year}",
        "lines": lines,
        "count": len(lines),
        "total": _money(total),
        "printed_at": f"{timezone.localtime():%d/%m/%Y %H:%M}",
    }


# --- the papers ------------------------------------------------------------------------------------------------

def releve(receipts, fmt: str, *, name: str, **scope) -> Paper:
    context = releve_context(receipts, **scope)
    if fmt == "pdf":
        return Paper(render_pdf("regie/print/releve.html", context), PDF_TYPE, f"{name}.pdf")
    return Paper(_releve_xlsx(context), XLSX_TYPE, f"{name}.xlsx")


def bordereau(remittance: Remittance, fmt: str) -> Paper:
    context = bordereau_context(remittance)
    if fmt == "pdf":
        return Paper(render_pdf("regie/print/bordereau.html", context), PDF_TYPE, f"{remittance.reference}.pdf")
    return Paper(_bordereau_xlsx(context), XLSX_TYPE, f"{remittance.reference}.xlsx")


def cancelled_register(year: int, month: int | None, fmt: str) -> Paper:
    context = cancelled_context(selectors.cancelled_receipts(year, month), year=year, month=month)
    name = f"quittances-annulees-{year}" + (f"-{month:02d}" if month else "")
    if fmt == "pdf":
        return Paper(render_pdf("regie/print/cancelled.html", context), PDF_TYPE, f"{name}.pdf")
    return Paper(_cancelled_xlsx(context), XLSX_TYPE, f"{name}.xlsx")


# --- XLSX ------------------------------------------------------------------------------------------------------

MONEY_FORMAT = "#,##0.00"
# Data rows start below the commune, the title, the scope and a blank line, under one header row.
HEADER_ROW = 5


def _workbook(title: str, context: dict, scope: str):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    commune = current_commune()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet["A1"] = f"{commune.name_fr} / {commune.name_ar}"
    sheet["A2"] = f"{context['title_fr']} / {context['title_ar']}"
    sheet["A2"].font = Font(bold=True, size=13)
    sheet["A3"] = scope
    return workbook, sheet


def _header(sheet, headers: list[tuple[str, str, int]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for column, (french, arabic, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=f"{french} / {arabic}")
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E6E6E6")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)


def _save(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _releve_xlsx(context: dict) -> bytes:
    from openpyxl.styles import Font

    scope = (f"{context['start']['fr']}" if context["single_day"]
             else f"{context['start']['fr']} – {context['end']['fr']}") + f" · {context['cashier_fr']}"
    workbook, sheet = _workbook("Releve", context, scope)
    _header(sheet, [("N°", "الرقم", 10), ("Quittance", "الوصل", 18), ("Date", "التاريخ", 11),
                    ("Heure", "الساعة", 7), ("Partie versante", "الطرف الدافع", 28), ("Objet", "الموضوع", 36),
                    ("Rubrique", "البند", 10), ("Mode", "طريقة الأداء", 12), ("Référence", "المرجع", 14),
                    ("Montant", "المبلغ", 12), ("État", "الحالة", 9), ("Motif d'annulation", "سبب الإلغاء", 30)])
    row = HEADER_ROW
    for line in context["lines"]:
        row += 1
        values = [line.number, line.reference, line.day, line.time, line.payer, line.object_fr, line.budget_code,
                  line.method_fr, line.method_reference, line.amount,
                  STATUSES[Receipt.Status.VOIDED][0] if line.voided else STATUSES[Receipt.Status.VALID][0],
                  line.void_reason]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if line.voided:
                cell.font = Font(strike=column == 10, color="A61B1B")
        sheet.cell(row=row, column=10).number_format = MONEY_FORMAT
    totals = context["totals"]
    row += 2
    summary = [(f"Quittances valides / الوصولات الصالحة ({totals['valid_count']})", _value(totals["total"])),
               *[(f"{method['fr']} / {method['ar']} ({method['count']})", _value(method["amount"]))
                 for method in totals["by_method"]],
               (f"Quittances annulées (non comptées) / الوصولات الملغاة ({totals['voided_count']})",
                _value(totals["voided_amount"]))]
    for label, amount in summary:
        sheet.cell(row=row, column=9, value=label).font = Font(bold=True)
        cell = sheet.cell(row=row, column=10, value=amount)
        cell.number_format, cell.font = MONEY_FORMAT, Font(bold=True)
        row += 1
    return _save(workbook)


def _value(money: dict) -> Decimal:
    return money["value"]


def _bordereau_xlsx(context: dict) -> bytes:
    from openpyxl.styles import Font

    day = context["day"]
    workbook, sheet = _workbook("Bordereau", context, f"{context['reference']} · {context['day_date']['fr']}")
    remittance = context["remittance"]
    rows = [
        ("Bordereau n°", "رقم البيان", context["reference"]),
        ("Journée du", "يوم", day.day),
        ("Régisseur", "شسيع المداخيل", f"{context['regisseur_fr']} / {context['regisseur_ar']}"),
        ("Caissier de la journée", "صاحب الصندوق", f"{context['cashier_fr']} / {context['cashier_ar']}"),
        ("Quittances valides", "الوصولات الصالحة", context["receipt_count"]),
        ("Quittances annulées", "الوصولات الملغاة", context["voided_count"]),
        ("Numéros utilisés", "الأرقام المستعملة", ", ".join(context["number_ranges"])),
        ("Espèces", "نقدا", remittance.cash),
        ("Chèques et virements", "شيكات وتحويلات", remittance.other),
        ("Montant versé", "المبلغ المدفوع", remittance.amount),
        ("En lettres", "بالحروف", context["words"]["fr"]),
        ("", "", context["words"]["ar"]),
        ("Espèces comptées", "النقود المعدودة", day.counted_cash),
        ("Écart", "الفرق", day.variance),
        ("Explication de l'écart", "تفسير الفرق", context["explanation"]),
    ]
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 60
    row = HEADER_ROW
    for french, arabic, value in rows:
        sheet.cell(row=row, column=1, value=french).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=arabic).font = Font(bold=True)
        cell = sheet.cell(row=row, column=3, value=value)
        if isinstance(value, Decimal):
            cell.number_format = MONEY_FORMAT
        elif isinstance(value, datetime.date):
            cell.number_format = "DD/MM/YYYY"
        row += 1
    detail = workbook.create_sheet("Rubriques")
    for column, (title, width) in enumerate((("Rubrique / البند", 12), ("Objet / الموضوع", 50),
                                             ("Nombre / العدد", 10), ("Montant / المبلغ", 14)), start=1):
        detail.cell(row=1, column=column, value=title).font = Font(bold=True)
        detail.column_dimensions[detail.cell(row=1, column=column).column_letter].width = width
    for index, line in enumerate(context["by_tariff"], start=2):
        detail.cell(row=index, column=1, value=line["code"])
        detail.cell(row=index, column=2, value=f"{line['fr']} / {line['ar']}")
        detail.cell(row=index, column=3, value=line["count"])
        detail.cell(row=index, column=4, value=_value(line["amount"])).number_format = MONEY_FORMAT
    if context["non_cash"]:
        cheques = workbook.create_sheet("Cheques")
        for column, title in enumerate(("Quittance / الوصل", "Mode / الطريقة", "Référence / المرجع",
                                        "Partie versante / الطرف الدافع", "Montant / المبلغ"), start=1):
            cheques.cell(row=1, column=column, value=title).font = Font(bold=True)
        for index, line in enumerate(context["non_cash"], start=2):
            for column, value in enumerate((line.reference, line.method_fr, line.method_reference, line.payer,
                                            line.amount), start=1):
                cheques.cell(row=index, column=column, value=value)
            cheques.cell(row=index, column=5).number_format = MONEY_FORMAT
    return _save(workbook)


def _cancelled_xlsx(context: dict) -> bytes:
    from openpyxl.styles import Font

    workbook, sheet = _workbook("Annulees", context, f"{context['period_fr']} / {context['period_ar']}")
    _header(sheet, [("Quittance", "الوصل", 18), ("Date", "التاريخ", 11), ("Caissier", "صاحب الصندوق", 22),
                    ("Partie versante", "الطرف الدافع", 26), ("Objet", "الموضوع", 34), ("Montant", "المبلغ", 12),
                    ("Annulée le", "تاريخ الإلغاء", 16), ("Annulée par", "ألغي من طرف", 22),
                    ("Motif", "سبب الإلغاء", 40)])
    row = HEADER_ROW
    for line in context["lines"]:
        row += 1
        for column, value in enumerate((line.reference, line.day, line.cashier_fr, line.payer, line.object_fr,
                                        line.amount, line.voided_at, line.voided_by, line.void_reason), start=1):
            sheet.cell(row=row, column=column, value=value)
        sheet.cell(row=row, column=6).number_format = MONEY_FORMAT
    row += 2
    sheet.cell(row=row, column=5, value=f"Total / المجموع ({context['count']})").font = Font(bold=True)
    cell = sheet.cell(row=row, column=6, value=_value(context["total"]))
    cell.number_format, cell.font = MONEY_FORMAT, Font(bold=True)
    return _save(workbook)
