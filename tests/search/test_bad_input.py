"""Whatever a user types, a search returns normally (possibly nothing) — never an exception."""

import pytest
from wagtail.models import Page

from portal.policies.models import PolicyPage
from tests.portal.policy_helpers import make_policy

BAD_INPUT = [
    "",
    " ",
    "\t\n  \u3000",
    "餐厨" * 1000,  # 2,000 characters
    "x" * 2000,
    '"餐厨垃圾"',
    "'照明",
    '"unterminated',
    "(照明",
    "照明)",
    "((()))",
    "[2023",
    "{照明}",
    "AND",
    "OR",
    "NOT",
    "照明 AND",
    "NOT 照明",
    "照明 OR OR OR",
    "*",
    "?",
    "照*",
    "照明?",
    "title:照明",
    "content:餐厨 AND title:",
    ":",
    "^2",
    "照明^10",
    "~",
    "照明~2",
    "+照明 -餐厨",
    "\\",
    "/",
    "<script>alert('x')</script>",
    "<b>照明</b>",
    "&lt;&gt;&amp;",
    "🦄",
    "照明🙂",
    "\x00",
    "\x00照明\x1f",
    "\u200b\u200d\ufeff",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "%s %d {0}",
    "'; DROP TABLE wagtailcore_page; --",
    "成城管发〔",
    "〔〕号",
    "〔9999〕99999999号",
]


@pytest.fixture
def page(whoosh_backend):
    return make_policy(title="道路照明设施维护规范", summary="照明设施巡查要求。")


@pytest.mark.parametrize("query", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_search_never_raises(page, query):
    for operator in ("and", "or"):
        results = Page.objects.live().search(query, operator=operator)
        assert results.count() == len(list(results)) <= 1
        assert list(results[:10]) == list(results)[:10]
    autocomplete = PolicyPage.objects.live().autocomplete(query)
    assert autocomplete.count() == len(list(autocomplete)) <= 1


@pytest.mark.parametrize(
    "query", ["<b>照明</b>", "照明 AND", "照明)", "照*", '"照明"', "照明🙂", "\x00照明\x1f", "title:照明"]
)
def test_wrapped_query_still_finds_its_words(page, query):
    assert [p.title for p in Page.objects.live().search(query)] == ["道路照明设施维护规范"]
