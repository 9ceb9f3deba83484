"""Every write about associations, firms, memberships and bindings."""

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError
from core.uscc import validate_uscc

from .models import Association, AssociationStaff, Firm, FirmUser, FirmUserInvitation, Membership
from .permissions import can_manage_members


def _clean_uscc(raw: str) -> str:
    try:
        return validate_uscc(raw)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="uscc") from exc


def firm_upsert(
    *,
    actor,
    name: str,
    uscc: str,
    legal_representative: str = "",
    address: str = "",
    sector: str = "",
) -> tuple[Firm, bool]:
    """Create a firm, or update the one with this code. Returns (firm, created)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("The firm name is empty."), field="name")
    code = _clean_uscc(uscc)
    with transaction.atomic():
        firm = Firm.objects.select_for_update().filter(uscc=code).first()
        created = firm is None
        before = {} if created else {"name": firm.name, "legal_representative": firm.legal_representative,
                                     "address": firm.address}
        if created:
            firm = Firm(uscc=code)
        firm.name = name
        if legal_representative:
            firm.legal_representative = legal_representative.strip()
        if address:
            firm.address = address.strip()
        if sector:
            firm.sector = sector
        firm.save()
        audit_log(
            actor=actor,
            action="associations.firm.created" if created else "associations.firm.updated",
            obj=firm,
            data={"uscc": code, "before": before},
        )
    return firm, created


def membership_add(
    *, actor, association: Association, firm: Firm, level: str = Membership.Level.MEMBER, since: date | None = None
) -> tuple[Membership, bool]:
    """Make the firm a current member (or change its level). Returns (membership, created)."""
    if level not in Membership.Level.values:
        raise DomainError(_("Unknown membership level."), field="level")
    with transaction.atomic():
        current = (
            Membership.objects.current().select_for_update().filter(association=association, firm=firm).first()
        )
        if current is not None:
            if current.level != level:
                old = current.level
                current.level = level
                current.save(update_fields=["level", "updated_at"])
                audit_log(actor=actor, action="associations.membership.level_changed", obj=current,
                          data={"from": old, "to": level})
            return current, False
        membership = Membership.objects.create(
            association=association, firm=firm, level=level, since=since or timezone.localdate()
        )
        audit_log(actor=actor, action="associations.membership.created", obj=membership, data={"level": level})
    return membership, True


def membership_end(*, actor, membership: Membership) -> Membership:
    """Remove a member firm: the membership ends today but stays on record."""
    if not can_manage_members(actor, membership.association):
        raise DomainError(_("You may not manage the members of this association."))
    if membership.ended_on is not None:
        raise DomainError(_("This membership has already ended."))
    with transaction.atomic():
        membership.ended_on = timezone.localdate()
        membership.save(update_fields=["ended_on", "updated_at"])
        audit_log(actor=actor, action="associations.membership.ended", obj=membership)
    return membership


def member_add(
    *, actor, association: Association, name: str, uscc: str, level: str = Membership.Level.MEMBER,
    legal_representative: str = "", address: str = "",
) -> Membership:
    """The association admin's "add member": find or create the firm, then the membership."""
    if not can_manage_members(actor, association):
        raise DomainError(_("You may not manage the members of this association."))
    with transaction.atomic():
        firm, _created = firm_upsert(
            actor=actor, name=name, uscc=uscc, legal_representative=legal_representative, address=address,
            sector=association.sector,
        )
        membership, created = membership_add(actor=actor, association=association, firm=firm, level=level)
    if not created:
        raise DomainError(_("%(firm)s is already a member.") % {"firm": firm.name})
    return membership


def staff_bind(*, actor, user, association: Association, role: str = AssociationStaff.Role.STAFF) -> AssociationStaff:
    with transaction.atomic():
        binding, created = AssociationStaff.objects.get_or_create(
            user=user, association=association, defaults={"role": role}
        )
        if not created and binding.role != role:
            binding.role = role
            binding.save(update_fields=["role", "updated_at"])
        audit_log(actor=actor, action="associations.staff.bound", obj=binding, data={"role": role})
    return binding


def firm_user_bind(*, actor, user, firm: Firm) -> FirmUser:
    with transaction.atomic():
        binding, created = FirmUser.objects.get_or_create(user=user, firm=firm)
        if created:
            audit_log(actor=actor, action="associations.firm_user.bound", obj=binding)
    return binding


def invitation_create(*, actor, association: Association, firm: Firm, email: str, request=None) -> FirmUserInvitation:
    """Invite someone by email to act for a member firm; the mail carries a one-time link."""
    if not can_manage_members(actor, association):
        raise DomainError(_("You may not manage the members of this association."))
    if not Membership.objects.current().filter(association=association, firm=firm).exists():
        raise DomainError(_("%(firm)s is not a current member of your association.") % {"firm": firm.name})
    email = (email or "").strip().lower()
    if "@" not in email:
        raise DomainError(_("Enter a valid email address."), field="email")
    with transaction.atomic():
        invitation = FirmUserInvitation.objects.create(
            email=email, firm=firm, association=association, token=secrets.token_urlsafe(32), invited_by=actor
        )
        audit_log(actor=actor, action="associations.invitation.created", obj=invitation, data={"email": email})
        path = reverse("associations:invitation_accept", args=[invitation.token])
        url = request.build_absolute_uri(path) if request is not None else path
        body = render_to_string(
            "associations/email/invitation.txt", {"invitation": invitation, "url": url, "inviter": actor}
        )
        subject = _("Invitation to act for %(firm)s on the portal") % {"firm": firm.name}
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation


def invitation_accept(*, user, token: str) -> FirmUser:
    """Bind the logged-in user to the firm, if the invitation was sent to one of their verified emails."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        invitation = FirmUserInvitation.objects.select_for_update().filter(token=token).select_related("firm").first()
        if invitation is None:
            raise DomainError(_("This invitation link is not valid."))
        if invitation.accepted_at is not None:
            raise DomainError(_("This invitation has already been used."))
        verified = EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()
        if not verified:
            raise DomainError(
                _("This invitation was sent to %(email)s. Log in with that (verified) address to accept it.")
                % {"email": invitation.email}
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        binding = firm_user_bind(actor=user, user=user, firm=invitation.firm)
        audit_log(actor=user, action="associations.invitation.accepted", obj=invitation)
    return binding
