"""Rating rounds: lifecycle with frozen time and working days, supersession, reproducibility."""

from datetime import date
from decimal import Decimal

import pytest

from core.models import AuditEntry
from credit import services
from credit.models import Rating, RatingRound, RoundState
from credit.scoring import score_firm
from tests.factories import FirmFactory

from .helpers import at, record, refused, travel

pytestmark = pytest.mark.django_db


def run_round(admin, scheme, *, as_of, publish_at, name="2026年度", sector="municipal"):
    with travel(publish_at):
        rating_round = services.round_open(actor=admin, scheme=scheme, sector=sector, name=name, as_of=as_of)
        services.round_compute(actor=admin, rating_round=rating_round)
        return services.round_publish(actor=admin, rating_round=rating_round)


def test_round_lifecycle_uses_working_days_across_national_day(admin, scheme, firm):
    other = FirmFactory(sector="lighting")  # another sector: not in the round
    with travel(at(2026, 9, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 5))
        record(admin, firm, scheme, "B01", on=date(2026, 8, 3), points=-3)
        record(admin, other, scheme, "J01", on=date(2026, 1, 5))
    rating_round = run_round(admin, scheme, as_of=date(2026, 9, 30), publish_at=at(2026, 9, 30, 10))
    # 5 working days after 30 Sep 2026: 国庆 1–7 Oct are rest days, Sat 10 Oct is a make-up workday.
    assert rating_round.state == RoundState.PUBLISHED
    assert rating_round.notice_ends_on == date(2026, 10, 13)
    assert rating_round.objections_close_on == date(2026, 10, 13)
    ratings = {r.firm_id: r for r in rating_round.ratings.all()}
    assert set(ratings) == {firm.pk} and rating_round.firm_count == 1
    assert ratings[firm.pk].score == Decimal(77) and ratings[firm.pk].level == "A"
    with travel(at(2026, 10, 13, 23, 59)), refused("2026-10-13"):
        services.round_finalise(actor=admin, rating_round=rating_round)
    with travel(at(2026, 10, 14, 9)):
        final = services.round_finalise(actor=admin, rating_round=rating_round)
    assert final.state == RoundState.FINAL
    assert (final.valid_from, final.valid_until) == (date(2026, 10, 14), date(2027, 10, 13))
    actions = list(AuditEntry.objects.for_object(final).values_list("action", flat=True))
    assert {"credit.round.opened", "credit.round.computed", "credit.round.published",
            "credit.round.finalised"} <= set(actions)


def test_a_published_round_is_not_recomputed(admin, scheme, firm):
    rating_round = run_round(admin, scheme, as_of=date(2026, 9, 30), publish_at=at(2026, 9, 30, 10))
    with travel(at(2026, 10, 9, 10)), refused():
        services.round_compute(actor=admin, rating_round=rating_round)


def test_the_next_final_round_supersedes_the_previous_one(admin, scheme, firm):
    first = run_round(admin, scheme, as_of=date(2026, 3, 31), publish_at=at(2026, 4, 1, 10), name="2025年度")
    with travel(at(2026, 4, 20, 10)):
        services.round_finalise(actor=admin, rating_round=first)
    second = run_round(admin, scheme, as_of=date(2026, 9, 30), publish_at=at(2026, 9, 30, 10))
    first.refresh_from_db()
    assert first.superseded_by is None and first.valid_until == date(2027, 4, 19)  # still valid during 公示
    with travel(at(2026, 10, 14, 9)):
        services.round_finalise(actor=admin, rating_round=second)
    first.refresh_from_db()
    assert first.superseded_by == second and first.valid_until == date(2026, 10, 13)


def test_editors_compute_but_only_administrators_publish(editor, scheme, firm):
    with travel(at(2026, 9, 30, 10)):
        rating_round = services.round_open(actor=editor, scheme=scheme, sector="municipal", name="2026年度",
                                           as_of=date(2026, 9, 30))
        services.round_compute(actor=editor, rating_round=rating_round)
        with refused():
            services.round_publish(actor=editor, rating_round=rating_round)
    assert RatingRound.objects.get().state == RoundState.COMPUTED


def test_round_open_refuses_a_date_outside_the_scheme_and_a_sector_it_does_not_cover(admin, scheme):
    with refused():
        services.round_open(actor=admin, scheme=scheme, sector="municipal", name="x", as_of=date(2024, 12, 31))
    with refused():
        services.round_open(actor=admin, scheme=scheme, sector="advertising", name="x", as_of=date(2026, 9, 30))
    assert not RatingRound.objects.exists()


def test_stored_ratings_are_reproducible_after_later_changes(admin, scheme, firm):
    with travel(at(2026, 9, 1, 10)):
        event = record(admin, firm, scheme, "B01", on=date(2026, 8, 3), points=-8)
    rating_round = run_round(admin, scheme, as_of=date(2026, 9, 30), publish_at=at(2026, 9, 30, 10))
    rating = Rating.objects.get(round=rating_round, firm=firm)
    with travel(at(2026, 10, 20, 10)):
        services.event_revoke(actor=admin, event=event, reason="处罚决定书已被复议撤销")
        again = score_firm(scheme=scheme, firm=firm, on=rating_round.as_of, known_at=rating.computed_at)
    assert again.score == rating.score and again.as_json() == rating.explanation


def test_top_level_in_two_consecutive_final_rounds_puts_a_firm_on_the_red_list(admin, scheme, firm):
    from credit.models import ListEntry, ListKind

    steady = FirmFactory(sector="municipal")
    with travel(at(2026, 1, 5, 10)):
        for f in (firm, steady):
            record(admin, f, scheme, "J01", on=date(2026, 1, 5))
            record(admin, f, scheme, "L01", on=date(2026, 1, 5), points=10)  # 60 + 20 + 10 = 90: AAA
    first = run_round(admin, scheme, as_of=date(2026, 3, 31), publish_at=at(2026, 4, 1, 10), name="上半年")
    with travel(at(2026, 4, 20, 10)):
        services.round_finalise(actor=admin, rating_round=first)
    assert not ListEntry.objects.exists()  # one round is not enough
    with travel(at(2026, 5, 6, 10)):
        record(admin, firm, scheme, "B03", on=date(2026, 5, 6))  # −2: AA in the second round
    second = run_round(admin, scheme, as_of=date(2026, 9, 30), publish_at=at(2026, 9, 30, 10), name="下半年")
    with travel(at(2026, 10, 14, 9)):
        services.round_finalise(actor=admin, rating_round=second)
    entry = ListEntry.objects.get()
    assert (entry.firm, entry.kind, entry.automatic) == (steady, ListKind.RED, True)
    assert entry.counts["level"] == "AAA" and entry.counts["rounds"] == [second.pk, first.pk]


def test_a_computed_round_recomputes_after_a_revocation_made_a_new_version(admin, scheme, firm):
    with travel(at(2026, 9, 1, 10)):
        bad = record(admin, firm, scheme, "B01", on=date(2026, 8, 3), points=-8)
        rating_round = services.round_open(actor=admin, scheme=scheme, sector="municipal", name="2026年度",
                                           as_of=date(2026, 8, 31))
        services.round_compute(actor=admin, rating_round=rating_round)
        services.event_revoke(actor=admin, event=bad, reason="录入错误")
        assert Rating.objects.filter(round=rating_round).count() == 2  # v1 superseded by v2
        services.round_compute(actor=admin, rating_round=rating_round)
    (rating,) = Rating.objects.filter(round=rating_round)
    assert rating.version == 1 and rating.score == Decimal(60)


def test_the_objection_window_cannot_outlast_the_notice(admin):
    from .helpers import make_scheme

    draft = make_scheme(admin, family="long", in_force=False, notice_workdays=5, objection_workdays=7)
    with refused():
        services.scheme_put_in_force(actor=admin, scheme=draft)
