"""Credit events: evidence and range rules, never edited in place, approval flow, black and red lists."""

from datetime import date

import pytest

from core.models import AuditEntry
from credit import services
from credit.models import CreditEvent, EventState, ListEntry, ListKind, SchemeState, Source
from tests.factories import FirmFactory, MembershipFactory, association_staff, firm_user

from .helpers import at, indicator, make_scheme, pdf, record, refused, travel

pytestmark = pytest.mark.django_db

EVIDENCE = {"evidence_doc_no": "成城管罚〔2026〕8号", "evidence_issuer": "成都市城市管理委员会"}


def _record(admin, firm, scheme, code="B01", **fields):
    values = {"points": None, "summary": "未按规定时间修复路灯故障", "occurred_on": date(2026, 6, 1),
              **EVIDENCE, "evidence_upload": pdf(), **fields}
    return services.event_record(actor=admin, firm=firm, indicator=indicator(scheme, code), **values)


@pytest.mark.parametrize(("fields", "fragment"), [
    ({"evidence_upload": None}, "B01"),
    ({"evidence_doc_no": ""}, "B01"),
    ({"points": -11}, "-10"),
    ({"points": 3}, "-1"),
    ({"points": "abc"}, ""),
    ({"expires_on": date(2026, 5, 31)}, "2026-06-01"),
    ({"expires_on": date(2026, 6, 30)}, "2026-08-29"),  # shorter than the 90-day minimum
    ({"expires_on": date(2027, 6, 2)}, "2027-05-31"),  # longer than the 365-day maximum
    ({"effective_from": date(2026, 5, 1)}, ""),  # effective before it happened
    ({"summary": " "}, ""),
    ({"evidence_upload": pdf("a.pdf").__class__("a.pdf", b"MZ\x90\x00", content_type="application/pdf")}, "a.pdf"),
])
def test_bad_events_are_refused_and_nothing_is_saved(admin, scheme, firm, fields, fragment):
    with travel(at(2026, 6, 2, 10)), refused(fragment):
        _record(admin, firm, scheme, **fields)
    assert not CreditEvent.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="credit.event").exists()


def test_an_event_defaults_to_the_indicator_points_and_longest_publication(admin, scheme, firm):
    with travel(at(2026, 6, 2, 10)):
        event = _record(admin, firm, scheme)
    assert event.points == -5 and event.effective_from == date(2026, 6, 1) and event.expires_on == date(2027, 5, 31)
    assert event.state == EventState.APPROVED and event.number == "XY-2026-00001"
    assert event.status_on(date(2026, 6, 1)) == "effective"


def test_a_draft_scheme_takes_no_events(admin, firm):
    draft = make_scheme(admin, family="draft", in_force=False)
    assert draft.state == SchemeState.DRAFT
    with refused():
        _record(admin, firm, draft, code="B03", evidence_upload=None)


def test_a_correction_is_a_new_event_that_revokes_the_old_and_both_stay(admin, scheme, firm):
    with travel(at(2026, 6, 2, 10)):
        old = _record(admin, firm, scheme, points=-8)
    with travel(at(2026, 6, 10, 10)):
        new = services.event_correct(actor=admin, event=old, reason="扣分依据条款引用错误", points=-4)
    old.refresh_from_db()
    assert old.state == EventState.REVOKED and old.points == -8 and old.decision_reason == "扣分依据条款引用错误"
    assert new.corrects == old and new.points == -4 and new.state == EventState.APPROVED
    assert new.evidence_file.name == old.evidence_file.name  # evidence carried over
    assert set(CreditEvent.objects.values_list("pk", flat=True)) == {old.pk, new.pk}
    assert AuditEntry.objects.filter(action="credit.event.corrected", object_id=str(old.pk)).exists()
    assert AuditEntry.objects.filter(action="credit.event.correction_recorded", object_id=str(new.pk)).exists()


def test_association_submits_for_its_member_and_the_committee_approves(admin, scheme):
    membership = MembershipFactory(firm__sector="municipal")
    staff = association_staff(membership.association)
    with travel(at(2026, 6, 2, 10)):
        event = services.event_submit(actor=staff, association=membership.association, firm=membership.firm,
                                      indicator=indicator(scheme, "B03"), summary="违反行业自律公约低价竞标",
                                      occurred_on=date(2026, 5, 20))
        assert event.state == EventState.PENDING and event.source == Source.ASSOCIATION
        assert event.status == "pending"
        with refused():
            services.event_submit(actor=staff, association=membership.association, firm=FirmFactory(),
                                  indicator=indicator(scheme, "B03"), summary="x", occurred_on=date(2026, 5, 20))
        with refused():
            services.event_approve(actor=staff, event=event)
        services.event_approve(actor=admin, event=event)
    event.refresh_from_db()
    assert event.state == EventState.APPROVED and event.approved_by == admin


def test_firms_declare_good_conduct_only(admin, scheme, firm):
    account = firm_user(firm)
    with travel(at(2026, 6, 2, 10)):
        event = services.event_declare(actor=account, firm=firm, indicator=indicator(scheme, "L02"),
                                       summary="参与城市照明公益维修", occurred_on=date(2026, 5, 1))
        assert event.state == EventState.PENDING and event.source == Source.SELF
        with refused():
            services.event_declare(actor=account, firm=firm, indicator=indicator(scheme, "B03"), summary="x",
                                   occurred_on=date(2026, 5, 1))


def test_rejected_event_keeps_its_reason_and_never_counts(admin, scheme, firm):
    account = firm_user(firm)
    with travel(at(2026, 6, 2, 10)):
        event = services.event_declare(actor=account, firm=firm, indicator=indicator(scheme, "L02"),
                                       summary="参与公益活动", occurred_on=date(2026, 5, 1))
        services.event_reject(actor=admin, event=event, reason="缺少活动证明")
        with refused():
            services.event_approve(actor=admin, event=event)
    event.refresh_from_db()
    assert event.state == EventState.REJECTED and event.decision_reason == "缺少活动证明"
    assert not CreditEvent.objects.effective_on(date(2026, 5, 10)).exists()


def test_five_general_records_in_twelve_months_put_a_firm_on_the_black_list(admin, scheme, firm):
    with travel(at(2026, 9, 1, 10)):
        for month in (3, 4, 5, 6):
            record(admin, firm, scheme, "B01", on=date(2026, month, 2))
        record(admin, firm, scheme, "B03", on=date(2026, 7, 2))  # minor: does not count
        assert not ListEntry.objects.exists()
        record(admin, firm, scheme, "B01", on=date(2026, 8, 3))
    entry = ListEntry.objects.get()
    assert entry.kind == ListKind.BLACK and entry.automatic and entry.firm == firm
    assert entry.counts["by_severity"] == {"severe": 0, "general": 5, "minor": 1}
    assert "5" in entry.rule
    assert AuditEntry.objects.filter(action="credit.list.auto_listed").count() == 1


def test_old_records_outside_the_window_do_not_count(admin, scheme, firm):
    with travel(at(2026, 9, 1, 10)):
        for day in (1, 2, 3, 4):
            record(admin, firm, scheme, "B01", on=date(2025, 9, day), expires_on=date(2026, 8, 31))
        record(admin, firm, scheme, "B01", on=date(2026, 8, 3))
    assert not ListEntry.objects.exists()


def test_one_severe_record_lists_at_once_and_manual_delisting_sticks(admin, scheme, firm):
    with travel(at(2026, 9, 1, 10)):
        record(admin, firm, scheme, "B02", on=date(2026, 8, 3))
    entry = ListEntry.objects.active().get()
    assert entry.kind == ListKind.BLACK and entry.counts["by_severity"]["severe"] == 1
    with travel(at(2026, 9, 5, 10)):
        services.list_remove(actor=admin, entry=entry, reason="经复核，事故责任主体为其他单位")
        record(admin, firm, scheme, "B01", on=date(2026, 9, 4))  # not a new trigger by itself
    assert not ListEntry.objects.active().exists()
    with travel(at(2026, 9, 10, 10)):
        record(admin, firm, scheme, "B02", on=date(2026, 9, 9))  # a new severe record lists it again
    assert ListEntry.objects.active().count() == 1 and ListEntry.objects.count() == 2


def test_manual_listing_needs_a_reason_and_no_red_for_a_black_listed_firm(admin, scheme, firm):
    with refused():
        services.list_add(actor=admin, firm=firm, kind=ListKind.RED, scheme=scheme, reason="")
    services.list_add(actor=admin, firm=firm, kind=ListKind.BLACK, scheme=scheme, reason="伪造资质证书")
    with refused():
        services.list_add(actor=admin, firm=firm, kind=ListKind.RED, scheme=scheme, reason="表现优秀")
    assert ListEntry.objects.count() == 1


def test_revoking_the_record_behind_an_automatic_listing_delists_the_firm(admin, scheme, firm):
    with travel(at(2026, 9, 1, 10)):
        severe = record(admin, firm, scheme, "B02", on=date(2026, 8, 3))
    assert ListEntry.objects.active().filter(kind=ListKind.BLACK).exists()
    with travel(at(2026, 9, 2, 10)):
        services.event_revoke(actor=admin, event=severe, reason="事故责任认定书已撤销")
    entry = ListEntry.objects.get()
    assert entry.delisted_at is not None and "2026-09-02" in entry.delist_reason
    assert AuditEntry.objects.filter(action="credit.list.auto_delisted", object_id=str(entry.pk)).exists()


def test_a_black_listing_takes_the_firm_off_the_red_list(admin, scheme, firm):
    services.list_add(actor=admin, firm=firm, kind=ListKind.RED, scheme=scheme, reason="连续两年AAA")
    with travel(at(2026, 9, 1, 10)):
        record(admin, firm, scheme, "B02", on=date(2026, 8, 3))
    assert list(ListEntry.objects.active().values_list("kind", flat=True)) == [ListKind.BLACK]
    red = ListEntry.objects.get(kind=ListKind.RED)
    assert red.delisted_at is not None and red.delist_reason


def test_the_daily_refresh_lists_a_record_on_the_day_it_takes_effect_and_delists_when_it_ends(admin, scheme, firm):
    from django.core.management import call_command

    with travel(at(2026, 9, 1, 10)):
        record(admin, firm, scheme, "B02", on=date(2026, 8, 3), effective_from=date(2026, 9, 10),
               expires_on=date(2027, 9, 9))
    assert not ListEntry.objects.exists()  # approved, not yet in effect
    with travel(at(2026, 9, 9, 1)):
        assert services.lists_refresh(actor="cron") == {"listed": 0, "delisted": 0}
    with travel(at(2026, 9, 10, 1)):
        call_command("refresh_credit_lists")
        assert services.lists_refresh(actor="cron") == {"listed": 0, "delisted": 0}  # a rerun changes nothing
    assert ListEntry.objects.active().count() == 1
    with travel(at(2027, 9, 10, 1)):
        assert services.lists_refresh(actor="cron") == {"listed": 0, "delisted": 1}  # expired
    assert not ListEntry.objects.active().exists()
