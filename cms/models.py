"""The town portal's page types (Wagtail, one page tree per commune schema, one translation per language).

Tree: HomePage > ProcedureIndexPage > ProcedurePage (the procedure guide), OfficeIndexPage > OfficePage,
NewsIndexPage > NewsArticlePage, CouncilIndexPage > CouncilSessionPage, RecruitmentIndexPage >
RecruitmentNoticePage, ContactPage.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page


def eservice_choices():
    from platform_core.eservices.definitions import all_eservices

    return [("", "---------"),
            *((service.code, f"{service.name_fr} / {service.name_ar}") for service in all_eservices())]


class HomePage(Page):
    """The portal's home: services first (the e-services and the procedure guide), then the news."""

    intro = RichTextField(_("introduction"), blank=True)
    emblem = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("coat of arms or logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=255, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("emblem"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email"), FieldPanel("opening_hours")],
            heading=_("Contact"),
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ProcedureIndexPage", "cms.OfficeIndexPage", "cms.NewsIndexPage", "cms.CouncilIndexPage",
                     "cms.RecruitmentIndexPage", "cms.ContactPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import latest_news, offered_services, procedure_categories

        context = super().get_context(request, *args, **kwargs)
        context["services"] = offered_services(request, self)
        context["categories"] = procedure_categories(self)
        context["news"] = latest_news(self)
        return context


class _IndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True


# --- the procedure guide -----------------------------------------------------------------------------------------

class ProcedureIndexPage(_IndexPage):
    """The procedure guide (guide des procédures): every procedure, grouped by category."""

    subpage_types = ["cms.ProcedurePage"]

    class Meta:
        verbose_name = _("procedure guide")
        verbose_name_plural = _("procedure guides")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import procedures_by_category
        from platform_core.eservices.definitions import offered_by

        context = super().get_context(request, *args, **kwargs)
        context["groups"] = procedures_by_category(self)
        context["online_codes"] = {service.code for service in offered_by(getattr(request, "commune", None))}
        return context


class ProcedurePageForm(WagtailAdminPageForm):
    # The model stores any code, so that a page survives a module's e-service being withdrawn; editors choose
    # among the e-services the installed modules declare.
    eservice_code = forms.ChoiceField(
        label=_("online service"), required=False, choices=eservice_choices,
        help_text=_("When set, and when the commune offers this service, the page offers a button to ask online."))


class ProcedurePage(Page):
    """One procedure: what it is for, who may ask, the papers, the fee (live from the régie's tariff), the delay,
    the office and its hours, and a button to ask online when an e-service exists."""

    class Category(models.TextChoices):
        CIVIL_STATUS = "civil_status", _("Civil status")
        TAXES = "taxes", _("Taxes and fees")
        URBANISM = "urbanism", _("Building and urbanism")
        ECONOMY = "economy", _("Trade and economic activity")
        CERTIFICATION = "certification", _("Certification of signatures and copies")
        OTHER = "other", _("Other procedures")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    summary = models.CharField(_("what it is for"), max_length=300)
    who_may_ask = RichTextField(_("who may ask"), blank=True)
    required_papers = StreamField(
        [("paper", blocks.StructBlock([
            ("name", blocks.CharBlock(label=_("paper"))),
            ("note", blocks.CharBlock(label=_("note"), required=False)),
        ], label=_("paper required")))],
        verbose_name=_("papers required"), blank=True,
    )
    tariff_code = models.CharField(
        _("fee: tariff code"), max_length=40, blank=True,
        help_text=_("Code of the tariff in the régie's catalogue; the amount shown is computed live from it."))
    fee_note = models.CharField(_("fee: note"), max_length=200, blank=True,
                                help_text=_("e.g. “Free” or how the fee is computed."))
    delay = models.CharField(_("delay"), max_length=120, blank=True, help_text=_("e.g. “Same day”, “3 days”."))
    office = models.ForeignKey("cms.OfficePage", verbose_name=_("office"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    eservice_code = models.CharField(
        _("online service"), max_length=80, blank=True,
        help_text=_("When set, and when the commune offers this service, the page offers a button to ask online."))
    body = RichTextField(_("more information"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("category"),
        FieldPanel("summary"),
        FieldPanel("who_may_ask"),
        FieldPanel("required_papers"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("tariff_code"), FieldPanel("fee_note")]), FieldPanel("delay")],
                        heading=_("Fee and delay")),
        FieldPanel("office"),
        FieldPanel("eservice_code"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.ProcedureIndexPage"]
    subpage_types = []
    search_fields = Page.search_fields
    base_form_class = ProcedurePageForm

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def fee_text(self, language: str) -> str:
        """The fee as citizens read it: computed today from the régie's tariff, else the editor's note."""
        from platform_core.eservices.fees import quote
        from platform_core.money import format_amount

        if self.tariff_code:
            amount = quote(self.tariff_code)
            if amount is not None:
                return format_amount(amount, language) if amount else gettext("Free")
        if self.fee_note:
            return self.fee_note
        if self.tariff_code:
            return gettext("Set by the commune's fiscal order: ask at the office.")
        return gettext("Free")

    def online_service(self, commune):
        """The e-service behind the "Ask online" button, or None when the commune does not offer it."""
        from platform_core.eservices.definitions import offered_by

        if not self.eservice_code:
            return None
        return next((service for service in offered_by(commune) if service.code == self.eservice_code), None)

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import portal_language

        context = super().get_context(request, *args, **kwargs)
        language = portal_language()
        context["fee"] = self.fee_text(language)
        service = self.online_service(getattr(request, "commune", None))
        context["ask_online_url"] = f"/{language}/demandes/{service.code}/" if service else None
        # A translation copied from another language still points at that language's office.
        context["office"] = self.office.localized.specific if self.office_id else None
        return context


# --- offices -----------------------------------------------------------------------------------------------------

class OfficeIndexPage(_IndexPage):
    subpage_types = ["cms.OfficePage"]

    class Meta:
        verbose_name = _("list of offices")
        verbose_name_plural = _("lists of offices")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["offices"] = OfficePage.objects.live().child_of(self).order_by("path")
        return context


class OfficePage(Page):
    """A bureau of the commune (état civil, légalisation, régie, urbanisme) with its hours and location."""

    services = models.CharField(_("services given here"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True, help_text=_("One line per day or period."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("services"),
        MultiFieldPanel([FieldPanel("address"), FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                         FieldPanel("opening_hours")], heading=_("Contact and hours")),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")], heading=_("Location")),
    ]
    parent_page_types = ["cms.OfficeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))

    @property
    def hours_lines(self) -> list[str]:
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]

    @property
    def map_url(self) -> str:
        """OpenStreetMap at the office, or a search for its address; no map is embedded (light pages)."""
        from urllib.parse import urlencode

        if self.latitude is not None and self.longitude is not None:
            return (f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
                    f"#map=18/{self.latitude}/{self.longitude}")
        if self.address:
            return "https://www.openstreetmap.org/search?" + urlencode({"query": self.address})
        return ""


# --- news --------------------------------------------------------------------------------------------------------

class NewsIndexPage(_IndexPage):
    subpage_types = ["cms.NewsArticlePage"]
    per_page = 10

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = NewsArticlePage.objects.live().child_of(self).order_by("-date", "-pk")
        context["articles"] = Paginator(articles, self.per_page).get_page(request.GET.get("page"))
        return context


class NewsArticlePage(Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("image"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    body = RichTextField(_("text"))

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("summary"), FieldPanel("image"),
                      FieldPanel("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        ordering = ["-date"]


# --- open government: council sessions and decisions ------------------------------------------------------------

class CouncilIndexPage(_IndexPage):
    subpage_types = ["cms.CouncilSessionPage"]

    class Meta:
        verbose_name = _("council sessions")
        verbose_name_plural = _("council sessions")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sessions"] = CouncilSessionPage.objects.live().child_of(self).order_by("-date")
        return context


class DecisionBlock(blocks.StructBlock):
    number = blocks.CharBlock(label=_("number"))
    subject = blocks.CharBlock(label=_("subject"))
    outcome = blocks.ChoiceBlock(label=_("outcome"), choices=[
        ("adopted", _("Adopted")), ("rejected", _("Rejected")), ("postponed", _("Postponed"))])
    votes_for = blocks.IntegerBlock(label=_("votes for"), required=False, min_value=0)
    votes_against = blocks.IntegerBlock(label=_("votes against"), required=False, min_value=0)
    abstentions = blocks.IntegerBlock(label=_("abstentions"), required=False, min_value=0)
    document = DocumentChooserBlock(label=_("document"), required=False)

    class Meta:
        label = _("decision")


class CouncilSessionPage(Page):
    """A session of the communal council (ordinary or extraordinary), its agenda and its decisions."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary session")
        EXTRAORDINARY = "extraordinary", _("Extraordinary session")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    location = models.CharField(_("place"), max_length=200, blank=True)
    agenda = RichTextField(_("agenda"), blank=True)
    decisions = StreamField([("decision", DecisionBlock())], verbose_name=_("decisions"), blank=True)
    minutes = models.ForeignKey("wagtaildocs.Document", verbose_name=_("minutes"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    content_panels = [*Page.content_panels, FieldRowPanel([FieldPanel("date"), FieldPanel("kind")]),
                      FieldPanel("location"), FieldPanel("agenda"), FieldPanel("decisions"), FieldPanel("minutes")]
    parent_page_types = ["cms.CouncilIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["-date"]


# --- recruitment -------------------------------------------------------------------------------------------------

class RecruitmentIndexPage(_IndexPage):
    subpage_types = ["cms.RecruitmentNoticePage"]

    class Meta:
        verbose_name = _("recruitment notices")
        verbose_name_plural = _("recruitment notices")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        notices = RecruitmentNoticePage.objects.live().child_of(self)
        today = timezone.localdate()
        # Open competitions first, the nearest deadline on top; then the closed ones, the latest first.
        context["open_notices"] = notices.filter(deadline__gte=today).order_by("deadline")
        context["closed_notices"] = notices.filter(deadline__lt=today).order_by("-deadline")
        return context


class RecruitmentNoticePage(Page):
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    grade = models.CharField(_("grade or post"), max_length=200)
    posts = models.PositiveSmallIntegerField(_("number of posts"), default=1)
    deadline = models.DateField(_("applications until"))
    exam_date = models.DateField(_("date of the examination"), null=True, blank=True)
    body = RichTextField(_("conditions and papers"), blank=True)
    notice = models.ForeignKey("wagtaildocs.Document", verbose_name=_("notice (PDF)"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    content_panels = [*Page.content_panels, FieldPanel("reference"), FieldPanel("grade"),
                      FieldRowPanel([FieldPanel("posts"), FieldPanel("deadline"), FieldPanel("exam_date")]),
                      FieldPanel("body"), FieldPanel("notice")]
    parent_page_types = ["cms.RecruitmentIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("recruitment notice")
        verbose_name_plural = _("recruitment notices")
        ordering = ["-deadline"]

    @property
    def is_open(self) -> bool:
        return self.deadline >= timezone.localdate()


# --- contact -----------------------------------------------------------------------------------------------------

class ContactFormField(AbstractFormField):
    page = ParentalKey("cms.ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(AbstractForm):
    """How to reach the town hall, with a message form whose submissions staff read in the back office."""

    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(_("thank-you text"), blank=True)

    content_panels = [
        FormSubmissionsPanel(),
        *AbstractForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("form fields")),
        FieldPanel("thank_you_text"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("contact page")
        verbose_name_plural = _("contact pages")
