"""Reads for the judges' workspace (/me/judging/): a judge's campaigns and rounds with progress, the entries of a
round assigned to the judge, one entry with its files and the scores the judge may see.

A judge sees only rounds that are open or closed, and in them only the entries they are not recused from or
conflicted with (``services.judging.conflicted_entry_ids``, called once per page for all the entries). Every read
here is a fixed number of queries whatever the number of entries.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from . import permissions
from .models import EntryFile, Judge, Round, RoundEntry, Score
from .services import judging

VISIBLE_STATES = (Round.State.OPEN, Round.State.CLOSED)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def user_judges(user) -> list[Judge]:
    return list(Judge.objects.filter(expert__user=user).select_related("campaign", "expert")
                .order_by("-campaign__year", "-campaign_id"))


def _assigned(judge: Judge, round_entries: list[RoundEntry]) -> list[RoundEntry]:
    """The round entries (entry and firm loaded) the judge may see: one conflict check for them all."""
    blocked = judging.conflicted_entry_ids(judge, [re.entry for re in round_entries])
    return [re for re in round_entries if re.entry_id not in blocked]


def index_page(judges: list[Judge]) -> list[dict]:
    """Each campaign the user judges, with its open and closed rounds and the judge's progress in each."""
    rounds = list(Round.objects.filter(campaign__in=[j.campaign_id for j in judges], state__in=VISIBLE_STATES)
                  .order_by("campaign_id", "position"))
    round_entries = list(RoundEntry.objects.filter(round__in=rounds).select_related("entry__firm")
                         .order_by("round_id", "id"))
    scored = set(Score.objects.filter(judge__in=judges, round_entry__round__in=rounds)
                 .values_list("round_entry_id", flat=True))
    out = []
    for judge in judges:
        campaign_rounds = [r for r in rounds if r.campaign_id == judge.campaign_id]
        ids = {r.pk for r in campaign_rounds}
        assigned = _assigned(judge, [re for re in round_entries if re.round_id in ids]) if ids else []
        rows = []
        for rnd in campaign_rounds:
            mine = [re for re in assigned if re.round_id == rnd.pk]
            done = sum(1 for re in mine if re.pk in scored)
            rows.append({"round": rnd, "total": len(mine), "scored": done, "to_score": len(mine) - done})
        out.append({"judge": judge, "campaign": judge.campaign, "rounds": rows})
    return out


def judge_round(user, round_id) -> tuple[Judge, Round]:
    """An open or closed round of a campaign the user judges; 404 otherwise."""
    rnd = get_object_or_404(Round.objects.select_related("campaign"), pk=round_id, state__in=VISIBLE_STATES)
    judge = permissions.judge_for(user, rnd.campaign)
    if judge is None:
        raise Http404
    return judge, rnd


def round_page(judge: Judge, rnd: Round, category_id) -> dict:
    """The entries of the round assigned to the judge (all categories count for the progress; the list may be
    filtered by one), each with the judge's own total when scored."""
    round_entries = list(RoundEntry.objects.filter(round=rnd)
                         .select_related("entry__firm", "entry__category")
                         .order_by("entry__category__position", "entry__number", "id"))
    assigned = _assigned(judge, round_entries)
    totals = dict(Score.objects.filter(judge=judge, round_entry__round=rnd).values_list("round_entry_id", "total"))
    categories = list(rnd.campaign.categories.all())
    try:
        category = next((c for c in categories if c.pk == int(category_id)), None) if category_id else None
    except (TypeError, ValueError):
        category = None
    rows = [{"round_entry": re, "entry": re.entry, "scored": re.pk in totals, "total": totals.get(re.pk)}
            for re in assigned if category is None or re.entry.category_id == category.pk]
    done = sum(1 for re in assigned if re.pk in totals)
    return {"rows": rows, "categories": categories, "category": category, "total": len(assigned), "scored": done,
            "to_score": len(assigned) - done}


def judge_round_entry(user, pk) -> tuple[Judge, RoundEntry]:
    """A round entry of an open or closed round the user judges and is not conflicted with; 404 otherwise.
    Its entry (firm, category), files and scores are loaded."""
    round_entry = get_object_or_404(
        RoundEntry.objects.select_related("round__campaign", "entry__firm", "entry__category")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by("submitted_at", "id")),
                          "entry__files"),
        pk=pk, round__state__in=VISIBLE_STATES)
    judge = permissions.judge_for(user, round_entry.round.campaign)
    if judge is None or judging.conflicted_entry_ids(judge, [round_entry.entry]):
        raise Http404
    return judge, round_entry


def entry_answers(campaign, entry) -> list[tuple[str, str]]:
    """The entry form's questions with the entrant's answers ("f0", "f1", … keys)."""
    answers = entry.answers or {}
    return [(field.get("label", ""), answers.get(f"f{i}", "")) for i, field in enumerate(campaign.entry_fields or [])]


def score_summary(judge: Judge, round_entry: RoundEntry) -> dict:
    """The judge's own score and, once they have scored, the others' anonymised (评委 A, B, …) with the spread
    and the aggregate so far. Before the judge's own score: nothing of the others."""
    scores = judging.visible_scores(judge, round_entry)
    if scores is None:
        return {"own": None, "others": None}
    criteria = list(round_entry.round.criteria.all())
    own, others = None, []
    for score in scores:
        values = [(c, score.values.get(str(c.pk), "—")) for c in criteria]
        if score.judge_id == judge.pk:
            own = {"score": score, "values": values}
        else:
            others.append({"label": LETTERS[len(others) % len(LETTERS)], "score": score, "values": values})
    totals = [s.total for s in scores]
    return {"own": own, "others": others, "count": len(totals),
            "spread": max(totals) - min(totals), "aggregate": judging.aggregate(totals, round_entry.round.aggregation)}


def judge_file(user, pk) -> tuple[EntryFile, str]:
    """An entry's file for a judge of its campaign not conflicted with the entry, while the entry is in an open or
    closed round; 404 otherwise. With a neutral download name when one of those rounds is blind."""
    entry_file = get_object_or_404(EntryFile.objects.select_related("entry__campaign", "entry__firm"), pk=pk)
    entry = entry_file.entry
    judge = permissions.judge_for(user, entry.campaign)
    if judge is None:
        raise Http404
    blinds = list(RoundEntry.objects.filter(entry=entry, round__state__in=VISIBLE_STATES)
                  .values_list("round__blind", flat=True))
    if not blinds or judging.conflicted_entry_ids(judge, [entry]):
        raise Http404
    name = entry_file.name
    if any(blinds):
        ids = list(EntryFile.objects.filter(entry=entry).order_by("kind", "id").values_list("pk", flat=True))
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
        name = f"{entry.number or entry.pk}-{ids.index(entry_file.pk) + 1}.{ext}"
    return entry_file, name
