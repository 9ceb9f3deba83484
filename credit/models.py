"""Industry credit ratings (行业信用评价).

A versioned scheme (评价办法) with its indicators and level table; credit events (信用记录) that are never edited in
place (a correction is a new event that revokes the old one); rating rounds that compute, publish for 公示 and
finalise ratings; objections (异议), repairs (信用修复) and the red and black lists.

Dates are calendar dates in Asia/Shanghai. An event counts on day d when effective_from <= d <= expires_on and it
was not repaired before d (repaired_on is the first day it no longer counts). Every moment column (approved_at,
revoked_at, repaired_at) lets a score be recomputed "as it was known" at an earlier moment.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from associations.models import Association, Firm, Sector
from core.files import private_storage

DECIMAL = {"max_digits": 7, "decimal_places": 2}


class Authority(models.TextChoices):
    COMMITTEE = "committee", _("Administrative rule of the committee")  # 主管部门行政规范
    ASSOCIATION = "association", _("Self-regulation of an industry association")  # 行业协会自律


class Category(models.TextChoices):
    BASIC = "basic", _("Basic information")  # 基础信息
    GOOD = "good", _("Good conduct")  # 良好行为
    BAD = "bad", _("Bad conduct")  # 不良行为


class Severity(models.TextChoices):
    SEVERE = "severe", pgettext_lazy("severity", "Severe")  # 严重
    GENERAL = "general", pgettext_lazy("severity", "General")  # 一般
    MINOR = "minor", pgettext_lazy("severity", "Minor")  # 轻微


SEVERITY_RANK = {Severity.MINOR: 1, Severity.GENERAL: 2, Severity.SEVERE: 3}


class Source(models.TextChoices):
    SELF = "self", _("Declared by the firm")  # 企业自报
    AUTHORITY = "authority", _("Competent authority")  # 主管部门
    ASSOCIATION = "association", _("Industry association")  # 行业协会
    PUBLIC = "public", _("Public supervision")  # 社会监督


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    RETIRED = "retired", _("Retired")


class CreditScheme(ClusterableModel):
    """A 评价办法. Editable while a draft; in force it is frozen and a change is a new version."""

    name = models.CharField(_("name"), max_length=200)
    family = models.SlugField(
        _("scheme family"), max_length=60,
        help_text=_("Versions of the same scheme share the family; rounds of one family follow each other."))
    version = models.CharField(pgettext_lazy("credit scheme", "version"), max_length=40,
                               help_text=_("For example 2026年版."))
    predecessor = models.ForeignKey("self", verbose_name=_("previous version"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="successors")
    authority_kind = models.CharField(_("kind of rule"), max_length=20, choices=Authority.choices,
                                      default=Authority.COMMITTEE)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    approval_document = models.CharField(
        _("approval document"), max_length=200, blank=True,
        help_text=_("For association self-regulation: the approval of the supervising authority."))
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    base_score = models.DecimalField(_("base score"), default=60, **DECIMAL)
    basic_cap = models.DecimalField(_("cap on basic information"), null=True, blank=True, **DECIMAL)
    good_cap = models.DecimalField(_("cap on good-conduct points"), null=True, blank=True, **DECIMAL)
    bad_cap = models.DecimalField(_("cap on bad-conduct deductions"), null=True, blank=True, **DECIMAL,
                                  help_text=_("The most that bad conduct can deduct, as a positive number."))
    notice_workdays = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    objection_workdays = models.PositiveSmallIntegerField(
        _("objection window (working days)"), default=5,
        help_text=_("Objections to a rating are accepted for this many working days from its publication."))
    answer_workdays = models.PositiveSmallIntegerField(_("answer deadline (working days)"), default=5)
    validity_days = models.PositiveSmallIntegerField(_("rating validity (days)"), default=365)
    black_bad_count = models.PositiveSmallIntegerField(
        _("black list: number of bad records"), default=5,
        help_text=_("This many bad records of at least the severity below within the window put a firm on the "
                    "black list (0 turns the rule off)."))
    black_min_severity = models.CharField(_("black list: at least this severity"), max_length=10,
                                          choices=Severity.choices, default=Severity.GENERAL)
    black_window_months = models.PositiveSmallIntegerField(_("black list: window (months)"), default=12)
    black_on_severe = models.BooleanField(_("any severe record puts a firm on the black list"), default=True)
    red_consecutive_rounds = models.PositiveSmallIntegerField(
        _("red list: consecutive rounds at the top level"), default=2, help_text=_("0 turns the rule off."))
    state = models.CharField(_("state"), max_length=10, choices=SchemeState.choices, default=SchemeState.DRAFT)
    put_in_force_at = models.DateTimeField(_("put in force at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["family", "-effective_from", "-id"]
        verbose_name = _("rating scheme")
        verbose_name_plural = _("rating schemes")

    def __str__(self):
        return f"{self.name}（{self.version}）"

    @property
    def is_frozen(self) -> bool:
        return self.state != SchemeState.DRAFT

    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(s, s)) for s in self.sectors]


class SchemeLevel(models.Model):
    """One row of the level table: a firm gets the highest level whose minimum its score reaches."""

    scheme = ParentalKey(CreditScheme, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(_("level"), max_length=10)
    min_score = models.DecimalField(_("minimum score"), **DECIMAL,
                                    help_text=_("Scores at or above this value get the level."))
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        ordering = ["scheme_id", "-min_score"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="unique_level_name")]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    scheme = ParentalKey(CreditScheme, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    points = models.DecimalField(_("points"), **DECIMAL, help_text=_("Default points; negative for bad conduct."))
    points_min = models.DecimalField(_("lowest points"), **DECIMAL)
    points_max = models.DecimalField(_("highest points"), **DECIMAL)
    evidence_required = models.BooleanField(_("evidence required"), default=True)
    publish_min_days = models.PositiveIntegerField(_("shortest publication (days)"), default=90)
    publish_max_days = models.PositiveIntegerField(_("longest publication (days)"), default=365)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["scheme_id", "sort_order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unique_indicator_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class EventState(models.TextChoices):
    PENDING = "pending", _("Pending review")  # 待审核
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")  # 未通过
    REVOKED = "revoked", _("Revoked")  # 已撤销


class EventStatus(models.TextChoices):
    """What people see: derived from the state and the dates."""

    PENDING = "pending", _("Pending review")  # 待审核
    NOTICE = "notice", _("In public notice")  # 公示中 (approved, not yet effective)
    EFFECTIVE = "effective", _("Effective")  # 生效
    REVOKED = "revoked", _("Revoked")  # 已撤销
    REPAIRED = "repaired", _("Repaired")  # 已修复
    EXPIRED = "expired", _("Expired")  # 已过期
    REJECTED = "rejected", _("Rejected")  # 未通过


class CreditEventQuerySet(models.QuerySet):
    def known_at(self, moment=None):
        """Events as they were known at `moment`: approved by then and not yet revoked."""
        moment = moment or timezone.now()
        return self.filter(approved_at__lte=moment).exclude(revoked_at__lte=moment)

    def effective_on(self, day, known_at=None):
        """Events that count on `day`, as known at `known_at` (default: now)."""
        moment = known_at or timezone.now()
        return (self.known_at(moment)
                .filter(effective_from__lte=day, expires_on__gte=day)
                .exclude(Q(repaired_on__lte=day) & Q(repaired_at__lte=moment)))

    def public_on(self, day):
        """Records the public sees on `day`: approved, not revoked, published (notice or effective), not repaired."""
        return (self.filter(state=EventState.APPROVED, expires_on__gte=day)
                .exclude(repaired_on__lte=day))


def evidence_path(instance, filename):
    return f"credit/evidence/{timezone.localdate():%Y/%m}/{filename}"


class CreditEvent(models.Model):
    """A credit record. Never edited in place: state moves forward, a correction is a new event."""

    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("record number"), max_length=20, unique=True)  # XY-2026-00001
    firm = models.ForeignKey(Firm, verbose_name=_("firm"), on_delete=models.PROTECT, related_name="credit_events")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="events")
    points = models.DecimalField(_("points"), **DECIMAL)
    summary = models.CharField(_("fact"), max_length=300,
                               help_text=_("Firm-level facts only: no personal names."))
    occurred_on = models.DateField(_("date it happened"))
    effective_from = models.DateField(_("effective from"))
    expires_on = models.DateField(_("expires on"), help_text=_("The last day the record counts."))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    evidence_doc_no = models.CharField(_("evidence document number"), max_length=100, blank=True)
    evidence_issuer = models.CharField(_("evidence issued by"), max_length=100, blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, max_length=300, blank=True,
                                     storage=private_storage)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    association = models.ForeignKey(Association, verbose_name=_("submitted by association"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="credit_events")
    state = models.CharField(_("state"), max_length=10, choices=EventState.choices, default=EventState.PENDING)
    corrects = models.ForeignKey("self", verbose_name=_("corrects record"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="corrections")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    decision_reason = models.TextField(_("reason"), blank=True)  # rejection or revocation
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    repaired_on = models.DateField(_("publication ended on"), null=True, blank=True)
    repaired_at = models.DateTimeField(_("repaired at"), null=True, blank=True)

    objects = CreditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="unique_credit_event_number")]
        indexes = [models.Index(fields=["firm", "state", "effective_from"])]

    def __str__(self):
        return f"{self.number} {self.summary}"

    @property
    def category(self) -> str:
        return self.indicator.category

    def status_on(self, day=None) -> str:
        day = day or timezone.localdate()
        if self.state == EventState.PENDING:
            return EventStatus.PENDING
        if self.state == EventState.REJECTED:
            return EventStatus.REJECTED
        if self.state == EventState.REVOKED:
            return EventStatus.REVOKED
        if self.repaired_on and self.repaired_on <= day:
            return EventStatus.REPAIRED
        if self.expires_on < day:
            return EventStatus.EXPIRED
        if day < self.effective_from:
            return EventStatus.NOTICE
        return EventStatus.EFFECTIVE

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return str(EventStatus(self.status).label)

    @property
    def publication_ends_on(self):
        """The last day the record is public: its expiry, or the day before its repair took effect."""
        if self.repaired_on:
            return min(self.expires_on, self.repaired_on - timedelta(days=1))
        return self.expires_on


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Opened")  # 已开启
    COMPUTED = "computed", _("Computed, under review")  # 待审核
    PUBLISHED = "published", _("In public notice")  # 公示中
    FINAL = "final", _("Final")  # 已生效
    CANCELLED = "cancelled", _("Cancelled")


class RatingRoundQuerySet(models.QuerySet):
    def public(self):
        return self.filter(state__in=[RoundState.PUBLISHED, RoundState.FINAL])


class RatingRound(models.Model):
    scheme = models.ForeignKey(CreditScheme, verbose_name=_("scheme"), on_delete=models.PROTECT,
                               related_name="rounds")
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    name = models.CharField(_("name"), max_length=200)
    as_of = models.DateField(_("rating date"), help_text=_("Events effective on this date count."))
    state = models.CharField(_("state"), max_length=10, choices=RoundState.choices, default=RoundState.DRAFT)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    firm_count = models.PositiveIntegerField(_("firms rated"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice ends on"), null=True, blank=True)
    objections_close_on = models.DateField(_("objections close on"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    superseded_by = models.ForeignKey("self", verbose_name=_("superseded by"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")

    objects = RatingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("rating round")
        verbose_name_plural = _("rating rounds")

    def __str__(self):
        return self.name

    def get_sector_display_text(self) -> str:
        return str(dict(Sector.choices).get(self.sector, self.sector))


class ExplanationField(models.JSONField):
    """A JSONField that bulk inserts as plain VALUES on PostgreSQL.

    Django 5.2 packs bulk-created columns into UNNEST arrays on PostgreSQL, and psycopg then escapes every quote
    of a large JSON array parameter in Python: 10,000 ratings took 11.7 s instead of 3.8 s (bench/credit.py).
    A field with its own placeholder opts out of the UNNEST path. Same column, same migration state."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs


class RatingQuerySet(models.QuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)

    def final(self):
        return self.filter(round__state=RoundState.FINAL)


class Rating(models.Model):
    """One firm's computed rating in a round. A recomputation is a new version; the old one stays."""

    round = models.ForeignKey(RatingRound, verbose_name=_("round"), on_delete=models.PROTECT,
                              related_name="ratings")
    firm = models.ForeignKey(Firm, verbose_name=_("firm"), on_delete=models.PROTECT, related_name="ratings")
    version = models.PositiveSmallIntegerField(pgettext_lazy("credit rating", "version"), default=1)
    score = models.DecimalField(_("score"), **DECIMAL)
    level = models.CharField(_("level"), max_length=10)
    explanation = ExplanationField(_("explanation"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    reason = models.CharField(_("reason for this version"), max_length=300, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["round_id", "firm_id", "-version"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["round", "firm", "version"], name="unique_rating_version"),
            models.UniqueConstraint(fields=["round", "firm"], condition=Q(superseded_at__isnull=True),
                                    name="one_current_rating_per_round"),
        ]
        indexes = [models.Index(fields=["firm", "superseded_at"]), models.Index(fields=["round", "level"])]

    def __str__(self):
        return f"{self.firm} · {self.round} · {self.level}"


class DecisionState(models.TextChoices):
    PENDING = "pending", _("Pending")  # 待处理
    UPHELD = "upheld", _("Upheld")  # 成立 / 通过
    REJECTED = "rejected", _("Rejected")  # 不成立 / 不予通过


def request_path(instance, filename):
    return f"credit/requests/{timezone.localdate():%Y/%m}/{filename}"


class CreditRequest(models.Model):
    """Shared columns of a firm's objection or repair application."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    firm = models.ForeignKey(Firm, verbose_name=_("firm"), on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    answer_due = models.DateField(_("answer due"))
    state = models.CharField(_("state"), max_length=10, choices=DecisionState.choices,
                             default=DecisionState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.TextField(_("decision and reason"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return self.number


class Objection(CreditRequest):
    """异议: the firm says a fact (an event, or its rating in 公示) is wrong."""

    rating = models.ForeignKey(Rating, verbose_name=_("rating"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="objections")
    event = models.ForeignKey(CreditEvent, verbose_name=_("credit record"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="objections")
    reason = models.TextField(_("reason"))
    evidence_file = models.FileField(_("evidence"), upload_to=request_path, max_length=300, blank=True,
                                     storage=private_storage)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    revoked_events = models.ManyToManyField(CreditEvent, blank=True, related_name="+")
    new_rating = models.ForeignKey(Rating, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta(CreditRequest.Meta):
        verbose_name = _("objection")
        verbose_name_plural = _("objections")


class Repair(CreditRequest):
    """信用修复: the fact is right, the firm has put it right; approval ends the publication early."""

    event = models.ForeignKey(CreditEvent, verbose_name=_("credit record"), on_delete=models.PROTECT,
                              related_name="repairs")
    statement = models.TextField(_("rectification"))
    pledge_file = models.FileField(_("credit pledge"), upload_to=request_path, max_length=300,
                                   storage=private_storage)
    pledge_name = models.CharField(_("credit pledge file name"), max_length=200)
    evidence_file = models.FileField(_("rectification evidence"), upload_to=request_path, max_length=300,
                                     storage=private_storage)
    evidence_name = models.CharField(_("evidence file name"), max_length=200)
    ends_on = models.DateField(_("publication ends on"), null=True, blank=True)

    class Meta(CreditRequest.Meta):
        verbose_name = _("credit repair")
        verbose_name_plural = _("credit repairs")


class ListKind(models.TextChoices):
    RED = "red", _("Red list")  # 红名单
    BLACK = "black", _("Black list")  # 黑名单


class ListEntryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(delisted_at__isnull=True)


class ListEntry(models.Model):
    """A firm on the red or black list. Delisting keeps the row (delisted_at, reason)."""

    firm = models.ForeignKey(Firm, verbose_name=_("firm"), on_delete=models.PROTECT, related_name="credit_lists")
    kind = models.CharField(_("list"), max_length=10, choices=ListKind.choices)
    scheme = models.ForeignKey(CreditScheme, verbose_name=_("scheme"), on_delete=models.PROTECT,
                               related_name="list_entries")
    automatic = models.BooleanField(_("listed by a rule"), default=False)
    rule = models.CharField(_("rule"), max_length=300, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    listed_on = models.DateField(_("listed on"))
    listed_at = models.DateTimeField(_("listed at"), auto_now_add=True)
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    delisted_at = models.DateTimeField(_("delisted at"), null=True, blank=True)
    delisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    delist_reason = models.TextField(_("reason for delisting"), blank=True)

    objects = ListEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-listed_at", "-id"]
        verbose_name = _("list entry")
        verbose_name_plural = _("red and black lists")
        constraints = [models.UniqueConstraint(fields=["firm", "kind", "scheme"],
                                               condition=Q(delisted_at__isnull=True),
                                               name="one_active_list_entry")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.firm}"
