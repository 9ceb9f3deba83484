"""The committee's credit back office in the Wagtail admin: schemes, records, rounds, objections, repairs and
lists; who may reach and do what; query counts; a whole round under travelled time with working days."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from core.models import AuditEntry
from core.workdays import add_workdays
from credit import services
from credit.models import (
    CreditEvent,
    CreditScheme,
    DecisionState,
    EventState,
    ListEntry,
    Rating,
    RatingRound,
    RoundState,
    SchemeState,
    Source,
)
from tests.factories import (
    AssociationFactory,
    FirmFactory,
    MembershipFactory,
    UserFactory,
    association_staff,
    firm_user,
)

from .helpers import at, indicator, pdf, record, travel

pytestmark = pytest.mark.django_db

NOW = at(2026, 4, 9, 10)  # a Thursday: the world below is built before it


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def url(name, *args):
    return reverse(f"credit_admin:{name}", args=args)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, target, **params) -> str:
    response = client.get(target, params)
    assert response.status_code == 200, (target, response.status_code, getattr(response, "url", ""))
    return response.content.decode()


def refused(response) -> bool:
    """Wagtail's answer to someone who may not: the permission-denied redirect, the login page or a 403."""
    return response.status_code in (302, 403)


def build_world(admin, scheme, firm):
    """A bad and a good record, a pending association record, a published round with an objection (with
    evidence), a repair application and a manual black-list entry. Everything before NOW."""
    owner = firm_user(firm)
    association = AssociationFactory(sector="municipal")
    MembershipFactory(firm=firm, association=association, since=date(2020, 1, 1))
    staff = association_staff(association)
    with travel(at(2026, 1, 5, 10)):
        bad = record(admin, firm, scheme, "B01", on=date(2026, 1, 5), points=-4)
        minor = record(admin, firm, scheme, "B03", on=date(2026, 1, 5))
        good = record(admin, firm, scheme, "L02", on=date(2026, 1, 5), points=3)
    with travel(at(2026, 4, 7, 9)):
        rating_round = services.round_open(actor=admin, scheme=scheme, sector="municipal", name="2026年第一轮",
                                           as_of=date(2026, 4, 1))
        services.round_compute(actor=admin, rating_round=rating_round)
        services.round_publish(actor=admin, rating_round=rating_round)
        pending = services.event_submit(actor=staff, association=association, firm=firm,
                                        indicator=indicator(scheme, "L02"), summary="参与行业公益活动",
                                        occurred_on=date(2026, 4, 1))
    with travel(at(2026, 4, 8, 9)):
        rating = Rating.objects.current().get(round=rating_round, firm=firm)
        objection = services.objection_file(actor=owner, firm=firm, reason="该记录已整改", rating=rating,
                                            evidence_upload=pdf("异议证据.pdf"))
        repair = services.repair_apply(actor=owner, event=minor, statement="已完成整改",
                                       pledge_upload=pdf("承诺书.pdf"), evidence_upload=pdf("整改证明.pdf"))
        entry = services.list_add(actor=admin, firm=firm, kind="black", scheme=scheme, reason="严重失信")
    rating_round.refresh_from_db()
    return SimpleNamespace(owner=owner, staff=staff, association=association, bad=bad, minor=minor, good=good,
                           pending=pending, round=rating_round, rating=rating, objection=objection, repair=repair,
                           entry=entry)


@pytest.fixture
def world(admin, scheme, firm):
    return build_world(admin, scheme, firm)


def every_page(w, scheme) -> list[str]:
    return [
        url("events"), url("event_add"), url("event", w.bad.pk), url("event_correct", w.bad.pk),
        url("rounds"), url("round_add"), url("round", w.round.pk), url("rating", w.rating.pk),
        url("objections"), url("objection", w.objection.pk), url("repairs"), url("repair", w.repair.pk),
        url("lists"), url("list_add"), url("list_entry", w.entry.pk),
        reverse("credit_schemes:index"), reverse("credit_schemes:inspect", args=[scheme.pk]),
        reverse("credit_schemes:add"),
    ]


def every_action(w, scheme) -> list[str]:
    return [
        url("event_add"), url("event_approve", w.pending.pk), url("event_reject", w.pending.pk),
        url("event_revoke", w.bad.pk), url("event_correct", w.bad.pk), url("round_add"),
        url("round_publish", w.round.pk), url("round_finalise", w.round.pk), url("round_compute", w.round.pk),
        url("objection_decide", w.objection.pk), url("repair_decide", w.repair.pk), url("list_add"),
        url("list_remove", w.entry.pk), reverse("credit_schemes:new_version", args=[scheme.pk]),
    ]


FILES = (("event", "bad"), ("objection", "objection"), ("repair-pledge", "repair"), ("repair-evidence", "repair"))


# --- Who may reach the back office -------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page_everywhere(world, scheme):
    client = Client()
    with travel(NOW):
        for target in every_page(world, scheme) + [url("file", kind, getattr(world, attr).pk)
                                                   for kind, attr in FILES]:
            response = client.get(target)
            assert response.status_code == 302 and "/login/" in response.url, target
        for target in every_action(world, scheme):
            assert client.post(target, {"reason": "x", "decision": "x", "outcome": "upheld"}).status_code == 302


@pytest.mark.parametrize("who", ["firm_user", "association_staff", "plain"])
def test_firm_users_and_association_staff_reach_nothing_and_change_nothing(who, world, scheme, firm):
    user = {"firm_user": world.owner, "association_staff": world.staff, "plain": UserFactory()}[who]
    with travel(NOW):
        client = login(user)
        for target in every_page(world, scheme) + [url("file", kind, getattr(world, attr).pk)
                                                   for kind, attr in FILES]:
            assert refused(client.get(target)), target
        for target in every_action(world, scheme):
            assert refused(client.post(target, {"reason": "x", "decision": "x", "outcome": "upheld"})), target
    world.pending.refresh_from_db()
    world.objection.refresh_from_db()
    world.round.refresh_from_db()
    assert world.pending.state == EventState.PENDING and world.objection.state == DecisionState.PENDING
    assert world.round.state == RoundState.PUBLISHED and ListEntry.objects.active().count() == 1


def test_committee_staff_see_every_page_and_the_menu(world, scheme, editor):
    with travel(NOW):
        client = login(editor)
        for target in every_page(world, scheme):
            if target == url("event_correct", world.bad.pk) or target == url("list_add"):
                assert refused(client.get(target)), target  # committee administrators only
            else:
                page(client, target)
        home = page(client, reverse("wagtailadmin_home"))
    for name in ("events", "rounds", "objections", "repairs", "lists"):
        assert url(name) in home
    assert reverse("credit_schemes:index") in home


@pytest.mark.parametrize(("kind", "attr"), FILES)
def test_evidence_files_download_for_committee_staff_only(kind, attr, world, editor):
    obj = getattr(world, attr)
    with travel(NOW):
        response = login(editor).get(url("file", kind, obj.pk))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert refused(login(world.owner).get(url("file", kind, obj.pk)))


def test_unknown_files_ids_and_methods_are_clean_answers(world, editor):
    with travel(NOW):
        client = login(editor)
        assert client.get(url("file", "passport", world.bad.pk)).status_code == 404
        assert client.get(url("file", "event", world.good.pk)).status_code == 404  # no evidence file
        assert client.get(url("event", 999999)).status_code == 404
        assert client.get(url("rating", 999999)).status_code == 404
        assert client.get(url("event_approve", world.pending.pk)).status_code == 405
        for params in ({"p": "abc"}, {"p": "99999"}, {"state": "nonsense", "q": "' OR 1=1 --"}, {"source": "<x>"}):
            page(client, url("events"), **params)
            page(client, url("objections"), **params)
            page(client, url("lists"), **params)
        page(client, url("round", world.round.pk), level="ZZZ", q="<script>", p="-1")


# --- Schemes ------------------------------------------------------------------------------------------------------


def scheme_data(**overrides) -> dict:
    data = {
        "name": "成都市环卫行业企业信用评价办法", "family": "sanitation", "version": "2026年版",
        "authority_kind": "committee", "issuing_authority": "成都市城市管理委员会",
        "legal_basis": "《成都市社会信用条例》",
        "approval_document": "", "sectors": ["sanitation"], "effective_from": "2026-01-01", "effective_to": "",
        "base_score": "60", "basic_cap": "", "good_cap": "20", "bad_cap": "40", "notice_workdays": "5",
        "objection_workdays": "5", "answer_workdays": "5", "validity_days": "365", "black_bad_count": "5",
        "black_min_severity": "general", "black_window_months": "12", "black_on_severe": "on",
        "red_consecutive_rounds": "2",
        "levels": inline_formset([{"name": "A", "min_score": "80", "description": ""},
                                  {"name": "B", "min_score": "0", "description": ""}]),
        "indicators": inline_formset([]),
    }
    data.update(overrides)
    sectors = data.pop("sectors")
    return {**nested_form_data(data), "sectors": sectors}


def test_a_draft_scheme_is_created_edited_and_put_in_force_with_its_problems_shown(admin):
    client = login(admin)
    response = client.post(reverse("credit_schemes:add"), scheme_data())
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    scheme = CreditScheme.objects.get(family="sanitation")
    assert scheme.state == SchemeState.DRAFT and scheme.sectors == ["sanitation"]
    assert [lv.name for lv in scheme.levels.all()] == ["A", "B"]
    assert AuditEntry.objects.filter(action="credit.creditscheme.created", object_id=str(scheme.pk)).exists()

    # No indicators yet: putting it in force is refused with the reason, nothing changes.
    response = client.post(reverse("credit_schemes:put_in_force", args=[scheme.pk]))
    assert response.status_code == 200 and response.context["action_error"]
    scheme.refresh_from_db()
    assert scheme.state == SchemeState.DRAFT

    data = scheme_data(indicators=inline_formset([{
        "code": "B01", "name": "未按规定清扫保洁", "sort_order": "0", "category": "bad", "severity": "general",
        "evidence_required": "on", "points": "-5", "points_min": "-10", "points_max": "-1",
        "publish_min_days": "90", "publish_max_days": "365", "legal_basis": ""}]))
    levels = list(scheme.levels.all())
    data.update(nested_form_data({"levels": inline_formset(
        [{"id": str(lv.pk), "name": lv.name, "min_score": str(lv.min_score), "description": ""} for lv in levels],
        initial=2)}))
    response = client.post(reverse("credit_schemes:edit", args=[scheme.pk]), data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="credit.creditscheme.updated", object_id=str(scheme.pk))
    assert "indicators" in entry.data["changed"]

    response = client.post(reverse("credit_schemes:put_in_force", args=[scheme.pk]))
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.state == SchemeState.IN_FORCE


def test_a_frozen_scheme_is_not_edited_or_deleted_and_offers_a_new_version(admin, scheme):
    client = login(admin)
    response = client.get(reverse("credit_schemes:edit", args=[scheme.pk]))
    assert response.status_code == 302 and response.url == reverse("credit_schemes:inspect", args=[scheme.pk])
    response = client.post(reverse("credit_schemes:edit", args=[scheme.pk]), scheme_data(name="改名"))
    assert response.status_code == 302
    assert refused(client.post(reverse("credit_schemes:delete", args=[scheme.pk])))
    scheme.refresh_from_db()
    assert scheme.name != "改名" and CreditScheme.objects.filter(pk=scheme.pk).exists()
    html = page(client, reverse("credit_schemes:inspect", args=[scheme.pk]))
    assert reverse("credit_schemes:new_version", args=[scheme.pk]) in html
    assert reverse("credit_schemes:edit", args=[scheme.pk]) not in html

    response = client.post(reverse("credit_schemes:new_version", args=[scheme.pk]), {"version": scheme.version})
    assert response.status_code == 200 and response.context["version_form"].errors  # the version exists
    response = client.post(reverse("credit_schemes:new_version", args=[scheme.pk]), {"version": "2027年版"})
    copy = CreditScheme.objects.get(family=scheme.family, version="2027年版")
    assert response.status_code == 302 and response.url == reverse("credit_schemes:edit", args=[copy.pk])
    assert copy.state == SchemeState.DRAFT and copy.indicators.count() == scheme.indicators.count()


def test_editors_draft_schemes_but_do_not_put_them_in_force_or_delete_them(editor, admin):
    client = login(editor)
    assert client.post(reverse("credit_schemes:add"), scheme_data()).status_code == 302
    draft = CreditScheme.objects.get(family="sanitation")
    assert 'name="levels-0-min_score"' in page(client, reverse("credit_schemes:edit", args=[draft.pk]))
    html = page(client, reverse("credit_schemes:inspect", args=[draft.pk]))
    assert reverse("credit_schemes:put_in_force", args=[draft.pk]) not in html
    assert refused(client.post(reverse("credit_schemes:put_in_force", args=[draft.pk])))
    assert refused(client.post(reverse("credit_schemes:delete", args=[draft.pk])))
    draft.refresh_from_db()
    assert draft.state == SchemeState.DRAFT
    login(admin).post(reverse("credit_schemes:delete", args=[draft.pk]))
    assert not CreditScheme.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="credit.creditscheme.deleted").exists()


# --- Credit records --------------------------------------------------------------------------------------------------


def event_data(who, scheme, **overrides) -> dict:
    data = {"firm": who.uscc, "indicator": indicator(scheme, "B01").pk, "points": "", "summary": "未按规定完成设施维修",
            "occurred_on": "2026-03-02", "effective_from": "", "expires_on": "", "source": Source.AUTHORITY,
            "evidence_doc_no": "成城管罚〔2026〕9号", "evidence_issuer": "成都市城市管理委员会",
            "evidence_file": pdf()}
    data.update(overrides)
    return data


def test_an_editor_records_an_event_and_sees_it_with_its_evidence_and_audit_trail(editor, scheme, firm):
    with travel(at(2026, 3, 2, 10)):
        client = login(editor)
        response = client.post(url("event_add"), event_data(firm, scheme))
        event = CreditEvent.objects.get()
        assert response.status_code == 302 and response.url == url("event", event.pk)
        assert event.state == EventState.APPROVED and event.points == -5 and event.recorded_by == editor
        html = page(client, url("event", event.pk))
    assert url("file", "event", event.pk) in html and "credit.event.recorded" in html


@pytest.mark.parametrize(("overrides", "field"), [
    ({"evidence_file": ""}, "evidence_file"),  # B01 requires evidence
    ({"points": "-50"}, "points"),  # outside -10 … -1
    ({"expires_on": "2026-01-01"}, "expires_on"),  # before the start
    ({"firm": "不存在的企业"}, "firm"),
])
def test_a_refused_record_is_a_form_error_and_creates_nothing(overrides, field, editor, scheme, firm):
    with travel(at(2026, 3, 2, 10)):
        response = login(editor).post(url("event_add"), event_data(firm, scheme, **overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not CreditEvent.objects.exists()


def test_pending_records_come_first_and_are_approved_or_rejected_by_committee_staff(world, editor, scheme, firm):
    with travel(NOW):
        second = services.event_submit(actor=world.staff, association=world.association, firm=firm,
                                       indicator=indicator(scheme, "L02"), summary="再次参与公益活动",
                                       occurred_on=date(2026, 4, 2))
        client = login(editor)
        numbers = [e.number for e in client.get(url("events")).context["page"].object_list]
        assert set(numbers[:2]) == {world.pending.number, second.number}  # before the newer approved ones
        assert client.post(url("event_approve", world.pending.pk)).status_code == 302
        response = client.post(url("event_reject", second.pk), {"reason": ""})
        assert response.status_code == 200 and response.context["reject_form"].errors
        assert client.post(url("event_reject", second.pk), {"reason": "材料不全"}).status_code == 302
        filtered = client.get(url("events"), {"state": "rejected", "q": firm.uscc}).context["page"].object_list
    world.pending.refresh_from_db()
    second.refresh_from_db()
    assert world.pending.state == EventState.APPROVED and world.pending.approved_by == editor
    assert second.state == EventState.REJECTED and second.decision_reason == "材料不全"
    assert [e.pk for e in filtered] == [second.pk]


def correction_data(event, **overrides) -> dict:
    """The correction form as shown (the record's values), with `overrides`."""
    names = ("summary", "occurred_on", "effective_from", "expires_on", "source", "evidence_doc_no",
             "evidence_issuer", "points")
    return {"indicator": event.indicator_id, **{n: str(getattr(event, n)) for n in names}, **overrides}


def test_only_administrators_revoke_and_correct_and_both_records_stay_linked(world, editor, admin):
    with travel(NOW):
        assert refused(login(editor).post(url("event_revoke", world.good.pk), {"reason": "错误"}))
        assert url("event_revoke", world.good.pk) not in page(login(editor), url("event", world.good.pk))
        client = login(admin)
        response = client.post(url("event_correct", world.bad.pk),
                               correction_data(world.bad, points="-2", reason="扣分标准适用错误"))
        fresh = CreditEvent.objects.get(corrects=world.bad)
        assert response.status_code == 302 and response.url == url("event", fresh.pk)
        old_html, new_html = page(client, url("event", world.bad.pk)), page(client, url("event", fresh.pk))
        assert client.post(url("event_revoke", world.good.pk), {"reason": "重复录入"}).status_code == 302
    world.bad.refresh_from_db()
    world.good.refresh_from_db()
    assert world.bad.state == EventState.REVOKED and fresh.points == -2 and fresh.evidence_file
    assert url("event", fresh.pk) in old_html and url("event", world.bad.pk) in new_html
    assert world.good.state == EventState.REVOKED and world.good.decision_reason == "重复录入"
    # The ratings that counted the corrected record have a new version; the old one stays.
    assert Rating.objects.filter(round=world.round, firm=world.bad.firm).count() == 3


def test_a_correction_without_a_change_is_refused(world, admin):
    with travel(NOW):
        response = login(admin).post(url("event_correct", world.bad.pk), correction_data(world.bad, reason="核对"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not CreditEvent.objects.filter(corrects=world.bad).exists()


# --- A whole round under travelled time, with working days ----------------------------------------------------------


def test_a_round_is_opened_computed_published_contested_and_finalised_through_the_admin(admin, editor, scheme):
    firms = [FirmFactory(sector="municipal") for _ in range(3)]
    owner = firm_user(firms[0])
    with travel(at(2026, 4, 20, 10)):
        bad = record(admin, firms[0], scheme, "B01", on=date(2026, 4, 1), points=-10)
        record(admin, firms[1], scheme, "J01", on=date(2026, 4, 1))
        client = login(editor)
        response = client.post(url("round_add"), {"scheme": scheme.pk, "sector": "municipal", "name": "2026年度评价",
                                                  "as_of": "2026-04-20"})
        rating_round = RatingRound.objects.get()
        assert response.status_code == 302 and response.url == url("round", rating_round.pk)
        assert client.post(url("round_compute", rating_round.pk)).status_code == 302
        rating_round.refresh_from_db()
        assert rating_round.state == RoundState.COMPUTED and rating_round.firm_count == 3
        html = page(client, url("round", rating_round.pk))
        assert url("round_publish", rating_round.pk) not in html  # editors do not publish
        assert refused(client.post(url("round_publish", rating_round.pk)))
        distribution = {row["level"]: row["count"] for row in client.get(url("round", rating_round.pk)).context[
            "distribution"]}
        assert distribution == {"AAA": 0, "AA": 1, "A": 0, "B": 1, "C": 1}  # 80, 60, 50
    with travel(at(2026, 4, 30, 10)):  # the Thursday before the 劳动节 holiday (1–5 May)
        client = login(admin)
        assert client.post(url("round_publish", rating_round.pk)).status_code == 302
        rating_round.refresh_from_db()
        assert rating_round.notice_ends_on == add_workdays(date(2026, 4, 30), 5) == date(2026, 5, 11)
        assert "2026-05-11" in page(client, url("round", rating_round.pk))
        rating = Rating.objects.current().get(round=rating_round, firm=firms[0])
        objection = services.objection_file(actor=owner, firm=firms[0], reason="处罚已撤销", rating=rating)
        assert client.get(url("round", rating_round.pk)).context["pending_objections"] == 1
    with travel(at(2026, 5, 11, 16)):  # the last day of the notice
        client = login(admin)
        response = client.post(url("round_finalise", rating_round.pk))
        assert response.status_code == 200 and "2026-05-11" in response.context["action_error"]
        rating_round.refresh_from_db()
        assert rating_round.state == RoundState.PUBLISHED
        # Upheld: the chosen record is revoked and the rating gets a new version; the old one stays readable.
        response = client.post(url("objection_decide", objection.pk),
                               {"outcome": "upheld", "decision": "处罚决定已撤销", "revoke_events": [bad.pk]})
        assert response.status_code == 302
        objection.refresh_from_db()
        assert objection.state == DecisionState.UPHELD and objection.new_rating.version == 2
        old_html = page(client, url("rating", rating.pk))
        assert url("rating", objection.new_rating.pk) in old_html and bad.number in old_html
    with travel(at(2026, 5, 12, 9)):
        client = login(admin)
        assert client.post(url("round_finalise", rating_round.pk)).status_code == 302
    rating_round.refresh_from_db()
    bad.refresh_from_db()
    assert rating_round.state == RoundState.FINAL and rating_round.valid_from == date(2026, 5, 12)
    assert bad.state == EventState.REVOKED


def test_a_refused_round_is_a_form_error_and_opens_nothing(editor, scheme):
    response = login(editor).post(url("round_add"), {"scheme": scheme.pk, "sector": "municipal", "name": "早于办法",
                                                     "as_of": "2024-12-31"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not RatingRound.objects.exists()


# --- Objections, repairs, lists ------------------------------------------------------------------------------------


def test_overdue_objections_are_marked_and_only_administrators_decide(world, editor, admin):
    with travel(at(2026, 4, 30, 10)):  # after the answer due date
        client = login(editor)
        listing = client.get(url("objections"))
        assert [o.pk for o in listing.context["page"].object_list] == [world.objection.pk]
        assert "credit-overdue" in listing.content.decode()
        html = page(client, url("objection", world.objection.pk))
        assert url("objection_decide", world.objection.pk) not in html and url("file", "objection",
                                                                                 world.objection.pk) in html
        assert refused(client.post(url("objection_decide", world.objection.pk),
                                   {"outcome": "rejected", "decision": "不成立"}))
        world.objection.refresh_from_db()
        assert world.objection.state == DecisionState.PENDING
        client = login(admin)
        html = page(client, url("objection", world.objection.pk))
        assert html.count('name="revoke_events"') == 3  # one checkbox per counted record
        response = client.post(url("objection_decide", world.objection.pk),
                               {"outcome": "rejected", "decision": "证据不足"})
    assert response.status_code == 302
    world.objection.refresh_from_db()
    assert world.objection.state == DecisionState.REJECTED and world.objection.decided_by == admin


def test_a_repair_is_approved_by_an_administrator_and_ends_the_publication(world, editor, admin):
    with travel(NOW):
        html = page(login(editor), url("repair", world.repair.pk))
        assert url("file", "repair-pledge", world.repair.pk) in html
        assert refused(login(editor).post(url("repair_decide", world.repair.pk),
                                          {"outcome": "upheld", "decision": "同意"}))
        response = login(admin).post(url("repair_decide", world.repair.pk), {"outcome": "upheld", "decision": ""})
        assert response.status_code == 200 and response.context["decide_form"].errors
        assert login(admin).post(url("repair_decide", world.repair.pk),
                                 {"outcome": "upheld", "decision": "整改到位"}).status_code == 302
        again = login(admin).post(url("repair_decide", world.repair.pk), {"outcome": "rejected", "decision": "再议"})
        assert again.status_code == 200 and again.context["action_error"]  # already decided: shown, not hidden
    world.repair.refresh_from_db()
    world.minor.refresh_from_db()
    assert world.repair.state == DecisionState.UPHELD and world.minor.repaired_on == date(2026, 4, 9)


def test_lists_are_changed_by_administrators_with_a_reason_and_the_history_stays(world, editor, admin, scheme):
    other = FirmFactory(sector="municipal")
    with travel(NOW):
        assert refused(login(editor).post(url("list_add"), {"firm": other.uscc, "kind": "red", "scheme": scheme.pk,
                                                            "reason": "表彰"}))
        client = login(admin)
        response = client.post(url("list_add"), {"firm": other.uscc, "kind": "red", "scheme": scheme.pk,
                                                 "reason": "获市级表彰"})
        entry = ListEntry.objects.get(firm=other)
        assert response.status_code == 302 and entry.reason == "获市级表彰"
        response = client.post(url("list_add"), {"firm": world.entry.firm.uscc, "kind": "black",
                                                 "scheme": scheme.pk, "reason": "再次"})
        assert response.status_code == 200 and response.context["form"].non_field_errors()  # already listed
        response = client.post(url("list_remove", world.entry.pk), {"reason": ""})
        assert response.status_code == 200 and response.context["delist_form"].errors
        assert client.post(url("list_remove", world.entry.pk), {"reason": "信用修复完成"}).status_code == 302
        active = [e.pk for e in client.get(url("lists")).context["page"].object_list]
        history = client.get(url("lists"), {"history": "1"})
    assert active == [entry.pk]
    assert [e.pk for e in history.context["page"].object_list] == [world.entry.pk]
    assert "信用修复完成" in history.content.decode()


# --- Query counts ---------------------------------------------------------------------------------------------------


def counted(client, target, django_assert_num_queries, expected, **params):
    page(client, target, **params)  # warm the per-process caches
    with django_assert_num_queries(expected):
        page(client, target, **params)


@pytest.mark.parametrize("n", [1, 6])
def test_the_record_list_query_count_does_not_grow(n, admin, editor, scheme, django_assert_num_queries):
    with travel(at(2026, 3, 2, 10)):
        for _ in range(n):
            firm = FirmFactory(sector="municipal")
            record(admin, firm, scheme, "B01", on=date(2026, 3, 1))
            record(admin, firm, scheme, "L02", on=date(2026, 3, 1))
        counted(login(editor), url("events"), django_assert_num_queries, EVENTS_QUERIES)
        counted(login(editor), url("events"), django_assert_num_queries, EVENTS_QUERIES, q="公司", category="bad")


@pytest.mark.parametrize("n", [2, 12])
def test_the_round_page_query_count_does_not_grow(n, admin, editor, scheme, django_assert_num_queries):
    with travel(at(2026, 3, 2, 10)):
        for _ in range(n):
            record(admin, FirmFactory(sector="municipal"), scheme, "L02", on=date(2026, 3, 1))
        rating_round = services.round_open(actor=admin, scheme=scheme, sector="municipal", name="轮次",
                                           as_of=date(2026, 3, 2))
        services.round_compute(actor=admin, rating_round=rating_round)
        counted(login(editor), url("round", rating_round.pk), django_assert_num_queries, ROUND_QUERIES)
        counted(login(editor), url("round", rating_round.pk), django_assert_num_queries, ROUND_QUERIES, level="B")


@pytest.mark.parametrize("n", [1, 5])
def test_the_objection_list_query_count_does_not_grow(n, admin, editor, scheme, django_assert_num_queries):
    with travel(at(2026, 3, 2, 10)):
        for _ in range(n):
            firm = FirmFactory(sector="municipal")
            event = record(admin, firm, scheme, "B03", on=date(2026, 3, 1))
            services.objection_file(actor=firm_user(firm), firm=firm, reason="事实有误", event=event)
        counted(login(editor), url("objections"), django_assert_num_queries, OBJECTIONS_QUERIES)


# Session, user, groups (committee check), Wagtail's menu (permissions, locales, explorable pages), then the
# page's own queries.
EVENTS_QUERIES = 12  # count + page (firm and indicator joined)
ROUND_QUERIES = 16  # round, levels, distribution, pending objections, count + page of ratings
OBJECTIONS_QUERIES = 12  # count + page (firm, rating round, record joined)
