"""Who may see and do what with events. Plain predicates for views, services and templates.

- Anyone reads live event pages; registering needs an account (and, for members-only events, a member firm).
- The organisers manage an event's registration: committee staff for every event, the staff of the organising
  association for its own events. They approve, reject, check in and export.
- Association staff register colleagues of their member firms.
- An attendee sees and cancels their own registrations (and those they made for colleagues).
"""

from django.db.models import Q

from associations.models import FirmUser, Membership
from associations.permissions import staff_association_ids
from core.roles import is_committee_staff


def can_manage_event(user, event) -> bool:
    if is_committee_staff(user):
        return True
    return event.organiser_id is not None and event.organiser_id in staff_association_ids(user)


def can_manage_any(user) -> bool:
    return is_committee_staff(user) or bool(staff_association_ids(user))


def managed_events_filter(user) -> Q:
    """A filter on EventPage for the events this user organises."""
    if is_committee_staff(user):
        return Q()
    return Q(organiser_id__in=staff_association_ids(user))


def can_register_for_firm(user, firm) -> bool:
    """Association staff register colleagues of their association's current member firms."""
    ids = staff_association_ids(user)
    return bool(ids) and Membership.objects.current().filter(firm=firm, association_id__in=ids).exists()


def member_firm_ids(user) -> set[int]:
    """The member firms a user acts for (as a firm user)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(FirmUser.objects.filter(user=user).values_list("firm_id", flat=True))


def can_view_registration(user, registration) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk in (registration.user_id, registration.registered_by_id):
        return True
    return can_manage_event(user, registration.event)
