"""The counter's printing: issue a paper of a signed act to a requester (the PDF opens in the browser), and the
journal of the papers issued from an act."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.civil_status import papers
from modules.civil_status.models import Act
from modules.civil_status.views.base import ModuleView, attach_errors

PAPER_NAMES = {
    papers.Paper.FULL_COPY: gettext_lazy("Full copy"),
    papers.Paper.EXTRACT: gettext_lazy("Extract"),
    papers.Paper.INDIVIDUAL_RECORD: gettext_lazy("Individual civil-status record"),
}
# The requester as typed from the identity card: a full name (two words or more, any script) and the card's
# number (a few letters, then digits: C123456, AB12345; a passport or residence card number has the same shape).
_NAME = re.compile(r"[^\W\d_]{2,}")
_CARD_NUMBER = re.compile(r"\b[A-Za-z]{0,3}\d{4,}\b")


class PrintForm(forms.Form):
    """To whom the paper is issued and, for an extract, its language."""

    language = forms.ChoiceField(label=gettext_lazy("language of the extract"), widget=forms.RadioSelect,
                                 choices=[("ar", gettext_lazy("Arabic")), ("fr", gettext_lazy("French"))])
    issued_to = forms.CharField(
        label=gettext_lazy("issued to"), max_length=200,
        help_text=gettext_lazy("The requester's full name and identity card number, e.g. Youssef Idrissi, CIN "
                               "C123456."),
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
    )

    def __init__(self, *args, paper: papers.Paper, **kwargs):
        super().__init__(*args, **kwargs)
        if paper != papers.Paper.EXTRACT:
            del self.fields["language"]  # the full copy and the fiche are bilingual

    def clean_issued_to(self) -> str:
        issued_to = " ".join(self.cleaned_data["issued_to"].split())
        without_number = _CARD_NUMBER.sub("", issued_to)
        if not _CARD_NUMBER.search(issued_to) or len(_NAME.findall(without_number)) < 2:
            raise ValidationError(_("Type the requester's full name and identity card number, e.g. Youssef "
                                    "Idrissi, CIN C123456."))
        return issued_to

    def paper_language(self) -> str:
        return self.cleaned_data.get("language", "ar")


class _ActPaperView(ModuleView):
    header_icon = "doc-full"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Acts are looked up in the routed commune's schema: another commune's act is a 404 here.
        self.act = get_object_or_404(Act.objects.select_related("bureau"), pk=kwargs["pk"])


class PrintPaperView(_ActPaperView):
    template_name = "civil_status/print/paper_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not papers.can_print(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def setup(self, request, *args, **kwargs):
        try:
            self.paper = papers.Paper(kwargs["paper"])
        except ValueError:
            raise Http404 from None
        super().setup(request, *args, **kwargs)

    def get_page_title(self):
        return f"{PAPER_NAMES[self.paper]} · {self.act}"

    def get_context_data(self, **kwargs):
        try:
            papers.check_printable(self.act, self.paper)
            refusal = ""
        except ValidationError as error:
            refusal = " ".join(error.messages)
        return super().get_context_data(act=self.act, paper=self.paper, refusal=refusal, **kwargs)

    def get(self, request, *args, **kwargs):
        language = request.GET.get("language")
        form = PrintForm(initial={"language": language if language in papers.LANGUAGES else "ar"},
                         paper=self.paper)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = PrintForm(request.POST, paper=self.paper)
        if form.is_valid():
            try:
                _document, pdf = papers.issue_paper(
                    self.act.pk, paper=self.paper, language=form.paper_language(),
                    issued_to=form.cleaned_data["issued_to"], actor=request.user, request=request,
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return self._pdf_response(pdf, form.paper_language())
        return self.render_to_response(self.get_context_data(form=form))

    def _pdf_response(self, pdf: bytes, language: str) -> HttpResponse:
        act = self.act
        suffix = f"-{language}" if self.paper == papers.Paper.EXTRACT else ""
        filename = f"{act.bureau.code}-{act.kind}-{act.number}-{act.year}-{self.paper}{suffix}.pdf"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
        add_never_cache_headers(response)  # a paper about a person: no copy left in a shared PC's cache
        return response


class ActIssuancesView(_ActPaperView):
    template_name = "civil_status/print/issuances.html"

    def get_page_title(self):
        return _("Papers issued from %(act)s") % {"act": self.act}

    def get_context_data(self, **kwargs):
        issued = [(document, papers.issuance_label(document)) for document in papers.issuances(self.act)]
        return super().get_context_data(act=self.act, issued=issued, **kwargs)


urlpatterns = [
    path("acts/<int:pk>/print/<slug:paper>/", PrintPaperView.as_view(), name="print_paper"),
    path("acts/<int:pk>/issuances/", ActIssuancesView.as_view(), name="act_issuances"),
]
