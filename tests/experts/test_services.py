"""The expert pool's rules: admission, 回避 from data, reproducible draws, invitations with alternates, evaluation."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import TestCase

from core.errors import DomainError
from core.models import AuditEntry
from experts import services
from experts.models import Draw, Evaluation, Expert, Pool, Relation, Selection
from experts.services.admission import admission_checks
from experts.services.conflicts import conflicts
from experts.services.draws import select
from tests.factories import FirmFactory, UserFactory, committee_user

from .helpers import make_draw, make_expert

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def travel(*args):
    return time_machine.travel(datetime(*args, tzinfo=SH), tick=False)


@pytest.fixture
def admin(db):
    return committee_user()


# --- admission ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("title", "years", "birth", "passed"), [
    ("senior", 0, 1970, [True, True, True, True]),
    ("associate_senior", 3, 1970, [True, True, True, True]),
    ("intermediate", 8, 1970, [True, True, True, True]),
    ("intermediate", 7, 1970, [False, True, True, True]),
    ("junior", 20, 1970, [False, True, True, True]),
    ("senior", 30, 1955, [True, False, True, True]),  # 71 in 2026: over the limit of 70
])
def test_admission_rules(title, years, birth, passed):
    pool = Pool.objects.create(name="专家库")
    expert = make_expert("赵工", title=title, years_in_field=years, birth_year=birth, status="applying")
    checks = admission_checks(expert, pool, on=date(2026, 11, 23))
    assert [c["passed"] for c in checks] == passed
    assert all(c["detail"] for c in checks)


def test_application_with_a_future_birth_year_or_no_title_is_refused():
    pool, user = Pool.objects.create(name="专家库"), UserFactory()
    profile = {"name": "钱工", "birth_year": 2030, "title": "senior", "fields": ["law"]}
    with pytest.raises(DomainError):
        services.application_submit(actor=user, pool=pool, profile=profile)
    with pytest.raises(DomainError):
        services.application_submit(actor=user, pool=pool, profile={**profile, "birth_year": 1980, "title": ""})
    assert not Expert.objects.exists()


def test_an_approved_application_puts_the_expert_in_the_pool(admin):
    pool, user = Pool.objects.create(name="专家库", term_years=3), UserFactory()
    with travel(2026, 11, 23, 10):
        application = services.application_submit(
            actor=user, pool=pool, profile={"name": "孙工", "birth_year": 1980, "title": "intermediate",
                                            "years_in_field": 9, "fields": ["sanitation"]})
        assert all(c["passed"] for c in application.checks)
        services.application_decide(actor=admin, application=application, approve=True, decision="符合入库条件")
    expert = Expert.objects.get()
    assert expert.status == "active" and expert.user == user and expert.pool_memberships.get().pool == pool
    assert (expert.term_start, expert.term_end) == (date(2026, 11, 23), date(2029, 11, 23))
    assert AuditEntry.objects.filter(action="experts.application.decided").exists()


def test_title_and_employer_changes_by_the_expert_go_to_review(admin):
    user = UserFactory()
    expert = make_expert("周文博", title="intermediate", user=user, pool=Pool.objects.create(name="专家库"))
    application = services.profile_update(actor=user, expert=expert, bio="从事道路照明设计二十年。", title="senior")
    expert.refresh_from_db()
    assert expert.bio == "从事道路照明设计二十年。" and expert.title == "intermediate"
    assert application.changes == {"title": "senior"}
    services.application_decide(actor=admin, application=application, approve=True, decision="职称证书核验无误")
    expert.refresh_from_db()
    assert expert.title == "senior"
    with pytest.raises(DomainError):
        services.profile_update(actor=UserFactory(), expert=expert, bio="冒充")


# --- conflicts ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "ended_on", "conflicted"), [
    ("employment", None, True),
    ("employment", date(2023, 12, 2), True),   # within three years of 2026-12-01
    ("employment", date(2023, 11, 30), False),  # ended more than three years before
    ("board", date(2024, 6, 1), True),
    ("shareholding", None, True),
    ("family", date(2000, 1, 1), True),  # no time limit
    ("other", None, True),
])
def test_conflicts_from_relations_within_the_three_year_window(kind, ended_on, conflicted):
    firm = FirmFactory()
    expert = make_expert("吴工")
    Relation.objects.create(expert=expert, kind=kind, firm=firm, started_on=date(2015, 1, 1), ended_on=ended_on)
    found = conflicts([expert.pk], firms=[firm], on=date(2026, 12, 1))
    assert (expert.pk in found) is conflicted
    if conflicted:
        assert firm.name in found[expert.pk][0] or kind == "drafting"


def test_conflicts_from_the_employer_the_firm_code_and_drafting():
    firm, other = FirmFactory(), FirmFactory()
    employee = make_expert("郑工", employer_firm=firm)
    by_code = make_expert("冯工", employer_name=firm.name, employer_code=firm.uscc)
    drafter = make_expert("陈工")
    Relation.objects.create(expert=drafter, kind="drafting", matter="consultations.consultation:7")
    unrelated = make_expert("褚工", employer_firm=other)
    found = conflicts([employee.pk, by_code.pk, drafter.pk, unrelated.pk], firms=[firm],
                      matter="consultations.consultation:7", on=date(2026, 12, 1))
    assert set(found) == {employee.pk, by_code.pk, drafter.pk}
    assert all(found[pk] for pk in found)


# --- draws --------------------------------------------------------------------------------------------------
def test_a_draw_excludes_related_experts_with_reasons_and_reproduces_from_seed_and_snapshot(admin):
    entrant = FirmFactory(name="成都蓉光照明工程有限公司")
    experts = [make_expert(f"照明专家{i}") for i in range(8)]
    related = make_expert("王建国", employer_firm=entrant)
    make_expert("环卫专家", fields=("sanitation",))
    with travel(2026, 11, 23, 10):
        draw = services.draw_run(actor=admin, draw=make_draw(admin, count=3, alternates=2, firms=[entrant]))
    assert draw.state == Draw.State.DRAWN and len(draw.seed) == 32
    assert draw.snapshot["lighting"] == sorted(e.pk for e in experts)
    (excluded,) = draw.exclusions
    assert excluded["expert"] == related.pk and "成都蓉光照明工程有限公司" in excluded["reasons"][0]
    members = list(draw.selections.filter(alternate=False))
    assert len(members) == 3 and all(s.response == "waiting" for s in members)
    assert draw.selections.filter(alternate=True, response="standby").count() == 2
    assert services.draw_verify(draw)
    # The same snapshot, criteria and seed give the same experts; another seed (almost surely) does not.
    assert select(draw.snapshot, draw.criteria, draw.seed) == select(draw.snapshot, draw.criteria, draw.seed)
    Selection.objects.filter(draw=draw, order=1).update(expert=related)
    assert not services.draw_verify(draw)


def test_a_draw_asking_for_more_than_the_pool_has_names_the_shortfall(admin):
    for i in range(3):
        make_expert(f"专家{i}")
    draw = make_draw(admin, count=5, alternates=0)
    with pytest.raises(DomainError) as caught:
        services.draw_run(actor=admin, draw=draw)
    assert "2" in caught.value.message and "5" in caught.value.message and "3" in caught.value.message
    draw.refresh_from_db()
    assert draw.state == Draw.State.DRAFT and not draw.selections.exists() and not draw.seed


def test_experts_engaged_on_overlapping_dates_or_drawn_recently_are_excluded(admin):
    a, b, c = (make_expert(n) for n in ("甲工", "乙工", "丙工"))
    with travel(2026, 11, 1, 10):
        first = services.draw_run(actor=admin, draw=make_draw(admin, count=1, alternates=0))
    busy = first.selections.get().expert
    with travel(2026, 11, 23, 10):
        second = services.draw_run(actor=admin, draw=make_draw(admin, count=1, alternates=0, title="第二次"))
    assert busy.pk in {x["expert"] for x in second.exclusions}
    assert busy.pk not in set(second.snapshot["lighting"]) and {a.pk, b.pk, c.pk} >= set(second.snapshot["lighting"])


def test_invitations_decline_and_timeout_promote_alternates_in_order(admin, mailoutbox):
    for i in range(5):
        make_expert(f"专家{i}", email=f"e{i}@example.cn")
    with travel(2026, 11, 23, 10), TestCase.captureOnCommitCallbacks(execute=True):
        draw = services.draw_run(actor=admin, draw=make_draw(admin, count=2, alternates=2))
    assert len(mailoutbox) == 2 and "/experts/invitation/" in mailoutbox[0].body
    first, second = draw.selections.filter(alternate=False).order_by("order")
    alt1, alt2 = draw.selections.filter(alternate=True).order_by("order")
    with travel(2026, 11, 23, 15):
        services.invitation_answer(token=services.invitation_token(first), accept=False, reason="同期出差")
        with pytest.raises(DomainError):  # answered once
            services.invitation_answer(token=services.invitation_token(first), accept=True, pledge=True)
        with pytest.raises(DomainError):  # no pledge
            services.invitation_answer(token=services.invitation_token(second), accept=True)
        services.invitation_answer(token=services.invitation_token(second), accept=True, pledge=True)
    alt1.refresh_from_db()
    assert alt1.response == "waiting" and alt1.replaces == first
    with travel(2026, 11, 25, 16):  # 48 hours after 15:00 on the 23rd have passed
        assert services.expire_due() == 1
    alt1.refresh_from_db()
    alt2.refresh_from_db()
    assert alt1.response == "expired" and alt2.response == "waiting" and alt2.replaces == alt1
    assert AuditEntry.objects.filter(action="experts.selection.alternate_promoted").count() == 2


def test_a_tampered_or_lapsed_link_changes_nothing(admin):
    for i in range(2):
        make_expert(f"专家{i}")
    with travel(2026, 11, 23, 10):
        draw = services.draw_run(actor=admin, draw=make_draw(admin, count=1, alternates=0))
    selection = draw.selections.get()
    token = services.invitation_token(selection)
    with pytest.raises(DomainError):
        services.invitation_answer(token=token[:-2] + "xx", accept=True, pledge=True)
    with travel(2026, 11, 26, 10), pytest.raises(DomainError) as caught:
        services.invitation_answer(token=token, accept=True, pledge=True)
    assert "2026-11-25 10:00" in caught.value.message
    selection.refresh_from_db()
    assert selection.response == "waiting"


def test_evaluation_window_and_record_flags(admin):
    for i in range(2):
        make_expert(f"专家{i}")
    with travel(2026, 11, 23, 10):
        draw = services.draw_run(actor=admin, draw=make_draw(admin, count=1, alternates=0))
        selection = draw.selections.get()
        services.invitation_answer(token=services.invitation_token(selection), accept=True, pledge=True)
        with pytest.raises(DomainError):  # before the engagement ends
            services.evaluate(actor=admin, selection=selection, score=90)
    with travel(2026, 12, 3, 10):
        with pytest.raises(DomainError):
            services.evaluate(actor=admin, selection=selection, score=101)
        services.evaluate(actor=admin, selection=selection, score=55, comment="评审意见简略")
    record = services.expert_record(selection.expert)
    assert (record.invited, record.confirmed, record.average) == (1, 1, 55.0)
    assert record.acceptance_rate == 1 and record.removal_review and not record.senior_candidate
    assert Evaluation.objects.count() == 1


def test_only_administrators_publish_and_the_list_is_confidential_until_then(admin):
    from experts.permissions import can_view_draw_results

    for i in range(2):
        make_expert(f"专家{i}")
    editor = committee_user(admin=False)
    with travel(2026, 11, 23, 10):
        draw = services.draw_run(actor=editor, draw=make_draw(editor, count=1, alternates=0))
    assert not can_view_draw_results(UserFactory(), draw) and can_view_draw_results(editor, draw)
    with pytest.raises(DomainError):
        services.draw_publish(actor=editor, draw=draw)
    draw = services.draw_publish(actor=admin, draw=draw)
    assert can_view_draw_results(UserFactory(), draw)


def test_the_expert_record_counts_declines(admin):
    expert = make_expert("唯一专家")
    make_expert("候补专家")
    with travel(2026, 11, 23, 10):
        draw = services.draw_run(actor=admin, draw=make_draw(admin, count=1, alternates=1))
    selection = draw.selections.get(alternate=False)
    with travel(2026, 11, 23, 11):
        services.invitation_answer(token=services.invitation_token(selection), accept=False, reason="回避")
    record = services.expert_record(selection.expert)
    assert record.invited == 1 and record.confirmed == 0 and record.acceptance_rate == 0
    assert expert.pk in {s.expert_id for s in draw.selections.all()}
    assert timedelta(hours=48) == draw.selections.get(alternate=True).answer_by - datetime(2026, 11, 23, 11,
                                                                                           tzinfo=SH)


@pytest.mark.parametrize("n", [1, 5])
def test_the_published_result_page_lists_the_panel_with_a_fixed_query_count(client, admin, n,
                                                                           django_assert_num_queries):
    from django.urls import reverse

    for i in range(n + 1):
        make_expert(f"专家{i}", phone=f"1390000000{i}")
    with travel(2026, 11, 23, 10):
        draw = services.draw_run(actor=admin, draw=make_draw(admin, count=n, alternates=0))
        url = reverse("experts:draw", args=[draw.pk])
        assert client.get(url).status_code == 404  # confidential until published
        for selection in draw.selections.all():
            services.invitation_answer(token=services.invitation_token(selection), accept=True, pledge=True)
        services.draw_publish(actor=admin, draw=draw)
        with django_assert_num_queries(2):
            html = client.get(url).content.decode()
    names = [s.expert.name for s in draw.selections.select_related("expert")]
    assert all(name in html for name in names) and "1390000000" not in html
