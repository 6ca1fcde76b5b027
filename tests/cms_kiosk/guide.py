"""A small procedure guide (Arabic and French) for the kiosk's tests: one civil-status procedure with its fee
from the régie's tariff, its papers, its office and a link in its rich text that the kiosk must not show."""

from wagtail.models import Locale

from cms.models import HomePage, OfficeIndexPage, OfficePage, ProcedureIndexPage, ProcedurePage

TEXTS = {
    "ar": {"guide": "دليل المساطر", "offices": "المكاتب", "office": "مكتب الحالة المدنية",
           "title": "عقد الازدياد للكشك", "summary": "نسخة موجزة من رسم الولادة",
           "paper": "البطاقة الوطنية", "delay": "في نفس اليوم",
           "hours": "الاثنين - الجمعة: 8:30 - 16:30"},
    "fr": {"guide": "Guide des procédures", "offices": "Bureaux", "office": "Bureau d'état civil",
           "title": "Extrait de naissance au guichet", "summary": "Un extrait de l'acte de naissance",
           "paper": "Carte nationale", "delay": "Le jour même", "hours": "Lundi - vendredi : 8 h 30 - 16 h 30"},
}
LINK = '<p>Tout citoyen inscrit. Voir <a href="https://www.watiqa.ma/">Watiqa</a>.</p>'


def _child(created, parent, model, translation_of=None, **fields):
    # One index of a kind per home page (the portal's recipe may have made it): reuse it.
    existing = model.objects.child_of(parent)
    existing = (existing if issubclass(model, (OfficeIndexPage, ProcedureIndexPage))
                else existing.filter(slug=fields["slug"])).first()
    if existing is not None:
        return existing
    if translation_of is not None:
        fields["translation_key"] = translation_of.translation_key
    page = parent.add_child(instance=model(locale=parent.locale, **fields))
    created.append(page)
    return page


def build_guide(created: list | None = None) -> dict[str, ProcedurePage]:
    """The procedure in both languages, in the connection's commune (created once, then reused); the pages it
    creates are appended to `created`."""
    created = [] if created is None else created
    pages, first = {}, {}
    for code in ("ar", "fr"):
        text = TEXTS[code]
        home = HomePage.objects.get(locale=Locale.objects.get(language_code=code))
        offices = _child(created, home, OfficeIndexPage, first.get("offices"), title=text["offices"], slug="bureaux")
        office = _child(created, offices, OfficePage, first.get("office"), title=text["office"],
                        slug="etat-civil-borne", address="Place de la Mairie", phone="+212 535 66 00 01",
                        opening_hours=text["hours"])
        guide = _child(created, home, ProcedureIndexPage, first.get("guide"), title=text["guide"], slug="procedures")
        procedure = _child(created, guide, ProcedurePage, first.get("procedure"), title=text["title"],
                           slug="extrait-naissance-borne", category=ProcedurePage.Category.CIVIL_STATUS,
                           summary=text["summary"], who_may_ask=LINK, tariff_code="extrait-naissance",
                           delay=text["delay"], office=office, eservice_code="noticeboard.certificate",
                           required_papers=[("paper", {"name": text["paper"], "note": ""})])
        first = first or {"offices": offices, "office": office, "guide": guide, "procedure": procedure}
        pages[code] = procedure
    return pages
