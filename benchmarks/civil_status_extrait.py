"""civil_status.extrait_render_ms: issuing an extrait d'acte de naissance at the counter, against the platform's
simplest paper.

The commune `bench-extrait` (kept between runs, provisioned when missing) holds a bureau, an agent and an officier
with a delegation; each run signs one birth act with a signed marriage mention. Figure: the median wall time of
modules.civil_status.papers.issue_paper(extract, Arabic) over RUNS issues: the act and its mentions read, the
context built, the HTML rendered, typeset by WeasyPrint as PDF/A-3b with the QR code, the issue recorded and
audited. Baseline, in the same run and interleaved: the median of platform_core.documents.rendering.render_pdf() of
the platform's sample certificate (one short bilingual paragraph, no QR code, nothing recorded). The detail also
gives the extract's typesetting alone (render_pdf of the same template and context, with its QR code, nothing
recorded), to tell the paper's cost from the issuance's.
"""

from __future__ import annotations

import datetime
import time

from django.db import connection
from rich.console import Console

from benchmarks.report import Figure, median, samples_text, time_figure

RUNS = 20
WARMUP = 2
SLUG = "bench-extrait"
SAMPLE_CONTEXT = {"title_fr": "Certificat administratif", "title_ar": "شهادة إدارية",
                  "holder_name_fr": "Mohammed Ben Ali", "holder_name_ar": "محمد بن علي", "lines": []}


def _recipe():
    from tenants.recipes import parse_recipe

    return parse_recipe({
        "commune": {"slug": SLUG, "name_fr": "Commune de Sefrou (banc d'essai)", "name_ar": "جماعة صفرو (تجريبية)",
                    "province": "Province de Sefrou", "province_ar": "إقليم صفرو"},
        "domains": [SLUG],
        "modules": ["civil_status"],
        "administrator": {"username": "admin.bench", "first_name": "Karim", "last_name": "Bennani",
                          "first_name_ar": "كريم", "last_name_ar": "بناني", "password": "bench-admin-pw"},
        "staff": [
            {"username": "agent.bench", "first_name": "Amina", "last_name": "Tazi", "first_name_ar": "أمينة",
             "last_name_ar": "التازي", "password": "bench-agent-pw", "roles": ["civil_status.agent"]},
            {"username": "officer.bench", "first_name": "Hassan", "last_name": "Alami", "first_name_ar": "حسن",
             "last_name_ar": "العلمي", "password": "bench-officer-pw", "roles": ["civil_status.officer"]},
        ],
        "sections": {"civil_status": {"commune_code": "271001", "bureaux": [
            {"code": "principal", "name_fr": "Bureau principal", "name_ar": "المكتب الرئيسي"},
        ]}},
    })


def _commune():
    from tenants.models import Commune
    from tenants.services.provisioning import provision_commune

    connection.set_schema_to_public()
    commune = Commune.objects.filter(slug=SLUG).first()
    if commune is None:
        provision_commune(_recipe(), check_template=False)
        connection.set_schema_to_public()
        commune = Commune.objects.get(slug=SLUG)
    return commune


def _signed_act():
    """A birth act as the counter makes it, signed, with a signed marriage mention (through the services)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from modules.civil_status import services
    from modules.civil_status.models import Bureau, Delegation, MarginalMention

    users = get_user_model().objects
    agent, officer = users.get(username="agent.bench"), users.get(username="officer.bench")
    bureau = Bureau.objects.get(code="principal")
    today = timezone.localdate()
    if not Delegation.objects.filter(officer=officer, bureau=bureau).exists():
        Delegation.objects.create(officer=officer, bureau=bureau, decree_number="1/2026", decree_date=today,
                                  valid_from=today - datetime.timedelta(days=365))
    data = {
        "first_names_ar": "محمد أمين", "first_names_latin": "Mohamed Amine", "family_name_ar": "العلوي",
        "family_name_latin": "Alaoui", "sex": "M", "event_date": today - datetime.timedelta(days=3),
        "event_time": datetime.time(14, 30), "event_place_fr": "Sefrou", "event_place_ar": "صفرو",
        "father_name_ar": "أحمد العلوي", "father_name_latin": "Ahmed Alaoui", "mother_name_ar": "فاطمة الزهراء",
        "mother_name_latin": "Fatima Zahra", "declarant": {"name": "Ahmed Alaoui", "relation": "père", "age": 35},
    }
    act = services.sign_act(services.draft_act(actor=agent, bureau=bureau, kind="birth", data=data).pk,
                            actor=officer)
    mention = services.draft_mention(act.pk, actor=agent, kind=MarginalMention.Kind.MARRIAGE,
                                     text_fr="Marié le 01/06/2026 avec Salma Bennani, acte de mariage n° 345.",
                                     text_ar="تزوج بتاريخ 01/06/2026 بسلمى بناني، عقد الزواج عدد 345.",
                                     legal_basis="Code de la famille, art. 68")
    services.sign_mention(mention.pk, actor=officer)
    return act, agent


def _ms(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def run(console: Console) -> list[Figure]:
    from django_tenants.utils import tenant_context

    from modules.civil_status import papers
    from platform_core.documents.rendering import render_pdf
    from tenants.selectors import commune_url

    commune = _commune()
    issues: list[float] = []
    samples: list[float] = []
    renders: list[float] = []
    with tenant_context(commune):
        act, agent = _signed_act()
        spec = papers.paper_spec(papers.Paper.EXTRACT, act.kind, "ar")

        def issue():
            papers.issue_paper(act.pk, paper="extract", language="ar", issued_to="Ahmed Alaoui · C123456",
                               actor=agent)

        def sample():
            render_pdf("documents/sample_certificate.html", SAMPLE_CONTEXT)

        def render_only():
            context = papers.paper_context(act, papers.signed_mentions(act), paper=papers.Paper.EXTRACT,
                                           language="ar")
            render_pdf(spec.template, {**context, "title_fr": spec.title_fr, "title_ar": spec.title_ar},
                       verification_url=commune_url(commune, "/verify/" + "x" * 32 + "/"))

        for _ in range(WARMUP):  # fonts loaded, templates compiled, connection warm
            issue(), sample(), render_only()
        for index in range(RUNS):  # interleaved, so that the machine's noise falls on all three alike
            issues.append(_ms(issue))
            samples.append(_ms(sample))
            renders.append(_ms(render_only))
            if (index + 1) % 5 == 0:
                console.log(f"run {index + 1}/{RUNS}: issue {issues[-1]:.0f} ms, sample {samples[-1]:.0f} ms, "
                            f"render {renders[-1]:.0f} ms")
    connection.set_schema_to_public()
    detail = (
        f"value: median of {RUNS} issue_paper(extract, ar) of a signed birth act with one signed mention "
        f"{samples_text(issues, 0)} ms, each = act and mentions read + context + template + WeasyPrint PDF/A-3b "
        "with QR code (shipped fonts, typesetter reused per thread) + IssuedDocument and audit entry written. "
        f"baseline: median of {RUNS} render_pdf(documents/sample_certificate.html) {samples_text(samples, 0)} ms "
        "(the platform's simplest bilingual paper, same typesetter, no QR, nothing recorded). "
        f"The extract's typesetting alone (render_pdf, QR included, nothing read or recorded): median "
        f"{median(renders):.0f} ms {samples_text(renders, 0)}. Runs interleaved after {WARMUP} warm-up rounds."
    )
    return [time_figure("civil_status.extrait_render_ms", median(issues), median(samples), detail, unit="ms")]
