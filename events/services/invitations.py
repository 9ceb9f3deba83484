"""Personal invitations for guests of honour: a link or a code that skips approval, used once, optionally only
for one email address. Creating and revoking are audited; the guest is mailed the link."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError
from core.mail import send_after_commit

from .. import permissions
from ..models import Invitation


def invitation_create(*, event, actor, ticket_type, name: str = "", email: str = "", lock_email: bool = False,
                      valid_until=None, send: bool = True) -> Invitation:
    if not permissions.can_manage_event(actor, event):
        raise DomainError(_("You are not allowed to do this."))
    if ticket_type.event_id != event.pk:
        raise DomainError(_("Choose a ticket type of this event."), field="ticket_type")
    email = (email or "").strip().lower()
    if lock_email and not email:
        raise DomainError(_("Give the email the invitation is locked to."), field="email")
    if valid_until is not None and valid_until <= timezone.now():
        raise DomainError(_("The invitation must be valid until a time in the future."), field="valid_until")
    with transaction.atomic():
        invitation = Invitation.objects.create(event=event, ticket_type=ticket_type, name=(name or "").strip(),
                                               email=email, lock_email=lock_email, valid_until=valid_until,
                                               created_by=actor)
        audit_log(actor=actor, action="events.invitation.created", obj=invitation,
                  data={"ticket_type": ticket_type.pk, "email": email, "lock_email": lock_email})
        if send and email:
            send_after_commit(template="events/email/invitation", recipients=[email],
                              context={"invitation": invitation, "event": event,
                                       "path": invitation.get_absolute_url()})
    return invitation


def invitation_revoke(invitation: Invitation, *, actor) -> Invitation:
    if not permissions.can_manage_event(actor, invitation.event):
        raise DomainError(_("You are not allowed to do this."))
    if invitation.used_at:
        raise DomainError(_("This invitation has been used; cancel the registration instead."))
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
        audit_log(actor=actor, action="events.invitation.revoked", obj=invitation)
    invitation.refresh_from_db()
    return invitation


def invitation_for(*, event=None, token: str = "", code: str = "") -> Invitation:
    """The usable invitation a link or typed code stands for; DomainError with the reason otherwise."""
    qs = Invitation.objects.select_related("event", "ticket_type")
    token = (token or "").replace("\x00", "")  # no token holds a NUL, and PostgreSQL cannot compare one
    code = (code or "").replace("\x00", "").strip().upper().replace("-", "").replace(" ", "")
    invitation = qs.filter(token=token).first() if token else qs.filter(code=code).first() if code else None
    if invitation is None or (event is not None and invitation.event_id != event.pk):
        raise DomainError(_("No invitation has this code. Check it against your invitation."),
                          field="invitation_code")
    if invitation.revoked_at:
        raise DomainError(_("This invitation was withdrawn by the organisers."), field="invitation_code")
    if invitation.used_at:
        raise DomainError(_("This invitation has already been used."), field="invitation_code")
    if invitation.valid_until and invitation.valid_until <= timezone.now():
        raise DomainError(_("This invitation expired on %(when)s.")
                          % {"when": timezone.localtime(invitation.valid_until).strftime("%Y-%m-%d %H:%M")},
                          field="invitation_code")
    return invitation
