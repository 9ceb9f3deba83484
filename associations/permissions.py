"""Who may do what with associations and member firms. Plain predicates."""

from core.roles import is_committee_admin, is_committee_staff

from .models import AssociationStaff


def _roles(user) -> dict[int, str]:
    """association id → the user's staff role there, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cache = getattr(user, "_portal_staff_roles", None)
    if cache is None:
        cache = dict(AssociationStaff.objects.filter(user=user).values_list("association_id", "role"))
        user._portal_staff_roles = cache
    return cache


def _staff_role(user, association) -> str | None:
    return None if association is None else _roles(user).get(association.pk)


def staff_association_ids(user) -> set[int]:
    """The associations the user is staff of."""
    return set(_roles(user))


def is_association_staff(user, association) -> bool:
    return _staff_role(user, association) is not None


def can_view_members(user, association) -> bool:
    """Association staff of that association and the committee back office."""
    return is_committee_staff(user) or is_association_staff(user, association)


def can_manage_members(user, association) -> bool:
    """Add or remove member firms, invite firm users, import members."""
    return is_committee_admin(user) or _staff_role(user, association) == AssociationStaff.Role.ADMIN
