"""Reads of the organisers' console (/me/events/manage/): the events a user manages with their counts, an event's
overview (quotas, ticket types, setup objects), the filtered registration list and one registration's details.

Every function runs a fixed number of queries whatever the number of registrations."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from core.admin_views import audit_trail

from .models import CheckinList, EventPage, Invitation, Question, Registration, SubEvent, TicketType
from .permissions import can_manage_event, managed_events_filter
from .services import capacity

PER_PAGE = 50
STATES = [value for value, _label in Registration.State.choices]


def managed_event(user, event_id) -> EventPage:
    """The event if this user may manage it, else 404."""
    event = EventPage.objects.filter(pk=event_id).select_related("organiser").first()
    if event is None or not can_manage_event(user, event):
        raise Http404
    return event


def _state_counts(rows, key) -> dict:
    counts: dict = {}
    for row in rows:
        counts.setdefault(row[key], dict.fromkeys(STATES, 0))[row["state"]] = row["n"]
    return counts


def managed_events(user, page_number=None):
    """A page of the events this user manages (newest first), each with ``.counts`` {state: n}."""
    events = (EventPage.objects.filter(managed_events_filter(user)).select_related("organiser")
              .order_by("-starts_at", "-pk"))
    page = Paginator(events, PER_PAGE).get_page(page_number)
    page.object_list = list(page.object_list)
    ids = [event.pk for event in page.object_list]
    rows = Registration.objects.filter(event_id__in=ids).values("event_id", "state").annotate(n=Count("id"))
    counts = _state_counts(rows, "event_id")
    for event in page.object_list:
        event.counts = counts.get(event.pk, dict.fromkeys(STATES, 0))
        event.active_count = sum(event.counts[s] for s in Registration.ACTIVE)
    return page


def event_overview(event) -> dict:
    """Setup, quota usage (which quota binds each ticket type), per-ticket-type counts and the setup objects."""
    setup = getattr(event, "setup", None) if _has_setup(event) else None
    usages = capacity.usage(event)
    ticket_types = list(TicketType.objects.filter(event=event))
    rows = (Registration.objects.filter(event=event).values("ticket_type_id", "state")
            .annotate(n=Count("id")))
    counts = _state_counts(rows, "ticket_type_id")
    main = [u for u in usages if u.quota.sub_event_id is None]
    binding_ids = set()
    for tt in ticket_types:
        tt.counts = counts.get(tt.pk, dict.fromkeys(STATES, 0))
        covering = [u for u in main if capacity._covers(u.quota, tt.pk)]
        tt.binding = min(covering, key=lambda u: (u.left, u.quota.pk)) if covering else None
        tt.places_left = tt.binding.left if tt.binding else None
        if tt.binding:
            binding_ids.add(tt.binding.quota.pk)
    for usage in usages:
        usage.binds = usage.quota.pk in binding_ids or usage.quota.sub_event_id is not None
        usage.quota_types = [t.name for t in usage.quota.ticket_types.all()]
    totals = dict.fromkeys(STATES, 0)
    for per_type in counts.values():
        for state, n in per_type.items():
            totals[state] += n
    return {
        "setup": setup,
        "usages": usages,
        "ticket_types": ticket_types,
        "totals": totals,
        "sub_events": list(SubEvent.objects.filter(event=event)),
        "questions": list(Question.objects.filter(event=event)),
        "checkin_lists": list(CheckinList.objects.filter(event=event).select_related("sub_event")),
    }


def _has_setup(event) -> bool:
    try:
        event.setup  # noqa: B018 - one query, cached on the event
    except EventPage.setup.RelatedObjectDoesNotExist:
        return False
    return True


def registration_list(event, *, state="", ticket_type_id=None, query="", page_number=None) -> dict:
    """A page of the event's registrations with the filters applied, and the counts per state (the tabs)."""
    base = Registration.objects.filter(event=event)
    if ticket_type_id:
        base = base.filter(ticket_type_id=ticket_type_id)
    query = (query or "").strip()
    if query:
        base = base.filter(Q(name__icontains=query) | Q(email__icontains=query) | Q(company__icontains=query)
                           | Q(code__iexact=query.upper()))
    tab_rows = base.values("state").annotate(n=Count("id"))
    tabs = dict.fromkeys(STATES, 0)
    for row in tab_rows:
        tabs[row["state"]] = row["n"]
    shown = base.filter(state=state) if state in STATES else base
    if state == Registration.State.WAITING:
        shown = shown.order_by("-priority", "created_at", "id")
    else:
        shown = shown.order_by("-created_at", "-id")
    page = Paginator(shown.select_related("ticket_type", "firm"), PER_PAGE).get_page(page_number)
    return {"page": page, "tabs": tabs, "total": sum(tabs.values())}


def registration_detail(registration) -> dict:
    """All answers (staff-only ones too), the sub-events and the state history from the audit log."""
    answers = list(registration.answers.select_related("question").order_by("question__position", "question_id"))
    return {
        "answers": answers,
        "sub_events": list(registration.sub_events.all()),
        "history": audit_trail(registration),
    }


def invitation_list(event, page_number=None):
    invitations = (Invitation.objects.filter(event=event).select_related("ticket_type")
                   .annotate(n_registrations=Count("registrations")).order_by("-created_at", "-id"))
    page = Paginator(invitations, PER_PAGE).get_page(page_number)
    page.object_list = list(page.object_list)
    now = timezone.now()
    for invitation in page.object_list:
        if invitation.revoked_at:
            invitation.status = "revoked"
        elif invitation.used_at:
            invitation.status = "used"
        elif invitation.valid_until and invitation.valid_until <= now:
            invitation.status = "expired"
        else:
            invitation.status = "open"
    return page
