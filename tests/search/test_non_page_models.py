"""Non-page content in the site search (docs/search.md, "Non-page content"), with consultations (征求意见) as the
first model: the index holds public objects only, and the page, the suggestions and the API show them.

Every test runs on the Whoosh backend and — under scripts/with-postgres.sh — on the PostgreSQL backend too.
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from modelsearch.backends import get_search_backend
from wagtail.models import Page

from consultations import services
from consultations.models import Consultation, Kind
from search import selectors
from search.documents import is_indexable
from search.models import IndexEntry
from tests.consultations.helpers import make_consultation
from tests.factories import committee_user
from tests.portal.policy_helpers import make_policy
from tests.search.conftest import whoosh_config

KEY = "consultations.consultation"
TITLE = "成都市餐厨垃圾管理办法（征求意见稿）"
SUMMARY = "<p>规范餐厨垃圾收集、运输和处置，推行<strong>油水分离</strong>预处理 &amp; 在线监控。</p>"
EXPLANATION = "<p>起草过程中征求了市餐厨垃圾与废弃油脂行业协会的意见。</p>"
POLICY = "关于加强餐厨垃圾管理的通知"


@pytest.fixture(params=["whoosh", "postgres"], autouse=True)
def backend(request, tmp_path, db):
    """Each test once per backend; the PostgreSQL one only on PostgreSQL (scripts/with-postgres.sh)."""
    if request.param == "postgres":
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL backend: run with scripts/with-postgres.sh .venv/bin/pytest tests/search")
        config = {"default": {"BACKEND": "search.backends.postgres"}}
    else:
        config = whoosh_config(tmp_path / "index")
    with override_settings(WAGTAILSEARCH_BACKENDS=config):
        yield get_search_backend()


@pytest.fixture
def admin(db):
    return committee_user()


def consultation(admin, **fields):
    fields.setdefault("summary", SUMMARY)
    fields.setdefault("explanation", EXPLANATION)
    return make_consultation(admin=admin, **fields)


def in_index(backend, obj) -> bool:
    """Whether the backend's index itself holds ``obj`` (no queryset involved)."""
    if hasattr(backend, "store"):  # Whoosh
        return backend.store.searcher().document(key=f"{KEY}:{obj.pk}") is not None
    content_type = ContentType.objects.get_for_model(Consultation)
    return IndexEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).exists()


def indexed_consultations(backend) -> int:
    """How many consultations the index holds: Whoosh's stored documents, or the PostgreSQL entries."""
    if hasattr(backend, "store"):
        stored = backend.store.searcher().reader().all_stored_fields()
        return sum(1 for doc in stored if doc["key"].startswith(f"{KEY}:"))
    return IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(Consultation)).count()


def unfiltered_hits(backend, q: str) -> int:
    """A backend search over every consultation row (no public filter): only the index decides."""
    return backend.search(q, Consultation).count()


def tab(response, key=KEY):
    return next((t for t in response.context["query"].types if t.key == key), None)


# --- the index ------------------------------------------------------------------------------------------------


def test_the_contract_is_discovered_without_imports():
    assert Consultation in selectors.public_models()
    assert all(not issubclass(m, Page) for m in selectors.public_models())
    assert selectors.model_key(Consultation) == KEY
    assert selectors.model_label(Consultation) == "征求意见"


def test_published_consultation_is_found_by_title_and_summary_word(backend, admin):
    found = consultation(admin)
    assert in_index(backend, found)
    public = Consultation.public_search_queryset()
    assert list(backend.search("餐厨垃圾", public)) == [found]
    assert list(backend.search("油水分离", public)) == [found]  # only in the summary (sanitised HTML)
    assert list(backend.search("废弃油脂", public)) == [found]  # only in the drafting explanation
    assert list(backend.search("环卫处", public)) == [found]  # the drafting department
    assert list(backend.search(found.number, public)) == [found]  # ZQ-2026-0001
    assert list(backend.search("strong", public)) == []  # tags are not text
    assert list(backend.search("amp", public)) == []  # entities are decoded


def test_draft_and_internal_consultations_are_never_indexed(backend, admin):
    public = consultation(admin)
    draft = consultation(admin, publish=False)
    internal = consultation(admin, kind=Kind.INTERNAL)
    assert internal.published_at is not None  # published, but internal
    assert not draft.search_is_public and not internal.search_is_public
    assert not is_indexable(draft, index_unpublished=True)  # not even for the admin search
    assert in_index(backend, public)
    assert not in_index(backend, draft) and not in_index(backend, internal)
    assert indexed_consultations(backend) == 1
    assert unfiltered_hits(backend, "餐厨垃圾") == 1
    # and a rebuild writes the same
    call_command("update_index", stdout=StringIO())
    assert indexed_consultations(backend) == 1
    assert in_index(backend, public) and not in_index(backend, draft)


def test_publishing_through_the_services_updates_the_index(backend, admin):
    draft = consultation(admin, publish=False)
    assert not in_index(backend, draft)
    services.consultation_update(actor=admin, consultation=draft, title="成都市餐厨垃圾管理办法（修改稿）")
    assert not in_index(backend, draft)  # an edited draft is still a draft
    services.consultation_publish(actor=admin, consultation=draft)  # save(update_fields=[published_at, …])
    assert in_index(backend, draft)
    assert unfiltered_hits(backend, "修改稿") == 1
    assert [c.pk for c in backend.search("修改稿", Consultation.public_search_queryset())] == [draft.pk]

    draft.refresh_from_db()
    new_end = draft.ends_at + datetime.timedelta(days=5)
    services.consultation_extend(actor=admin, consultation=draft, new_ends_at=new_end, reason="应行业协会请求延长")
    with time_machine.travel(draft.ends_at + datetime.timedelta(days=6)):
        services.outcome_publish(actor=admin, consultation=draft)
    assert in_index(backend, draft) and indexed_consultations(backend) == 1

    draft.delete()
    assert indexed_consultations(backend) == 0


# --- the search page ------------------------------------------------------------------------------------------


def test_type_tab_counts_public_consultations_only(client, admin):
    consultation(admin)
    consultation(admin, title="城市生活垃圾分类管理规定（征求意见稿）", summary="餐厨垃圾单独投放。")
    consultation(admin, publish=False)
    consultation(admin, kind=Kind.INTERNAL)
    make_policy(title=POLICY, summary="规范餐厨垃圾收集。")
    response = client.get("/search/", {"q": "餐厨垃圾"})
    consultations = tab(response)
    assert (consultations.label, consultations.count, consultations.is_page) == ("征求意见", 2, False)
    assert tab(response, "portal.policypage").count == 1
    assert response.context["query"].total == 3
    html = response.content.decode()
    assert "type=consultations.consultation" in html
    assert "3 条结果" in html  # every type in the heading when no type is chosen


def test_type_tab_lists_consultations_paginated(client, admin, monkeypatch):
    made = [consultation(admin, title=f"餐厨垃圾收运管理规定（征求意见稿{i}）") for i in range(3)]
    make_policy(title=POLICY)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    response = client.get("/search/", {"q": "餐厨垃圾", "type": KEY})
    assert response.context["query"].type_key == KEY
    assert response.context["page_obj"].paginator.count == 3
    first = [item["object"] for item in response.context["items"]]
    assert len(first) == 2 and all(isinstance(o, Consultation) for o in first)
    assert response.context["groups"] == []  # a chosen type: no grouped block
    html = response.content.decode()
    assert f'href="/consultations/{first[0].pk}/"' in html
    assert "page=2" in html and "type=consultations.consultation" in html
    assert 'aria-current="page" class="current"' in html
    second = client.get("/search/", {"q": "餐厨垃圾", "type": KEY, "page": 2})
    rest = [item["object"] for item in second.context["items"]]
    assert {o.pk for o in first + rest} == {c.pk for c in made}


def test_no_type_shows_the_consultation_group_first_then_pages(client, admin):
    for i in range(4):
        consultation(admin, title=f"餐厨垃圾收运管理规定（征求意见稿{i}）")
    make_policy(title=POLICY, summary="规范餐厨垃圾收集。")
    response = client.get("/search/", {"q": "餐厨垃圾"})
    (group,) = response.context["groups"]
    assert group["type"].key == KEY and group["type"].count == 4
    assert len(group["items"]) == selectors.GROUP_SIZE == 3
    assert [item["object"].title for item in response.context["items"]] == [POLICY]  # pages only, as before
    html = response.content.decode()
    assert html.index("search-group") < html.index('class="search-result-list" start=')
    assert "征求意见 <span class=\"type-count\">(4)</span>" in html
    assert "查看“征求意见”的全部 4 条结果" in html
    assert "<mark>餐厨垃圾</mark>收运管理规定" in html  # highlighted titles in the group


def test_the_group_is_on_the_first_page_only(client, admin, monkeypatch):
    consultation(admin)
    make_policy(title=POLICY)
    make_policy(title="关于餐厨垃圾收运的补充通知")
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    assert len(client.get("/search/", {"q": "餐厨垃圾"}).context["groups"]) == 1
    second = client.get("/search/", {"q": "餐厨垃圾", "page": 2})
    assert second.context["page_obj"].number == 2 and second.context["groups"] == []
    assert "search-group" not in second.content.decode()


def test_group_without_page_results_is_not_an_empty_result(client, admin):
    consultation(admin)
    response = client.get("/search/", {"q": "油水分离"})
    assert response.context["items"] == [] and len(response.context["groups"]) == 1
    html = response.content.decode()
    assert "search-tips" not in html
    assert "<mark>油水分离</mark>" in html


def test_snippet_comes_from_the_summary_text(client, admin):
    consultation(admin)
    response = client.get("/search/", {"q": "油水分离", "type": KEY})
    (item,) = response.context["items"]
    expected = "规范餐厨垃圾收集、运输和处置，推行<mark>油水分离</mark>预处理 &amp; 在线监控。"
    assert str(item["snippet"]).startswith(expected)
    assert item["date"] == timezone.localdate(item["object"].starts_at)
    html = response.content.decode()
    assert "&lt;p&gt;" not in html and "&amp;amp;" not in html and "<strong>" not in html
    assert item["type_label"] == "征求意见" and item["type_key"] == KEY


def test_a_title_with_markup_is_escaped(client, admin):
    consultation(admin, title="关于<script>alert(1)</script>餐厨垃圾的征求意见")
    for params in ({"q": "餐厨垃圾"}, {"q": "餐厨垃圾", "type": KEY}):
        html = client.get("/search/", params).content.decode()
        assert "<script>alert(1)" not in html
        assert "关于&lt;script&gt;alert(1)&lt;/script&gt;<mark>餐厨垃圾</mark>的征求意见" in html
    data = client.get("/api/v1/search/", {"q": "餐厨垃圾", "type": KEY}).json()
    assert data["results"][0]["title"] == "关于<script>alert(1)</script>餐厨垃圾的征求意见"  # JSON: raw text


# --- API and suggestions --------------------------------------------------------------------------------------


def test_api_with_type_returns_consultations(client, admin):
    found = consultation(admin)
    consultation(admin, publish=False)
    data = client.get("/api/v1/search/", {"q": "餐厨垃圾", "type": KEY}).json()
    assert (data["count"], data["page"], data["pages"]) == (1, 1, 1)
    (result,) = data["results"]
    assert result == {
        "title": TITLE,
        "url": f"http://testserver/consultations/{found.pk}/",
        "type": "征求意见",
        "snippet": result["snippet"],
        "date": timezone.localdate(found.starts_at).isoformat(),
    }
    assert "餐厨垃圾" in result["snippet"] and "<" not in result["snippet"]
    assert data["groups"] == [{"type": KEY, "label": "征求意见", "count": 1}]


def test_api_without_type_returns_pages_and_the_groups(client, admin):
    consultation(admin)
    consultation(admin, title="餐厨垃圾收运管理规定（征求意见稿）")
    make_policy(title=POLICY, summary="规范餐厨垃圾收集。")
    data = client.get("/api/v1/search/", {"q": "餐厨垃圾"}).json()
    assert data["count"] == 1 and [r["title"] for r in data["results"]] == [POLICY]
    assert data["groups"] == [{"type": KEY, "label": "征求意见", "count": 2}]
    nothing = client.get("/api/v1/search/", {"q": "量子计算机"}).json()
    assert nothing["groups"] == [] and nothing["count"] == 0


def test_suggestions_add_consultation_titles_after_pages(client, admin):
    consultation(admin)
    consultation(admin, title="餐厨垃圾收运内部征求意见", kind=Kind.INTERNAL)
    consultation(admin, title="餐厨垃圾收运草稿", publish=False)
    policy = make_policy(title=POLICY)
    data = client.get("/search/suggest/", {"q": "餐厨"}).json()
    assert [s["title"] for s in data] == [POLICY, TITLE]
    assert data[0]["url"] == policy.get_url() and data[1]["url"].startswith("/consultations/")
    assert data[1]["type"] == "征求意见"


def test_suggestions_stay_at_eight_with_pages_first(client, admin):
    for i in range(3):
        consultation(admin, title=f"餐厨垃圾收运管理规定（征求意见稿{i}）")
    for i in range(6):
        make_policy(title=f"关于餐厨垃圾管理的通知（{i}）")
    data = client.get("/search/suggest/", {"q": "餐厨"}).json()
    assert len(data) == selectors.SUGGEST_LIMIT == 8
    assert [s["type"] for s in data] == ["政策文件"] * 6 + ["征求意见"] * 2


# --- query counts ---------------------------------------------------------------------------------------------

# The whole request, warm caches: the same with 3 and with 30 matching consultations, on both backends and both
# databases. (url, params, queries). The page without a type: view restrictions, page facet, consultation count,
# page hits (2; their count is the facet's sum), specific pages, site, consultation top hits (2). With the type:
# view restrictions, page facet, consultation count (reused by the paginator), consultation hits (2).
QUERY_CASES = {
    "page": ("/search/", {"q": "餐厨垃圾"}, 9),
    "page, type": ("/search/", {"q": "餐厨垃圾", "type": KEY}, 5),
    "api": ("/api/v1/search/", {"q": "餐厨垃圾"}, 7),
    "api, type": ("/api/v1/search/", {"q": "餐厨垃圾", "type": KEY}, 5),
    "suggest": ("/search/suggest/", {"q": "餐厨"}, 7),
}


def _queries(client, url, params):
    client.get(url, params)  # warm caches (site root paths, content types)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_consultations(client, admin, request):
    make_policy(title=POLICY)
    for i in range(3):
        consultation(admin, title=f"餐厨垃圾收运管理规定（征求意见稿{i}）")
    few = {name: _queries(client, url, params) for name, (url, params, _n) in QUERY_CASES.items()}
    for i in range(3, 30):
        consultation(admin, title=f"餐厨垃圾收运管理规定（征求意见稿{i}）")
    many = {name: _queries(client, url, params) for name, (url, params, _n) in QUERY_CASES.items()}
    expected = {name: n for name, (_url, _params, n) in QUERY_CASES.items()}
    if request.node.callspec.params["backend"] == "postgres":
        # The PostgreSQL backend asks the database about every further public model (experts, award campaigns)
        # even without a hit, where Whoosh answers from its index: one more query per model (the type tabs count
        # every type), fixed per model, never per row. Suggestions ask the next models only while slots are left
        # (3 consultations leave some, 30 fill them and no further model is asked).
        further = len(selectors.public_models()) - 1
        expected = {name: n + further for name, n in expected.items()}
        assert (few.pop("suggest"), many.pop("suggest")) == (expected["suggest"], expected.pop("suggest") - further)
    assert few == many == expected



def test_the_model_manager_searches_like_page_objects(admin):
    """``Consultation.objects.search()`` works like ``Page.objects.search()`` (modelsearch's queryset mixin)."""
    found = consultation(admin, title="成都市餐厨垃圾管理办法（征求意见稿）")
    consultation(admin, title="道路照明维护管理规范（征求意见稿）", summary="<p>路灯巡查与维修。</p>",
                 explanation="<p>照明设施养护。</p>")
    assert list(Consultation.objects.search("餐厨垃圾")) == [found]
    assert list(Consultation.objects.published().search("餐廚垃圾")) == [found]  # traditional characters
