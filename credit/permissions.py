"""Who may see and do what with credit records. Plain predicates for views, services and templates.

- The public sees published facts only (firm level, no evidence files, no personal names).
- Firm users see their own firm's records, explanations, objections and repairs (other firms: 404).
- Association staff see their current members' ratings and submit association-sourced records.
- Committee staff (editors and administrators) record events, run rounds and see evidence files;
  committee administrators publish and finalise rounds, decide objections and repairs and change the lists.
"""

from associations.models import Association, Firm, FirmUser, Membership
from associations.permissions import is_association_staff
from core.roles import is_committee_admin, is_committee_staff


def can_manage(user) -> bool:
    return is_committee_staff(user)


def can_decide(user) -> bool:
    return is_committee_admin(user)


def can_view_evidence(user) -> bool:
    return is_committee_staff(user)


def firm_ids_for(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_credit_firm_ids", None)
    if cached is None:
        cached = set(FirmUser.objects.filter(user=user).values_list("firm_id", flat=True))
        user._credit_firm_ids = cached
    return cached


def acts_for_firm(user, firm: Firm) -> bool:
    """A firm user bound to `firm` (objections, repairs, the firm's credit workspace)."""
    return firm is not None and firm.pk in firm_ids_for(user)


def can_view_firm_records(user, firm: Firm) -> bool:
    return acts_for_firm(user, firm) or is_committee_staff(user)


def is_current_member(firm: Firm, association: Association) -> bool:
    return Membership.objects.current().filter(firm=firm, association=association).exists()


def can_view_member_ratings(user, association: Association) -> bool:
    return is_committee_staff(user) or is_association_staff(user, association)


def can_submit_for(user, association: Association, firm: Firm) -> bool:
    """Association staff submit records about their current member firms (approved by the committee)."""
    return is_association_staff(user, association) and is_current_member(firm, association)
