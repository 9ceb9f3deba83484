"""Policy consultations (征求意见): consultations, frozen draft versions, comments, responses.

Records of public consequence are never edited in place: a published version is frozen (changes make a new
version), a submitted comment is never edited (withdrawing keeps it as 已撤回, hiding keeps its text), and a
response is superseded by a newer response row, never overwritten.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelsearch.queryset import SearchableQuerySetMixin
from wagtail.search import index

from associations.models import Association, Firm
from core.files import private_storage
from core.models import TimeStampedModel
from core.sanitize import plain_text


class Kind(models.TextChoices):
    RULE = "rule", _("Government rule")  # 规章
    NORMATIVE = "normative", _("Normative document")  # 规范性文件
    NORMATIVE_MARKET = "normative_market", _("Normative document concerning market entities")
    STANDARD = "standard", _("Standard or specification")  # 标准规范
    INTERNAL = "internal", _("Internal consultation")  # 内部征求


class Audience(models.TextChoices):
    INVITED = "invited", _("Invited associations only")
    ASSOCIATIONS = "associations", _("All associations")
    MEMBERS = "members", _("Associations and member firms")
    PUBLIC = "public", _("Associations, member firms and the public")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Comments are public during the period")
    COMMITTEE = "committee", _("Comments are visible to the committee only until the outcome is published")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    UPCOMING = "upcoming", _("Not started")  # 未开始
    OPEN = "open", _("Open for comments")  # 征求中
    CLOSED = "closed", _("Closed")  # 已截止
    RESPONDED = "responded", _("Feedback published")  # 已反馈


class ConsultationQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def with_status(self, status: str, now=None):
        """Consultations whose derived status (Consultation.status_at) is ``status``; unknown → unfiltered."""
        now = now or timezone.now()
        published, no_outcome = Q(published_at__isnull=False), Q(outcome_published_at__isnull=True)
        conditions = {
            Status.DRAFT: Q(published_at__isnull=True),
            Status.UPCOMING: published & no_outcome & Q(starts_at__gt=now),
            Status.OPEN: published & no_outcome & Q(starts_at__lte=now, ends_at__gt=now),
            Status.CLOSED: published & no_outcome & Q(ends_at__lte=now),
            Status.RESPONDED: published & ~no_outcome,
        }
        return self.filter(conditions[status]) if status in conditions else self

    def open(self, now=None):
        return self.with_status(Status.OPEN, now)


class Consultation(index.Indexed, TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    department = models.CharField(_("drafting department"), max_length=100)
    summary = models.TextField(_("main content"), blank=True)
    explanation = models.TextField(_("drafting explanation"), blank=True)  # 起草说明 (sanitised HTML)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    audience = models.CharField(_("who may comment"), max_length=20, choices=Audience.choices,
                                default=Audience.INVITED)
    visibility = models.CharField(_("comment visibility"), max_length=20, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    allow_late = models.BooleanField(_("accept late comments"), default=False)
    shortened_reason = models.TextField(_("reason for a shortened period"), blank=True)
    invited_associations = models.ManyToManyField(
        Association, verbose_name=_("invited associations"), blank=True, related_name="consultations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence in the year"))
    comment_counter = models.PositiveIntegerField(default=0, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    outcome_published_at = models.DateTimeField(_("outcome published at"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome explanation"), blank=True)
    final_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("final text"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ConsultationQuerySet.as_manager()

    # Site search (docs/search.md, "Non-page content"): only published, non-internal consultations are indexed.
    search_fields = [
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("summary"),  # sanitised HTML: the backend indexes its text
        index.SearchField("explanation", role="body"),
        index.SearchField("department"),
        index.SearchField("number", role="head"),  # ZQ-2026-0012
        index.FilterField("kind"),
        index.FilterField("published_at"),
    ]

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="unique_consultation_number")]

    def __str__(self):
        return self.title

    @property
    def number(self) -> str:
        return f"ZQ-{self.year}-{self.sequence:04d}"

    def status_at(self, now=None) -> str:
        now = now or timezone.now()
        if self.published_at is None:
            return Status.DRAFT
        if self.outcome_published_at is not None:
            return Status.RESPONDED
        if now < self.starts_at:
            return Status.UPCOMING
        if now < self.ends_at:
            return Status.OPEN
        return Status.CLOSED

    @property
    def status(self) -> str:
        return self.status_at()

    def accepts_comments(self, now=None) -> bool:
        """Open, or closed but taking late comments (marked 逾期), and the outcome not yet published."""
        status = self.status_at(now)
        return status == Status.OPEN or (status == Status.CLOSED and self.allow_late)

    def get_status_display(self) -> str:
        return Status(self.status).label

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("consultations:detail", args=[self.pk])

    @property
    def search_is_public(self) -> bool:
        return self.published_at is not None and self.kind != Kind.INTERNAL

    @classmethod
    def public_search_queryset(cls):
        return cls.objects.published().exclude(kind=Kind.INTERNAL)

    @property
    def search_result_date(self):
        return timezone.localdate(self.starts_at)

    @property
    def search_snippet_source(self) -> list[str]:
        return [plain_text(self.summary), plain_text(self.explanation)]


class Notice(models.Model):
    """A public, dated notice: the period was extended or the consultation reopened. Append-only."""

    class Kind(models.TextChoices):
        EXTENDED = "extended", _("Period extended")
        REOPENED = "reopened", _("Consultation reopened")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    old_ends_at = models.DateTimeField(_("previous end"))
    new_ends_at = models.DateTimeField(_("new end"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("consultation notice")
        verbose_name_plural = _("consultation notices")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.new_ends_at:%Y-%m-%d %H:%M}"


class DraftVersion(models.Model):
    """One version of the draft text. Frozen once published; a change is a new version with a change note."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    change_note = models.TextField(_("change note"), blank=True)  # 修改说明
    source_text = models.TextField(_("source text"), blank=True)
    warnings = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["consultation_id", "number"]
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="unique_version_number")]

    def __str__(self):
        return f"{self.title}（第{self.number}稿）"

    @property
    def is_frozen(self) -> bool:
        return self.published_at is not None


class Article(models.Model):
    """A node of a version's text: chapter, section, article (条) or preamble.

    ``key`` is the article's identity across versions (第X条 may be renumbered, the key stays).
    """

    class NodeKind(models.TextChoices):
        PREAMBLE = "preamble", _("Preamble")
        CHAPTER = "chapter", _("Chapter")
        SECTION = "section", _("Section")
        ARTICLE = "article", _("Article")

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="articles")
    key = models.CharField(max_length=32)
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=NodeKind.choices)
    label = models.CharField(_("label"), max_length=30, blank=True)
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        ordering = ["version_id", "position"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="unique_article_key_per_version")]

    def __str__(self):
        return self.label or self.heading or str(_("Article"))

    @property
    def anchor(self) -> str:
        return f"a-{self.key}"

    @property
    def commentable(self) -> bool:
        return self.kind == self.NodeKind.ARTICLE


class CommentQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Comment.Status.SUBMITTED)

    def visible_to_public(self):
        return self.submitted().filter(hidden_at__isnull=True)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Consultation meeting")  # 座谈会


class Comment(models.Model):
    """A comment made as an organisation (association or firm), by a member of the public, or registered offline."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class AuthorKind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        FIRM = "firm", _("Member firm")
        PUBLIC = "public", _("Member of the public")
        OTHER = "other", _("Other organisation")

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="comments")
    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="comments")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="comments")
    quoted_label = models.CharField(_("article"), max_length=30, blank=True)
    quoted_text = models.TextField(_("quoted text"), blank=True)
    author_kind = models.CharField(_("commenter type"), max_length=20, choices=AuthorKind.choices)
    association = models.ForeignKey(
        Association, null=True, blank=True, on_delete=models.PROTECT, related_name="consultation_comments"
    )
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.PROTECT, related_name="consultation_comments"
    )
    author_name = models.CharField(_("commenter"), max_length=200)  # the organisation or person as published
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="consultation_comments"
    )
    contact = models.CharField(_("contact (not published)"), max_length=200, blank=True)
    problem = models.TextField(_("problem"))
    reason = models.TextField(_("reason and basis"), blank=True)
    suggestion = models.TextField(_("suggested change"), blank=True)
    consulted_firms = models.ManyToManyField(Firm, blank=True, related_name="+", verbose_name=_("firms consulted"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("number"))
    receipt_number = models.CharField(_("receipt number"), max_length=30, unique=True)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted at"))
    is_late = models.BooleanField(_("late"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates", verbose_name=_("duplicate of"))

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["consultation_id", "sequence"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "sequence"], name="unique_comment_sequence"),
            models.CheckConstraint(
                condition=~Q(author_kind="association") | Q(association__isnull=False),
                name="association_comment_has_association",
            ),
            models.CheckConstraint(
                condition=~Q(author_kind="firm") | Q(firm__isnull=False), name="firm_comment_has_firm"
            ),
        ]

    def __str__(self):
        return self.receipt_number

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def anchor_label(self) -> str:
        return self.quoted_label or str(_("General comment"))


def attachment_path(instance, filename):
    return f"consultations/{instance.comment.consultation_id}/{instance.comment.receipt_number}/{filename}"


class CommentAttachment(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300,
                            storage=private_storage)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    file_type = models.CharField(_("type"), max_length=10)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["comment_id", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class MemberPoint(models.Model):
    """A member firm's draft point sent to its association for the association's consolidated comments."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the association")
        ADOPTED = "adopted", _("Adopted into the association's comment")
        DROPPED = "dropped", _("Not taken up")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="member_points")
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="member_points")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="member_points")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    problem = models.TextField(_("problem"))
    reason = models.TextField(_("reason and basis"), blank=True)
    suggestion = models.TextField(_("suggested change"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="member_points")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("member point")
        verbose_name_plural = _("member points")

    def __str__(self):
        return f"{self.firm} → {self.association}"


class Result(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")  # 采纳
    PARTLY = "partly", _("Partly adopted")  # 部分采纳
    NOT_ADOPTED = "not_adopted", _("Not adopted")  # 不采纳
    ALREADY = "already", _("Already provided for")  # 已有规定
    OUT_OF_SCOPE = "out_of_scope", _("Outside the scope of this document")  # 不属于本文件调整范围


class ResponseQuerySet(models.QuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)

    def published(self):
        """The response the public sees: the latest one that was published."""
        return self.filter(published_at__isnull=False, public_superseded_at__isnull=True)


class Response(models.Model):
    """The committee's handling of one comment (意见处理). Append-only: a new answer supersedes the old one.

    ``superseded_at`` marks answers replaced by a newer saved answer; ``public_superseded_at`` marks published
    answers replaced by a newer published one. The public always sees the latest published answer.
    """

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="responses")
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    reason = models.TextField(_("reason"), blank=True)
    new_article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("article in the new version"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered at"))
    superseded_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    public_superseded_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["comment_id", "answered_at", "id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self):
        return f"{self.comment} · {self.get_result_display()}"


class ReasonTemplate(TimeStampedModel):
    """A reusable reason for answering comments (e.g. 已有上位法规定)."""

    title = models.CharField(_("title"), max_length=100)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    text = models.TextField(_("reason"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("reason template")
        verbose_name_plural = _("reason templates")

    def __str__(self):
        return self.title


class Reminder(models.Model):
    """A reminder or invitation email sent to one association: unique, so a rerun sends nothing twice."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        DAYS_7 = "days7", _("7 days before the end")
        DAYS_2 = "days2", _("2 days before the end")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="reminders")
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ends_at = models.DateTimeField()  # the deadline the reminder was about (an extension allows a new one)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "association", "kind", "ends_at"], name="unique_reminder")
        ]

    def __str__(self):
        return f"{self.consultation} · {self.association} · {self.get_kind_display()}"
