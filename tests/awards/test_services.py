"""Award campaigns: compliance, eligibility, entries, the drawn panel, scoring, aggregation, rounds, 公示, results."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from awards import services
from awards.models import CampaignState, Entry, EntryState, Objection, Round, RoundEntry, Score, Winner
from awards.services.judging import aggregate, rank, visible_scores
from core.errors import DomainError
from core.models import AuditEntry
from tests.factories import UserFactory, association_staff, committee_user, firm_user

from .helpers import eligible_entries, judges, judging_round, make_campaign, member_firm, score_all

pytestmark = pytest.mark.django_db

D = Decimal


# --- compliance --------------------------------------------------------------------------------------------------
def test_opening_needs_the_approval_and_a_confirmed_restricted_name():
    admin = committee_user()
    campaign = make_campaign(state=CampaignState.DRAFT, approval_number="", name="2026中国户外广告招牌评比")
    with pytest.raises(DomainError) as exc:
        services.campaign_open(actor=admin, campaign=campaign)
    assert exc.value.field == "approval_number"
    campaign.approval_number = "民函〔2026〕12号"
    campaign.save()
    with pytest.raises(DomainError, match="中国"):
        services.campaign_open(actor=admin, campaign=campaign)
    campaign.restricted_name_confirmed = True
    campaign.save()
    assert services.campaign_open(actor=admin, campaign=campaign).state == CampaignState.OPEN
    assert AuditEntry.objects.filter(action="awards.campaign.opened").exists()


# --- eligibility and entries ------------------------------------------------------------------------------------
def test_eligibility_membership_black_list_and_credit_level(association):
    from .helpers import black_list, rate_firm

    campaign = make_campaign(min_credit_level="A")
    campaign.associations.add(association)
    outsider = member_firm()
    assert any("会员" in p or "member" in p for p in services.eligibility_problems(campaign, outsider))
    good = member_firm(association)
    rate_firm(good, "AA")
    assert services.eligibility_problems(campaign, good) == []
    weak = member_firm(association)
    rate_firm(weak, "B")
    assert services.eligibility_problems(campaign, weak)
    unrated = member_firm(association)
    assert services.eligibility_problems(campaign, unrated)
    listed = member_firm(association)
    rate_firm(listed, "AA")
    black_list(listed)
    problems = services.eligibility_problems(campaign, listed)
    assert len(problems) == 1 and ("黑名单" in problems[0] or "black list" in problems[0])


def test_entry_draft_submit_freezes_numbers_and_fingerprints():
    campaign = make_campaign()
    firm = member_firm()
    user = firm_user(firm)
    category = campaign.categories.get()
    with pytest.raises(DomainError) as exc:  # the required form field
        services.entry_save(actor=user, campaign=campaign, firm=firm, category=category, title="春熙路示范街招牌",
                            description="统一风格", answers={})
    assert exc.value.field == "f0"
    entry = services.entry_save(actor=user, campaign=campaign, firm=firm, category=category, title="春熙路示范街招牌",
                                description="统一风格", answers={"f0": "锦江区春熙路"})
    entry = services.entry_submit(actor=user, entry=entry)
    assert entry.state == EntryState.SUBMITTED and entry.number.startswith("PB-2026-") and len(entry.fingerprint) == 64
    with pytest.raises(DomainError):
        services.entry_save(actor=user, campaign=campaign, firm=firm, category=category, title="改",
                            description="改", answers={"f0": "x"}, entry=entry)
    with pytest.raises(DomainError):  # not this user's firm
        services.entry_save(actor=UserFactory(), campaign=campaign, firm=firm, category=category, title="t",
                            description="d", answers={"f0": "x"})


def test_association_staff_enter_for_a_member_firm_and_entries_close(association):
    campaign = make_campaign()
    firm = member_firm(association)
    staff = association_staff(association)
    entry = services.entry_save(actor=staff, campaign=campaign, firm=firm, category=campaign.categories.get(),
                                title="宽窄巷子招牌", description="川西风貌", answers={"f0": "青羊区"})
    with time_machine.travel(campaign.entries_close + timedelta(minutes=1)):
        with pytest.raises(DomainError, match=str(timezone.localtime(campaign.entries_close).year)):
            services.entry_submit(actor=staff, entry=entry)


def test_review_needs_a_reason_for_ineligible():
    campaign = make_campaign()
    entry = eligible_entries(campaign, 1)[0]
    entry.state = EntryState.SUBMITTED
    entry.save()
    admin = committee_user()
    with pytest.raises(DomainError):
        services.entry_review(actor=admin, entry=entry, eligible=False)
    entry = services.entry_review(actor=admin, entry=entry, eligible=False, reason="招牌未取得设置许可")
    assert entry.state == EntryState.INELIGIBLE and entry.ineligible_reason == "招牌未取得设置许可"


# --- the panel ------------------------------------------------------------------------------------------------------
def test_the_panel_draw_excludes_experts_of_entrant_firms():
    from experts.models import Selection
    from tests.experts.helpers import committee_pool, make_expert

    campaign = make_campaign(state=CampaignState.JUDGING)
    entries = eligible_entries(campaign, 2)
    pool = committee_pool()
    employed = make_expert("钱参赛", fields=["advertising"], pool=pool, employer_firm=entries[0].firm)
    for i in range(4):
        make_expert(f"孙评审{i}", fields=["advertising"], pool=pool)
    admin = committee_user()
    draw = services.panel_draw(actor=admin, campaign=campaign, field="advertising", count=3, alternates=1,
                               supervisor="市纪委监委驻委纪检组", starts_on=date(2026, 12, 1),
                               ends_on=date(2026, 12, 2), pool=pool)
    assert set(draw.excluded_firms.all()) == {e.firm for e in entries}
    drawn = set(Selection.objects.filter(draw=draw).values_list("expert_id", flat=True))
    assert employed.pk not in drawn and len(drawn) == 4
    assert any(x["expert"] == employed.pk for x in draw.exclusions)
    with pytest.raises(DomainError):
        services.panel_draw(actor=admin, campaign=campaign, field="advertising", count=3, alternates=1,
                            supervisor="x", starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 2), pool=pool)
    Selection.objects.filter(draw=draw, alternate=False).update(response=Selection.Response.CONFIRMED)
    assert len(services.panel_sync(actor=admin, campaign=campaign)) == 3
    assert services.panel_sync(actor=admin, campaign=campaign) == []


# --- scoring and aggregation --------------------------------------------------------------------------------------
def test_aggregation_median_trimmed_mean_and_ties():
    assert aggregate([D(80), D(60), D(90)], "median") == D("80.00")
    assert aggregate([D(80), D(60), D(90), D(70)], "median") == D("75.00")
    assert aggregate([D(100), D(60), D(70), D(80)], "trimmed") == D("75.00")  # drops 100 and 60
    assert aggregate([D(60), D(70)], "trimmed") == D("65.00")  # too few to trim
    assert aggregate([], "median") is None
    assert rank([(1, D(90)), (2, D(80)), (3, D(90)), (4, D(70))]) == {1: 1, 3: 1, 2: 3, 4: 4}


def _open_round(campaign, entries=3, panel=3, **round_fields):
    eligible_entries(campaign, entries)
    campaign.state = CampaignState.JUDGING
    campaign.save()
    rnd = judging_round(campaign, **round_fields)
    admin = committee_user()
    services.round_open(actor=admin, round=rnd)
    return admin, rnd, judges(campaign, panel)


def test_scores_are_checked_once_and_hidden_until_own_score():
    campaign = make_campaign()
    admin, rnd, panel = _open_round(campaign, entries=1, panel=2)
    re = RoundEntry.objects.get(round=rnd)
    c1, c2 = rnd.criteria.all()
    first, second = panel
    with pytest.raises(DomainError) as exc:
        services.score_submit(actor=first.expert.user, judge=first, round_entry=re,
                              values={str(c1.pk): 11, str(c2.pk): 5})
    assert exc.value.field == f"c{c1.pk}"
    with pytest.raises(DomainError):  # someone else's judge record
        services.score_submit(actor=second.expert.user, judge=first, round_entry=re,
                              values={str(c1.pk): 8, str(c2.pk): 5})
    score = services.score_submit(actor=first.expert.user, judge=first, round_entry=re,
                                  values={str(c1.pk): "8", str(c2.pk): "5"})
    assert score.total == D("70.00")  # (2×0.8 + 1×0.5) / 3
    with pytest.raises(DomainError):
        services.score_submit(actor=first.expert.user, judge=first, round_entry=re,
                              values={str(c1.pk): 9, str(c2.pk): 9})
    assert visible_scores(second, re) is None
    assert [s.judge_id for s in visible_scores(first, re)] == [first.pk]


def test_recused_or_conflicted_judges_cannot_score():
    campaign = make_campaign()
    admin, rnd, panel = _open_round(campaign, entries=2, panel=2)
    res = list(RoundEntry.objects.filter(round=rnd).select_related("entry"))
    c1, c2 = rnd.criteria.all()
    judge = panel[0]
    services.recuse(actor=judge.expert.user, judge=judge, entry=res[0].entry, reason="曾在该企业任职")
    with pytest.raises(DomainError):
        services.score_submit(actor=judge.expert.user, judge=judge, round_entry=res[0],
                              values={str(c1.pk): 8, str(c2.pk): 5})
    other = panel[1]
    other.expert.employer_firm = res[1].entry.firm
    other.expert.save()
    with pytest.raises(DomainError):
        services.score_submit(actor=other.expert.user, judge=other, round_entry=res[1],
                              values={str(c1.pk): 8, str(c2.pk): 5})


def test_quorum_aggregation_flags_ranks_and_advancement():
    campaign = make_campaign()
    admin, rnd, panel = _open_round(campaign, entries=4, panel=3, advance_top=2, disagreement=D("30"))
    entries = list(Entry.objects.filter(campaign=campaign).order_by("pk"))
    with pytest.raises(DomainError, match="3"):
        services.round_close(actor=admin, round=rnd)
    score_all(rnd, panel, {
        entries[0].pk: [(9, 9), (8, 8), (10, 10)],  # 90, 80, 100 → median 90
        entries[1].pk: [(9, 9), (9, 9), (9, 9)],  # 90 → tie for first
        entries[2].pk: [(2, 2), (9, 9), (6, 6)],  # 20, 90, 60 → 60, flagged (spread 70)
        entries[3].pk: [(5, 5), (5, 5), (5, 5)],  # 50
    })
    services.round_close(actor=admin, round=rnd)
    rows = {re.entry_id: re for re in RoundEntry.objects.filter(round=rnd)}
    assert [rows[e.pk].rank for e in entries] == [1, 1, 3, 4]
    assert [rows[e.pk].score for e in entries] == [D("90.00"), D("90.00"), D("60.00"), D("50.00")]
    assert [rows[e.pk].flagged for e in entries] == [False, False, True, False]
    assert [rows[e.pk].advanced for e in entries] == [True, True, False, False]
    final = judging_round(campaign, position=2, kind="final", quorum=3)
    services.round_open(actor=admin, round=final)
    assert set(RoundEntry.objects.filter(round=final).values_list("entry_id", flat=True)) == {
        entries[0].pk, entries[1].pk}
    assert Score.objects.count() == 12


# --- 公示, objections and results ------------------------------------------------------------------------------------
def test_publicity_window_objections_and_final_results_with_credit_records():
    from .helpers import good_indicator

    campaign = make_campaign()
    admin, rnd, panel = _open_round(campaign, entries=3, panel=3)
    entries = list(Entry.objects.filter(campaign=campaign).order_by("pk"))
    score_all(rnd, panel, {entries[0].pk: [(9, 9)] * 3, entries[1].pk: [(8, 8)] * 3, entries[2].pk: [(5, 5)] * 3})
    services.round_close(actor=admin, round=rnd)
    campaign.credit_indicator = good_indicator()
    campaign.publicity_days = 5
    campaign.save()
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 1, 10, 0))):  # a Tuesday
        campaign = services.publicity_start(actor=admin, campaign=campaign)
        assert timezone.localtime(campaign.publicity_ends).date() == date(2026, 12, 8)
        assert list(Winner.objects.filter(campaign=campaign).values_list("entry_id", flat=True)) == [
            entries[0].pk, entries[1].pk]
        objector = UserFactory()
        objection = services.objection_file(actor=objector, campaign=campaign, name="张先生", contact="13800000000",
                                            reason="该招牌设置未取得许可，且与示范街风貌不符。", entry=entries[1])
        with pytest.raises(DomainError, match="2026-12-08"):
            services.results_finalise(actor=admin, campaign=campaign)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 9, 9, 0))):
        with pytest.raises(DomainError, match="2026-12-01"):
            services.objection_file(actor=objector, campaign=campaign, name="李", contact="x@example.cn",
                                    reason="迟到的异议，超过公示期。")
        with pytest.raises(DomainError):  # an undecided objection
            services.results_finalise(actor=admin, campaign=campaign)
        services.objection_decide(actor=admin, objection=objection, upheld=True,
                                  outcome="经核实，该招牌未取得设置许可，取消其获奖资格。")
        campaign = services.results_finalise(actor=admin, campaign=campaign)
    assert campaign.state == CampaignState.FINISHED
    winners = {w.entry_id: w for w in Winner.objects.filter(campaign=campaign)}
    assert winners[entries[1].pk].withdrawn_at is not None and winners[entries[1].pk].credit_event is None
    event = winners[entries[0].pk].credit_event
    assert event is not None and event.firm == entries[0].firm and campaign.approval_number == event.evidence_doc_no
    assert Objection.objects.get().state == Objection.State.UPHELD
    assert Round.objects.get(pk=rnd.pk).state == Round.State.CLOSED


def test_review_freezes_once_judging_rounds_start_and_ineligible_entries_are_not_scored():
    campaign = make_campaign()
    admin, rnd, panel = _open_round(campaign, entries=2, panel=1)
    entry = Entry.objects.filter(campaign=campaign).first()
    with pytest.raises(DomainError):
        services.entry_review(actor=admin, entry=entry, eligible=False, reason="迟到的资格问题")
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.WITHDRAWN)
    re = RoundEntry.objects.select_related("entry").get(round=rnd, entry=entry)
    c1, c2 = rnd.criteria.all()
    with pytest.raises(DomainError):
        services.score_submit(actor=panel[0].expert.user, judge=panel[0], round_entry=re,
                              values={str(c1.pk): 8, str(c2.pk): 5})


def test_all_rounds_share_the_blind_setting_and_the_draw_waits_for_the_entries_to_close():
    campaign = make_campaign()
    with pytest.raises(DomainError):  # still open for entries: later entrants could not be excluded
        services.panel_draw(actor=committee_user(), campaign=campaign, field="advertising", count=1, alternates=0,
                            supervisor="x", starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 2))
    admin, rnd, panel = _open_round(campaign, entries=1, panel=1, blind=False)
    judging_round(campaign, position=2, kind="final", blind=True)

    RoundEntry.objects.filter(round=rnd).update(advanced=True)
    Round.objects.filter(pk=rnd.pk).update(state=Round.State.CLOSED)
    with pytest.raises(DomainError, match="盲评|blind"):
        services.round_open(actor=admin, round=campaign.rounds.get(position=2))
