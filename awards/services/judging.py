"""Judging: the panel drawn from the expert pool, recusals, rounds (初评 · 复评 · 终评), scores and aggregation.

- The panel is an expert draw (experts app) with every entrant firm passed as an exclusion, so employment,
  shareholding and the other relations are computed, not only declared. Judges are the drawn experts who confirm.
- A judge may still declare recusal for one entry; a judge never sees, and cannot score, an entry they are recused
  from or conflicted with (conflicts are re-checked at scoring time against the expert's relations).
- A score is one value per criterion within its scale; its total is the weighted mean rescaled to 0–100.
  Scores are submitted once and never edited.
- Closing a round needs the quorum of scores for every entry; entries are scored by the median (default) or the
  trimmed mean (去掉最高分和最低分) of their totals, ranked per category (ties share a rank), flagged when the
  totals spread more than the round's threshold, and advanced by rank (ties at the boundary advance together)
  and/or by a minimum score.
"""

import statistics
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError

from .. import permissions
from ..models import (
    Aggregation,
    Campaign,
    CampaignState,
    Criterion,
    Entry,
    EntryState,
    Judge,
    Recusal,
    Round,
    RoundEntry,
    Score,
)

TWO = Decimal("0.01")


def _require(allowed: bool):
    if not allowed:
        raise DomainError(_("You are not allowed to do this."))


# --- the panel -------------------------------------------------------------------------------------------------
def entrant_firms(campaign: Campaign):
    from associations.models import Firm

    return Firm.objects.filter(award_entries__campaign=campaign,
                               award_entries__state__in=[EntryState.SUBMITTED, EntryState.ELIGIBLE]).distinct()


def panel_draw(*, actor, campaign: Campaign, field: str, count: int, alternates: int, supervisor: str,
               starts_on, ends_on, pool=None):
    """Draw the judges (committee staff): an expert draw with every entrant firm excluded, run at once."""
    from experts import services as experts

    _require(permissions.can_draw_panel(actor) and permissions.can_manage_campaign(actor, campaign))
    if campaign.state != CampaignState.JUDGING:
        raise DomainError(_("Judges are drawn once the entries have closed, so every entrant can be excluded."))
    if campaign.panel_draw_id:
        raise DomainError(_("The judges of this campaign have already been drawn."))
    with transaction.atomic():
        draw = experts.draw_create(
            actor=actor, title=f"{campaign.name} 评审专家抽取", purpose="award", pool=pool,
            criteria=[{"field": field, "count": count, "min_title": "intermediate", "alternates": alternates}],
            starts_on=starts_on, ends_on=ends_on, supervisor=supervisor, matter=campaign.name,
            excluded_firms=list(entrant_firms(campaign)))
        draw = experts.draw_run(actor=actor, draw=draw)
        Campaign.objects.filter(pk=campaign.pk).update(panel_draw=draw)
        campaign.panel_draw = draw
        audit_log(actor=actor, action="awards.panel.drawn", obj=campaign,
                  data={"draw": draw.pk, "excluded_firms": draw.excluded_firms.count()})
    return draw


def panel_sync(*, actor, campaign: Campaign) -> list[Judge]:
    """Make every confirmed expert of the campaign's draw a judge (idempotent)."""
    from experts.models import Selection

    _require(permissions.can_manage_campaign(actor, campaign))
    if not campaign.panel_draw_id:
        raise DomainError(_("Draw the judges first."))
    added = []
    with transaction.atomic():
        confirmed = Selection.objects.filter(draw_id=campaign.panel_draw_id, response=Selection.Response.CONFIRMED)
        for selection in confirmed.select_related("expert"):
            judge, created = Judge.objects.get_or_create(campaign=campaign, expert=selection.expert,
                                                         defaults={"selection": selection})
            if created:
                added.append(judge)
                audit_log(actor=actor, action="awards.judge.added", obj=campaign,
                          data={"expert": selection.expert_id})
    return added


def conflicted_entry_ids(judge: Judge, entries) -> set[int]:
    """Entries the judge must not see: declared recusals and relations to the entrant firm found now."""
    from experts.services.conflicts import conflicts

    entries = list(entries)
    recused = set(Recusal.objects.filter(judge=judge).values_list("entry_id", flat=True))
    firms = {e.firm_id: e.firm for e in entries}
    blocked = set(recused)
    today = timezone.localdate()
    # One check against every entrant at once (a fixed number of queries); only when it finds a conflict — rare,
    # since the panel was drawn with every entrant excluded — is each firm checked to find which.
    if firms and conflicts([judge.expert_id], firms=list(firms.values()), on=today).get(judge.expert_id):
        for firm_id, firm in firms.items():
            if conflicts([judge.expert_id], firms=[firm], on=today).get(judge.expert_id):
                blocked.update(e.pk for e in entries if e.firm_id == firm_id)
    return blocked


def recuse(*, actor, judge: Judge, entry: Entry, reason: str) -> Recusal:
    _require(judge.expert.user_id == getattr(actor, "pk", None))
    reason = (reason or "").strip()[:300]
    if not reason:
        raise DomainError(_("Say why you stand aside (e.g. a former employer)."), field="reason")
    if entry.campaign_id != judge.campaign_id:
        raise DomainError(_("This entry is not in your campaign."))
    if Score.objects.filter(judge=judge, round_entry__entry=entry).exists():
        raise DomainError(_("You have already scored this entry; tell the organiser instead."))
    with transaction.atomic():
        recusal, _created = Recusal.objects.get_or_create(judge=judge, entry=entry, defaults={"reason": reason})
        audit_log(actor=actor, action="awards.judge.recused", obj=entry, data={"judge": judge.pk, "reason": reason})
    return recusal


# --- rounds ----------------------------------------------------------------------------------------------------
def round_open(*, actor, round: Round) -> Round:
    """Open a round: the first takes every eligible entry, a later one the entries the previous round advanced."""
    campaign = round.campaign
    _require(permissions.can_manage_campaign(actor, campaign))
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.state != Round.State.PENDING:
            raise DomainError(_("This round has already been opened."))
        if campaign.state != CampaignState.JUDGING:
            raise DomainError(_("Close the entries (start judging) before opening a round."))
        if not round.criteria.exists():
            raise DomainError(_("Give the round its score criteria first."))
        if campaign.rounds.exclude(pk=round.pk).exclude(blind=round.blind).exists():
            # Entry numbers stay the same from round to round: one open round would unmask a blind one.
            raise DomainError(_("All rounds of a campaign are blind or none is: change this round's blind setting "
                                "to match the others."))
        previous = campaign.rounds.filter(position__lt=round.position).order_by("-position").first()
        if previous is None:
            entries = list(campaign.entries.filter(state=EntryState.ELIGIBLE))
        else:
            if previous.state != Round.State.CLOSED:
                raise DomainError(_("Close %(round)s first.") % {"round": previous.get_kind_display()})
            entries = [re.entry for re in previous.round_entries.filter(advanced=True).select_related("entry")]
        if not entries:
            raise DomainError(_("No entries to judge in this round."))
        RoundEntry.objects.bulk_create([RoundEntry(round=round, entry=e) for e in entries])
        round.state, round.opened_at = Round.State.OPEN, timezone.now()
        round.save(update_fields=["state", "opened_at"])
        audit_log(actor=actor, action="awards.round.opened", obj=campaign,
                  data={"round": round.pk, "kind": round.kind, "entries": len(entries)})
    return round


def weighted_total(criteria: list[Criterion], values: dict) -> Decimal:
    """Σ weight × (value − min) / (max − min), over Σ weight, as points of 100."""
    weights = sum((c.weight for c in criteria), Decimal(0))
    if not weights:
        return Decimal(0)
    total = Decimal(0)
    for c in criteria:
        span = Decimal(c.scale_max - c.scale_min) or Decimal(1)
        total += c.weight * (Decimal(values[str(c.pk)]) - c.scale_min) / span
    return (total / weights * 100).quantize(TWO, rounding=ROUND_HALF_UP)


def clean_values(criteria: list[Criterion], raw: dict) -> dict:
    values = {}
    for c in criteria:
        value = (raw or {}).get(str(c.pk), (raw or {}).get(c.pk))
        try:
            number = Decimal(str(value).strip())
        except (ArithmeticError, ValueError, TypeError):
            number = None
        in_range = number is not None and number.is_finite() and c.scale_min <= number <= c.scale_max
        if not in_range or (number * 2) != (number * 2).to_integral_value():
            raise DomainError(_("Score “%(criterion)s” from %(low)d to %(high)d (whole or half points).")
                              % {"criterion": c.name, "low": c.scale_min, "high": c.scale_max}, field=f"c{c.pk}")
        values[str(c.pk)] = str(number.normalize())
    return values


def score_submit(*, actor, judge: Judge, round_entry: RoundEntry, values: dict, comment: str = "") -> Score:
    _require(judge.expert.user_id == getattr(actor, "pk", None))
    round = round_entry.round
    if round.campaign_id != judge.campaign_id:
        raise DomainError(_("This entry is not in your campaign."))
    if round.state != Round.State.OPEN:
        raise DomainError(_("This round is not open for scoring."))
    if round_entry.entry_id in conflicted_entry_ids(judge, [round_entry.entry]):
        raise DomainError(_("You are recused from or conflicted with this entry, so you cannot score it."))
    if round_entry.entry.state != EntryState.ELIGIBLE:
        raise DomainError(_("This entry is no longer in the competition (%(state)s).")
                          % {"state": round_entry.entry.get_state_display()})
    criteria = list(round.criteria.all())
    cleaned = clean_values(criteria, values)
    try:
        with transaction.atomic():
            # The round is locked so a score cannot slip in while it closes.
            if Round.objects.select_for_update().get(pk=round.pk).state != Round.State.OPEN:
                raise DomainError(_("This round is not open for scoring."))
            score = Score.objects.create(round_entry=round_entry, judge=judge, values=cleaned,
                                         total=weighted_total(criteria, cleaned), comment=(comment or "")[:2000])
            RoundEntry.objects.filter(pk=round_entry.pk).update(scores_count=round_entry.scores.count())
            audit_log(actor=actor, action="awards.score.submitted", obj=round_entry.entry,
                      data={"round": round.pk, "judge": judge.pk, "total": str(score.total)})
    except IntegrityError as exc:
        raise DomainError(_("You have already scored this entry; scores cannot be changed.")) from exc
    return score


def aggregate(totals: list[Decimal], method: str) -> Decimal | None:
    """The entry's score from its judges' totals: median, or the mean without the highest and the lowest."""
    if not totals:
        return None
    totals = sorted(Decimal(t) for t in totals)
    if method == Aggregation.TRIMMED and len(totals) >= 3:
        totals = totals[1:-1]
        value = sum(totals, Decimal(0)) / len(totals)
    elif method == Aggregation.TRIMMED:
        value = sum(totals, Decimal(0)) / len(totals)
    else:
        value = Decimal(statistics.median(totals))
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def rank(scores: list[tuple[int, Decimal]]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) of (id, score) pairs, best first."""
    ordered = sorted(scores, key=lambda pair: pair[1], reverse=True)
    ranks, previous, position = {}, None, 0
    for i, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            position, previous = i, value
        ranks[key] = position
    return ranks


def round_close(*, actor, round: Round) -> Round:
    campaign = round.campaign
    _require(permissions.can_manage_campaign(actor, campaign))
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.state != Round.State.OPEN:
            raise DomainError(_("Only an open round can be closed."))
        rows = list(round.round_entries.select_related("entry").prefetch_related("scores"))
        short = [r for r in rows if r.entry.state == EntryState.ELIGIBLE and len(r.scores.all()) < round.quorum]
        if short:
            numbers = "、".join(r.entry.number for r in short[:10])
            raise DomainError(_("%(n)d entries have fewer than %(quorum)d scores (%(numbers)s); the round cannot "
                                "close yet.") % {"n": len(short), "quorum": round.quorum, "numbers": numbers})
        by_category: dict[int, list] = {}
        for row in rows:
            totals = [s.total for s in row.scores.all()]
            row.score = aggregate(totals, round.aggregation)
            row.scores_count = len(totals)
            row.flagged = bool(totals) and (max(totals) - min(totals)) > round.disagreement
            if row.entry.state == EntryState.ELIGIBLE:
                by_category.setdefault(row.entry.category_id, []).append(row)
            else:
                row.rank, row.advanced = None, False
        for category_rows in by_category.values():
            ranks = rank([(r.pk, r.score) for r in category_rows])
            for r in category_rows:
                r.rank = ranks[r.pk]
                r.advanced = _advances(round, r)  # read by the next round when it opens (if there is one)
        RoundEntry.objects.bulk_update(rows, ["score", "scores_count", "flagged", "rank", "advanced"])
        round.state, round.closed_at = Round.State.CLOSED, timezone.now()
        round.save(update_fields=["state", "closed_at"])
        audit_log(actor=actor, action="awards.round.closed", obj=campaign,
                  data={"round": round.pk, "entries": len(rows), "advanced": sum(r.advanced for r in rows),
                        "flagged": sum(r.flagged for r in rows), "aggregation": round.aggregation})
    return round


def _advances(round: Round, row: RoundEntry) -> bool:
    by_rank = round.advance_top is None or row.rank <= round.advance_top
    by_score = round.advance_min_score is None or (row.score is not None and row.score >= round.advance_min_score)
    return by_rank and by_score


def visible_scores(judge: Judge, round_entry: RoundEntry) -> list[Score] | None:
    """Other judges' scores of an entry: only once this judge has scored it (None before)."""
    scores = list(round_entry.scores.all())
    if not any(s.judge_id == judge.pk for s in scores):
        return None
    return scores
