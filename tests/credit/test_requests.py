"""Objections (异议) and repairs (信用修复): windows, deadlines, new rating versions, limits, mail."""

from datetime import date
from decimal import Decimal

import pytest

from credit import services
from credit.models import CreditEvent, DecisionState, EventState, Objection, Rating, Repair
from tests.factories import FirmFactory, firm_user

from .helpers import at, pdf, record, refused, travel
from .test_rounds import run_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm_account(firm):
    return firm_user(firm)


@pytest.fixture
def published(admin, scheme, firm):
    """A round published on 30 Sep 2026 (objections until 13 Oct) with one bad record of −8 counted."""
    with travel(at(2026, 9, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 5))
        bad = record(admin, firm, scheme, "B01", on=date(2026, 8, 3), points=-8)
    rating_round = run_round(admin, scheme, as_of=date(2026, 9, 30), publish_at=at(2026, 9, 30, 10))
    return rating_round, Rating.objects.get(round=rating_round, firm=firm), bad


def test_objection_in_the_window_gets_a_working_day_deadline(published, firm, firm_account):
    _, rating, _ = published
    with travel(at(2026, 10, 9, 15)):
        objection = services.objection_file(actor=firm_account, firm=firm, rating=rating, reason="该处罚已撤销",
                                            evidence_upload=pdf("撤销决定.pdf"))
    assert objection.state == DecisionState.PENDING and objection.number.startswith("YY-2026-")
    # 5 working days after Fri 9 Oct: Sat 10 Oct (a make-up workday), 12, 13, 14, 15 Oct.
    assert objection.answer_due == date(2026, 10, 15)
    assert objection.evidence_name == "撤销决定.pdf"


def test_objection_after_the_window_is_refused_with_the_window(published, firm, firm_account):
    _, rating, _ = published
    with travel(at(2026, 10, 14, 9)), refused("2026-09-30") as caught:
        services.objection_file(actor=firm_account, firm=firm, rating=rating, reason="逾期")
    assert "2026-10-13" in caught.value.message
    assert not Objection.objects.exists()


def test_another_firm_cannot_object_to_this_rating(published):
    _, rating, _ = published
    other = FirmFactory()
    with travel(at(2026, 10, 9, 15)), refused():
        services.objection_file(actor=firm_user(other), firm=other, rating=rating, reason="x")
    assert not Objection.objects.exists()


def test_upheld_objection_makes_a_new_rating_version_and_keeps_the_old(admin, published, firm, firm_account,
                                                                       mailoutbox):
    rating_round, rating, bad = published
    with travel(at(2026, 10, 9, 15)):
        objection = services.objection_file(actor=firm_account, firm=firm, rating=rating, reason="处罚已撤销")
    with travel(at(2026, 10, 12, 10)), refused():  # a record that the rating did not count
        uncounted = record(admin, firm, bad.indicator.scheme, "B03", on=date(2026, 10, 9))
        services.objection_decide(actor=admin, objection=objection, upheld=True, decision="属实",
                                  revoke_events=[uncounted])
    with travel(at(2026, 10, 12, 10)), django_capture():
        objection = services.objection_decide(actor=admin, objection=objection, upheld=True, decision="经核实属实",
                                              revoke_events=[bad])
    bad.refresh_from_db()
    rating.refresh_from_db()
    assert bad.state == EventState.REVOKED and "YY-" in bad.decision_reason
    new = objection.new_rating
    assert new.version == 2 and new.score == Decimal(80) and new.level == "AA"
    assert rating.superseded_by == new and rating.score == Decimal(72) and rating.level == "A"  # old readable
    assert list(Rating.objects.current().filter(round=rating_round, firm=firm)) == [new]
    assert objection.state == DecisionState.UPHELD and list(objection.revoked_events.all()) == [bad]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [firm_account.email]
    # Publication does not stop while objections are handled: the round is still in 公示.
    rating_round.refresh_from_db()
    assert rating_round.state == "published"


def test_rejected_objection_records_the_reason_and_mails_the_firm(admin, published, firm, firm_account, mailoutbox):
    _, rating, bad = published
    with travel(at(2026, 10, 9, 15)):
        objection = services.objection_file(actor=firm_account, firm=firm, event=bad, reason="不是我们")
    with travel(at(2026, 10, 12, 10)), django_capture():
        services.objection_decide(actor=admin, objection=objection, upheld=False, decision="处罚决定合法有效")
    objection.refresh_from_db()
    bad.refresh_from_db()
    assert objection.state == DecisionState.REJECTED and objection.decision == "处罚决定合法有效"
    assert bad.state == EventState.APPROVED
    assert Rating.objects.filter(firm=firm).count() == 1
    assert len(mailoutbox) == 1


def test_repair_is_refused_before_the_minimum_period_with_the_earliest_date(admin, scheme, firm, firm_account):
    with travel(at(2026, 6, 1, 10)):
        bad = record(admin, firm, scheme, "B01", on=date(2026, 6, 1), points=-5)  # minimum 90 days
    with travel(at(2026, 8, 29, 10)), refused("2026-08-30"):
        services.repair_apply(actor=firm_account, event=bad, statement="已整改", pledge_upload=pdf(),
                              evidence_upload=pdf())
    assert not Repair.objects.exists()


def test_approved_repair_ends_publication_early_never_below_the_minimum(admin, scheme, firm, firm_account):
    with travel(at(2026, 6, 1, 10)):
        bad = record(admin, firm, scheme, "B01", on=date(2026, 6, 1), points=-5)
    with travel(at(2026, 8, 31, 10)):
        repair = services.repair_apply(actor=firm_account, event=bad, statement="已完成整改并通过复查",
                                       pledge_upload=pdf("信用承诺书.pdf"), evidence_upload=pdf("整改报告.pdf"))
    with travel(at(2026, 9, 2, 10)), django_capture():
        services.repair_decide(actor=admin, repair=repair, approve=True, decision="整改到位")
    bad.refresh_from_db()
    assert bad.repaired_on == date(2026, 9, 2) and bad.status_on(date(2026, 9, 2)) == "repaired"
    assert bad.status_on(date(2026, 9, 1)) == "effective" and bad.publication_ends_on == date(2026, 9, 1)
    assert CreditEvent.objects.public_on(date(2026, 9, 2)).count() == 0


def test_repair_of_good_conduct_or_by_another_firm_is_refused(admin, scheme, firm, firm_account):
    with travel(at(2026, 1, 5, 10)):
        good = record(admin, firm, scheme, "L02", on=date(2026, 1, 5))
        bad = record(admin, firm, scheme, "B01", on=date(2026, 1, 5))
    with travel(at(2026, 6, 1, 10)):
        with refused():
            services.repair_apply(actor=firm_account, event=good, statement="x", pledge_upload=pdf(),
                                  evidence_upload=pdf())
        with refused():
            services.repair_apply(actor=firm_user(FirmFactory()), event=bad, statement="x", pledge_upload=pdf(),
                                  evidence_upload=pdf())
    assert not Repair.objects.exists()


def django_capture():
    """Run on_commit callbacks (mail) inside the test transaction."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_upheld_without_a_wrong_record_recomputes_with_what_is_known_now(admin, published, firm, firm_account):
    """The firm says a good record is missing; the committee records it and upholds the objection."""
    _, rating, _ = published
    with travel(at(2026, 10, 9, 15)):
        objection = services.objection_file(actor=firm_account, firm=firm, rating=rating, reason="漏记市级表彰")
    with travel(at(2026, 10, 12, 10)), django_capture():
        record(admin, firm, rating.round.scheme, "L01", on=date(2026, 9, 1), points=6)
        objection = services.objection_decide(actor=admin, objection=objection, upheld=True, decision="已补录表彰")
    assert objection.new_rating.version == 2 and objection.new_rating.score == Decimal(78)  # 72 + 6
    assert not objection.revoked_events.exists()


def test_two_pending_objections_to_one_rating_are_refused(published, firm, firm_account):
    _, rating, _ = published
    with travel(at(2026, 10, 9, 15)):
        services.objection_file(actor=firm_account, firm=firm, rating=rating, reason="第一次")
        with refused():
            services.objection_file(actor=firm_account, firm=firm, rating=rating, reason="第二次")
    assert Objection.objects.count() == 1
