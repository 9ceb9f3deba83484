"""Scores as of any date: caps, expiries, level boundaries, reproducibility after revocation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credit import services
from credit.scoring import LevelTable, score_firm

from .helpers import at, record, travel

pytestmark = pytest.mark.django_db


def test_score_is_base_plus_effective_events(admin, scheme, firm):
    with travel(at(2026, 3, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 1))  # +20
        record(admin, firm, scheme, "L02", on=date(2026, 2, 1), points=3)
        record(admin, firm, scheme, "B01", on=date(2026, 2, 10), points=-4, expires_on=date(2026, 6, 30))
    score = score_firm(scheme=scheme, firm=firm, on=date(2026, 3, 1))
    assert score.score == Decimal("79.00")  # 60 + 20 + 3 - 4
    assert score.level == "A"
    assert sorted(c.code for c in score.contributions) == ["B01", "J01", "L02"]
    bad = next(c for c in score.contributions if c.code == "B01")
    assert bad.points == "-4" and bad.counts_until == "2026-06-30"


def test_expiry_is_the_last_day_the_event_counts(admin, scheme, firm):
    with travel(at(2026, 3, 1, 10)):
        record(admin, firm, scheme, "B01", on=date(2026, 2, 10), points=-4, expires_on=date(2026, 6, 30))
    assert score_firm(scheme=scheme, firm=firm, on=date(2026, 2, 9)).score == Decimal(60)
    assert score_firm(scheme=scheme, firm=firm, on=date(2026, 2, 10)).score == Decimal(56)
    assert score_firm(scheme=scheme, firm=firm, on=date(2026, 6, 30)).score == Decimal(56)
    assert score_firm(scheme=scheme, firm=firm, on=date(2026, 7, 1)).score == Decimal(60)


def test_caps_apply_per_category(admin, scheme, firm):
    """good_cap 20 and bad_cap 40 in the helper scheme."""
    with travel(at(2026, 3, 1, 10)):
        for month in (1, 2, 3):
            record(admin, firm, scheme, "L01", on=date(2026, month, 1), points=10)  # +30 raw → +20
        for day in (1, 2, 3, 4, 5):
            record(admin, firm, scheme, "B01", on=date(2026, 1, day), points=-10)  # -50 raw → -40
    score = score_firm(scheme=scheme, firm=firm, on=date(2026, 3, 1))
    assert score.score == Decimal(40)  # 60 + 20 - 40
    totals = {c.category: c for c in score.categories}
    assert totals["good"].raw == "30" and totals["good"].counted == "20" and totals["good"].capped
    assert totals["bad"].raw == "-50" and totals["bad"].counted == "-40" and totals["bad"].capped
    assert not totals["basic"].capped
    # In February only two awards count: under the cap.
    assert score_firm(scheme=scheme, firm=firm, on=date(2026, 2, 15)).score == Decimal(40)  # 60 + 20 - 40
    assert score_firm(scheme=scheme, firm=firm, on=date(2026, 1, 15)).score == Decimal(30)  # 60 + 10 - 40


@pytest.mark.parametrize(("score", "level"), [
    ("90", "AAA"), ("89.99", "AA"), ("80", "AA"), ("79.99", "A"), ("70", "A"), ("60", "B"), ("59.99", "C"),
    ("0", "C"), ("-5", "C"),
])
def test_level_boundaries_are_inclusive_minimums(scheme, score, level):
    assert LevelTable(scheme.levels.all()).level_for(Decimal(score)) == level


def test_exactly_on_a_threshold_through_events(admin, scheme, firm):
    with travel(at(2026, 3, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 1))  # 80 exactly
    assert score_firm(scheme=scheme, firm=firm, on=date(2026, 3, 1)).level == "AA"


def test_a_past_date_recomputes_as_it_was_known(admin, scheme, firm):
    with travel(at(2026, 3, 1, 10)):
        event = record(admin, firm, scheme, "B01", on=date(2026, 2, 10), points=-6)
    published = at(2026, 3, 2, 10)
    with travel(published):
        before = score_firm(scheme=scheme, firm=firm, on=date(2026, 3, 1))
    with travel(at(2026, 3, 5, 10)):
        services.event_revoke(actor=admin, event=event, reason="处罚决定已被撤销")
        now = score_firm(scheme=scheme, firm=firm, on=date(2026, 3, 1))
        then = score_firm(scheme=scheme, firm=firm, on=date(2026, 3, 1), known_at=published)
    assert before.score == Decimal(54) and now.score == Decimal(60)
    assert then.as_json() == before.as_json()


def test_a_repair_stops_the_record_counting_from_its_date_only(admin, scheme, firm):
    from credit.models import CreditEvent

    with travel(at(2026, 1, 5, 10)):
        event = record(admin, firm, scheme, "B01", on=date(2026, 1, 5), points=-6)
    CreditEvent.objects.filter(pk=event.pk).update(repaired_on=date(2026, 5, 1), repaired_at=at(2026, 5, 1, 9))
    assert score_firm(scheme=scheme, firm=firm, on=date(2026, 4, 30)).score == Decimal(54)
    assert score_firm(scheme=scheme, firm=firm, on=date(2026, 5, 1)).score == Decimal(60)
    # As known before the repair, 5 May still counted it, and the explanation said so.
    early = score_firm(scheme=scheme, firm=firm, on=date(2026, 5, 1), known_at=at(2026, 4, 1))
    assert early.score == Decimal(54) and early.contributions[0].counts_until == (
        date(2026, 1, 5) + timedelta(days=364)).isoformat()
