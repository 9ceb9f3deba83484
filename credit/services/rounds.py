"""Rating rounds: open → compute (in bulk) → review → publish for 公示 → finalise. A recomputation after an
upheld objection or a revocation is a new rating version; the old version stays readable."""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Firm, Sector
from core.audit import audit_log
from core.errors import DomainError
from core.workdays import add_workdays

from .. import permissions
from ..models import CreditScheme, Rating, RatingRound, RoundState, SchemeState
from ..scoring import ROW_FIELDS, LevelTable, caps_of, family_events, score_rows
from .common import clean_text, require, require_committee

BATCH = 2000


def _locked(rating_round: RatingRound) -> RatingRound:
    return RatingRound.objects.select_for_update().select_related("scheme").get(pk=rating_round.pk)


def round_open(*, actor, scheme: CreditScheme, sector: str, name: str, as_of) -> RatingRound:
    require_committee(actor)
    if scheme.state != SchemeState.IN_FORCE:
        raise DomainError(_("Open rounds only for a scheme in force."), field="scheme")
    if sector not in Sector.values:
        raise DomainError(_("Choose a sector."), field="sector")
    if scheme.sectors and sector not in scheme.sectors:
        raise DomainError(_("The scheme does not cover this sector."), field="sector")
    if as_of is None or as_of < scheme.effective_from or (scheme.effective_to and as_of > scheme.effective_to):
        raise DomainError(_("The rating date must fall within the scheme's effective dates."), field="as_of")
    name = clean_text(name, field="name", label=_("The name"), limit=200)
    with transaction.atomic():
        rating_round = RatingRound.objects.create(scheme=scheme, sector=sector, name=name, as_of=as_of,
                                                  opened_by=actor)
        audit_log(actor=actor, action="credit.round.opened", obj=rating_round,
                  data={"scheme": scheme.pk, "sector": sector, "as_of": as_of.isoformat()})
    return rating_round


def round_firms(rating_round: RatingRound):
    """Every active firm of the sector: its own sector, or a current member of an association of the sector."""
    in_sector = Q(sector=rating_round.sector) | Q(memberships__ended_on__isnull=True,
                                                   memberships__association__sector=rating_round.sector)
    return Firm.objects.active().filter(in_sector).distinct()


def compute_ratings(rating_round: RatingRound, firm_ids, *, known_at, reason: str = "", versions=None):
    """Unsaved Rating rows for `firm_ids` (one events query per batch of firms)."""
    scheme = rating_round.scheme
    levels, caps = LevelTable(scheme.levels.all()), caps_of(scheme)
    versions = versions or {}
    out = []
    firm_ids = list(firm_ids)
    for start in range(0, len(firm_ids), BATCH):
        batch = firm_ids[start:start + BATCH]
        rows = defaultdict(list)
        events = family_events(scheme).filter(firm_id__in=batch).effective_on(rating_round.as_of, known_at)
        for row in events.values(*ROW_FIELDS):
            rows[row["firm_id"]].append(row)
        for firm_id in batch:
            score = score_rows(base=scheme.base_score, caps=caps, levels=levels, rows=rows.get(firm_id, ()),
                               on=rating_round.as_of, known_at=known_at)
            out.append(Rating(round=rating_round, firm_id=firm_id, version=versions.get(firm_id, 1),
                              score=score.score, level=score.level, explanation=score.as_json(),
                              computed_at=known_at, reason=reason))
    return out


def round_compute(*, actor, rating_round: RatingRound) -> int:
    """Compute (or, before publication, recompute) every firm's rating. Returns the number of firms."""
    require_committee(actor)
    with transaction.atomic():
        rating_round = _locked(rating_round)
        if rating_round.state not in (RoundState.DRAFT, RoundState.COMPUTED):
            raise DomainError(_("A published round is not recomputed; objections make new rating versions."))
        if not rating_round.scheme.levels.exists():
            raise DomainError(_("The scheme has no level table."))
        now = timezone.now()
        # Before publication the ratings are working data nobody outside the committee has seen (a revocation
        # meanwhile may have made versions that point at each other: unlink them first).
        rating_round.ratings.update(superseded_by=None)
        rating_round.ratings.all().delete()
        firm_ids = round_firms(rating_round).values_list("pk", flat=True)
        ratings = compute_ratings(rating_round, firm_ids, known_at=now)
        Rating.objects.bulk_create(ratings, batch_size=BATCH)
        rating_round.state, rating_round.computed_at, rating_round.firm_count = RoundState.COMPUTED, now, len(ratings)
        rating_round.save(update_fields=["state", "computed_at", "firm_count"])
        audit_log(actor=actor, action="credit.round.computed", obj=rating_round, data={"firms": len(ratings)})
    return len(ratings)


def round_publish(*, actor, rating_round: RatingRound) -> RatingRound:
    """Publish the computed ratings for 公示: N working days from today; objections within the window."""
    require(permissions.can_decide(actor))
    with transaction.atomic():
        rating_round = _locked(rating_round)
        if rating_round.state != RoundState.COMPUTED:
            raise DomainError(_("Only a computed round can be published."))
        today = timezone.localdate()
        scheme = rating_round.scheme
        rating_round.notice_ends_on = add_workdays(today, scheme.notice_workdays)
        rating_round.objections_close_on = add_workdays(today, scheme.objection_workdays)
        rating_round.state, rating_round.published_at = RoundState.PUBLISHED, timezone.now()
        rating_round.save(update_fields=["state", "published_at", "notice_ends_on", "objections_close_on"])
        audit_log(actor=actor, action="credit.round.published", obj=rating_round,
                  data={"notice_ends_on": rating_round.notice_ends_on.isoformat(),
                        "objections_close_on": rating_round.objections_close_on.isoformat()})
    return rating_round


def previous_final(rating_round: RatingRound) -> RatingRound | None:
    rounds = RatingRound.objects.select_for_update().filter(
        scheme__family=rating_round.scheme.family, sector=rating_round.sector, state=RoundState.FINAL,
        superseded_by__isnull=True)
    return rounds.exclude(pk=rating_round.pk).order_by("-finalised_at").first()


def round_finalise(*, actor, rating_round: RatingRound) -> RatingRound:
    """After the 公示 period: the ratings become final, valid until the next round of the family is final."""
    from .lists import red_list_apply

    require(permissions.can_decide(actor))
    with transaction.atomic():
        rating_round = _locked(rating_round)
        if rating_round.state != RoundState.PUBLISHED:
            raise DomainError(_("Only a round in public notice can be finalised."))
        today = timezone.localdate()
        if today <= rating_round.notice_ends_on:
            raise DomainError(_("The public notice runs until %(date)s; finalise from the next day.")
                              % {"date": rating_round.notice_ends_on.isoformat()})
        previous = previous_final(rating_round)
        rating_round.state, rating_round.finalised_at = RoundState.FINAL, timezone.now()
        rating_round.valid_from = today
        rating_round.valid_until = today + timedelta(days=rating_round.scheme.validity_days - 1)
        rating_round.save(update_fields=["state", "finalised_at", "valid_from", "valid_until"])
        if previous is not None:
            previous.superseded_by = rating_round
            previous.valid_until = min(previous.valid_until or today, today - timedelta(days=1))
            previous.save(update_fields=["superseded_by", "valid_until"])
            audit_log(actor=actor, action="credit.round.superseded", obj=previous,
                      data={"by": rating_round.pk, "valid_until": previous.valid_until.isoformat()})
        audit_log(actor=actor, action="credit.round.finalised", obj=rating_round,
                  data={"valid_from": today.isoformat(), "valid_until": rating_round.valid_until.isoformat(),
                        "supersedes": previous.pk if previous else None})
        red_list_apply(rating_round=rating_round, actor=actor)
    return rating_round


def new_version(rating: Rating, *, actor, reason: str) -> Rating:
    """Recompute one rating now as a new version; the old version is kept, marked superseded."""
    rating = Rating.objects.select_for_update().select_related("round__scheme").get(pk=rating.pk)
    if rating.superseded_at is not None:
        raise DomainError(_("This rating version has already been superseded."))
    now = timezone.now()
    (fresh,) = compute_ratings(rating.round, [rating.firm_id], known_at=now, reason=reason[:300],
                               versions={rating.firm_id: rating.version + 1})
    rating.superseded_at = now  # first: one current rating per round and firm
    rating.save(update_fields=["superseded_at"])
    fresh.save()
    rating.superseded_by = fresh
    rating.save(update_fields=["superseded_by"])
    audit_log(actor=actor, action="credit.rating.new_version", obj=fresh,
              data={"previous": rating.pk, "version": fresh.version, "score": str(fresh.score),
                    "level": fresh.level, "previous_score": str(rating.score), "previous_level": rating.level,
                    "reason": reason})
    return fresh


def recompute_for_events(events, *, actor, reason: str) -> list[Rating]:
    """New versions of the current ratings that counted any of `events` (in rounds not yet superseded)."""
    event_ids = {e.pk for e in events}
    firm_ids = {e.firm_id for e in events}
    ratings = (Rating.objects.current().filter(firm_id__in=firm_ids, round__superseded_by__isnull=True)
               .exclude(round__state__in=[RoundState.DRAFT, RoundState.CANCELLED]))
    fresh = []
    for rating in ratings:
        counted = {c["event_id"] for c in rating.explanation.get("contributions", ())}
        if counted & event_ids:
            fresh.append(new_version(rating, actor=actor, reason=reason))
    return fresh
