"""Reads of the rounds part of the organisers' console: the managed campaign or round (404 otherwise), a round's
results table with every judge's total (organisers are not blind), the judges' progress while scoring, and the rows
of the results workbook. A fixed number of queries whatever the number of entries and scores."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from . import permissions
from .models import Campaign, Criterion, EntryState, Judge, Recusal, Round, RoundEntry, Score, Winner

MAX_ID = 2**31 - 1


def managed_campaign(user, pk: int) -> Campaign:
    if not 0 < pk <= MAX_ID:
        raise Http404
    campaign = get_object_or_404(Campaign.objects.select_related("organiser"), pk=pk)
    if not permissions.can_manage_campaign(user, campaign):
        raise Http404
    return campaign


def managed_round(user, round_id: int) -> Round:
    if not 0 < round_id <= MAX_ID:
        raise Http404
    rnd = get_object_or_404(Round.objects.select_related("campaign__organiser"), pk=round_id)
    if not permissions.can_manage_campaign(user, rnd.campaign):
        raise Http404
    return rnd


def managed_criterion(rnd: Round, criterion_id: int) -> Criterion:
    if not 0 < criterion_id <= MAX_ID:
        raise Http404
    return get_object_or_404(Criterion, pk=criterion_id, round=rnd)


@dataclass
class ResultRow:
    round_entry: RoundEntry
    totals: list  # one per judge of the campaign, in panel order (None: not scored)
    spread: Decimal | None = None

    @property
    def entry(self):
        return self.round_entry.entry

    @property
    def below_quorum(self) -> bool:
        return self.round_entry.scores_count < self.round_entry.round.quorum


@dataclass
class JudgeProgress:
    judge: Judge
    scored: int = 0
    assigned: int = 0


@dataclass
class RoundResults:
    judges: list
    rows: list
    progress: list = field(default_factory=list)
    below_quorum: list = field(default_factory=list)


def _panel(campaign: Campaign) -> list[Judge]:
    return list(Judge.objects.filter(campaign=campaign).select_related("expert").order_by("pk"))


def _round_entries(rounds):
    scores = Prefetch("scores", queryset=Score.objects.only("pk", "round_entry_id", "judge_id", "total"))
    return (RoundEntry.objects.filter(round__in=rounds)
            .select_related("entry__category", "entry__firm")
            .prefetch_related(scores))


def _sort_key(re: RoundEntry):
    entry = re.entry
    return (entry.category.position, entry.category_id, re.rank is None, re.rank or 0, entry.number, entry.pk)


def _rows(rnd: Round, round_entries, judges) -> list[ResultRow]:
    rows = []
    for re in sorted(round_entries, key=_sort_key):
        re.round = rnd
        by_judge = {s.judge_id: s.total for s in re.scores.all()}
        re.scores_count = len(by_judge)  # counted from the scores themselves, also while the round is open
        totals = [by_judge.get(j.pk) for j in judges]
        given = list(by_judge.values())
        rows.append(ResultRow(re, totals, (max(given) - min(given)) if given else None))
    return rows


def round_results(rnd: Round) -> RoundResults:
    """The results table of a round, and before it closes each judge's progress and the entries below quorum."""
    judges = _panel(rnd.campaign)
    rows = _rows(rnd, list(_round_entries([rnd])), judges)
    results = RoundResults(judges=judges, rows=rows)
    if rnd.state == Round.State.OPEN:
        entry_ids = {r.entry.pk for r in rows}
        recused: dict[int, int] = {}
        for judge_id, entry_id in Recusal.objects.filter(judge__campaign_id=rnd.campaign_id).values_list(
                "judge_id", "entry_id"):
            if entry_id in entry_ids:
                recused[judge_id] = recused.get(judge_id, 0) + 1
        progress = {j.pk: JudgeProgress(j, assigned=len(rows) - recused.get(j.pk, 0)) for j in judges}
        for row in rows:
            for judge, total in zip(judges, row.totals, strict=True):
                if total is not None:
                    progress[judge.pk].scored += 1
        results.progress = list(progress.values())
        results.below_quorum = [r for r in rows if r.entry.state == EntryState.ELIGIBLE and r.below_quorum]
    return results


def workbook_data(campaign: Campaign):
    """(judges, [(round, rows)], winners) for the results workbook."""
    judges = _panel(campaign)
    rounds = list(Round.objects.filter(campaign=campaign).order_by("position"))
    by_round: dict[int, list] = {r.pk: [] for r in rounds}
    for re in _round_entries(rounds):
        by_round[re.round_id].append(re)
    sheets = [(r, _rows(r, by_round[r.pk], judges)) for r in rounds]
    winners = list(Winner.objects.filter(campaign=campaign).select_related("category", "entry__firm")
                   .order_by("category__position", "category_id", "rank", "pk"))
    return judges, sheets, winners
