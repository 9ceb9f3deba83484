"""The policy library: 政策文件 pages with the metadata of a government information catalogue."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.pages import PortalPageMixin

from .blocks import PolicyBodyBlock


class Category(models.TextChoices):
    LAW = "law", _("Law")
    RULE = "rule", _("Government rule")
    NORMATIVE = "normative", _("Normative document")
    STANDARD = "standard", _("Standard")
    NOTICE = "notice", _("Notice")
    INTERPRETATION = "interpretation", _("Policy interpretation")
    NEWS = "news", _("Work news")


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("Repealed")
    NOT_YET = "not_yet", _("Not yet in force")  # derived from the date in force, never stored


STORED_VALIDITY = [c for c in Validity.choices if c[0] != Validity.NOT_YET]


class Disclosure(models.TextChoices):
    PROACTIVE = "proactive", _("Published proactively")
    ON_REQUEST = "on_request", _("Published on request")


class SubjectCategory(models.TextChoices):
    URBAN_MANAGEMENT = "urban_management", _("Urban management (general)")
    SANITATION = "sanitation", _("City appearance and sanitation")
    LIGHTING = "lighting", _("Urban lighting")
    ADVERTISING = "advertising", _("Outdoor advertising and signboards")
    MUNICIPAL = "municipal", _("Municipal facilities")
    KITCHEN_WASTE = "kitchen_waste", _("Kitchen waste")
    RECYCLING = "recycling", _("Renewable resources")
    MUCK = "muck", _("Construction spoil transport")
    CAR_WASH = "car_wash", _("Vehicle washing")
    ENFORCEMENT = "enforcement", _("Law enforcement")
    BUSINESS = "business", _("Business environment")
    CREDIT = "credit", _("Credit system")


class IssuingBody(models.Model):
    """发文机关, kept as a list so the names stay consistent."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    org_code = models.CharField(
        _("organisation code"),
        max_length=30,
        help_text=_("Used as the first part of the index number, e.g. 11510100MB1C36517N."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("org_code"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("issuing body")
        verbose_name_plural = _("issuing bodies")

    def __str__(self):
        return self.name


class IndexNumberCounter(models.Model):
    """The last sequence number given out per organisation code and year (索引号)."""

    org_code = models.CharField(max_length=30)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org_code", "year"], name="unique_index_counter")]

    def __str__(self):
        return f"{self.org_code}/{self.year}: {self.last}"


class PolicyIndexPage(PortalPageMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.PolicyPage"]
    max_count = 1

    class Meta:
        verbose_name = _("policy library")

    def get_context(self, request, *args, **kwargs):
        from .selectors import policy_library_context

        context = super().get_context(request, *args, **kwargs)
        context.update(policy_library_context(index=self, params=request.GET))
        return context


class PolicyPageTag(TaggedItemBase):
    content_object = ParentalKey("portal.PolicyPage", on_delete=models.CASCADE, related_name="tagged_items")


# /policies/rss/ and /policies/atom/ are the feeds (Django URLs take priority over pages).
RESERVED_SLUGS = {"rss", "atom"}


class PolicyPage(PortalPageMixin, Page):
    index_number = models.CharField(
        _("index number"),
        max_length=60,
        unique=True,
        blank=True,
        help_text=_("Given automatically when left empty."),
    )
    document_number = models.CharField(_("document number"), max_length=80, blank=True, db_index=True)
    issuing_body = models.ForeignKey(
        IssuingBody, verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="policies"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, db_index=True)
    subject_category = models.CharField(
        _("subject category"),
        max_length=30,
        choices=SubjectCategory.choices,
        default=SubjectCategory.URBAN_MANAGEMENT,
    )
    keywords = models.CharField(_("subject keywords"), max_length=200, blank=True)
    disclosure = models.CharField(
        _("disclosure"), max_length=20, choices=Disclosure.choices, default=Disclosure.PROACTIVE
    )
    tags = ClusterTaggableManager(through=PolicyPageTag, blank=True, verbose_name=_("topics"))
    date_written = models.DateField(_("date written"))
    date_published = models.DateField(_("date published"), db_index=True)
    date_effective = models.DateField(_("date in force"), null=True, blank=True)
    validity = models.CharField(
        _("validity"), max_length=20, choices=STORED_VALIDITY, default=Validity.IN_FORCE, db_index=True
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    interprets = models.ForeignKey(
        "self",
        verbose_name=_("interprets"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpretations",
        help_text=_("For a policy interpretation: the policy it explains."),
    )
    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(PolicyBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("issuing_body")]),
                FieldRowPanel([FieldPanel("category"), FieldPanel("subject_category")]),
                FieldRowPanel([FieldPanel("keywords"), FieldPanel("disclosure")]),
                FieldPanel("tags"),
                FieldPanel("index_number"),
            ],
            heading=_("Catalogue data"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("date_written"), FieldPanel("date_published"), FieldPanel("date_effective")]),
                FieldPanel("validity"),
                FieldPanel("superseded_by"),
                FieldPanel("interprets"),
            ],
            heading=_("Dates and validity"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("document_number", boost=3),
        index.SearchField("summary"),
        index.SearchField("keywords"),
        index.SearchField("body"),
        index.FilterField("category"),
        index.FilterField("validity"),
        index.FilterField("date_published"),
        index.FilterField("issuing_body"),
    ]

    parent_page_types = ["portal.PolicyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        indexes = [models.Index(fields=["date_published", "page_ptr"])]

    def get_context(self, request, *args, **kwargs):
        from .selectors import policy_detail_context

        context = super().get_context(request, *args, **kwargs)
        context.update(policy_detail_context(self))
        return context

    # --- derived values ------------------------------------------------------------
    @property
    def effective_validity(self) -> str:
        """效力状态 as shown: 尚未施行 while the date in force is still ahead."""
        if (
            self.validity == Validity.IN_FORCE
            and self.date_effective is not None
            and self.date_effective > timezone.localdate()
        ):
            return Validity.NOT_YET
        return self.validity

    @property
    def effective_validity_label(self) -> str:
        return Validity(self.effective_validity).label

    @property
    def current_version(self):
        """Follow 'superseded by' to the newest version (guarding against loops)."""
        page, seen = self, {self.pk}
        while page.superseded_by_id and page.superseded_by_id not in seen:
            seen.add(page.superseded_by_id)
            page = page.superseded_by
        return page if page.pk != self.pk else None

    def clean(self):
        super().clean()
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This address is reserved for the feeds; choose another slug.")
        if self.date_effective and self.date_written and self.date_effective < self.date_written:
            errors["date_effective"] = _("The date in force cannot be before the date written.")
        if self.date_published and self.date_written and self.date_published < self.date_written:
            errors["date_published"] = _("The date published cannot be before the date written.")
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            errors["superseded_by"] = _("A policy cannot supersede itself.")
        if self.validity == Validity.AMENDED and not self.superseded_by_id:
            errors["superseded_by"] = _("An amended policy must link to the version that amends it.")
        if self.category == Category.INTERPRETATION and not self.interprets_id:
            errors["interprets"] = _("A policy interpretation must name the policy it interprets.")
        if self.interprets_id and self.interprets_id == self.pk:
            errors["interprets"] = _("A policy cannot interpret itself.")
        if self.document_number:
            clash = PolicyPage.objects.filter(document_number=self.document_number).exclude(pk=self.pk)
            if clash.exists():
                errors["document_number"] = _("Another policy already has this document number.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Derived column only: the index number is given once, when the page is first saved.
        if not self.index_number and self.issuing_body_id:
            from .services import next_index_number

            self.index_number = next_index_number(
                org_code=self.issuing_body.org_code, year=(self.date_written or timezone.localdate()).year
            )
        super().save(*args, **kwargs)


class PolicyAttachment(Orderable):
    page = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("Defaults to the document title."))

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


def live_policies():
    return PolicyPage.objects.live().public()


__all__ = [
    "Category",
    "Disclosure",
    "IndexNumberCounter",
    "IssuingBody",
    "PolicyAttachment",
    "PolicyIndexPage",
    "PolicyPage",
    "PolicyPageTag",
    "SubjectCategory",
    "Validity",
]
