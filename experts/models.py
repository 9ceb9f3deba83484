"""The expert pool (专家库): experts, their pools, relations for 回避, applications, draws with alternates,
invitations and evaluations.

A draw is a recorded, replayable transaction: the snapshot of eligible experts (ids in a fixed order with their
fields), the recorded random seed and the criteria reproduce the same selection. Draw results are confidential (the
draw's staff only) until the draw is published.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelsearch.queryset import SearchableQuerySetMixin
from wagtail.search import index

from associations.models import Association, Firm, name_pinyin
from core.files import private_storage


class Field(models.TextChoices):
    LIGHTING = "lighting", _("Urban lighting")  # 城市照明
    ADVERTISING = "advertising", _("Outdoor advertising and signboards")  # 户外广告与招牌
    SANITATION = "sanitation", _("Environmental sanitation")  # 环境卫生
    MUNICIPAL = "municipal", _("Municipal facilities")  # 市政设施
    KITCHEN_WASTE = "kitchen_waste", _("Kitchen waste")  # 餐厨垃圾
    RECYCLING = "recycling", _("Renewable resources")  # 再生资源
    MUCK = "muck", _("Construction spoil transport")  # 渣土运输
    LANDSCAPING = "landscaping", _("Landscaping and greening")  # 园林绿化
    LAW = "law", pgettext_lazy("field of expertise", "Law")  # 法律
    FINANCE = "finance", _("Finance")  # 财务
    IT = "it", _("Information technology")  # 信息化


class Title(models.TextChoices):
    SENIOR = "senior", _("Senior (full)")  # 正高级
    ASSOCIATE_SENIOR = "associate_senior", _("Senior (associate)")  # 副高级
    INTERMEDIATE = "intermediate", _("Intermediate")  # 中级
    JUNIOR = "junior", _("Junior")  # 初级


TITLE_RANK = {Title.JUNIOR: 1, Title.INTERMEDIATE: 2, Title.ASSOCIATE_SENIOR: 3, Title.SENIOR: 4}


class ExpertStatus(models.TextChoices):
    APPLYING = "applying", _("Applying")  # 申请中
    ACTIVE = "active", _("In the pool")  # 在库
    SUSPENDED = "suspended", pgettext_lazy("expert status", "Suspended")  # 暂停
    REMOVED = "removed", _("Removed")  # 清退


class ExpertQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def active(self):
        return self.filter(status=ExpertStatus.ACTIVE)

    def in_field(self, field: str):
        return self.filter(fields_key__contains=f"|{field}|")


class Expert(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, blank=True, db_index=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=20, blank=True, db_index=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="expert")
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    title = models.CharField(_("professional title"), max_length=20, choices=Title.choices)
    years_in_field = models.PositiveSmallIntegerField(_("years in the field"), default=0)
    fields = models.JSONField(_("fields of expertise"), default=list)
    fields_key = models.CharField(max_length=300, blank=True, editable=False)  # "|lighting|law|", for filtering
    employer_firm = models.ForeignKey(Firm, verbose_name=_("employer (member firm)"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="experts")
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    employer_code = models.CharField(_("employer's unified social credit code"), max_length=18, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    qualifications = models.TextField(_("qualifications and certificates"), blank=True)
    bio = models.TextField(_("public biography"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)  # staff only
    email = models.EmailField(_("email"), blank=True)  # staff only
    status = models.CharField(_("status"), max_length=10, choices=ExpertStatus.choices,
                              default=ExpertStatus.APPLYING)
    term_start = models.DateField(_("term starts"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    senior = models.BooleanField(_("senior expert"), default=False)  # 资深专家, decided by a person
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ExpertQuerySet.as_manager()

    search_fields = [
        index.SearchField("name", boost=10),
        index.AutocompleteField("name"),
        index.SearchField("name_pinyin"),
        index.SearchField("name_initials"),
        index.SearchField("employer_name"),
        index.SearchField("position"),
        index.SearchField("bio"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["name_pinyin", "id"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Derived columns only (pinyin of the name); no business rules here.
        self.name_pinyin, self.name_initials = name_pinyin(self.name)
        self.name_initials = self.name_initials[:20]
        self.fields_key = "|" + "|".join(self.fields) + "|" if self.fields else ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_pinyin", "name_initials", "fields_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("experts:detail", args=[self.pk])

    @property
    def employer(self) -> str:
        return self.employer_firm.name if self.employer_firm_id else self.employer_name

    @property
    def surname(self) -> str:
        return self.name[:1]

    def field_labels(self) -> list[str]:
        labels = dict(Field.choices)
        return [str(labels.get(f, f)) for f in self.fields]

    # --- search contract (docs/search.md, "Non-page content"): public fields only, never phone or email ---
    search_type_label = _("Experts")

    @property
    def search_is_public(self) -> bool:
        return self.status == ExpertStatus.ACTIVE

    @property
    def search_result_title(self) -> str:
        return self.name  # `title` is the professional title

    @property
    def search_result_date(self):
        return self.term_start or self.created_at.date()

    @property
    def search_snippet_source(self):
        return [self.bio, f"{self.employer} {self.position}"]

    @classmethod
    def public_search_queryset(cls):
        return cls.objects.active()


class Pool(models.Model):
    """The committee's pool or an association's pool."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    association = models.OneToOneField(Association, verbose_name=_("association"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="expert_pool",
                                       help_text=_("Empty for the committee's pool."))
    max_age = models.PositiveSmallIntegerField(_("age limit"), default=70)
    min_years_intermediate = models.PositiveSmallIntegerField(
        _("years in the field needed with an intermediate title"), default=8)
    bad_record_years = models.PositiveSmallIntegerField(
        _("no poor evaluation in the last (years)"), default=3)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=3)

    class Meta:
        ordering = ["id"]
        verbose_name = _("expert pool")
        verbose_name_plural = _("expert pools")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """One person, one record, in several pools."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="pool_memberships")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="memberships")
    since = models.DateField(_("in the pool since"))

    class Meta:
        verbose_name = _("pool membership")
        verbose_name_plural = _("pool memberships")
        constraints = [models.UniqueConstraint(fields=["expert", "pool"], name="one_membership_per_pool")]

    def __str__(self):
        return f"{self.expert} · {self.pool}"


class RelationKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")  # 任职
    SHAREHOLDING = "shareholding", _("Shareholding or control")  # 持股、控制
    BOARD = "board", _("Director or supervisor")  # 董事、监事
    FAMILY = "family", _("Family tie to the legal representative")  # 与法定代表人有亲属关系
    DRAFTING = "drafting", _("Took part in drafting the matter")  # 参与起草
    OTHER = "other", _("Other relationship that could affect fairness")


class Relation(models.Model):
    """A relation of an expert to a firm (or to a matter, for drafting), with dates; the basis of 回避."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(_("kind"), max_length=20, choices=RelationKind.choices)
    firm = models.ForeignKey(Firm, verbose_name=_("firm"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="expert_relations")
    firm_code = models.CharField(_("firm's unified social credit code"), max_length=18, blank=True)
    matter = models.CharField(_("matter"), max_length=100, blank=True,
                              help_text=_("For drafting: the matter's key, e.g. consultations.consultation:12."))
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while it lasts."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["expert_id", "kind", "id"]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")

    def __str__(self):
        return f"{self.expert} · {self.get_kind_display()}"


class Application(models.Model):
    """An application to join a pool (or an association's nomination), checked against the pool's rules."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="applications")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="applications")
    nominated_by = models.ForeignKey(Association, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="expert_nominations")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    checks = models.JSONField(_("admission checks"), default=list)  # [{rule, passed, detail}]
    document = models.FileField(_("documents"), upload_to="experts/applications/%Y/%m/", blank=True,
                                max_length=300, storage=private_storage)
    document_name = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(_("profile changes under review"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.TextField(_("decision and reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return f"{self.expert} → {self.pool}"


class Purpose(models.TextChoices):
    STANDARD = "standard", _("Standard review")  # 标准评审
    AWARD = "award", _("Award judging")  # 评比评审
    ACCEPTANCE = "acceptance", _("Project acceptance")  # 课题验收
    OTHER = "other", _("Other")  # 其他


class Draw(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DRAWN = "drawn", _("Drawn")
        PUBLISHED = "published", _("Result published")

    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    matter = models.CharField(_("matter"), max_length=100, blank=True,
                              help_text=_("The object the draw serves, e.g. consultations.consultation:12."))
    pool = models.ForeignKey(Pool, verbose_name=_("pool"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="draws", help_text=_("Empty: every pool."))
    criteria = models.JSONField(_("criteria"), default=list)  # [{field, count, min_title, alternates}]
    excluded_firms = models.ManyToManyField(Firm, verbose_name=_("parties (their related experts are excluded)"),
                                            blank=True, related_name="+")
    exclude_recent_days = models.PositiveSmallIntegerField(
        _("exclude experts drawn in the last (days)"), default=0)
    starts_on = models.DateField(_("engagement starts"))
    ends_on = models.DateField(_("engagement ends"))
    response_hours = models.PositiveSmallIntegerField(_("hours to answer an invitation"), default=48)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.PROTECT,
                                 related_name="+")
    supervisor = models.CharField(_("supervisor"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    seed = models.CharField(_("random seed"), max_length=64, blank=True)
    snapshot = models.JSONField(_("eligible experts"), default=dict, blank=True)  # {field: [expert ids in order]}
    exclusions = models.JSONField(_("excluded experts"), default=list, blank=True)  # [{expert, name, reasons}]
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")

    def __str__(self):
        return self.title


class Selection(models.Model):
    """One expert drawn for a field of a draw, as a member (rank within the count) or an alternate."""

    class Response(models.TextChoices):
        WAITING = "waiting", _("Waiting")  # 待确认 (invited)
        CONFIRMED = "confirmed", pgettext_lazy("invitation response", "Confirmed")  # 确认参加
        DECLINED = "declined", _("Declined")  # 不参加
        EXPIRED = "expired", _("No answer in time")  # 逾期未答复
        STANDBY = "standby", _("Alternate, not invited")  # 候补

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="selections")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="selections")
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    order = models.PositiveSmallIntegerField(_("order drawn"))
    alternate = models.BooleanField(_("alternate"), default=False)
    response = models.CharField(_("response"), max_length=10, choices=Response.choices, default=Response.STANDBY)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    answer_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    recusal_pledge = models.BooleanField(_("signed the recusal pledge"), default=False)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["draw_id", "field", "order"]
        verbose_name = _("drawn expert")
        verbose_name_plural = _("drawn experts")
        constraints = [models.UniqueConstraint(fields=["draw", "expert"], name="one_selection_per_draw")]

    def __str__(self):
        return f"{self.draw} · {self.expert}"


class Evaluation(models.Model):
    """The organiser's score of an expert after an engagement (0–100)."""

    selection = models.OneToOneField(Selection, on_delete=models.PROTECT, related_name="evaluation")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(_("evaluated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [models.CheckConstraint(condition=Q(score__lte=100), name="evaluation_score_at_most_100")]

    def __str__(self):
        return f"{self.selection} · {self.score}"
