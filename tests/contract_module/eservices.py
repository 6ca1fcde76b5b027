"""A test e-service of the noticeboard module: a residence certificate in two steps (check, sign), with one
required paper, producing a PDF through the documents service. Engine and portal tests use it."""

from django import forms

from platform_core.eservices.definitions import EService, Outcome, RequiredPaper, Step


class CertificateForm(forms.Form):
    purpose = forms.CharField(label="Purpose", max_length=200)


def summary(data: dict, language: str):
    return [("Purpose", data.get("purpose", ""))]


def complete(service_request, actor):
    from platform_core.documents.services import issue_document

    document, pdf = issue_document(
        "documents/sample_certificate.html",
        {"holder_name_fr": service_request.applicant_name, "holder_name_ar": service_request.applicant_name_ar,
         "lines": [service_request.data.get("purpose", "")]},
        kind="noticeboard.certificate", title_fr="Certificat de résidence", title_ar="شهادة السكنى",
        issued_by=actor, issued_to=service_request.applicant_name)
    return Outcome(document, pdf, f"certificate-{service_request.tracking_number}.pdf")


CERTIFICATE = EService(
    code="noticeboard.certificate",
    module_key="noticeboard",
    name_fr="Certificat de résidence",
    name_ar="شهادة السكنى",
    form_class=lambda: CertificateForm,
    steps=[Step("check", "Vérification", "التحقق", "audit.view_auditentry"),
           Step("sign", "Signature", "التوقيع", "numbering.view_sequence")],
    summary=summary,
    papers=[RequiredPaper("cin", "Carte nationale", "البطاقة الوطنية")],
    fee_tariff=lambda data: ("certificat-residence", {}) if data.get("with_fee") else None,
    complete=complete,
    downloadable=True,
    delay_days=2,
)
