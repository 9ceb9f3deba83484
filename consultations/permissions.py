"""Who may see and do what in consultations. Plain predicates used by views, services and templates.

Objects a user may not see are 404 (views call :func:`can_view`), never 403.
"""

from dataclasses import dataclass

from associations.models import Association, Firm
from associations.permissions import is_association_staff
from associations.selectors import firm_bindings_for, staff_bindings_for
from core.roles import is_committee_admin, is_committee_staff

from .models import Audience, Comment, Consultation, Kind, Status, Visibility


@dataclass(frozen=True)
class Speaker:
    """An identity a user may comment as: an association, a member firm or the person themself."""

    kind: str  # Comment.AuthorKind value
    association: Association | None = None
    firm: Firm | None = None

    @property
    def value(self) -> str:
        if self.kind == Comment.AuthorKind.ASSOCIATION:
            return f"association:{self.association.pk}"
        if self.kind == Comment.AuthorKind.FIRM:
            return f"firm:{self.firm.pk}"
        return "public"

    @property
    def name(self) -> str:
        if self.association is not None and self.kind == Comment.AuthorKind.ASSOCIATION:
            return self.association.name
        if self.firm is not None:
            return self.firm.name
        return ""


def _invited_ids(consultation) -> set[int]:
    cached = getattr(consultation, "_invited_ids", None)
    if cached is None:
        cached = set(consultation.invited_associations.values_list("pk", flat=True))
        consultation._invited_ids = cached
    return cached


def is_invited(consultation, association) -> bool:
    return association is not None and association.pk in _invited_ids(consultation)


def _is_invited_staff(user, consultation) -> bool:
    return any(is_association_staff(user, a) for a in Association.objects.filter(pk__in=_invited_ids(consultation)))


def can_manage(user, consultation=None) -> bool:
    """Create and edit drafts, register offline comments, draft answers: the committee back office."""
    return is_committee_staff(user)


def can_publish(user, consultation=None) -> bool:
    """Publish a consultation, a version or the outcome, extend or reopen: committee administrators.

    Moderation (hiding a comment) and answering are for all committee staff (:func:`can_manage`)."""
    return is_committee_admin(user)


def can_view(user, consultation: Consultation) -> bool:
    """The consultation page. Drafts: committee only. Internal consultations: committee and invited staff."""
    if is_committee_staff(user):
        return True
    if consultation.published_at is None:
        return False
    if consultation.kind == Kind.INTERNAL:
        return _is_invited_staff(user, consultation)
    return True


def speakers_for(user, consultation: Consultation) -> list[Speaker]:
    """The identities ``user`` may comment as on ``consultation`` (ignores the time window)."""
    if not getattr(user, "is_authenticated", False) or consultation.published_at is None:
        return []
    if consultation.outcome_published_at is not None:
        return []
    audience = consultation.audience
    speakers = []
    for binding in staff_bindings_for(user=user):
        association = binding.association
        if (audience == Audience.INVITED or consultation.kind == Kind.INTERNAL) and not is_invited(
                consultation, association):
            continue  # internal consultations are for the invited associations whatever the audience
        speakers.append(Speaker(Comment.AuthorKind.ASSOCIATION, association=association))
    if audience in (Audience.MEMBERS, Audience.PUBLIC) and consultation.kind != Kind.INTERNAL:
        for binding in firm_bindings_for(user=user):
            if binding.firm.current_memberships:
                speakers.append(Speaker(Comment.AuthorKind.FIRM, firm=binding.firm))
    if audience == Audience.PUBLIC and consultation.kind != Kind.INTERNAL and not speakers:
        if not is_committee_staff(user):
            speakers.append(Speaker(Comment.AuthorKind.PUBLIC))
    return speakers


def can_comment(user, consultation: Consultation) -> bool:
    return bool(speakers_for(user, consultation))


def point_targets_for(user, consultation: Consultation) -> list[tuple[Firm, Association]]:
    """(firm, association) pairs: the user's firm may send draft points to that association (协会汇总意见)."""
    if (not getattr(user, "is_authenticated", False) or consultation.status_at() != Status.OPEN
            or consultation.kind == Kind.INTERNAL):
        return []
    pairs = []
    for binding in firm_bindings_for(user=user):
        for membership in binding.firm.current_memberships:
            association = membership.association
            if consultation.audience == Audience.INVITED and not is_invited(consultation, association):
                continue
            pairs.append((binding.firm, association))
    return pairs


def can_see_comments(user, consultation: Consultation) -> bool:
    """Other organisations' comments: public during the period, or committee-only until the outcome."""
    if is_committee_staff(user):
        return True
    if not can_view(user, consultation):
        return False
    return consultation.visibility == Visibility.PUBLIC or consultation.outcome_published_at is not None


def owns_comment(user, comment: Comment) -> bool:
    """The submitter, or staff of the association / users of the firm the comment speaks for."""
    if not getattr(user, "is_authenticated", False):
        return False
    if comment.submitted_by_id == user.pk:
        return True
    if comment.association_id and is_association_staff(user, comment.association):
        return True
    if comment.firm_id:
        return comment.firm.users.filter(user=user).exists()
    return False


def can_handle_points(user, association) -> bool:
    """Association staff consolidate their members' points."""
    return is_association_staff(user, association)
