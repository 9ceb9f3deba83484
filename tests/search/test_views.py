"""The search page, suggestions and JSON API (search/views.py) on the Whoosh backend."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from tests.portal.policy_helpers import make_policy
from tests.search.test_bad_input import BAD_INPUT

KITCHEN = "关于加强餐厨垃圾管理的通知"
LIGHTING = "道路照明设施维护规范"


@pytest.fixture
def corpus(db):
    return {
        "kitchen": make_policy(title=KITCHEN, summary="规范餐厨垃圾收集、运输和处置。"),
        "lighting": make_policy(title=LIGHTING, summary="明确道路照明设施巡查和维修要求。"),
        "other": make_policy(title="关于开展市容环境专项整治的通知", summary="开展市容环境整治。"),
    }


def _titles(response):
    return [item["object"].title for item in response.context["items"]]


@pytest.mark.parametrize(("q", "expected"), [("餐厨垃圾", KITCHEN), ("照明", LIGHTING), ("餐廚垃圾", KITCHEN)])
def test_search_page_finds_chinese_words(client, corpus, q, expected):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert _titles(response) == [expected]
    html = response.content.decode()
    assert f'value="{q}"' in html  # the query is kept in the box
    assert "<mark>" in html
    assert "search-type-badge" in html


@pytest.mark.parametrize(("q", "expected"), [("餐厨垃圾", KITCHEN), ("照明", LIGHTING), ("餐廚垃圾", KITCHEN)])
def test_api_finds_chinese_words(client, corpus, q, expected):
    data = client.get("/api/v1/search/", {"q": q}).json()
    assert data["count"] == 1 and data["page"] == 1 and data["pages"] == 1
    (result,) = data["results"]
    assert result["title"] == expected
    assert result["url"].startswith("http://testserver/policies/")
    assert result["date"] == "2024-03-05"
    assert result["type"]
    assert "<" not in result["snippet"] and result["snippet"]


def test_snippet_highlights_terms_and_date_is_shown(client, corpus):
    html = client.get("/search/", {"q": "餐厨垃圾"}).content.decode()
    assert "<mark>餐厨垃圾</mark>" in html
    assert '<time datetime="2024-03-05">' in html


def test_traditional_query_highlights_simplified_text(client, corpus):
    html = client.get("/search/", {"q": "餐廚垃圾"}).content.decode()
    assert "<mark>餐厨垃圾</mark>" in html


def test_no_query_explains(client, corpus):
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["items"] == []
    assert "empty-state" in response.content.decode()


def test_no_results_has_suggestions(client, corpus):
    response = client.get("/search/", {"q": "量子计算机"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "search-tips" in html and "量子计算机" in html


def test_type_filter_and_counts(client, corpus):
    response = client.get("/search/", {"q": "通知"})
    query = response.context["query"]
    keys = {t.key: t.count for t in query.types}
    assert keys["portal.policypage"] == 2
    assert query.total == sum(keys.values()) >= 2
    assert "portal.policypage" in response.content.decode()

    response = client.get("/search/", {"q": "通知", "type": "portal.policypage"})
    assert response.context["query"].type_key == "portal.policypage"
    assert sorted(_titles(response)) == sorted([KITCHEN, "关于开展市容环境专项整治的通知"])
    assert 'aria-current="page" class="current"' in response.content.decode()

    api = client.get("/api/v1/search/", {"q": "通知", "type": "portal.policypage"}).json()
    assert api["count"] == 2


def test_unknown_type_is_ignored(client, corpus):
    response = client.get("/search/", {"q": "照明", "type": "nope.<script>"})
    assert response.status_code == 200
    assert response.context["query"].type_key == ""
    assert _titles(response) == [LIGHTING]
    assert client.get("/api/v1/search/", {"q": "照明", "type": "x"}).json()["count"] == 1


def test_type_labels_come_from_verbose_names(client, corpus):
    from portal.policies.models import PolicyPage

    response = client.get("/search/", {"q": "照明"})
    labels = [t.label for t in response.context["query"].types]
    assert labels == [str(PolicyPage._meta.verbose_name_plural)]


def test_pagination_keeps_query_and_type(client, db):
    for i in range(25):
        make_policy(title=f"城市照明管理办法（{i}）")
    response = client.get("/search/", {"q": "照明", "type": "portal.policypage"})
    assert len(response.context["items"]) == 20
    assert response.context["page_obj"].paginator.count == 25
    html = response.content.decode()
    assert "page=2" in html and "type=portal.policypage" in html and "q=%E7%85%A7%E6%98%8E" in html
    second = client.get("/search/", {"q": "照明", "type": "portal.policypage", "page": 2})
    assert len(second.context["items"]) == 5
    assert not set(_titles(second)) & set(_titles(response))
    # a bad page number falls back on the page, and is an error in the API
    assert client.get("/search/", {"q": "照明", "page": "zzz"}).status_code == 200
    assert client.get("/search/", {"q": "照明", "page": "99"}).context["page_obj"].number == 2

    api = client.get("/api/v1/search/", {"q": "照明", "page": 2}).json()
    assert (api["count"], api["page"], api["pages"], len(api["results"])) == (25, 2, 2, 5)
    for bad in ("0", "-1", "x", "1.5", "3"):
        response = client.get("/api/v1/search/", {"q": "照明", "page": bad})
        assert response.status_code == 400
        assert response.json()["field"] == "page"


def test_highlighted_title_is_escaped(client, db):
    make_policy(title="关于<b>照明</b>设施的通知", summary="<script>alert(1)</script> 照明")
    html = client.get("/search/", {"q": "照明"}).content.decode()
    assert "<b>" not in html and "<script>alert(1)" not in html
    assert "&lt;b&gt;<mark>照明</mark>&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>照明</mark>" in html


def test_query_is_shown_escaped(client, corpus):
    html = client.get("/search/", {"q": '<script>alert("x")</script>照明'}).content.decode()
    assert '<script>alert("x")' not in html
    assert escape('<script>alert("x")</script>照明') in html


@pytest.mark.parametrize("q", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_bad_input_is_a_normal_page(client, corpus, q):
    for url in ("/search/", "/search/suggest/", "/api/v1/search/"):
        response = client.get(url, {"q": q, "type": q, "page": "1"})
        assert response.status_code == 200, url


def test_empty_query_in_api(client, corpus):
    empty = {"count": 0, "page": 1, "pages": 1, "results": [], "groups": []}
    assert client.get("/api/v1/search/", {"q": "  "}).json() == empty


def test_unpublished_page_never_appears(client, corpus):
    make_policy(title="道路照明节能改造方案（草稿）", publish=False)
    draft = make_policy(title="道路照明应急预案")
    draft.unpublish()
    assert _titles(client.get("/search/", {"q": "照明"})) == [LIGHTING]
    assert [r["title"] for r in client.get("/api/v1/search/", {"q": "照明"}).json()["results"]] == [LIGHTING]
    assert [s["title"] for s in client.get("/search/suggest/", {"q": "道路照明"}).json()] == [LIGHTING]


def test_suggest_returns_titles(client, corpus):
    response = client.get("/search/suggest/", {"q": "餐厨"})
    assert response.status_code == 200
    data = response.json()
    assert data == [{"title": KITCHEN, "url": data[0]["url"], "type": data[0]["type"]}]
    assert data[0]["url"].startswith("/policies/")
    assert client.get("/search/suggest/", {"q": ""}).json() == []


def test_suggest_is_limited_to_eight(client, db):
    for i in range(12):
        make_policy(title=f"城市照明管理办法（{i}）")
    assert len(client.get("/search/suggest/", {"q": "照明"}).json()) == 8


def _queries(client, url, params):
    client.get(url, params)  # warm caches (site root paths, content types)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


# /search/: the view restrictions, the page-type facet, a count per public non-page type with hits, the pks and
# content types, one query per page type shown, the site.
@pytest.mark.parametrize(("url", "expected"), [("/search/", 6), ("/api/v1/search/", 6), ("/search/suggest/", 5)])
def test_query_count_does_not_grow_with_results(client, db, url, expected):
    for i in range(3):
        make_policy(title=f"城市照明管理办法（{i}）")
    few = _queries(client, url, {"q": "照明"})
    for i in range(3, 30):
        make_policy(title=f"城市照明管理办法（{i}）")
    many = _queries(client, url, {"q": "照明"})
    assert few == many == expected


def test_header_and_nav_link_to_search(client, db):
    html = client.get("/search/").content.decode()
    assert 'href="/search/"' in html
