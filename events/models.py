"""Events (活动): forums, award ceremonies, training sessions, study visits and galas.

The event itself (agenda, speakers, venue, documents) is a Wagtail page; the registration engine is plain Django:
a per-event ``RegistrationSetup``, ticket types, quotas (a size shared by one or more ticket types, or the seats of a
sub-event such as a 分论坛 or the 晚宴), registrations with their states, a waiting list with time-boxed offers,
personal invitations, per-attendee questions with retention, check-in lists and check-ins.

Capacity is only ever taken inside a transaction holding row locks on the quotas concerned (services), so concurrent
requests cannot overbook.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from associations.models import Association, Firm
from core.pages import PortalPageMixin

# Typed ticket codes avoid letters and digits people confuse (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(24)


class EventType(models.TextChoices):
    FORUM = "forum", _("Forum")  # 论坛
    CEREMONY = "ceremony", _("Award ceremony")  # 颁奖典礼
    TRAINING = "training", _("Training")  # 培训
    VISIT = "visit", _("Study visit")  # 考察交流
    PERFORMANCE = "performance", _("Performance")  # 文艺活动


# --- pages ---------------------------------------------------------------------------------------------------


class AgendaSessionBlock(blocks.StructBlock):
    day = blocks.DateBlock(label=_("day"), required=False)
    start = blocks.TimeBlock(label=_("starts at"))
    end = blocks.TimeBlock(label=_("ends at"), required=False)
    title = blocks.CharBlock(label=_("session"))
    speakers = blocks.CharBlock(label=_("speakers"), required=False)
    location = blocks.CharBlock(label=_("room"), required=False)
    description = blocks.TextBlock(label=_("description"), required=False)

    class Meta:
        icon = "time"
        label = _("session")


class AgendaBlock(blocks.StreamBlock):
    session = AgendaSessionBlock()


class EventIndexPage(PortalPageMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("event list")

    def get_context(self, request, *args, **kwargs):
        from .selectors import event_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_index_context(index=self, params=request.GET))
        return context


class EventPage(PortalPageMixin, Page):
    event_type = models.CharField(_("event type"), max_length=20, choices=EventType.choices, db_index=True)
    organiser = models.ForeignKey(
        Association, verbose_name=_("organising association"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="events", help_text=_("Leave empty when the committee organises the event."),
    )
    co_organisers = models.CharField(_("co-organisers"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    map_image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("venue map"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("description"), blank=True, features=["bold", "italic", "link", "ol", "ul", "h3"])
    agenda = StreamField(AgendaBlock(), verbose_name=_("agenda"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("event_type"), FieldPanel("organiser")]),
                FieldPanel("co_organisers"),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldRowPanel([FieldPanel("venue"), FieldPanel("venue_address")]),
                FieldPanel("map_image"),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("agenda"),
        InlinePanel("speakers", label=_("Speakers")),
        InlinePanel("documents", label=_("Documents")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("venue"),
        index.SearchField("body"),
        index.FilterField("event_type"),
        index.FilterField("starts_at"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def get_context(self, request, *args, **kwargs):
        from .selectors import event_detail_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_detail_context(self, user=request.user))
        return context

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("An event cannot end before it starts.")})

    @property
    def organiser_name(self) -> str:
        return self.organiser.name if self.organiser_id else str(_("Municipal Urban Management Committee"))

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    # --- the site-search contract --------------------------------------------------------------------------
    def search_result_date(self):
        return timezone.localtime(self.starts_at).date()


class EventSpeaker(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=50)
    affiliation = models.CharField(_("title and affiliation"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    panels = [FieldPanel("name"), FieldPanel("affiliation"), FieldPanel("topic")]

    class Meta(Orderable.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")


class EventDocument(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(get_document_model_string(), verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="+")
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("Defaults to the document title."))

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


# --- the registration engine -----------------------------------------------------------------------------------


class Audience(models.TextChoices):
    PUBLIC = "public", _("Anyone with an account")  # 公开报名
    MEMBERS = "members", _("Members of associations")  # 协会会员单位
    INVITED = "invited", _("Invited only")  # 仅限受邀


class RegistrationSetup(models.Model):
    """How people register for one event. No setup = no online registration."""

    event = models.OneToOneField(EventPage, verbose_name=_("event"), on_delete=models.CASCADE, related_name="setup")
    opens_at = models.DateTimeField(_("registration opens"))
    closes_at = models.DateTimeField(_("registration closes"))
    audience = models.CharField(_("who may register"), max_length=10, choices=Audience.choices,
                                default=Audience.PUBLIC)
    associations = models.ManyToManyField(
        Association, verbose_name=_("member associations"), blank=True, related_name="+",
        help_text=_("For members only: members of these associations (empty: of any association)."),
    )
    approval_required = models.BooleanField(_("approval required"), default=False)
    limit_per_firm = models.PositiveSmallIntegerField(_("limit per firm"), null=True, blank=True)
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    offer_hours = models.PositiveSmallIntegerField(_("hours to accept a waiting-list offer"), default=48)
    contact = models.CharField(_("contact for questions"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("registration setup")
        verbose_name_plural = _("registration setups")

    def __str__(self):
        return str(self.event)

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Registration must close after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class TicketType(models.Model):
    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=200, blank=True)
    approval_required = models.BooleanField(_("approval required"), default=False,
                                            help_text=_("Also when the event as a whole does not require approval."))
    invitation_only = models.BooleanField(_("by invitation only"), default=False)
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)

    class Meta:
        ordering = ["event_id", "position", "id"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="unique_ticket_type_name")]

    def __str__(self):
        return self.name


class SubEvent(models.Model):
    """A part of the event people sign up for separately (分论坛, 晚宴, 参观) with its own quota."""

    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sub_events")
    name = models.CharField(_("name"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("room or place"), max_length=200, blank=True)

    class Meta:
        ordering = ["event_id", "starts_at", "id"]
        verbose_name = _("sub-event")
        verbose_name_plural = _("sub-events")

    def __str__(self):
        return self.name


class Quota(models.Model):
    """A number of places shared by some ticket types (of the event, or of one sub-event)."""

    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.CASCADE, related_name="quotas")
    name = models.CharField(_("name"), max_length=100)
    size = models.PositiveIntegerField(_("places"))
    ticket_types = models.ManyToManyField(TicketType, verbose_name=_("ticket types"), related_name="quotas",
                                          blank=True, help_text=_("Empty: every ticket type."))
    sub_event = models.ForeignKey(SubEvent, verbose_name=_("sub-event"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="quotas")

    class Meta:
        ordering = ["event_id", "id"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")

    def __str__(self):
        return f"{self.name} ({self.size})"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Registrations that hold or wait for a place."""
        return self.filter(state__in=Registration.ACTIVE)

    def holding(self):
        """Registrations that take a place: pending, confirmed, and waiting-list entries with an open offer."""
        return self.filter(Q(state__in=Registration.HOLDING) | Q(state=Registration.State.WAITING,
                                                                  offer_expires_at__gt=timezone.now()))

    def for_user(self, user):
        return self.filter(Q(user=user) | Q(registered_by=user))


class Registration(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")  # 待审核
        CONFIRMED = "confirmed", pgettext_lazy("registration state", "Confirmed")  # 已确认
        WAITING = "waiting", _("Waiting list")  # 候补
        REJECTED = "rejected", pgettext_lazy("registration state", "Rejected")  # 已拒绝
        CANCELLED = "cancelled", pgettext_lazy("registration state", "Cancelled")  # 已取消

    ACTIVE = (State.PENDING, State.CONFIRMED, State.WAITING)
    HOLDING = (State.PENDING, State.CONFIRMED)

    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.PROTECT,
                              related_name="registrations")
    ticket_type = models.ForeignKey(TicketType, verbose_name=_("ticket type"), on_delete=models.PROTECT,
                                    related_name="registrations")
    sub_events = models.ManyToManyField(SubEvent, verbose_name=_("sub-events"), blank=True,
                                        related_name="registrations")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, db_index=True)
    name = models.CharField(_("name"), max_length=50)
    email = models.EmailField(_("email"))
    company = models.CharField(_("company"), max_length=200, blank=True)
    firm = models.ForeignKey(Firm, verbose_name=_("member firm"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="event_registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attendee account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="event_registrations")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    invitation = models.ForeignKey("Invitation", verbose_name=_("invitation"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="registrations")
    priority = models.SmallIntegerField(_("waiting-list priority"), default=0)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    cancel_reason = models.CharField(_("reason for cancellation"), max_length=200, blank=True)
    code = models.CharField(_("ticket code"), max_length=12, unique=True, default=new_code)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    offered_at = models.DateTimeField(_("place offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer valid until"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event_id", "created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], condition=Q(state__in=["pending", "confirmed",
                                                                                       "waiting"]),
                                    name="one_active_registration_per_email"),
        ]
        indexes = [models.Index(fields=["event", "state", "ticket_type"])]

    def __str__(self):
        return f"{self.name} · {self.event}"

    def get_ticket_url(self) -> str:
        return reverse("events:ticket", args=[self.token])

    @property
    def has_open_offer(self) -> bool:
        return (self.state == self.State.WAITING and self.offer_expires_at is not None
                and self.offer_expires_at > timezone.now())

    @property
    def has_ticket(self) -> bool:
        return self.state == self.State.CONFIRMED


class Invitation(models.Model):
    """A personal link or code for a guest: skips approval, may lock the email, used once."""

    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.CASCADE, related_name="invitations")
    ticket_type = models.ForeignKey(TicketType, verbose_name=_("ticket type"), on_delete=models.PROTECT,
                                    related_name="invitations")
    name = models.CharField(_("guest name"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    lock_email = models.BooleanField(_("only for this email"), default=False)
    code = models.CharField(_("invitation code"), max_length=12, unique=True, default=new_code)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["event_id", "-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.name or self.email or self.code} · {self.event}"

    def get_absolute_url(self) -> str:
        return reverse("events:invitation", args=[self.token])

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.used_at is None and self.revoked_at is None
                and (self.valid_until is None or self.valid_until > now))


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("One choice")
        MULTI = "multi", _("Several choices")
        YESNO = "yesno", _("Yes or no")
        PHONE = "phone", _("Mobile phone number")
        ID_NUMBER = "id_number", _("Resident ID number")  # 身份证号
        COMPANY = "company", _("Company")

    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    ticket_types = models.ManyToManyField(TicketType, verbose_name=_("for ticket types"), blank=True,
                                          related_name="+", help_text=_("Empty: every ticket type."))
    show_if = models.ForeignKey("self", verbose_name=_("only when the answer to"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="dependants")
    show_if_values = models.JSONField(_("is one of"), default=list, blank=True)
    staff_only = models.BooleanField(_("staff only"), default=False,
                                     help_text=_("Filled in and seen by the organisers only (e.g. seat, security)."))
    show_at_checkin = models.BooleanField(_("show at check-in"), default=False)
    personal_data = models.BooleanField(_("personal data"), default=False)
    retention_days = models.PositiveIntegerField(
        _("keep for days after the event"), null=True, blank=True,
        help_text=_("Personal data is erased this many days after the event ends. Names stay."),
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("ordering", "position"), default=0)

    class Meta:
        ordering = ["event_id", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.label

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Answer(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(default=str, blank=True)
    purged_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        constraints = [models.UniqueConstraint(fields=["registration", "question"], name="one_answer_per_question")]

    def __str__(self):
        return f"{self.question}: {self.display}"

    @property
    def display(self) -> str:
        if self.purged_at:
            return str(_("(erased)"))
        if isinstance(self.value, list):
            return "、".join(self.value)
        if self.value is True:
            return str(_("Yes"))
        if self.value is False:
            return str(_("No"))
        return str(self.value or "")


class CheckinList(models.Model):
    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="checkin_lists")
    name = models.CharField(_("name"), max_length=100)
    ticket_types = models.ManyToManyField(TicketType, verbose_name=_("ticket types"), blank=True, related_name="+",
                                          help_text=_("Empty: every ticket type."))
    sub_event = models.ForeignKey(SubEvent, verbose_name=_("sub-event"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="checkin_lists",
                                  help_text=_("Only attendees with a place at this sub-event."))
    allow_entry_after_exit = models.BooleanField(_("allow entry again after exit"), default=True)

    class Meta:
        ordering = ["event_id", "id"]
        verbose_name = _("check-in list")
        verbose_name_plural = _("check-in lists")

    def __str__(self):
        return self.name


class Checkin(models.Model):
    class Kind(models.TextChoices):
        ENTRY = "entry", _("Entry")
        EXIT = "exit", _("Exit")

    checkin_list = models.ForeignKey(CheckinList, on_delete=models.PROTECT, related_name="checkins")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="checkins")
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.ENTRY)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    nonce = models.CharField(max_length=64, null=True, blank=True, unique=True)
    typed = models.BooleanField(_("code typed"), default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [models.Index(fields=["checkin_list", "registration", "at"])]

    def __str__(self):
        return f"{self.registration} · {self.checkin_list} · {self.get_kind_display()}"
