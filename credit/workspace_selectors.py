"""Reads of the credit workspace (/me/credit/): a firm user's own credit file, an association's members' ratings.

Every function fetches what its page shows in a fixed number of queries (select_related, one query per list),
however many records, ratings or members there are. The "may the firm object / apply for repair" rules mirror
``services.requests`` on the rows already fetched, so that the buttons match what the services accept.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from associations.models import Association, Firm, Membership
from associations.selectors import firm_bindings_for

from .models import (
    Category,
    CreditEvent,
    CreditScheme,
    DecisionState,
    EventState,
    Indicator,
    Objection,
    Rating,
    Repair,
    RoundState,
    SchemeLevel,
    SchemeState,
    Source,
)
from .scoring import score_firm
from .services import repair_earliest

PAGE_SIZE = 50
PUBLIC_ROUND_STATES = (RoundState.PUBLISHED, RoundState.FINAL)


@dataclass
class Window:
    """The days on which an objection is accepted (first and last inclusive)."""

    first: date
    last: date
    open: bool


@dataclass
class NoticeRating:
    rating: Rating
    window: Window | None
    pending_objection: Objection | None = None

    @property
    def may_object(self) -> bool:
        return bool(self.window and self.window.open and not self.pending_objection)


@dataclass
class RecordRow:
    event: CreditEvent
    status: str
    corrected_by: CreditEvent | None = None
    objection_window: Window | None = None
    repairable: bool = False
    repair_from: date | None = None  # the earliest day to apply, while it is still ahead
    pending_objection: Objection | None = None
    pending_repair: Repair | None = None

    @property
    def may_object(self) -> bool:
        return bool(self.objection_window and self.objection_window.open and not self.pending_objection)

    @property
    def may_repair(self) -> bool:
        return self.repairable and self.repair_from is None and not self.pending_repair


@dataclass
class FirmCredit:
    firm: Firm
    today: date
    final: list[Rating] = field(default_factory=list)
    notice: list[NoticeRating] = field(default_factory=list)
    scheme: CreditScheme | None = None
    score: dict | None = None
    records: list[RecordRow] = field(default_factory=list)
    objections: list = field(default_factory=list)
    repairs: list = field(default_factory=list)


# --- the firms a user acts for --------------------------------------------------------------------------------------

def bound_firms(user) -> list[Firm]:
    """The user's firms, each with ``current_memberships`` (association selected)."""
    return [binding.firm for binding in firm_bindings_for(user=user)]


def firm_sectors(firm: Firm) -> list[str]:
    """The firm's own sector first, then the sectors of its current associations."""
    sectors = [firm.sector] if firm.sector else []
    for membership in getattr(firm, "current_memberships", ()):
        if membership.association.sector not in sectors:
            sectors.append(membership.association.sector)
    return sectors


def covers(scheme: CreditScheme, sector: str) -> bool:
    """A scheme without sectors covers every sector (as ``round_open`` treats it)."""
    return not scheme.sectors or sector in scheme.sectors


def in_force_schemes() -> list[CreditScheme]:
    return list(CreditScheme.objects.filter(state=SchemeState.IN_FORCE).order_by("-effective_from", "-id"))


def scheme_for(sectors: list[str], schemes: list[CreditScheme], today: date) -> CreditScheme | None:
    """The in-force scheme whose sectors include the firm's (its own sector first), else any in force.
    Among equals, one effective today wins over one not yet or no longer effective."""
    def current(scheme):
        return scheme.effective_from <= today and (scheme.effective_to is None or today <= scheme.effective_to)

    ordered = sorted(schemes, key=lambda s: not current(s))  # stable: keeps the newest first
    for sector in sectors:
        for scheme in ordered:
            if scheme.sectors and sector in scheme.sectors:
                return scheme
    return ordered[0] if ordered else None


# --- windows (as services.requests checks them) ---------------------------------------------------------------------

def rating_window(rating: Rating, today: date) -> Window | None:
    rating_round = rating.round
    if not rating_round.published_at or not rating_round.objections_close_on:
        return None
    is_open = (rating_round.state == RoundState.PUBLISHED and rating.superseded_at is None
               and today <= rating_round.objections_close_on)
    return Window(timezone.localdate(rating_round.published_at), rating_round.objections_close_on, is_open)


def event_window(event: CreditEvent, today: date) -> Window | None:
    if event.state != EventState.APPROVED or not event.approved_at:
        return None
    last = event.publication_ends_on
    return Window(timezone.localdate(event.approved_at), last, today <= last)


def repair_state(event: CreditEvent, today: date) -> tuple[bool, date | None]:
    """(the record can be repaired at all, the earliest day to apply if that is still ahead)."""
    repairable = (event.indicator.category == Category.BAD and event.state == EventState.APPROVED
                  and not (event.repaired_on and event.repaired_on <= today) and event.expires_on >= today)
    if not repairable:
        return False, None
    earliest = repair_earliest(event)
    return True, earliest if today < earliest else None


# --- the firm's credit file -----------------------------------------------------------------------------------------

def public_current_ratings():
    """Current versions of ratings in 公示, or final and not superseded by a later final round."""
    return (Rating.objects.current()
            .filter(Q(round__state=RoundState.PUBLISHED)
                    | Q(round__state=RoundState.FINAL, round__superseded_by__isnull=True)))


def firm_credit(firm: Firm, *, today: date | None = None) -> FirmCredit:
    """Everything /me/credit/ shows about one firm. A fixed number of queries."""
    today = today or timezone.localdate()
    credit = FirmCredit(firm=firm, today=today)
    credit.objections = list(Objection.objects.filter(firm=firm)
                             .select_related("rating__round", "event__indicator", "new_rating"))
    pending = {o.rating_id: o for o in credit.objections if o.rating_id and o.state == DecisionState.PENDING}
    ratings = (public_current_ratings().filter(firm=firm).select_related("round__scheme")
               .order_by("-round__as_of", "-round_id"))
    for rating in ratings:
        if rating.round.state == RoundState.FINAL:
            credit.final.append(rating)
        else:
            credit.notice.append(NoticeRating(rating, rating_window(rating, today), pending.get(rating.pk)))

    credit.scheme = scheme_for(firm_sectors(firm), in_force_schemes(), today)
    if credit.scheme is not None:
        credit.score = score_firm(scheme=credit.scheme, firm=firm, on=today).as_json()

    credit.repairs = list(Repair.objects.filter(firm=firm).select_related("event__indicator"))
    credit.records = record_rows(firm, today, credit.objections, credit.repairs)
    return credit


def record_rows(firm: Firm, today: date, objections, repairs) -> list[RecordRow]:
    events = list(CreditEvent.objects.filter(firm=firm)
                  .select_related("indicator__scheme", "corrects", "association")
                  .order_by("-effective_from", "-id"))
    corrected_by = {e.corrects_id: e for e in events if e.corrects_id}
    pending_objections = {o.event_id: o for o in objections if o.event_id and o.state == DecisionState.PENDING}
    pending_repairs = {r.event_id: r for r in repairs if r.state == DecisionState.PENDING}
    rows = []
    for event in events:
        repairable, repair_from = repair_state(event, today)
        rows.append(RecordRow(
            event=event, status=event.status_on(today), corrected_by=corrected_by.get(event.pk),
            objection_window=event_window(event, today), repairable=repairable, repair_from=repair_from,
            pending_objection=pending_objections.get(event.pk), pending_repair=pending_repairs.get(event.pk)))
    return rows


def rating_versions(rating: Rating) -> list[Rating]:
    """Every version of the firm's rating in the round, oldest first (the round already on `rating`)."""
    versions = list(Rating.objects.filter(round_id=rating.round_id, firm_id=rating.firm_id).order_by("version"))
    for version in versions:
        version.round = rating.round
    return versions


# --- association staff ----------------------------------------------------------------------------------------------

@dataclass
class MemberRow:
    membership: Membership
    final: list[Rating] = field(default_factory=list)
    notice: list[Rating] = field(default_factory=list)


def level_names() -> list[str]:
    """Level names of the schemes in force, highest first, without repeats (the level filter's choices)."""
    names = (SchemeLevel.objects.filter(scheme__state=SchemeState.IN_FORCE)
             .order_by("-min_score", "name").values_list("name", flat=True))
    return list(dict.fromkeys(names))


def member_ratings(association: Association, *, level: str = "", page_number=None):
    """A page of the association's current members with their current final ratings and ratings in 公示.
    ``level`` keeps the members with a final or in-notice rating at that level."""
    members = (Membership.objects.current().filter(association=association).select_related("firm")
               .order_by("firm__name_pinyin", "firm_id"))
    if level:
        members = members.filter(Exists(public_current_ratings().filter(firm=OuterRef("firm_id"), level=level)))
    page = Paginator(members, PAGE_SIZE).get_page(page_number)
    rows = [MemberRow(membership) for membership in page.object_list]
    by_firm = {row.membership.firm_id: row for row in rows}
    if by_firm:
        ratings = (public_current_ratings().filter(firm_id__in=by_firm).select_related("round")
                   .defer("explanation").order_by("-round__as_of", "-round_id"))
        for rating in ratings:
            row = by_firm[rating.firm_id]
            (row.final if rating.round.state == RoundState.FINAL else row.notice).append(rating)
    return page, rows


def submitted_records(association: Association, *, page_number=None):
    events = (CreditEvent.objects.filter(association=association, source=Source.ASSOCIATION)
              .select_related("firm", "indicator").order_by("-created_at", "-id"))
    return Paginator(events, PAGE_SIZE).get_page(page_number)


def member_firms(association: Association) -> list[Firm]:
    memberships = (Membership.objects.current().filter(association=association).select_related("firm")
                   .order_by("firm__name_pinyin", "firm_id"))
    return [m.firm for m in memberships]


def submittable_indicators(association: Association) -> list[Indicator]:
    """Indicators of the schemes in force that cover the association's sector."""
    indicators = (Indicator.objects.filter(scheme__state=SchemeState.IN_FORCE).select_related("scheme")
                  .order_by("scheme__family", "-scheme__effective_from", "scheme_id", "sort_order", "code"))
    return [i for i in indicators if covers(i.scheme, association.sector)]

