"""Public award pages: the list, a campaign's page (approval, free of charge, 公示 and objections, final results),
certificates, the read-only API and the site search. Drafts are never shown."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from docx import Document

from awards.models import CampaignState, Objection, Round, Winner
from tests.factories import AssociationFactory, UserFactory

from .helpers import eligible_entries, make_campaign

pytestmark = pytest.mark.django_db



def _t(msgid: str) -> str:
    """The text as the page shows it (Simplified Chinese, the site's language) once translated."""
    with override("zh-hans"):
        return gettext(msgid)



def _with_winners(state, n_entries=3, **fields):
    """A campaign in ``state`` with a closed round and the best two entries as winners (ranks 1, 2)."""
    now = timezone.now()
    defaults = {"publicity_starts": now - timedelta(days=1), "publicity_ends": now + timedelta(days=5)}
    if state == CampaignState.FINISHED:
        defaults = {"publicity_starts": now - timedelta(days=10), "publicity_ends": now - timedelta(days=3),
                    "finished_at": now - timedelta(days=2)}
    campaign = make_campaign(state=state, **(defaults | fields))
    entries = eligible_entries(campaign, n_entries)
    Round.objects.create(campaign=campaign, kind="first", position=1, state=Round.State.CLOSED)
    category = campaign.categories.get()
    winners = [Winner.objects.create(campaign=campaign, category=category, entry=e, rank=i + 1,
                                     score=Decimal(90 - i)) for i, e in enumerate(entries[:2])]
    return campaign, entries, winners


# --- drafts ------------------------------------------------------------------------------------------------------
def test_drafts_are_hidden_from_the_pages_and_the_api(client):
    draft = make_campaign(state=CampaignState.DRAFT, name="草稿评比活动")
    assert client.get(reverse("awards:detail", args=[draft.pk])).status_code == 404
    assert "草稿评比活动" not in client.get(reverse("awards:index")).content.decode()
    response = client.get(reverse("awards_api:detail", args=[draft.pk]))
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json()["field"] == "id"
    assert client.get(reverse("awards_api:list")).json()["count"] == 0


# --- the list ----------------------------------------------------------------------------------------------------
def test_index_filters_by_state_and_year(client):
    make_campaign(state=CampaignState.OPEN, name="征集中的评比", year=2026)
    make_campaign(state=CampaignState.JUDGING, name="评审中的评比", year=2025)
    html = client.get(reverse("awards:index")).content.decode()
    assert "征集中的评比" in html and "评审中的评比" in html and "川社管批〔2026〕18号" in html
    html = client.get(reverse("awards:index"), {"state": "judging"}).content.decode()
    assert "评审中的评比" in html and "征集中的评比" not in html
    html = client.get(reverse("awards:index"), {"year": "2026"}).content.decode()
    assert "征集中的评比" in html and "评审中的评比" not in html
    # Unknown values are no filter, never a 500.
    assert client.get(reverse("awards:index"), {"state": "draft", "year": "x", "page": "zz"}).status_code == 200
    data = client.get(reverse("awards_api:list"), {"state": "open"}).json()
    assert [c["name"] for c in data["results"]] == ["征集中的评比"]
    assert client.get(reverse("awards_api:list"), {"state": "nope"}).status_code == 400
    assert client.get(reverse("awards_api:list"), {"year": "２０２６"}).status_code == 400


@pytest.mark.parametrize("n", [3, 30])
def test_index_query_count_is_fixed(client, django_assert_num_queries, n):
    association = AssociationFactory()
    for i in range(n):
        make_campaign(state=CampaignState.OPEN, organiser=association if i % 2 else None)
    with django_assert_num_queries(3):
        response = client.get(reverse("awards:index"))
    assert response.status_code == 200


# --- a campaign's page -------------------------------------------------------------------------------------------
def test_detail_shows_the_approval_the_free_entry_and_eligibility(client):
    campaign = make_campaign(state=CampaignState.OPEN, min_credit_level="A", summary="评选示范街区招牌。")
    html = client.get(reverse("awards:detail", args=[campaign.pk])).content.decode()
    assert "川社管批〔2026〕18号" in html and "四川省民政厅" in html
    assert _t("Entry is free of charge: organisers may not charge entrants any fee.") in html
    assert _t("Firms on the credit black list cannot enter.") in html and "示范街区招牌" in html
    assert reverse("awards_workspace:entry_new", args=[campaign.pk]) in html
    assert client.get("/awards/abc/").status_code == 404
    assert client.get(reverse("awards:detail", args=[999999])).status_code == 404
    assert f'href="{reverse("awards:index")}"' in html and _t("Awards") in html  # the navigation link


def test_publicity_lists_the_proposed_winners_and_takes_objections(client):
    campaign, entries, winners = _with_winners(CampaignState.PUBLICITY)
    url = reverse("awards:detail", args=[campaign.pk])
    html = client.get(url).content.decode()
    assert entries[0].firm.name in html and entries[0].number in html and entries[2].number not in html
    assert f'{reverse("account_login")}?next=' in html and 'name="reason"' not in html
    objection_url = reverse("awards:objection", args=[campaign.pk])
    anonymous = client.post(objection_url, {"name": "张", "contact": "1", "reason": "x" * 20})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"] and not Objection.objects.exists()

    client.force_login(UserFactory())
    assert 'name="reason"' in client.get(url).content.decode()
    short = client.post(objection_url, {"name": "张先生", "contact": "13800000000", "reason": "太短"})
    assert short.status_code == 200 and "has-error" in short.content.decode()
    assert not Objection.objects.exists()
    other = client.post(objection_url, {"name": "张先生", "contact": "13800000000", "reason": "x" * 20,
                                        "entry": str(entries[2].pk)})  # not a listed winner
    assert other.status_code == 200 and not Objection.objects.exists()
    evidence = SimpleUploadedFile("证据.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    ok = client.post(objection_url, {"name": "张先生", "contact": "13800000000", "entry": str(entries[1].pk),
                                     "reason": "该招牌设置未取得许可，且与示范街风貌不符。", "evidence": evidence})
    assert ok.status_code == 302 and ok["Location"] == url
    objection = Objection.objects.get()
    assert objection.entry == entries[1] and objection.name == "张先生"
    assert "13800000000" not in client.get(url).content.decode()
    assert client.get(objection_url).status_code == 405

    data = client.get(reverse("awards_api:detail", args=[campaign.pk])).json()
    assert data["state"] == "publicity" and data["winners_final"] is False
    assert [w["entry_number"] for w in data["winners"]] == [entries[0].number, entries[1].number]
    assert all(w["final"] is False for w in data["winners"])


def test_an_objection_after_the_window_is_refused_with_the_dates(client):
    now = timezone.now()
    campaign, entries, _ = _with_winners(CampaignState.PUBLICITY, publicity_starts=now - timedelta(days=8),
                                         publicity_ends=now - timedelta(hours=1))
    client.force_login(UserFactory())
    html = client.get(reverse("awards:detail", args=[campaign.pk])).content.decode()
    assert 'name="reason"' not in html  # the window is closed: no form
    response = client.post(reverse("awards:objection", args=[campaign.pk]),
                           {"name": "李", "contact": "x@example.cn", "reason": "迟到的异议，超过公示期。"})
    assert response.status_code == 200 and not Objection.objects.exists()
    assert timezone.localtime(campaign.publicity_ends).strftime("%Y-%m-%d %H:%M") in response.content.decode()


def test_finished_results_certificates_and_objection_outcomes(client):
    campaign, entries, winners = _with_winners(CampaignState.FINISHED)
    winners[1].withdrawn_at, winners[1].withdrawn_reason = timezone.now(), "取消获奖资格"
    winners[1].save()
    Objection.objects.create(campaign=campaign, entry=entries[1], name="王秘密", contact="13911112222",
                             reason="该招牌未取得许可。", state=Objection.State.UPHELD,
                             outcome="经核实，取消其获奖资格。", decided_at=timezone.now())
    html = client.get(reverse("awards:detail", args=[campaign.pk])).content.decode()
    assert entries[0].firm.name in html and entries[1].firm.name not in html
    assert "经核实，取消其获奖资格。" in html and "王秘密" not in html and "13911112222" not in html
    certificate = reverse("awards:certificate", args=[campaign.pk, winners[0].pk])
    assert certificate in html
    response = client.get(certificate)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert entries[0].firm.name in text and "荣誉证书" in text
    assert client.get(reverse("awards:certificate", args=[campaign.pk, winners[1].pk])).status_code == 404
    other, _, other_winners = _with_winners(CampaignState.PUBLICITY)
    assert client.get(reverse("awards:certificate", args=[other.pk, other_winners[0].pk])).status_code == 404
    assert client.get(reverse("awards:certificate", args=[campaign.pk, other_winners[0].pk])).status_code == 404

    data = client.get(reverse("awards_api:detail", args=[campaign.pk])).json()
    assert data["winners_final"] is True and [w["firm"] for w in data["winners"]] == [entries[0].firm.name]
    assert data["categories"][0]["awards"] == 2 and data["approval_number"] == "川社管批〔2026〕18号"


@pytest.mark.parametrize("n", [10, 300])
def test_detail_query_count_is_fixed(client, django_assert_num_queries, n):
    campaign, entries, winners = _with_winners(CampaignState.FINISHED, n_entries=n)
    category = campaign.categories.get()
    for i, entry in enumerate(entries[2:]):  # many winners, a few removed
        Winner.objects.create(campaign=campaign, category=category, entry=entry, rank=i + 3,
                              withdrawn_at=timezone.now() if i % 3 == 0 else None)
    Objection.objects.create(campaign=campaign, name="甲", contact="1", reason="x" * 12,
                             state=Objection.State.REJECTED, outcome="不予采纳。")
    with django_assert_num_queries(6):
        response = client.get(reverse("awards:detail", args=[campaign.pk]))
    assert response.status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("awards_api:detail", args=[campaign.pk])).status_code == 200


# --- site search -------------------------------------------------------------------------------------------------
def test_search_finds_a_public_campaign_by_a_word_inside_its_name(client):
    public = make_campaign(state=CampaignState.OPEN, name="2026年度示范街区门头招牌评比")
    draft = make_campaign(state=CampaignState.DRAFT, name="门头招牌评比筹备（草稿）")
    html = client.get("/search/", {"q": "门头招牌"}).content.decode()
    assert public.get_absolute_url() in html and draft.get_absolute_url() not in html
