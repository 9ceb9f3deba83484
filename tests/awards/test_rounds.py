"""The rounds part of the organisers' console: rounds and criteria (validation, changed only before the round
starts), opening and closing, the results table (median and trimmed mean, ranks with ties, disagreement), the
results workbook, who may use it, and query counts that do not grow with the entries."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from awards import services
from awards.models import Aggregation, CampaignState, Criterion, Entry, Round, RoundEntry, Score, Winner
from core.models import AuditEntry
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user

from .helpers import eligible_entries, judges, judging_round, make_campaign, score_all

pytestmark = pytest.mark.django_db(transaction=False)

D = Decimal


def url(name, *args):
    return reverse(f"awards_manage:{name}", args=args)


@pytest.fixture
def staff(client):
    user = committee_user(admin=False)
    client.force_login(user)
    return user


def _judging(n=4, **round_fields):
    campaign = make_campaign(state=CampaignState.JUDGING)
    eligible_entries(campaign, n)
    return campaign, judging_round(campaign, **round_fields)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


ROUND_DATA = {"kind": "first", "position": "1", "blind": "on", "quorum": "3", "aggregation": "median",
              "disagreement": "20", "advance_top": "2", "advance_min_score": ""}


# --- rounds and criteria ---------------------------------------------------------------------------------------
def test_create_a_round_and_its_criteria_with_validation(client, staff):
    campaign = make_campaign(state=CampaignState.OPEN)
    assert client.get(url("round_add", campaign.pk)).status_code == 200
    response = client.post(url("round_add", campaign.pk), {**ROUND_DATA, "quorum": "0"})
    assert response.status_code == 200 and response.context["form"].errors["quorum"]
    response = client.post(url("round_add", campaign.pk), ROUND_DATA)
    rnd = Round.objects.get(campaign=campaign)
    assert response.status_code == 302 and response["Location"] == url("round", rnd.pk)
    assert (rnd.kind, rnd.quorum, rnd.blind, rnd.advance_top) == ("first", 3, True, 2)
    assert AuditEntry.objects.filter(action="awards.round.saved").count() == 1
    clash = client.post(url("round_add", campaign.pk), {**ROUND_DATA, "kind": "final"})
    assert clash.status_code == 200 and clash.context["form"].errors["position"]

    add = url("criterion_add", rnd.pk)
    bad_scale = client.post(add, {"name": "创意设计", "weight": "2", "scale_min": "10", "scale_max": "10",
                                  "position": "1"})
    assert bad_scale.status_code == 200 and bad_scale.context["form"].errors["scale_max"]
    zero_weight = client.post(add, {"name": "创意设计", "weight": "0", "scale_min": "0", "scale_max": "10",
                                    "position": "1"})
    assert zero_weight.status_code == 200 and zero_weight.context["form"].errors["weight"]
    assert not Criterion.objects.exists()
    assert client.post(add, {"name": "创意设计", "weight": "2", "scale_min": "0", "scale_max": "10",
                             "position": "1"}).status_code == 302
    criterion = Criterion.objects.get(round=rnd)
    response = client.post(url("criterion_edit", rnd.pk, criterion.pk),
                           {"name": "创意与设计", "weight": "1.5", "scale_min": "1", "scale_max": "5", "position": "1"})
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert (criterion.name, criterion.weight, criterion.scale_max) == ("创意与设计", D("1.5"), 5)
    assert AuditEntry.objects.filter(action="awards.criterion.saved").count() == 2
    page = client.get(url("round", rnd.pk))
    assert page.status_code == 200 and "创意与设计" in page.text


def test_round_and_criteria_are_refused_once_open(client, staff):
    campaign, rnd = _judging()
    criterion = rnd.criteria.first()
    services.round_open(actor=staff, round=rnd)
    for target in (url("round_edit", rnd.pk), url("criterion_add", rnd.pk), url("criterion_edit", rnd.pk,
                                                                                 criterion.pk)):
        response = client.post(target, {**ROUND_DATA, "quorum": "1", "name": "x", "weight": "1"}, follow=True)
        assert response.redirect_chain[-1][0] == url("round", rnd.pk)
        assert any("can no longer be changed" in m or "不能再修改" in m for m in _messages(response))
    rnd.refresh_from_db()
    assert rnd.quorum == 3 and rnd.criteria.count() == 2
    assert not AuditEntry.objects.filter(action="awards.round.saved").exists()


def test_foreign_criterion_bad_ids_and_unknown_action_are_404(client, staff):
    campaign, rnd = _judging()
    _other_campaign, other = _judging()
    foreign = other.criteria.first()
    assert client.get(url("criterion_edit", rnd.pk, foreign.pk)).status_code == 404
    assert client.get(url("round", 2**31)).status_code == 404
    assert client.post(url("round_action", rnd.pk, "publish")).status_code == 404
    assert client.get(url("round_action", rnd.pk, "open")).status_code == 405


# --- open → close ----------------------------------------------------------------------------------------------------
def test_open_close_flow_with_quorum_refusal_and_results_table(client, staff):
    campaign, rnd = _judging(4, advance_top=2, disagreement=D("30"))
    response = client.post(url("round_action", rnd.pk, "open"), follow=True)
    assert response.status_code == 200
    rnd.refresh_from_db()
    assert rnd.state == Round.State.OPEN and RoundEntry.objects.filter(round=rnd).count() == 4
    panel = judges(campaign, 3)
    entries = list(Entry.objects.filter(campaign=campaign).order_by("pk"))
    score_all(rnd, panel[:2], {e.pk: [(9, 9), (8, 8)] for e in entries})
    page = client.get(url("round", rnd.pk))
    assert [(p.scored, p.assigned) for p in page.context["results"].progress] == [(4, 4), (4, 4), (0, 4)]
    assert len(page.context["results"].below_quorum) == 4
    refused = client.post(url("round_action", rnd.pk, "close"), follow=True)
    assert any("3" in m and entries[0].number in m for m in _messages(refused))
    rnd.refresh_from_db()
    assert rnd.state == Round.State.OPEN

    Score.objects.filter(round_entry__round=rnd).delete()
    RoundEntry.objects.filter(round=rnd).update(scores_count=0)
    score_all(rnd, panel, {
        entries[0].pk: [(9, 9), (8, 8), (10, 10)],  # 90, 80, 100 → median 90
        entries[1].pk: [(9, 9), (9, 9), (9, 9)],  # 90 → tie for first
        entries[2].pk: [(2, 2), (9, 9), (6, 6)],  # 20, 90, 60 → 60, flagged (spread 70)
        entries[3].pk: [(5, 5), (5, 5), (5, 5)],  # 50
    })
    client.post(url("round_action", rnd.pk, "close"))
    rnd.refresh_from_db()
    assert rnd.state == Round.State.CLOSED
    page = client.get(url("round", rnd.pk))
    rows = page.context["results"].rows
    assert [r.entry.pk for r in rows] == [entries[0].pk, entries[1].pk, entries[2].pk, entries[3].pk]
    assert [r.round_entry.rank for r in rows] == [1, 1, 3, 4]
    assert [r.round_entry.score for r in rows] == [D("90.00"), D("90.00"), D("60.00"), D("50.00")]
    assert rows[0].totals == [D("90.00"), D("80.00"), D("100.00")]
    assert [r.round_entry.advanced for r in rows] == [True, True, False, False]
    assert page.text.count('class="is-flagged"') == 1
    assert panel[0].expert.name in page.text and entries[0].firm.name in page.text
    assert AuditEntry.objects.filter(action="awards.round.closed").exists()
    again = client.post(url("round_action", rnd.pk, "close"), follow=True)
    assert again.status_code == 200 and _messages(again)


def test_trimmed_mean_in_the_results_table(client, staff):
    campaign, rnd = _judging(2, aggregation=Aggregation.TRIMMED)
    services.round_open(actor=staff, round=rnd)
    panel = judges(campaign, 4)
    a, b = Entry.objects.filter(campaign=campaign).order_by("pk")
    score_all(rnd, panel, {a.pk: [(2, 2), (8, 8), (9, 9), (10, 10)],  # 20, 80, 90, 100 → (80 + 90) / 2 = 85
                           b.pk: [(7, 7), (8, 8), (9, 9), (1, 1)]})  # 70, 80, 90, 10 → 75
    services.round_close(actor=staff, round=rnd)
    rows = client.get(url("round", rnd.pk)).context["results"].rows
    assert [(r.entry.pk, r.round_entry.score, r.round_entry.rank) for r in rows] == [
        (a.pk, D("85.00"), 1), (b.pk, D("75.00"), 2)]


# --- the workbook ---------------------------------------------------------------------------------------
def test_results_workbook(client, staff):
    campaign, rnd = _judging(3, advance_top=1)
    services.round_open(actor=staff, round=rnd)
    panel = judges(campaign, 3)
    entries = list(Entry.objects.filter(campaign=campaign).order_by("pk"))
    score_all(rnd, panel, {entries[0].pk: [(9, 9)] * 3, entries[1].pk: [(2, 2), (9, 9), (6, 6)],
                           entries[2].pk: [(5, 5)] * 3})
    services.round_close(actor=staff, round=rnd)
    Winner.objects.create(campaign=campaign, category=entries[0].category, entry=entries[0], rank=1,
                          score=D("90"))
    Winner.objects.create(campaign=campaign, category=entries[2].category, entry=entries[2], rank=2,
                          score=D("50"), withdrawn_at=timezone.now(), withdrawn_reason="异议成立")
    response = client.get(url("results_xlsx", campaign.pk))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["1-初评", "获奖名单"]
    rows = list(book["1-初评"].iter_rows(values_only=True))
    assert rows[0][3] == "参评单位（盲评轮次：评委不可见）"
    assert rows[0][4] == f"评委1（{panel[0].expert.name}）"
    assert rows[1][:4] == (entries[0].number, entries[0].category.name, entries[0].title, entries[0].firm.name)
    assert rows[1][4:] == (90, 90, 90, 3, 90, 1, "否", "是")
    assert rows[2][0] == entries[1].number and rows[2][4:7] == (20, 90, 60) and rows[2][-2:] == ("是", "否")
    assert len(rows) == 4
    winners = list(book["获奖名单"].iter_rows(values_only=True))
    assert winners[1] == (entries[0].category.name, 1, entries[0].number, entries[0].title, entries[0].firm.name,
                          90, "否", None)
    assert winners[2][-2:] == ("是", "异议成立")
    assert AuditEntry.objects.filter(action="awards.export.results").exists()


# --- permissions ---------------------------------------------------------------------------------------
def test_other_associations_staff_get_404_and_plain_users_403(client):
    organiser = AssociationFactory()
    campaign = make_campaign(state=CampaignState.JUDGING, organiser=organiser)
    eligible_entries(campaign, 2)
    rnd = judging_round(campaign)
    criterion = rnd.criteria.first()
    targets = [("get", url("round_add", campaign.pk)), ("get", url("round", rnd.pk)),
               ("get", url("round_edit", rnd.pk)), ("get", url("criterion_add", rnd.pk)),
               ("get", url("criterion_edit", rnd.pk, criterion.pk)), ("post", url("round_action", rnd.pk, "open")),
               ("get", url("results_xlsx", campaign.pk))]
    client.force_login(association_staff(AssociationFactory()))
    for method, target in targets:
        assert getattr(client, method)(target).status_code == 404, target
    client.force_login(UserFactory())
    for method, target in targets:
        assert getattr(client, method)(target).status_code == 403, target
    client.logout()
    assert client.get(url("round", rnd.pk)).status_code == 302
    client.force_login(association_staff(organiser))
    for _method, target in targets[:-2]:
        assert client.get(target).status_code == 200, target
    assert client.get(targets[-1][1]).status_code == 200
    rnd.refresh_from_db()
    assert rnd.state == Round.State.PENDING


# --- query counts ---------------------------------------------------------------------------------------
def _scored_round(n, staff):
    campaign, rnd = _judging(n, advance_top=3)
    services.round_open(actor=staff, round=rnd)
    panel = judges(campaign, 3)
    totals = (D("90"), D("60"), D("75"))
    Score.objects.bulk_create([Score(round_entry=re, judge=j, values={}, total=totals[(i + k) % 3])
                               for k, re in enumerate(RoundEntry.objects.filter(round=rnd))
                               for i, j in enumerate(panel)])
    RoundEntry.objects.filter(round=rnd).update(scores_count=3)
    return campaign, rnd


@pytest.mark.parametrize("n", [10, 300])
def test_query_counts_are_fixed(client, staff, django_assert_num_queries, n):
    campaign, rnd = _scored_round(n, staff)
    with django_assert_num_queries(QUERIES["open"]):
        assert client.get(url("round", rnd.pk)).status_code == 200
    services.round_close(actor=staff, round=rnd)
    with django_assert_num_queries(QUERIES["closed"]):
        response = client.get(url("round", rnd.pk))
    assert len(response.context["results"].rows) == n
    with django_assert_num_queries(QUERIES["xlsx"]):
        assert client.get(url("results_xlsx", campaign.pk)).status_code == 200


QUERIES = {"open": 9, "closed": 8, "xlsx": 10}
