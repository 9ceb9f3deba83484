"""Reads for the public event pages: the event list with each event's registration status, and an event's page.

Both read in a fixed number of queries: the list counts the places taken on the events of one page in one grouped
query, the event page uses ``capacity.usage`` (fixed queries whatever the number of registrations).
"""

from dataclasses import dataclass
from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from core.params import parse_positive_int

from .models import Audience, EventPage, EventType, Quota, Registration, SubEvent, TicketType
from .services import capacity

PAGE_SIZE = 20


class Status:
    NONE = "none"  # no online registration
    NOT_YET = "not_yet"
    OPEN = "open"
    FULL = "full"  # open, no place left: the waiting list (when kept) takes new registrations
    CLOSED = "closed"
    PAST = "past"


@dataclass
class RegistrationStatus:
    code: str
    places_left: int | None = None  # None: not limited
    waiting_list: bool = False
    audience: str = Audience.PUBLIC
    opens_at: object = None
    closes_at: object = None

    @property
    def is_open(self) -> bool:
        return self.code in (Status.OPEN, Status.FULL)

    @property
    def label(self) -> str:
        return {
            Status.NONE: _("No online registration"),
            Status.NOT_YET: _("Registration not yet open"),
            Status.OPEN: _("Registration open"),
            Status.FULL: _("Full · waiting list") if self.waiting_list else _("Full"),
            Status.CLOSED: _("Registration closed"),
            Status.PAST: _("Ended"),
        }[self.code]


def _status(event, setup, places_left, now) -> RegistrationStatus:
    if event.ends_at < now:
        return RegistrationStatus(Status.PAST)
    if setup is None:
        return RegistrationStatus(Status.NONE)
    common = {"places_left": places_left, "waiting_list": setup.waiting_list, "audience": setup.audience,
              "opens_at": setup.opens_at, "closes_at": setup.closes_at}
    if now < setup.opens_at:
        return RegistrationStatus(Status.NOT_YET, **common)
    if now >= setup.closes_at:
        return RegistrationStatus(Status.CLOSED, **common)
    if places_left == 0:
        return RegistrationStatus(Status.FULL, **common)
    return RegistrationStatus(Status.OPEN, **common)


def _setup_of(event):
    try:
        return event.setup
    except EventPage.setup.RelatedObjectDoesNotExist:
        return None


# --- the list ----------------------------------------------------------------------------------------------------


def _places_left_by_event(events) -> dict[int, int | None]:
    """Places left per event (for the best-placed public ticket type; None = not limited). Four queries."""
    ids = [e.pk for e in events]
    if not ids:
        return {}
    quotas = list(Quota.objects.filter(event_id__in=ids, sub_event__isnull=True).prefetch_related("ticket_types"))
    types = list(TicketType.objects.filter(event_id__in=ids, invitation_only=False).values_list("event_id", "pk"))
    taken: dict[tuple[int, int], int] = {}
    for row in (Registration.objects.holding().filter(event_id__in=ids).values("event_id", "ticket_type_id")
                .annotate(n=Count("id"))):
        taken[(row["event_id"], row["ticket_type_id"])] = row["n"]
    left: dict[int, int] = {}
    covers: dict[int, set[int]] = {}
    for quota in quotas:
        covered = {tt.pk for tt in quota.ticket_types.all()}
        covers[quota.pk] = covered
        used = sum(n for (event_id, tt), n in taken.items()
                   if event_id == quota.event_id and (not covered or tt in covered))
        left[quota.pk] = max(quota.size - used, 0)
    result: dict[int, int | None] = {}
    for event_id in ids:
        best = None
        limited = True
        for ev, tt in types:
            if ev != event_id:
                continue
            lefts = [left[q.pk] for q in quotas if q.event_id == event_id and (not covers[q.pk] or tt in covers[q.pk])]
            if not lefts:
                limited = False
                break
            best = max(best or 0, min(lefts))
        result[event_id] = best if limited else None
    return result


def event_index_context(*, index, params) -> dict:
    now = timezone.now()
    when = params.get("when") if params.get("when") in ("upcoming", "past") else "upcoming"
    events = EventPage.objects.live().public().descendant_of(index).select_related("organiser", "setup")
    if when == "past":
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "pk")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    event_type = params.get("type") or ""
    if event_type in EventType.values:
        events = events.filter(event_type=event_type)
    else:
        event_type = ""
    organiser = params.get("organiser") or ""
    if organiser == "committee":
        events = events.filter(organiser__isnull=True)
    elif parse_positive_int(organiser) is not None:
        events = events.filter(organiser_id=parse_positive_int(organiser))
    else:
        organiser = ""
    page = Paginator(events, PAGE_SIZE).get_page(params.get("page"))
    rows = list(page.object_list)
    left = _places_left_by_event(rows)
    cards = [{"event": e, "status": _status(e, _setup_of(e), left.get(e.pk), now)} for e in rows]
    organisers = Association.objects.filter(events__live=True).distinct().order_by("name").only("pk", "name")
    return {
        "cards": cards, "events_page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "when": when, "event_type": event_type, "organiser": organiser,
        "event_types": EventType.choices, "organisers": organisers,
        "filtered": bool(event_type or organiser or when == "past"),
    }


# --- one event ---------------------------------------------------------------------------------------------------


def agenda_days(event) -> list[dict]:
    """The agenda's sessions grouped by day (sessions without a day belong to the day the event starts)."""
    first = timezone.localtime(event.starts_at).date()
    sessions = [block.value for block in event.agenda if block.block_type == "session"]
    sessions.sort(key=lambda s: (s.get("day") or first, s.get("start")))
    return [{"day": day, "sessions": list(items)}
            for day, items in groupby(sessions, key=lambda s: s.get("day") or first)]


def closed_reason(status: RegistrationStatus) -> str:
    """Why registration is not possible now (empty when it is)."""
    when = {"opens": status.opens_at and timezone.localtime(status.opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes": status.closes_at and timezone.localtime(status.closes_at).strftime("%Y-%m-%d %H:%M")}
    if status.code == Status.NONE:
        return _("This event does not take registrations online.")
    if status.code == Status.PAST:
        return _("This event has ended.")
    if status.code == Status.NOT_YET:
        return _("Registration opens on %(when)s.") % {"when": when["opens"]}
    if status.code == Status.CLOSED:
        return _("Registration closed on %(when)s.") % {"when": when["closes"]}
    if status.code == Status.FULL and not status.waiting_list:
        return _("This event is full and keeps no waiting list.")
    return ""


def audience_note(status: RegistrationStatus) -> str:
    if status.audience == Audience.INVITED:
        return _("By invitation only: use the link or the code in your invitation.")
    if status.audience == Audience.MEMBERS:
        return _("For member firms of the associations: register as a user of your member firm.")
    return ""


def user_registration(event, user):
    if not getattr(user, "is_authenticated", False):
        return None
    return (Registration.objects.active().for_user(user).filter(event=event).select_related("ticket_type")
            .order_by("-created_at").first())


def event_detail_context(event, *, user) -> dict:
    now = timezone.now()
    setup = _setup_of(event)
    usages = capacity.usage(event) if setup is not None else []
    ticket_types = list(TicketType.objects.filter(event=event))
    public_types = []
    for tt in ticket_types:
        tt.places_left = capacity.places_left(event, tt.pk, usages)
        if not tt.invitation_only:
            public_types.append(tt)
    lefts = [tt.places_left for tt in public_types]
    places_left = None if (not lefts or None in lefts) else max(lefts)
    sub_events = list(SubEvent.objects.filter(event=event))
    for sub in sub_events:
        sub_lefts = [u.left for u in usages if u.quota.sub_event_id == sub.pk]
        sub.places_left = min(sub_lefts) if sub_lefts else None
    status = _status(event, setup, places_left, now)
    return {
        "setup": setup, "status": status, "closed_reason": closed_reason(status),
        "audience_note": audience_note(status) if status.is_open else "",
        "ticket_types": ticket_types, "sub_events": sub_events,
        "speakers": list(event.speakers.all()),
        "documents": list(event.documents.select_related("document")),
        "agenda_days": agenda_days(event),
        "my_registration": user_registration(event, user),
        "register_url": reverse("events:register", args=[event.pk]),
        "ics_url": reverse("events:event_ics", args=[event.pk]),
        "section": "events",
    }
