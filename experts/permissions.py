"""Who may see and do what in the expert pool. Plain predicates for views, services and templates.

- The public sees active experts' public fields (never phone or email) and published draws.
- Committee staff manage experts, applications and draws, and see draw results before publication.
- An expert with an account edits their own profile (title and employer changes go to review).
"""

from core.roles import is_committee_admin, is_committee_staff


def can_manage(user) -> bool:
    return is_committee_staff(user)


def can_decide(user) -> bool:
    return is_committee_admin(user)


def can_view_draw_results(user, draw) -> bool:
    """Confidential until published: only committee staff (the draw's staff) before that."""
    return draw.state == draw.State.PUBLISHED or is_committee_staff(user)


def can_view_contact(user) -> bool:
    return is_committee_staff(user)
