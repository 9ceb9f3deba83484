"""Reads of the consultations workspace (/me/consultations/): the user's organisations and their business.

Every function fetches what its page shows in a fixed number of queries (aggregates and select_related), however
many consultations, comments or member points there are. The eligibility rules mirror ``permissions`` but work on
prefetched data, so a list of consultations does not cost queries per row.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from associations.models import Association, Firm
from associations.selectors import firm_bindings_for, staff_bindings_for

from .models import Audience, Comment, Consultation, Kind, MemberPoint, Response, Status

ASSOCIATION = Comment.AuthorKind.ASSOCIATION
FIRM = Comment.AuthorKind.FIRM
FIRM_AUDIENCES = (Audience.MEMBERS, Audience.PUBLIC)
ACTIVE = (Status.OPEN, Status.UPCOMING)
HISTORY_LIMIT = 20  # finished consultations listed per organisation before "show all"


@dataclass
class Orgs:
    """The organisations a user acts for: associations (as staff) and firms (with ``current_memberships``)."""

    associations: list[Association]
    firms: list[Firm]

    def __bool__(self):
        return bool(self.associations or self.firms)


def orgs_for(user) -> Orgs:
    return Orgs(
        associations=[b.association for b in staff_bindings_for(user=user)],
        firms=[b.firm for b in firm_bindings_for(user=user)],
    )


# --- eligibility on prefetched data -------------------------------------------------------------------------------

def association_eligible(consultation: Consultation, association: Association, invited: set[int]) -> bool:
    """The association is invited, or the consultation is open to every association (and not internal)."""
    if association.pk in invited:
        return True
    return consultation.audience != Audience.INVITED and consultation.kind != Kind.INTERNAL


def firm_may_comment(consultation: Consultation, firm: Firm) -> bool:
    """As ``permissions.speakers_for`` for a firm, ignoring the time window."""
    return (consultation.audience in FIRM_AUDIENCES and consultation.kind != Kind.INTERNAL
            and consultation.outcome_published_at is None and bool(firm.current_memberships))


def firm_point_associations(consultation: Consultation, firm: Firm, invited: set[int]) -> list[Association]:
    """As ``permissions.point_targets_for`` for one firm, ignoring the time window (and internal consultations)."""
    if consultation.kind == Kind.INTERNAL:
        return []
    return [m.association for m in firm.current_memberships
            if consultation.audience != Audience.INVITED or m.association_id in invited]


def _invited_map(consultation_ids) -> dict[int, set[int]]:
    through = Consultation.invited_associations.through
    invited: dict[int, set[int]] = {pk: set() for pk in consultation_ids}
    for consultation_id, association_id in through.objects.filter(
            consultation_id__in=consultation_ids).values_list("consultation_id", "association_id"):
        invited[consultation_id].add(association_id)
    return invited


def invited_ids(consultation: Consultation) -> set[int]:
    return _invited_map([consultation.pk])[consultation.pk]


# --- the index -----------------------------------------------------------------------------------------------------

@dataclass
class Row:
    """One consultation as seen by one organisation."""

    consultation: Consultation
    status: str
    comment_count: int = 0
    pending_points: int = 0  # association: its members' points awaiting it; firm: the firm's own
    point_count: int = 0  # firm: points it sent
    may_comment: bool = False  # comments are accepted now from this organisation
    point_targets: list[Association] = field(default_factory=list)  # firm: may send points now to these

    @property
    def submitted(self) -> bool:
        return self.comment_count > 0

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


@dataclass
class Section:
    kind: str  # ASSOCIATION or FIRM
    org: Association | Firm
    rows: list[Row]
    hidden: int = 0  # finished consultations left out (see HISTORY_LIMIT)


def _sort_key(row: Row):
    stamp = row.consultation.ends_at.timestamp()
    return (0, stamp) if row.active else (1, -stamp)


def _candidates(orgs: Orgs):
    association_ids = [a.pk for a in orgs.associations]
    firm_ids = [f.pk for f in orgs.firms]
    member_of = {m.association_id for f in orgs.firms for m in f.current_memberships}
    open_to_all = ~Q(audience=Audience.INVITED) & ~Q(kind=Kind.INTERNAL)
    q = Q(pk__in=[])
    if association_ids:
        q |= Q(invited_associations__in=association_ids) | open_to_all
    if member_of:
        q |= Q(audience__in=FIRM_AUDIENCES) & ~Q(kind=Kind.INTERNAL)
        q |= (Q(invited_associations__in=member_of) | ~Q(audience=Audience.INVITED)) & ~Q(kind=Kind.INTERNAL)
    if firm_ids:
        q |= Q(member_points__firm__in=firm_ids) | Q(comments__firm__in=firm_ids)
    return list(Consultation.objects.published().filter(q).distinct())


def _counts(consultation_ids, orgs: Orgs):
    """(comments per (consultation, kind, org id), points per (consultation, kind, org id, status))."""
    association_ids = [a.pk for a in orgs.associations]
    firm_ids = [f.pk for f in orgs.firms]
    comments, points = Counter(), Counter()
    rows = (Comment.objects.submitted().filter(consultation_id__in=consultation_ids)
            .filter(Q(author_kind=ASSOCIATION, association__in=association_ids)
                    | Q(author_kind=FIRM, firm__in=firm_ids))
            .values("consultation_id", "author_kind", "association_id", "firm_id").annotate(n=Count("pk")))
    for r in rows:
        org_id = r["association_id"] if r["author_kind"] == ASSOCIATION else r["firm_id"]
        comments[(r["consultation_id"], r["author_kind"], org_id)] += r["n"]
    rows = (MemberPoint.objects.filter(consultation_id__in=consultation_ids)
            .filter(Q(association__in=association_ids) | Q(firm__in=firm_ids))
            .values("consultation_id", "association_id", "firm_id", "status").annotate(n=Count("pk")))
    for r in rows:
        if r["association_id"] in association_ids:
            points[(r["consultation_id"], ASSOCIATION, r["association_id"], r["status"])] += r["n"]
        if r["firm_id"] in firm_ids:
            points[(r["consultation_id"], FIRM, r["firm_id"], r["status"])] += r["n"]
    return comments, points


def _association_row(c, association, invited, comments, points, now) -> Row | None:
    if not association_eligible(c, association, invited) and not comments[(c.pk, ASSOCIATION, association.pk)]:
        return None
    status = c.status_at(now)
    return Row(c, status, comment_count=comments[(c.pk, ASSOCIATION, association.pk)],
               pending_points=points[(c.pk, ASSOCIATION, association.pk, MemberPoint.Status.PENDING)],
               may_comment=c.accepts_comments(now) and association_eligible(c, association, invited))


def _firm_row(c, firm, invited, comments, points, now) -> Row | None:
    status = c.status_at(now)
    own = {s: points[(c.pk, FIRM, firm.pk, s)] for s in MemberPoint.Status.values}
    may_comment = firm_may_comment(c, firm)
    targets = firm_point_associations(c, firm, invited) if status == Status.OPEN else []
    count = comments[(c.pk, FIRM, firm.pk)]
    if not (may_comment or targets or count or any(own.values())):
        return None
    return Row(c, status, comment_count=count, pending_points=own[MemberPoint.Status.PENDING],
               point_count=sum(own.values()), may_comment=may_comment and c.accepts_comments(now),
               point_targets=targets)


def _section(kind, org, rows, show_all) -> Section:
    rows.sort(key=_sort_key)
    if show_all:
        return Section(kind, org, rows)
    active = [r for r in rows if r.active]
    finished = [r for r in rows if not r.active]
    return Section(kind, org, active + finished[:HISTORY_LIMIT], max(0, len(finished) - HISTORY_LIMIT))


def workspace_sections(orgs: Orgs, *, show_all: bool = False, now=None) -> list[Section]:
    """One section per organisation: its consultations, open and upcoming first (nearest deadline first), then
    closed and answered ones (latest first)."""
    if not orgs:
        return []
    now = now or timezone.now()
    consultations = _candidates(orgs)
    ids = [c.pk for c in consultations]
    invited = _invited_map(ids)
    comments, points = _counts(ids, orgs)
    sections = []
    for association in orgs.associations:
        rows = [_association_row(c, association, invited[c.pk], comments, points, now) for c in consultations]
        sections.append(_section(ASSOCIATION, association, [r for r in rows if r], show_all))
    for firm in orgs.firms:
        rows = [_firm_row(c, firm, invited[c.pk], comments, points, now) for c in consultations]
        sections.append(_section(FIRM, firm, [r for r in rows if r], show_all))
    return sections


# --- one consultation ------------------------------------------------------------------------------------------------

@dataclass
class Panel:
    """One organisation's business on one consultation."""

    kind: str
    org: Association | Firm
    comments: list[Comment] = field(default_factory=list)
    pending: list[MemberPoint] = field(default_factory=list)
    handled: list[MemberPoint] = field(default_factory=list)  # adopted or dropped
    may_comment: bool = False
    may_send_points: bool = False

    @property
    def points(self) -> list[MemberPoint]:
        return self.pending + self.handled


def own_comments(consultation: Consultation, orgs: Orgs):
    """Comments the user's organisations made on ``consultation``, every status, with adopted points and the
    published answer (``published_responses``)."""
    return (
        Comment.objects.filter(consultation=consultation)
        .filter(Q(author_kind=ASSOCIATION, association__in=[a.pk for a in orgs.associations])
                | Q(author_kind=FIRM, firm__in=[f.pk for f in orgs.firms]))
        .select_related("article")
        .prefetch_related(
            Prefetch("member_points", queryset=MemberPoint.objects.select_related("firm").order_by("id")),
            Prefetch("responses", queryset=Response.objects.published(), to_attr="published_responses"),
        )
        .order_by("sequence")
    )


def points_for(consultation: Consultation, orgs: Orgs):
    """Member points sent to the user's associations or by the user's firms on ``consultation``."""
    return (
        MemberPoint.objects.filter(consultation=consultation)
        .filter(Q(association__in=[a.pk for a in orgs.associations]) | Q(firm__in=[f.pk for f in orgs.firms]))
        .select_related("firm", "association", "article", "comment")
        .order_by("created_at", "id")
    )


def consultation_panels(consultation: Consultation, orgs: Orgs, invited: set[int], *, now=None) -> list[Panel]:
    """A panel per organisation of the user concerned by ``consultation``; empty when none is (→ 404)."""
    status = consultation.status_at(now)
    comments = list(own_comments(consultation, orgs)) if orgs else []
    points = list(points_for(consultation, orgs)) if orgs else []
    panels = []
    for association in orgs.associations:
        panel = Panel(ASSOCIATION, association,
                      comments=[c for c in comments if c.author_kind == ASSOCIATION
                                and c.association_id == association.pk])
        mine = [p for p in points if p.association_id == association.pk]
        panel.pending = [p for p in mine if p.status == MemberPoint.Status.PENDING]
        panel.handled = [p for p in mine if p.status != MemberPoint.Status.PENDING]
        eligible = association_eligible(consultation, association, invited)
        panel.may_comment = eligible and consultation.accepts_comments(now)
        if eligible or panel.comments or mine:
            panels.append(panel)
    for firm in orgs.firms:
        panel = Panel(FIRM, firm, comments=[c for c in comments if c.author_kind == FIRM and c.firm_id == firm.pk])
        mine = [p for p in points if p.firm_id == firm.pk]
        panel.pending = [p for p in mine if p.status == MemberPoint.Status.PENDING]
        panel.handled = [p for p in mine if p.status != MemberPoint.Status.PENDING]
        may_comment = firm_may_comment(consultation, firm)
        targets = firm_point_associations(consultation, firm, invited)
        panel.may_comment = may_comment and consultation.accepts_comments(now)
        panel.may_send_points = bool(targets) and status == Status.OPEN
        if may_comment or targets or panel.comments or mine:
            panels.append(panel)
    return panels


def firm_points(consultation: Consultation, user):
    """The points the user's firms sent on ``consultation``, newest first, for the point page."""
    return (
        MemberPoint.objects.filter(consultation=consultation, firm__users__user=user)
        .select_related("firm", "association", "article", "comment")
        .order_by("-created_at", "-id")
        .distinct()
    )
