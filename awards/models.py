"""Award campaigns (评比表彰): compliant campaigns, entries by member firms, judges drawn from the expert pool,
weighted scoring in rounds, 公示 of the proposed winners with objections, and the final results.

Compliance (国评组发〔2012〕2号 and later notices): a campaign needs an approval document and approving body before it
opens; a name with 中国/全国/国际/世界 needs a second confirmation; entrants are never charged (there is no price,
fee or paid product anywhere in this app, by design). Records of public consequence — submitted entries, scores,
closed rounds, published results — are never edited in place.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.search import index

from associations.models import Association, Firm
from core.files import private_storage

RESTRICTED_WORDS = ("中国", "全国", "国际", "世界")


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    OPEN = "open", _("Open for entries")  # 征集中
    JUDGING = "judging", _("Judging")  # 评审中
    PUBLICITY = "publicity", _("Public notice")  # 公示中
    FINISHED = "finished", _("Finished")  # 已结束


class Aggregation(models.TextChoices):
    MEDIAN = "median", _("Median")  # 中位数
    TRIMMED = "trimmed", _("Trimmed mean (drop the highest and the lowest)")  # 去掉最高分和最低分后的平均分


class Campaign(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    organiser = models.ForeignKey(Association, verbose_name=_("organising association"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="award_campaigns",
                                  help_text=_("Leave empty when the committee runs the campaign."))
    approval_number = models.CharField(_("approval document number"), max_length=100, blank=True)
    approving_body = models.CharField(_("approving body"), max_length=200, blank=True)
    restricted_name_confirmed = models.BooleanField(
        _("use of 中国/全国/国际/世界 in the name confirmed"), default=False,
        help_text=_("Such a name needs the approval to cover it; confirm that it does."))
    summary = models.TextField(_("summary"), blank=True)
    rules = models.TextField(_("rules"), blank=True)
    associations = models.ManyToManyField(Association, verbose_name=_("open to members of"), blank=True,
                                          related_name="+",
                                          help_text=_("Empty: members of any association."))
    min_credit_level = models.CharField(_("minimum credit level"), max_length=10, blank=True,
                                        help_text=_("A level name of the credit scheme, e.g. A. Empty: none."))
    entries_open = models.DateTimeField(_("entries open"))
    entries_close = models.DateTimeField(_("entries close"))
    entry_fields = models.JSONField(_("entry form fields"), default=list, blank=True,
                                    help_text=_("Text questions of the entry form: label and whether required."))
    max_images = models.PositiveSmallIntegerField(_("images per entry"), default=6)
    publicity_days = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    publicity_starts = models.DateTimeField(_("public notice starts"), null=True, blank=True)
    publicity_ends = models.DateTimeField(_("public notice ends"), null=True, blank=True)
    ceremony = models.ForeignKey("events.EventPage", verbose_name=_("award ceremony"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="award_campaigns")
    credit_indicator = models.ForeignKey(
        "credit.Indicator", verbose_name=_("credit record for winners"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("A 良好行为 indicator recorded for each winner when the results are final. Empty: none."))
    state = models.CharField(_("state"), max_length=10, choices=CampaignState.choices, default=CampaignState.DRAFT,
                             db_index=True)
    panel_draw = models.ForeignKey("experts.Draw", verbose_name=_("judges' draw"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Site search (docs/search.md, "Non-page content"): public campaigns (not drafts) only.
    search_fields = [
        index.SearchField("name", boost=2),
        index.AutocompleteField("name"),
        index.SearchField("summary"),
        index.SearchField("rules", role="body"),
        index.SearchField("organiser_name", role="head"),
        index.SearchField("approval_number", role="head"),
        index.FilterField("state"),
    ]
    search_type_label = _("Awards")  # 评比表彰

    class Meta:
        ordering = ["-year", "-entries_open", "-id"]
        verbose_name = _("award campaign")
        verbose_name_plural = _("award campaigns")

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("awards:detail", args=[self.pk])

    @property
    def organiser_name(self) -> str:
        return self.organiser.name if self.organiser_id else str(_("Municipal Urban Management Committee"))

    @property
    def restricted_words(self) -> list[str]:
        return [w for w in RESTRICTED_WORDS if w in self.name]

    @property
    def is_public(self) -> bool:
        return self.state != CampaignState.DRAFT

    @property
    def search_is_public(self) -> bool:
        return self.is_public

    @property
    def search_result_date(self):
        from django.utils import timezone

        return timezone.localdate(self.entries_open)

    @property
    def search_snippet_source(self):
        return [self.summary, self.rules]

    @classmethod
    def public_search_queryset(cls):
        return cls.objects.exclude(state=CampaignState.DRAFT)


class Category(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="categories")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    awards = models.PositiveSmallIntegerField(_("number of awards"), default=3)
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)

    class Meta:
        ordering = ["campaign_id", "position", "id"]
        verbose_name = _("award category")
        verbose_name_plural = _("award categories")
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="unique_award_category")]

    def __str__(self):
        return self.name


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    SUBMITTED = "submitted", _("Submitted")  # 已提交
    ELIGIBLE = "eligible", _("Eligible")  # 资格审查通过
    INELIGIBLE = "ineligible", _("Ineligible")  # 不符合参评条件
    WITHDRAWN = "withdrawn", pgettext_lazy("award entry", "Withdrawn")  # 已撤回


class Entry(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="entries")
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="entries")
    firm = models.ForeignKey(Firm, verbose_name=_("firm"), on_delete=models.PROTECT, related_name="award_entries")
    number = models.CharField(_("entry number"), max_length=20, blank=True, db_index=True)
    title = models.CharField(_("entry title"), max_length=200)
    description = models.TextField(_("description"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=EntryState.choices, default=EntryState.DRAFT,
                             db_index=True)
    ineligible_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)

    class Meta:
        ordering = ["campaign_id", "category_id", "number", "id"]
        verbose_name = _("award entry")
        verbose_name_plural = _("award entries")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "category", "firm"],
                                    condition=~Q(state="withdrawn"), name="one_entry_per_firm_and_category"),
        ]

    def __str__(self):
        return f"{self.number or '—'} {self.title}"

    @property
    def frozen(self) -> bool:
        return self.state != EntryState.DRAFT


class EntryFile(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        ATTACHMENT = "attachment", _("Attachment")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="awards/%Y/", storage=private_storage)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["entry_id", "kind", "id"]
        verbose_name = _("entry file")
        verbose_name_plural = _("entry files")

    def __str__(self):
        return self.name


class Judge(models.Model):
    """A member of the campaign's panel: an expert drawn from the pool who confirmed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="judges")
    expert = models.ForeignKey("experts.Expert", verbose_name=_("expert"), on_delete=models.PROTECT,
                               related_name="judgings")
    selection = models.ForeignKey("experts.Selection", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign_id", "id"]
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        constraints = [models.UniqueConstraint(fields=["campaign", "expert"], name="unique_judge")]

    def __str__(self):
        return str(self.expert)


class Recusal(models.Model):
    """A judge stands aside for one entry (declared by the judge, or found by the conflict rules)."""

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="recusals")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField(_("reason"), max_length=300)
    declared = models.BooleanField(_("declared by the judge"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["judge", "entry"], name="unique_recusal")]

    def __str__(self):
        return f"{self.judge} · {self.entry}"


class RoundKind(models.TextChoices):
    FIRST = "first", _("First round")  # 初评
    SECOND = "second", _("Second round")  # 复评
    FINAL = "final", _("Final round")  # 终评


class Round(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Not started")
        OPEN = "open", _("Scoring")
        CLOSED = "closed", pgettext_lazy("award round", "Closed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds")
    kind = models.CharField(_("round"), max_length=10, choices=RoundKind.choices)
    position = models.PositiveSmallIntegerField(_("order"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    blind = models.BooleanField(_("blind (hide the firms' names from judges)"), default=True)
    quorum = models.PositiveSmallIntegerField(_("scores needed per entry"), default=3)
    aggregation = models.CharField(_("aggregation"), max_length=10, choices=Aggregation.choices,
                                   default=Aggregation.MEDIAN)
    disagreement = models.DecimalField(
        _("flag when scores spread over (points of 100)"), max_digits=5, decimal_places=2, default=Decimal("20"),
        help_text=_("Entries whose highest and lowest total differ by more than this are flagged for discussion."))
    advance_top = models.PositiveSmallIntegerField(_("advance the best N per category"), null=True, blank=True)
    advance_min_score = models.DecimalField(_("advance with a score of at least"), max_digits=6, decimal_places=2,
                                            null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign_id", "position"]
        verbose_name = _("judging round")
        verbose_name_plural = _("judging rounds")
        constraints = [models.UniqueConstraint(fields=["campaign", "position"], name="unique_round_position")]

    def __str__(self):
        return f"{self.campaign} · {self.get_kind_display()}"


class Criterion(models.Model):
    """A score category of a round: weight and scale (pretalx's ReviewScoreCategory)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=Decimal("1"))
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round_id", "position", "id"]
        verbose_name = _("score criterion")
        verbose_name_plural = _("score criteria")

    def __str__(self):
        return self.name


class RoundEntry(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_entries")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="round_entries")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    scores_count = models.PositiveSmallIntegerField(_("scores"), default=0)
    flagged = models.BooleanField(_("judges disagree"), default=False)
    advanced = models.BooleanField(_("advanced"), default=False)

    class Meta:
        ordering = ["round_id", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="unique_round_entry")]

    def __str__(self):
        return f"{self.round} · {self.entry}"


class Score(models.Model):
    """One judge's score of one entry in one round. Submitted once; never edited."""

    round_entry = models.ForeignKey(RoundEntry, on_delete=models.PROTECT, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores")
    values = models.JSONField(_("scores per criterion"))
    total = models.DecimalField(_("total (of 100)"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["round_entry_id", "id"]
        constraints = [models.UniqueConstraint(fields=["round_entry", "judge"], name="one_score_per_judge")]

    def __str__(self):
        return f"{self.judge} · {self.round_entry} · {self.total}"


class Winner(models.Model):
    """A proposed winner (公示) and, once the results are final, a winner."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="winners")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="winners")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="wins")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True)
    withdrawn_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)
    credit_event = models.ForeignKey("credit.CreditEvent", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["campaign_id", "category__position", "rank", "id"]
        verbose_name = _("winner")
        verbose_name_plural = _("winners")

    def __str__(self):
        return f"{self.category} · {self.rank} · {self.entry}"


class Objection(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", pgettext_lazy("objection", "Rejected")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(Entry, verbose_name=_("entry objected to"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="objections")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    contact = models.CharField(_("phone or email"), max_length=100)
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to="awards/objections/%Y/", blank=True,
                                storage=private_storage)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    outcome = models.TextField(_("outcome"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["campaign_id", "-created_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return f"{self.campaign} · {self.name}"
