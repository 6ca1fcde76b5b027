"""The receipt-book stock (quittanciers à souches): the ledger of every book and every number, receiving books,
handing them to a cashier or a collector, taking them back with every number accounted for, and the ordonnateur's
annual check with its report as PDF. A book issued and never declared cannot hide: every serial of the series is
in the ledger, with its numbers used, left and unaccounted for."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.regie.forms.books import (
    AnnualCheckForm,
    BookFilter,
    IssueBookForm,
    ReceiveBooksForm,
    ReturnBookForm,
    VoidNumberForm,
)
from modules.regie.models import ReceiptBook
from modules.regie.selectors import books as selectors
from modules.regie.services import books as services
from modules.regie.services.field import void_spoiled_number
from modules.regie.views.base import ModuleView, ServiceFormView, attach_errors, url
from platform_core.documents.rendering import render_pdf

VIEW = "regie.view_receiptbook"
# The paper prints the law's words in both languages, whatever the reader's language.
PAPER_STATUSES = {"in_stock": "En stock / في المخزون", "issued": "Remis / مسلم", "in_use": "En service / قيد الاستعمال",
                  "returned": "Restitué / مرجع", "checked": "Vérifié / محقق"}
MANAGE = "regie.manage_receipt_books"


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


class BookView(ModuleView):
    permission = VIEW
    header_icon = "folder-inverse"


class BookListView(BookView):
    template_name = "regie/books/list.html"
    page_title = gettext_lazy("Receipt books")

    def get(self, request, *args, **kwargs):
        form = BookFilter(request.GET or None)
        filters = form.filters() if form.is_valid() else {}
        rows = selectors.book_rows(selectors.books(**filters))
        return self.render_to_response(self.get_context_data(
            form=form, rows=rows, summary=selectors.stock_summary(rows),
            can_manage=request.user.has_perm(MANAGE), year=timezone.localdate().year))


class BookDetailView(BookView):
    template_name = "regie/books/detail.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.book = get_object_or_404(ReceiptBook.objects.select_related("holder"), pk=kwargs["pk"])

    def get_page_title(self):
        return _("Receipt book %(book)s") % {"book": self.book.label}

    def get(self, request, *args, **kwargs):
        user = request.user
        can_manage = user.has_perm(MANAGE)
        return self.render_to_response(self.get_context_data(
            book=self.book, detail=selectors.book_detail(self.book), can_manage=can_manage,
            can_issue=can_manage and self.book.status == ReceiptBook.Status.IN_STOCK,
            can_return=can_manage and self.book.status in (ReceiptBook.Status.ISSUED, ReceiptBook.Status.IN_USE)))


class ReceiveBooksView(ServiceFormView, BookView):
    permission = MANAGE
    template_name = "regie/books/form.html"
    page_title = gettext_lazy("Record new receipt books")

    def get_form(self, data=None):
        return ReceiveBooksForm(data)

    def save(self, form):
        books = services.receive_books(actor=self.request.user, request=self.request, **form.cleaned_data)
        messages.success(self.request, _("%(count)s books recorded: %(first)s to %(last)s.")
                         % {"count": len(books), "first": books[0].label, "last": books[-1].label})
        return f"{url('books')}?year={books[0].year}&series={books[0].series}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=url("books"), **kwargs)


class BookActionView(BookView):
    permission = MANAGE

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.book = get_object_or_404(ReceiptBook.objects.select_related("holder"), pk=kwargs["pk"])


class IssueBookView(ServiceFormView, BookActionView):
    template_name = "regie/books/form.html"

    def get_page_title(self):
        return _("Issue the book %(book)s") % {"book": self.book.label}

    def get_form(self, data=None):
        return IssueBookForm(data)

    def save(self, form):
        holder = form.cleaned_data["holder"]
        services.issue_book(self.book.pk, actor=self.request.user, holder=holder, request=self.request)
        messages.success(self.request, _("The book %(book)s is handed to %(holder)s.")
                         % {"book": self.book.label, "holder": holder.display_name()})
        return url("book", self.book.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(book=self.book, back=url("book", self.book.pk), **kwargs)


class ReturnBookView(BookActionView):
    """Taking a book back: refused while a number taken has no receipt; the numbers missing are listed, and the
    ordonnateur may void a spoiled one from here."""

    template_name = "regie/books/return.html"

    def get_page_title(self):
        return _("Take back the book %(book)s") % {"book": self.book.label}

    def context(self, form, void_form=None, refused=""):
        return self.get_context_data(
            book=self.book, form=form, void_form=void_form or VoidNumberForm(auto_id="void_%s"),
            unaccounted=services.unaccounted_numbers(self.book), refused=refused,
            row=selectors.book_rows([self.book])[0], can_void=self.request.user.has_perm("regie.void_receipt"))

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.context(ReturnBookForm()))

    def post(self, request, *args, **kwargs):
        form = ReturnBookForm(request.POST)
        if form.is_valid():
            try:
                services.return_book(self.book.pk, actor=request.user, note=form.cleaned_data["note"],
                                     request=request)
            except ValidationError as error:
                return self.render_to_response(self.context(form, refused=_messages_of(error)), status=400)
            messages.success(request, _("The book %(book)s is returned.") % {"book": self.book.label})
            return redirect(url("book", self.book.pk))
        return self.render_to_response(self.context(form))


class VoidNumberView(BookActionView):
    permission = "regie.void_receipt"
    template_name = "regie/books/return.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = VoidNumberForm(request.POST, auto_id="void_%s")
        if form.is_valid():
            try:
                void_spoiled_number(actor=request.user, book_id=self.book.pk, request=request,
                                    **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The number %(number)s of the book %(book)s is voided as spoiled.")
                                 % {"number": form.cleaned_data["number"], "book": self.book.label})
                return redirect(url("book_return", self.book.pk))
        view = ReturnBookView()
        view.setup(request, pk=self.book.pk)
        return view.render_to_response(view.context(ReturnBookForm(), void_form=form), status=400)


class AnnualCheckView(BookView):
    """The year's check: every book of the year, ticked "presented" or explained; then its report."""

    template_name = "regie/books/annual_check.html"

    def get_page_title(self):
        return _("Annual check of receipt books, %(year)s") % {"year": self.year}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        try:
            self.year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
        except ValueError:
            self.year = timezone.localdate().year

    def context(self, form=None):
        run = selectors.annual_check(self.year)
        years = sorted({*selectors.book_years(), timezone.localdate().year}, reverse=True)
        rows = selectors.book_rows(selectors.books(year=self.year))
        if form is None and run is None:
            form = AnnualCheckForm(books=[row.book for row in rows])
        lines = []
        if form is not None and run is None:
            by_book = {row.book.pk: row for row in rows}
            lines = [(by_book[book.pk], presented, remark) for book, presented, remark in form.lines()]
        return self.get_context_data(
            year=self.year, years=years, run=run, form=form, lines=lines, rows=rows,
            check_lines=selectors.check_lines(run) if run else [],
            can_check=self.request.user.has_perm(MANAGE) and run is None and rows)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.context())

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        form = AnnualCheckForm(request.POST, books=list(selectors.books(year=self.year)))
        if form.is_valid():
            try:
                services.perform_annual_check(actor=request.user, year=self.year, presented=form.presented(),
                                              remarks=form.remark_map(),
                                              general_remarks=form.cleaned_data["remarks"], request=request)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The annual check of %(year)s is recorded.") % {"year": self.year})
                return redirect(f"{url('annual_check')}?year={self.year}")
        return self.render_to_response(self.context(form), status=400)


class AnnualCheckPdfView(BookView):
    def get(self, request, year, *args, **kwargs):
        run = selectors.annual_check(year)
        if run is None:
            messages.error(request, _("The receipt books of %(year)s have not been checked yet.") % {"year": year})
            return redirect(f"{url('annual_check')}?year={year}")
        lines = selectors.check_lines(run)
        for line in lines:
            line.status_label = PAPER_STATUSES.get(line.status_in_system, line.status_in_system)
        pdf = render_pdf("regie/print/annual_check.html", {
            "run": run, "lines": lines, "title_fr": "Procès-verbal de vérification annuelle des quittanciers",
            "title_ar": "محضر التحقق السنوي من دفاتر الوصولات",
            "totals": {
                "books": len(lines), "presented": sum(1 for line in lines if line.presented),
                "missing": sum(1 for line in lines if not line.presented),
                "valid": sum(line.valid_count for line in lines),
                "voided": sum(line.voided_count for line in lines),
                "unused": sum(line.unused_count for line in lines),
            },
        })
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="annual-check-{year}.pdf"'
        return response


urlpatterns = [
    path("books/", BookListView.as_view(), name="books"),
    path("books/receive/", ReceiveBooksView.as_view(), name="books_receive"),
    path("books/check/", AnnualCheckView.as_view(), name="annual_check"),
    path("books/check/<int:year>/pdf/", AnnualCheckPdfView.as_view(), name="annual_check_pdf"),
    path("books/<int:pk>/", BookDetailView.as_view(), name="book"),
    path("books/<int:pk>/issue/", IssueBookView.as_view(), name="book_issue"),
    path("books/<int:pk>/return/", ReturnBookView.as_view(), name="book_return"),
    path("books/<int:pk>/void-number/", VoidNumberView.as_view(), name="book_void_number"),
]
