"""Who may see and do what in award campaigns. Plain predicates for views, services and templates.

- Anyone reads public campaigns (not drafts): rules, approval, categories, the 公示 list and the final results.
- Organisers manage a campaign: committee staff for every campaign, the staff of the organising association for
  its own. Only committee staff draw judges from the expert pool (the committee keeps the pool).
- A member firm's users (and the staff of its associations, on its behalf) enter and withdraw its entries.
- A judge is an expert of the campaign's panel with a user account; a judge sees only the entries of open rounds
  they are not conflicted with, and other judges' scores of an entry only after scoring it.
"""

from associations.models import FirmUser, Membership
from associations.permissions import staff_association_ids
from core.roles import is_committee_staff


def can_manage_campaign(user, campaign) -> bool:
    if is_committee_staff(user):
        return True
    return campaign.organiser_id is not None and campaign.organiser_id in staff_association_ids(user)


def can_manage_any(user) -> bool:
    return is_committee_staff(user) or bool(staff_association_ids(user))


def managed_filter(user):
    from django.db.models import Q

    if is_committee_staff(user):
        return Q()
    return Q(organiser_id__in=staff_association_ids(user))


def can_draw_panel(user) -> bool:
    return is_committee_staff(user)


def can_act_for_firm(user, firm) -> bool:
    """The firm's own users, or staff of an association the firm is a current member of."""
    if not getattr(user, "is_authenticated", False):
        return False
    if FirmUser.objects.filter(user=user, firm=firm).exists():
        return True
    ids = staff_association_ids(user)
    return bool(ids) and Membership.objects.current().filter(firm=firm, association_id__in=ids).exists()


def judge_for(user, campaign):
    """The user's Judge record on this campaign's panel, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    from .models import Judge

    return Judge.objects.filter(campaign=campaign, expert__user=user).select_related("expert").first()
