"""seed_demo's credit ratings: the scheme, records, rounds (final and in 公示), objections, a repair and the lists.

The demo is seeded once for the module (inside a transaction rolled back at the end); each test runs in a
savepoint of its own on top of it.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from core import workdays
from core.models import AuditEntry, CalendarYear
from credit.models import (
    Category,
    CreditEvent,
    CreditScheme,
    DecisionState,
    EventState,
    EventStatus,
    Indicator,
    ListEntry,
    ListKind,
    Objection,
    Rating,
    RatingRound,
    Repair,
    RoundState,
    SchemeState,
    Severity,
)
from credit.scoring import score_firm
from credit.services.schemes import scheme_problems
from portal.demo.accounts import DEMO_FIRM
from portal.demo.credit import FAMILY, HORIZON_DAYS, Timeline, declare_calendar_years
from tests.portal.demo_helpers import seed

User = get_user_model()


def scheme() -> CreditScheme:
    return CreditScheme.objects.get(family=FAMILY)


def rounds(sector: str) -> list[RatingRound]:
    return list(RatingRound.objects.filter(scheme__family=FAMILY, sector=sector).order_by("as_of"))


def demo_firm_user():
    return User.objects.get(email="firm@demo.local")


def test_seed_prints_a_summary_line_for_credit(demo):
    line = next(line for line in demo.splitlines() if "信用评价" in line)
    assert "新建评价办法 1 个" in line and "公示中 2 个" in line


def test_scheme_is_a_committee_rule_in_force_for_municipal_and_lighting_with_15_to_25_indicators(demo):
    s = scheme()
    assert s.state == SchemeState.IN_FORCE and s.is_frozen
    assert s.issuing_authority == "成都市城市管理委员会" and "社会信用条例" in s.legal_basis
    assert sorted(s.sectors) == ["lighting", "municipal"]
    assert (s.base_score, s.notice_workdays, s.objection_workdays, s.answer_workdays, s.validity_days) == (
        60, 5, 5, 5, 365)
    assert [(lv.name, int(lv.min_score)) for lv in s.levels.order_by("-min_score")] == [
        ("AAA", 90), ("AA", 80), ("A", 70), ("B", 60), ("C", 0)]
    indicators = list(s.indicators.all())
    assert 15 <= len(indicators) <= 25
    assert {i.category for i in indicators} == set(Category.values)
    assert {i.severity for i in indicators if i.category == Category.BAD} == set(Severity.values)
    assert all(i.legal_basis and i.publish_min_days <= i.publish_max_days for i in indicators)
    assert scheme_problems(s) == []


def test_each_sector_has_two_final_rounds_and_one_in_public_notice_today(demo):
    today = timezone.localdate()
    for sector in ("lighting", "municipal"):
        oldest, last, current = rounds(sector)
        assert [r.state for r in (oldest, last, current)] == [RoundState.FINAL, RoundState.FINAL,
                                                             RoundState.PUBLISHED]
        assert oldest.superseded_by == last and last.superseded_by is None
        assert oldest.valid_until < last.valid_from <= today <= last.valid_until
        assert timezone.localdate(current.published_at) < today <= current.objections_close_on
        assert today <= current.notice_ends_on
        assert current.firm_count == current.ratings.current().count() >= 25


def test_firm_user_has_a_pending_objection_to_a_record_answered_within_the_deadline(demo):
    firm_user = demo_firm_user()
    objection = Objection.objects.get(state=DecisionState.PENDING)
    assert objection.firm.name == DEMO_FIRM and objection.submitted_by == firm_user
    assert objection.event.state == EventState.APPROVED and objection.evidence_file
    assert objection.answer_due >= timezone.localdate()
    assert objection.answer_due == workdays.add_workdays(timezone.localdate(objection.submitted_at), 5)


def test_upheld_objection_revoked_the_record_and_made_a_second_rating_version(demo):
    objection = Objection.objects.get(state=DecisionState.UPHELD)
    old, new = objection.rating, objection.new_rating
    assert objection.firm.name == DEMO_FIRM and old.round == new.round
    assert (old.version, new.version) == (1, 2) and old.superseded_by == new and old.superseded_at
    (revoked,) = objection.revoked_events.all()
    assert revoked.state == EventState.REVOKED and revoked.revoked_at == objection.decided_at
    assert new.score - old.score == -revoked.points
    assert new.round.state == RoundState.FINAL  # decided during the 公示, before the round became final


def test_a_record_was_repaired_after_its_minimum_publication(demo):
    repair = Repair.objects.get()
    event = repair.event
    assert repair.state == DecisionState.UPHELD and repair.pledge_file and repair.evidence_file
    assert event.firm.name == DEMO_FIRM and event.indicator.category == Category.BAD
    assert event.status == EventStatus.REPAIRED and event.repaired_on == repair.ends_on
    assert event.repaired_on >= event.effective_from + timedelta(days=event.indicator.publish_min_days)


def test_a_firm_is_on_the_black_list_by_the_rule(demo):
    entry = ListEntry.objects.active().get(kind=ListKind.BLACK)
    assert entry.automatic and entry.rule and entry.counts["by_severity"][Severity.SEVERE] >= 1
    assert CreditEvent.objects.filter(firm=entry.firm, indicator__severity=Severity.SEVERE).exists()


def test_several_firms_are_on_the_red_list_with_the_top_level_in_both_final_rounds(demo):
    entries = list(ListEntry.objects.active().filter(kind=ListKind.RED))
    assert len(entries) >= 2 and all(e.automatic for e in entries)
    assert {e.firm.sector for e in entries} == {"lighting", "municipal"}
    for entry in entries:
        finals = [r for r in rounds(entry.firm.sector) if r.state == RoundState.FINAL]
        assert {Rating.objects.current().get(round=r, firm=entry.firm).level for r in finals} == {"AAA"}


def test_every_rating_version_is_reproducible_as_it_was_known(demo):
    ratings = Rating.objects.filter(round__scheme__family=FAMILY).select_related("round__scheme", "firm")
    assert ratings.count() > 150
    for rating in ratings.order_by("id")[::7]:
        score = score_firm(scheme=rating.round.scheme, firm=rating.firm, on=rating.round.as_of,
                           known_at=rating.computed_at)
        assert (score.score, score.level) == (rating.score, rating.level)
        assert score.as_json() == rating.explanation


def test_levels_spread_over_the_table(demo):
    levels = set(Rating.objects.current().filter(round__scheme__family=FAMILY).values_list("level", flat=True))
    assert levels == {"AAA", "AA", "A", "B", "C"}


def test_records_come_through_every_flow_with_pdf_evidence(demo):
    events = CreditEvent.objects.filter(indicator__scheme__family=FAMILY)
    assert events.filter(indicator__evidence_required=True, evidence_file="").count() == 0
    sample = events.exclude(evidence_file="").first()
    with sample.evidence_file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert set(events.values_list("source", flat=True)) == {"self", "authority", "association", "public"}
    assert events.filter(association__isnull=False, state=EventState.APPROVED).exists()
    assert events.filter(state=EventState.PENDING).count() == 1  # an association submission awaiting review
    corrected = events.get(corrections__isnull=False)
    assert corrected.state == EventState.REVOKED and corrected.corrections.get().state == EventState.APPROVED


def test_history_is_replayed_at_its_dates_with_audit_entries(demo):
    last = rounds("lighting")[1]
    entry = AuditEntry.objects.get(action="credit.round.finalised", object_id=str(last.pk))
    assert entry.created_at == last.finalised_at < timezone.now() - timedelta(days=200)
    assert AuditEntry.objects.filter(action="credit.event.recorded").count() > 200
    assert AuditEntry.objects.filter(action="portal.seed_demo.credit").count() == 1


def counts() -> dict[str, int]:
    models = (CreditScheme, Indicator, CreditEvent, RatingRound, Rating, Objection, Repair, ListEntry, AuditEntry)
    return {model.__name__: model.objects.count() for model in models}


def test_running_twice_creates_nothing(demo):
    before = counts()
    output = seed()
    assert counts() == before
    assert "评价办法已存在" in output


@pytest.mark.parametrize("today", [
    date(2026, 11, 23),  # a Monday
    date(2026, 10, 8),  # the day after the National Day holiday
    date(2026, 12, 31),  # the 公示 runs into 2027, which chinese-calendar does not know
    date(2027, 3, 7),  # a Sunday of an undeclared year
    date(2028, 2, 29),
])
def test_the_current_round_is_in_its_window_on_any_seed_date(db, today):
    declare_calendar_years(date(today.year - 3, 1, 1), today + timedelta(days=HORIZON_DAYS), "seed_demo")
    for year in range(today.year - 3, (today + timedelta(days=HORIZON_DAYS)).year + 1):
        assert workdays.package_knows(year) or CalendarYear.objects.filter(year=year).exists()
    t = Timeline.for_today(today)
    assert t.as_of[0] < t.as_of[1] < t.as_of[2] < t.published[2] < t.workday_after(2, 1) < today
    assert today <= t.workday_after(2, 5) <= today + timedelta(days=HORIZON_DAYS)  # objections open today
    assert workdays.add_workdays(t.workday_after(2, 1), 5) <= today + timedelta(days=HORIZON_DAYS)  # answer due
    for k in range(3):
        assert t.as_of[k] + timedelta(days=6) < t.published[k]  # computed before published
    assert t.workday_after(1, 6) < t.as_of[2]  # last year's round final long before this one
