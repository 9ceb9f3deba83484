"""The waiting list (候补). When a place frees up, the next entry — highest priority first, then the earliest — gets
an offer valid for ``offer_hours`` (48 by default). Accepting confirms the registration (or sends it to approval
when the event needs approval); an offer that lapses cancels the entry and the place is offered to the next one.
An open offer holds its place, so nobody else can take it meanwhile. Everything is audited and mailed."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError

from .. import permissions
from ..models import EventPage, Registration
from . import capacity
from .tickets import mail_state


def offer_next(event: EventPage, *, actor="system") -> list[Registration]:
    """Offer every free place to the waiting list, in order. Returns the entries offered a place."""
    setup = getattr(event, "setup", None)
    if setup is None:
        return []
    offered = []
    with transaction.atomic():
        quotas = {q.pk: q for q in capacity.lock(event.quotas.values_list("pk", flat=True))}
        now = timezone.now()
        queue = (Registration.objects.select_for_update().select_related("event", "ticket_type")
                 .filter(event=event, state=Registration.State.WAITING)
                 .filter(offer_expires_at__isnull=True).order_by("-priority", "created_at", "id"))
        for entry in queue:
            ids = capacity.quotas_binding(event, entry.ticket_type_id)
            if capacity.full([quotas[i] for i in ids if i in quotas]):
                continue
            entry.offered_at, entry.offer_expires_at = now, now + timedelta(hours=setup.offer_hours)
            entry.save(update_fields=["offered_at", "offer_expires_at", "updated_at"])
            audit_log(actor=actor, action="events.waiting_list.offered", obj=entry,
                      data={"valid_until": entry.offer_expires_at.isoformat(), "priority": entry.priority})
            mail_state(entry, template="events/email/offer")
            offered.append(entry)
    return offered


def accept_offer(registration: Registration, *, actor) -> Registration:
    if not permissions.can_view_registration(actor, registration):
        raise DomainError(_("You are not allowed to do this."))
    from .registrations import needs_approval

    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("event", "ticket_type").get(
            pk=registration.pk)
        if not registration.has_open_offer:
            raise DomainError(_("This offer is no longer open: it lapsed or was already answered."))
        setup = registration.event.setup
        pending = needs_approval(setup, registration.ticket_type, registration.invitation)
        registration.state = Registration.State.PENDING if pending else Registration.State.CONFIRMED
        registration.confirmed_at = None if pending else timezone.now()
        registration.offer_expires_at = None
        # Sub-events chosen while waiting: keep those with a place, drop the full ones (said in the log and mail).
        dropped = []
        for sub in list(registration.sub_events.all()):
            ids = [q.pk for q in sub.quotas.all()]
            if capacity.full(capacity.lock(ids), excluding=registration):
                registration.sub_events.remove(sub)
                dropped.append(sub.name)
        registration.save()
        audit_log(actor=actor, action="events.waiting_list.accepted", obj=registration,
                  data={"state": registration.state, "dropped_sub_events": dropped})
        mail_state(registration)
    return registration


def expire_offers(*, now=None, actor="system", event=None) -> int:
    """Cancel the entries whose offer lapsed and offer their places to the next ones (of one event, or all).
    Idempotent. Run by ``expire_event_offers`` and before every registration, so a lapsed offer never lets a
    newcomer pass the waiting list."""
    now = now or timezone.now()
    lapsed = Registration.objects.select_related("event").filter(state=Registration.State.WAITING,
                                                                 offer_expires_at__lte=now)
    if event is not None:
        lapsed = lapsed.filter(event=event)
    lapsed = list(lapsed)
    events, count = {}, 0
    for entry in lapsed:
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=entry.pk, state=Registration.State.WAITING,
                                                  offer_expires_at__lte=now).update(
                state=Registration.State.CANCELLED, cancel_reason=_("The waiting-list offer lapsed.")[:200],
                updated_at=now)
            if claimed:
                count += 1
                entry.state = Registration.State.CANCELLED
                audit_log(actor=actor, action="events.waiting_list.lapsed", obj=entry,
                          data={"offer_expired_at": entry.offer_expires_at.isoformat()})
                mail_state(entry, template="events/email/offer_lapsed")
                events[entry.event_id] = entry.event
    for event in events.values():
        offer_next(event, actor=actor)
    return count
