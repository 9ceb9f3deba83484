"""The awards organisers' console (/me/awards/manage/): who may use it, creating and opening a campaign, categories,
the eligibility review, the judges' draw, objections, the final results and query counts that do not grow."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from awards.models import Campaign, CampaignState, Category, Entry, EntryState, Judge, Objection, Winner
from core.models import AuditEntry
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user

from .helpers import eligible_entries, make_campaign

pytestmark = pytest.mark.django_db(transaction=False)


def url(name, *args):
    return reverse(f"awards_manage:{name}", args=args)


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def staff(client):
    user = committee_user(admin=False)
    client.force_login(user)
    return user


def _campaign_data(**overrides):
    now = timezone.localtime()
    data = {"name": "2026年度城市照明示范工程评比", "year": "2026", "approval_number": "", "approving_body": "",
            "summary": "评比简介", "rules": "评比规则",
            "entries_open": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "entries_close": (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
            "entry_fields": "设置地点*\n建成时间", "max_images": "6", "publicity_days": "5"}
    data.update(overrides)
    return data


# --- permissions ------------------------------------------------------------------------------------------------
def test_committee_staff_manage_every_campaign(client, staff):
    own, committee = make_campaign(organiser=AssociationFactory()), make_campaign()
    assert client.get(url("index")).status_code == 200
    for campaign in (own, committee):
        for name in ("campaign", "campaign_edit", "entries", "panel", "objections"):
            assert client.get(url(name, campaign.pk)).status_code == 200, name


def test_association_staff_manage_only_their_own_campaigns(client):
    association = AssociationFactory()
    own, other, committee = make_campaign(organiser=association), \
        make_campaign(organiser=AssociationFactory()), make_campaign()
    client.force_login(association_staff(association))
    response = client.get(url("index"))
    assert own.name in response.text and other.name not in response.text and committee.name not in response.text
    assert client.get(url("campaign", own.pk)).status_code == 200
    for campaign in (other, committee):
        for name in ("campaign", "campaign_edit", "entries", "panel", "objections", "category_add"):
            assert client.get(url(name, campaign.pk)).status_code == 404
        assert client.post(url("campaign_action", campaign.pk, "judging")).status_code == 404
        entry = eligible_entries(campaign, 1)[0]
        assert client.get(url("entry", entry.pk)).status_code == 404


def test_people_who_manage_nothing_get_403_and_anonymous_sign_in(client):
    campaign = make_campaign()
    assert client.get(url("index")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url("index")).status_code == 403
    assert client.get(url("campaign", campaign.pk)).status_code == 403
    assert client.get(url("campaign_add")).status_code == 403


def test_unknown_action_huge_ids_and_foreign_categories_are_404(client, staff):
    campaign, other = make_campaign(state=CampaignState.DRAFT), make_campaign(state=CampaignState.DRAFT)
    assert client.post(url("campaign_action", campaign.pk, "explode")).status_code == 404
    assert client.get(url("campaign", 2**40)).status_code == 404
    assert client.get(url("entry", 2**40)).status_code == 404
    foreign = other.categories.first()
    assert client.get(url("category_edit", campaign.pk, foreign.pk)).status_code == 404


# --- campaigns --------------------------------------------------------------------------------------------------
def test_create_campaign_warns_about_restricted_names_and_opens_only_with_approval(client, staff):
    response = client.post(url("campaign_add"), _campaign_data(name="2026年度全国城市照明示范工程评比"))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.state == CampaignState.DRAFT
    assert campaign.entry_fields == [{"label": "设置地点", "required": True}, {"label": "建成时间", "required": False}]
    assert AuditEntry.objects.filter(action="awards.campaign.saved").exists()
    edit = client.get(url("campaign_edit", campaign.pk))
    assert "awards-notice-warning" in edit.text and "全国" in edit.text
    response = client.post(url("category_add", campaign.pk), {"name": "道路照明", "awards": "3", "position": "0"})
    assert response.status_code == 302 and campaign.categories.count() == 1

    response = client.post(url("campaign_action", campaign.pk, "open"))
    assert response.status_code == 302 and any("approval" in m or "批准" in m for m in texts(response))
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT

    client.post(url("campaign_edit", campaign.pk), _campaign_data(
        name=campaign.name, approval_number="川社管批〔2026〕18号", approving_body="四川省民政厅",
        restricted_name_confirmed="on"))
    client.post(url("campaign_action", campaign.pk, "open"))
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.OPEN and campaign.approval_number == "川社管批〔2026〕18号"


def test_after_opening_only_summary_rules_and_ceremony_change_and_categories_are_locked(client, staff):
    campaign = make_campaign()
    name = campaign.name
    response = client.get(url("campaign_edit", campaign.pk))
    assert "awards-notice" in response.text
    client.post(url("campaign_edit", campaign.pk), _campaign_data(name="改名", summary="新的简介"))
    campaign.refresh_from_db()
    assert campaign.name == name and campaign.summary == "新的简介"
    category = campaign.categories.first()
    response = client.post(url("category_edit", campaign.pk, category.pk), {"name": "新名", "awards": "9",
                                                                            "position": "0"})
    assert response.status_code == 302
    assert Category.objects.get(pk=category.pk).name == category.name
    assert client.post(url("category_add", campaign.pk), {"name": "新类别", "awards": "1"}).status_code == 302
    assert campaign.categories.count() == 1


def test_association_staff_create_campaigns_of_their_own_association(client):
    association, other = AssociationFactory(), AssociationFactory()
    client.force_login(association_staff(association))
    response = client.post(url("campaign_add"), _campaign_data(organiser=str(other.pk)))
    assert response.status_code == 200 and not Campaign.objects.exists()
    client.post(url("campaign_add"), _campaign_data(organiser=str(association.pk)))
    assert Campaign.objects.get().organiser == association


def test_finalise_is_refused_during_the_public_notice_with_its_end_date(client, staff):
    ends = timezone.now() + timedelta(days=3)
    campaign = make_campaign(state=CampaignState.PUBLICITY, publicity_starts=timezone.now(), publicity_ends=ends)
    response = client.post(url("campaign_action", campaign.pk, "finalise"))
    assert response.status_code == 302
    assert any(timezone.localtime(ends).strftime("%Y-%m-%d %H:%M") in m for m in texts(response))
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.PUBLICITY


# --- entries ----------------------------------------------------------------------------------------------------
def test_entry_review_needs_a_reason_to_refuse(client, staff):
    campaign = make_campaign()
    entry = eligible_entries(campaign, 1)[0]
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.SUBMITTED)
    page = client.get(url("entry", entry.pk))
    assert entry.firm.name in page.text
    response = client.post(url("entry", entry.pk), {"decision": "ineligible", "reason": ""})
    assert response.status_code == 200 and "has-error" in response.text
    assert Entry.objects.get(pk=entry.pk).state == EntryState.SUBMITTED
    client.post(url("entry", entry.pk), {"decision": "ineligible", "reason": "不是本市项目"})
    entry.refresh_from_db()
    assert entry.state == EntryState.INELIGIBLE and entry.ineligible_reason == "不是本市项目"
    assert client.post(url("entry", entry.pk), {}).status_code == 200


def test_entries_filters(client, staff):
    campaign = make_campaign(categories=("甲", "乙"))
    first, second = campaign.categories.all()
    a = eligible_entries(campaign, 2, category=first)
    b = eligible_entries(campaign, 1, category=second)
    Entry.objects.filter(pk=b[0].pk).update(number="PB-B-001")
    Entry.objects.filter(pk=a[0].pk).update(title="独特的标题")
    a[0].refresh_from_db()
    b[0].refresh_from_db()
    response = client.get(url("entries", campaign.pk), {"category": second.pk})
    assert b[0].number in response.text and a[0].number not in response.text
    response = client.get(url("entries", campaign.pk), {"q": "独特"})
    assert "独特的标题" in response.text and a[1].title not in response.text
    response = client.get(url("entries", campaign.pk), {"q": b[0].firm.name, "category": "x", "state": "bogus"})
    assert b[0].number in response.text


# --- panel ------------------------------------------------------------------------------------------------------
def _draw_data():
    return {"field": "advertising", "count": "3", "alternates": "1", "supervisor": "市纪委监委驻委纪检组",
            "starts_on": "2026-12-01", "ends_on": "2026-12-02"}


def test_committee_draws_the_panel_excluding_entrants_and_syncs_judges(client):
    from experts.models import Selection
    from tests.experts.helpers import committee_pool, make_expert

    campaign = make_campaign(state=CampaignState.JUDGING)
    entries = eligible_entries(campaign, 2)
    pool = committee_pool()
    employed = make_expert("钱参赛", fields=["advertising"], pool=pool, employer_firm=entries[0].firm)
    for i in range(4):
        make_expert(f"孙评审{i}", fields=["advertising"], pool=pool)
    client.force_login(committee_user())
    response = client.post(url("panel", campaign.pk), _draw_data())
    assert response.status_code == 302
    campaign.refresh_from_db()
    drawn = set(Selection.objects.filter(draw=campaign.panel_draw).values_list("expert_id", flat=True))
    assert employed.pk not in drawn and len(drawn) == 4
    page = client.get(url("panel", campaign.pk))
    assert f"/admin/experts/draws/{campaign.panel_draw_id}/" in page.text
    Selection.objects.filter(draw=campaign.panel_draw, alternate=False).update(
        response=Selection.Response.CONFIRMED)
    client.post(url("panel", campaign.pk), {"sync": "1"})
    assert Judge.objects.filter(campaign=campaign).count() == 3
    again = client.post(url("panel", campaign.pk), _draw_data())
    assert again.status_code == 302 and Selection.objects.filter(draw__isnull=False).count() == 4


def test_association_staff_see_the_panel_read_only(client):
    association = AssociationFactory()
    campaign = make_campaign(organiser=association)
    eligible_entries(campaign, 1)
    client.force_login(association_staff(association))
    page = client.get(url("panel", campaign.pk))
    assert page.status_code == 200 and 'name="supervisor"' not in page.text
    assert client.post(url("panel", campaign.pk), _draw_data()).status_code == 403
    campaign.refresh_from_db()
    assert campaign.panel_draw_id is None


# --- objections -------------------------------------------------------------------------------------------------
def test_objection_is_decided_and_the_award_removed(client, staff):
    campaign = make_campaign(state=CampaignState.PUBLICITY, publicity_starts=timezone.now(),
                             publicity_ends=timezone.now() + timedelta(days=3))
    entry = eligible_entries(campaign, 1)[0]
    Winner.objects.create(campaign=campaign, category=entry.category, entry=entry, rank=1)
    objection = Objection.objects.create(campaign=campaign, entry=entry, name="张三", contact="13800000000",
                                         reason="该招牌存在安全隐患，未按规定设置。")
    assert "张三" in client.get(url("objections", campaign.pk)).text
    response = client.post(url("objection", objection.pk), {"decision": "upheld", "outcome": ""})
    assert response.status_code == 200
    client.post(url("objection", objection.pk), {"decision": "upheld", "outcome": "经核查属实，取消拟表彰资格。"})
    objection.refresh_from_db()
    assert objection.state == Objection.State.UPHELD
    assert Winner.objects.get(entry=entry).withdrawn_at is not None
    assert client.post(url("objection", objection.pk), {"decision": "rejected", "outcome": "x"}).status_code == 302
    assert client.get(url("objection_evidence", objection.pk)).status_code == 404


# --- query counts -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [10, 300])
def test_query_counts_do_not_grow(client, staff, django_assert_num_queries, n):
    campaign = make_campaign()
    eligible_entries(campaign, n)
    first = campaign.entries.order_by("pk").first().pk
    with django_assert_num_queries(6):
        assert client.get(url("index")).status_code == 200
    with django_assert_num_queries(11):
        assert client.get(url("campaign", campaign.pk)).status_code == 200
    with django_assert_num_queries(8):
        assert client.get(url("entries", campaign.pk)).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(url("panel", campaign.pk)).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(url("objections", campaign.pk)).status_code == 200
    with django_assert_num_queries(9):
        assert client.get(url("entry", first)).status_code == 200
