"""Reads for the attendee's workspace (/me/events/): a user's registrations, one registration with its answers,
and, for association staff, the events open for registration and the member firms they register colleagues of."""

from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone

from associations.models import AssociationStaff, Firm, Membership

from .models import Answer, EventPage, Registration

PAGE_SIZE = 20


def registrations_page(user, page_number) -> dict:
    """The user's registrations (own and made for colleagues), newest event first, one page, split into
    upcoming and past. Two queries whatever the number of registrations (count + page)."""
    registrations = (Registration.objects.for_user(user).select_related("event", "ticket_type")
                     .order_by("-event__starts_at", "-created_at", "-id"))
    page = Paginator(registrations, PAGE_SIZE).get_page(page_number)
    now = timezone.now()
    upcoming, past = [], []
    for registration in page:
        event = registration.event
        row = {
            "registration": registration,
            "event": event,
            "can_cancel": registration.state in Registration.ACTIVE and event.starts_at > now,
            "for_colleague": registration.user_id != user.pk,
        }
        (past if event.ends_at < now else upcoming).append(row)
    return {"page": page, "upcoming": upcoming, "past": past}


def own_registration(user, pk) -> Registration:
    """A registration the user made or attends; 404 otherwise (organisers use the console)."""
    return get_object_or_404(
        Registration.objects.for_user(user).select_related("event", "event__setup", "ticket_type", "invitation",
                                                           "firm"),
        pk=pk)


def with_answers(registration) -> Registration:
    """Load the answers with their questions once (for ``forms.initial_answers`` and ``visible_answers``)."""
    prefetch_related_objects([registration], Prefetch("answers", queryset=Answer.objects.select_related("question")))
    return registration


def visible_answers(registration) -> list[Answer]:
    """The attendee's answers (prefetched by ``with_answers``), without the organisers' staff-only questions."""
    return [a for a in registration.answers.all() if not a.question.staff_only]


def staff_association_ids(user) -> list[int]:
    return list(AssociationStaff.objects.filter(user=user).values_list("association_id", flat=True))


def colleague_firms(association_ids):
    """The current member firms of these associations."""
    firm_ids = Membership.objects.current().filter(association_id__in=association_ids).values("firm_id")
    return Firm.objects.filter(pk__in=firm_ids)


def open_events():
    """Upcoming live events whose registration is open now."""
    now = timezone.now()
    return (EventPage.objects.live().filter(starts_at__gt=now, setup__opens_at__lte=now, setup__closes_at__gt=now)
            .select_related("setup", "organiser").order_by("starts_at", "id"))


def open_event_or_404(event_id) -> EventPage:
    return get_object_or_404(open_events(), pk=event_id)
