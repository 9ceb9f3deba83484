"""seed_demo's award campaigns: the 招牌评比 in its 复评 with 周文博 on the panel, and the finished 环卫 campaign."""

from awards.models import Campaign, CampaignState, Entry, EntryState, Judge, Round, RoundEntry, Score, Winner
from core.models import AuditEntry
from experts.models import Selection
from portal.demo.awards import SANITATION_AWARD, SIGNS
from portal.demo.events import GALA
from portal.demo.steps import ACTOR
from tests.portal.demo_helpers import seed


def test_seed_prints_a_summary_line_for_awards(demo):
    line = next(line for line in demo.splitlines() if "评比表彰：" in line)
    assert "新建评比 2 项" in line and "参评作品 38 件" in line


def test_signs_campaign_is_judging_with_reviewed_entries(demo):
    campaign = Campaign.objects.get(name=SIGNS)
    assert campaign.state == CampaignState.JUDGING and campaign.organiser.name == "四川省广告协会"
    assert campaign.approval_number and campaign.approving_body and not campaign.min_credit_level
    assert list(campaign.categories.values_list("name", "awards")) == [
        ("示范街区招牌", 3), ("商业综合体招牌", 3), ("文旅街区招牌", 2)]
    entries = campaign.entries.all()
    assert entries.count() == 30
    assert entries.filter(state=EntryState.ELIGIBLE).count() == 28
    ineligible = entries.filter(state=EntryState.INELIGIBLE)
    assert ineligible.count() == 2 and all(e.ineligible_reason for e in ineligible)
    assert all(e.number and e.fingerprint and e.frozen for e in entries)


def test_signs_panel_is_drawn_without_entrant_firms(demo):
    campaign = Campaign.objects.get(name=SIGNS)
    draw = campaign.panel_draw
    entrants = set(campaign.entries.filter(state=EntryState.ELIGIBLE).values_list("firm_id", flat=True))
    assert set(draw.excluded_firms.values_list("pk", flat=True)) == entrants
    confirmed = draw.selections.filter(response=Selection.Response.CONFIRMED).count()
    assert confirmed == 5 and campaign.judges.count() == 6
    assert all(j.expert.user_id for j in campaign.judges.select_related("expert"))


def test_first_round_closed_and_second_open_with_work_left_for_zhou(demo):
    campaign = Campaign.objects.get(name=SIGNS)
    first, second = campaign.rounds.order_by("position")
    assert first.state == Round.State.CLOSED and second.state == Round.State.OPEN
    assert Score.objects.filter(round_entry__round=first).count() == 28 * 6
    assert all(r.rank for r in first.round_entries.all())
    assert second.round_entries.count() == first.round_entries.filter(advanced=True).count() >= 24
    zhou = Judge.objects.get(campaign=campaign, expert__user__email="expert@demo.local")
    scored = set(Score.objects.filter(judge=zhou, round_entry__round=second).values_list("round_entry", flat=True))
    unscored = RoundEntry.objects.filter(round=second).exclude(pk__in=scored)
    assert len(scored) == 6 and unscored.count() >= 2
    assert RoundEntry.objects.filter(round=second, scores_count__gte=3).exists()


def test_sanitation_campaign_is_finished_with_winners_and_ceremony(demo):
    campaign = Campaign.objects.get(name=SANITATION_AWARD)
    assert campaign.state == CampaignState.FINISHED and campaign.ceremony.title == GALA
    assert campaign.publicity_ends < campaign.finished_at
    assert campaign.entries.filter(state=EntryState.ELIGIBLE).count() == 8
    final = campaign.rounds.get()
    assert final.state == Round.State.CLOSED and final.kind == "final"
    winners = Winner.objects.filter(campaign=campaign)
    assert 3 <= winners.count() <= 4 and all(w.rank <= 3 and not w.withdrawn_at for w in winners)


def test_a_second_seed_run_creates_nothing(demo):
    def counts():
        return (Campaign.objects.count(), Entry.objects.count(), Judge.objects.count(), Score.objects.count(),
                Winner.objects.count(), AuditEntry.objects.count(),
                AuditEntry.objects.filter(actor_label=ACTOR).count())

    before = counts()
    output = seed()
    assert counts() == before
    assert "评比表彰：新建评比 0 项" in output
