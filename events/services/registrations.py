"""Registering, editing, cancelling, approving and rejecting. Every change is audited and mailed.

Rules: registration is open between ``opens_at`` and ``closes_at``; the audience decides who may register (anyone
with an account · members of the listed associations · invited guests only); one active registration per email
per event; at most ``limit_per_firm`` active registrations per member firm. A registration takes a place in every
quota of its ticket type (and of the sub-events chosen) under row locks; when a main quota is full it joins the
waiting list (when the event keeps one), when a chosen sub-event is full nothing is saved and the message says so.
Approval is needed when the event or the ticket type says so, except for invited guests.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Firm, Membership
from core.audit import audit_log
from core.errors import DomainError

from .. import permissions
from ..models import Audience, Invitation, Question, Registration, RegistrationSetup, SubEvent, TicketType
from . import capacity
from .questions import applicable, clean_answers
from .tickets import mail_state


def _require(allowed: bool):
    if not allowed:
        raise DomainError(_("You are not allowed to do this."))


def needs_approval(setup: RegistrationSetup, ticket_type: TicketType, invitation: Invitation | None) -> bool:
    if invitation is not None:
        return False
    return setup.approval_required or ticket_type.approval_required


def event_questions(event) -> list[Question]:
    return list(Question.objects.filter(event=event).prefetch_related("ticket_types"))


def _check_audience(setup, *, actor, firm, invitation):
    if invitation is not None:
        return
    if setup.audience == Audience.INVITED:
        raise DomainError(_("This event is by invitation only. Use the link or code in your invitation."),
                          field="invitation_code")
    if setup.audience == Audience.MEMBERS:
        if firm is None:
            raise DomainError(_("This event is for member firms of the associations. Register as a member firm's "
                                "user, or ask your association to register you."))
        associations = list(setup.associations.values_list("pk", flat=True))
        memberships = Membership.objects.current().filter(firm=firm)
        if associations:
            memberships = memberships.filter(association_id__in=associations)
        if not memberships.exists():
            raise DomainError(_("%(firm)s is not a member of the associations this event is for.")
                              % {"firm": firm.name})


def _check_invitation(invitation, *, event, ticket_type, email):
    if invitation is None:
        if ticket_type.invitation_only:
            raise DomainError(_("The ticket type “%(type)s” is by invitation only.") % {"type": ticket_type.name},
                              field="ticket_type")
        return
    if invitation.event_id != event.pk or not invitation.usable():
        raise DomainError(_("This invitation is no longer valid (used, revoked or expired)."),
                          field="invitation_code")
    if invitation.ticket_type_id != ticket_type.pk:
        raise DomainError(_("This invitation is for the ticket type “%(type)s”.")
                          % {"type": invitation.ticket_type.name}, field="ticket_type")
    if invitation.lock_email and invitation.email.lower() != email:
        raise DomainError(_("This invitation is for %(email)s only.") % {"email": invitation.email},
                          field="email")


def _check_limits(setup, *, event, email, firm, excluding=None):
    active = Registration.objects.active().filter(event=event)
    if excluding is not None:
        active = active.exclude(pk=excluding.pk)
    if active.filter(email__iexact=email).exists():
        raise DomainError(_("%(email)s is already registered for this event. See “My events” to view or cancel "
                            "the registration.") % {"email": email}, field="email")
    if firm is not None and setup.limit_per_firm is not None:
        if active.filter(firm=firm).count() >= setup.limit_per_firm:
            raise DomainError(_("%(firm)s already has %(n)d registrations, the most this event allows per firm.")
                              % {"firm": firm.name, "n": setup.limit_per_firm})


def _save_answers(registration, questions, cleaned):
    registration.answers.filter(question_id__in=[q.pk for q in questions]).exclude(
        question_id__in=list(cleaned)).delete()
    for question_id, value in cleaned.items():
        registration.answers.update_or_create(question_id=question_id, defaults={"value": value})


def register(*, event, actor, ticket_type: TicketType, name: str, email: str, company: str = "",
             firm: Firm | None = None, answers: dict | None = None, sub_events=(), invitation: Invitation | None = None,
             for_colleague: bool = False) -> Registration:
    """Register one attendee. ``for_colleague``: association staff register someone of a member firm."""
    if not getattr(actor, "is_authenticated", False):
        raise DomainError(_("Sign in to register."))
    setup = RegistrationSetup.objects.filter(event=event).first()
    if setup is None or not event.live:
        raise DomainError(_("This event does not take registrations online."))
    now = timezone.now()
    if now < setup.opens_at:
        raise DomainError(_("Registration opens on %(when)s.")
                          % {"when": timezone.localtime(setup.opens_at).strftime("%Y-%m-%d %H:%M")})
    if now >= setup.closes_at:
        raise DomainError(_("Registration closed on %(when)s.")
                          % {"when": timezone.localtime(setup.closes_at).strftime("%Y-%m-%d %H:%M")})
    if ticket_type.event_id != event.pk:
        raise DomainError(_("Choose a ticket type of this event."), field="ticket_type")
    name, email, company = (name or "").strip(), (email or "").strip().lower(), (company or "").strip()
    if not name:
        raise DomainError(_("Enter the attendee's name."), field="name")
    if not email:
        raise DomainError(_("Enter the attendee's email."), field="email")
    if for_colleague:
        _require(firm is not None and permissions.can_register_for_firm(actor, firm))
    elif firm is not None:
        _require(firm.pk in permissions.member_firm_ids(actor))
    if firm is not None and not company:
        company = firm.name
    _check_invitation(invitation, event=event, ticket_type=ticket_type, email=email)
    _check_audience(setup, actor=actor, firm=firm, invitation=invitation)
    sub_events = list(SubEvent.objects.filter(event=event, pk__in=[getattr(s, "pk", s) for s in sub_events]))
    questions = applicable(event_questions(event), ticket_type.pk)
    cleaned = clean_answers(questions, answers or {})
    from .waiting import expire_offers

    expire_offers(event=event, actor=actor)
    try:
        with transaction.atomic():
            registration = _take_place(event, setup, ticket_type=ticket_type, sub_events=sub_events, actor=actor,
                                       invitation=invitation, values={
                                           "name": name, "email": email, "company": company, "firm": firm,
                                           "user": None if for_colleague else actor, "registered_by": actor})
            _save_answers(registration, questions, cleaned)
    except IntegrityError as exc:  # the same email raced in: the unique constraint decides
        raise DomainError(_("%(email)s is already registered for this event.") % {"email": email},
                          field="email") from exc
    return registration


def _take_place(event, setup, *, ticket_type, sub_events, actor, invitation, values) -> Registration:
    sub_ids = [s.pk for s in sub_events]
    # One registration of an event at a time (the setup row), then the quotas: the per-firm limit, the email and
    # the invitation are checked and taken under the lock, whether or not a quota covers the ticket type.
    RegistrationSetup.objects.select_for_update().filter(pk=setup.pk).first()
    quotas = capacity.lock(capacity.quotas_binding(event, ticket_type.pk, sub_ids))
    # Checked again under the locks: the limits (a concurrent registration of the same firm) and the places.
    _check_limits(setup, event=event, email=values["email"], firm=values["firm"])
    full = capacity.full(quotas)
    full_subs = [q for q in full if q.sub_event_id]
    if full_subs and len(full_subs) == len(full):
        names = "、".join(str(q.sub_event) for q in full_subs)
        raise DomainError(_("No places are left for %(names)s. Untick it and register again.") % {"names": names},
                          field="sub_events")
    if full and not setup.waiting_list:
        raise DomainError(_("This event is full and keeps no waiting list."))
    now = timezone.now()
    if full:
        state = Registration.State.WAITING
    elif needs_approval(setup, ticket_type, invitation):
        state = Registration.State.PENDING
    else:
        state = Registration.State.CONFIRMED
    registration = Registration.objects.create(
        event=event, ticket_type=ticket_type, state=state, invitation=invitation,
        confirmed_at=now if state == Registration.State.CONFIRMED else None, **values)
    registration.sub_events.set(sub_events)
    if invitation is not None:
        claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True).update(
            used_at=now)
        if not claimed:
            raise DomainError(_("This invitation has already been used."), field="invitation_code")
    audit_log(actor=actor, action="events.registration.created", obj=registration,
              data={"state": state, "ticket_type": ticket_type.pk, "sub_events": sub_ids,
                    "invitation": invitation.pk if invitation else None,
                    "full_quotas": [q.pk for q in full]})
    mail_state(registration)
    return registration


def edit(registration: Registration, *, actor, name: str, company: str, answers: dict) -> Registration:
    """Change the attendee's details and answers. A confirmed registration that needs approval goes back to
    待审核 (staff editing does not reset it)."""
    event = registration.event
    staff = permissions.can_manage_event(actor, event)
    _require(staff or permissions.can_view_registration(actor, registration))
    if registration.state not in Registration.ACTIVE:
        raise DomainError(_("A cancelled or rejected registration cannot be changed."))
    if not staff and event.starts_at <= timezone.now():
        raise DomainError(_("The event has started; registrations can no longer be changed."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Enter the attendee's name."), field="name")
    questions = applicable(event_questions(event), registration.ticket_type_id, staff=staff)
    if not staff:
        questions = [q for q in questions if not q.staff_only]
    cleaned = clean_answers(questions, answers or {})
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.name, registration.company = name, (company or "").strip()
        reset = (not staff and registration.state == Registration.State.CONFIRMED
                 and needs_approval(event.setup, registration.ticket_type, registration.invitation))
        if reset:
            registration.state, registration.confirmed_at = Registration.State.PENDING, None
        registration.save()
        _save_answers(registration, questions, cleaned)
        audit_log(actor=actor, action="events.registration.edited", obj=registration,
                  data={"back_to_pending": reset, "questions": sorted(cleaned)})
        if reset:
            mail_state(registration)
    return registration


def _transition(registration, *, actor, to: str, allowed_from, action: str, data=None, **fields) -> Registration:
    from .waiting import offer_next

    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("event", "ticket_type").get(
            pk=registration.pk)
        if registration.state not in allowed_from:
            raise DomainError(_("This registration is now “%(state)s”; refresh the page.")
                              % {"state": registration.get_state_display()})
        was = registration.state
        registration.state = to
        for key, value in fields.items():
            setattr(registration, key, value)
        registration.save()
        audit_log(actor=actor, action=action, obj=registration, data={"from": was, **(data or {})})
        mail_state(registration)
        if to in (Registration.State.CANCELLED, Registration.State.REJECTED):
            offer_next(registration.event, actor=actor)
    return registration


def cancel(registration: Registration, *, actor, reason: str = "") -> Registration:
    _require(permissions.can_view_registration(actor, registration))
    return _transition(registration, actor=actor, to=Registration.State.CANCELLED, allowed_from=Registration.ACTIVE,
                       action="events.registration.cancelled", data={"reason": reason},
                       cancel_reason=(reason or "")[:200], offer_expires_at=None)


def approve(registration: Registration, *, actor) -> Registration:
    _require(permissions.can_manage_event(actor, registration.event))
    return _transition(registration, actor=actor, to=Registration.State.CONFIRMED,
                       allowed_from=(Registration.State.PENDING,), action="events.registration.approved",
                       confirmed_at=timezone.now())


def reject(registration: Registration, *, actor, reason: str) -> Registration:
    _require(permissions.can_manage_event(actor, registration.event))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the rejection; the applicant is told."), field="reason")
    return _transition(registration, actor=actor, to=Registration.State.REJECTED,
                       allowed_from=(Registration.State.PENDING, Registration.State.WAITING),
                       action="events.registration.rejected", data={"reason": reason},
                       rejection_reason=reason, offer_expires_at=None)


def set_priority(registration: Registration, *, actor, priority: int) -> Registration:
    """Move a waiting-list entry up (higher first) or down."""
    _require(permissions.can_manage_event(actor, registration.event))
    if registration.state != Registration.State.WAITING:
        raise DomainError(_("Only waiting-list entries have a priority."))
    if not -100 <= int(priority) <= 100:
        raise DomainError(_("The priority is a whole number from -100 to 100."), field="priority")
    with transaction.atomic():
        was = registration.priority
        Registration.objects.filter(pk=registration.pk).update(priority=int(priority))
        registration.priority = int(priority)
        audit_log(actor=actor, action="events.registration.priority", obj=registration,
                  data={"from": was, "to": int(priority)})
    return registration
