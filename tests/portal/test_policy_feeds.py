"""RSS/Atom feeds, sitemap.xml and robots.txt of the policy library."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest

from portal.policies.feeds import FEED_SIZE
from portal.policies.models import Category
from tests.portal.policy_helpers import make_policy

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# Site lookup, view restrictions (public()), count (paginator), page ids and types, then one query per page type
# (home, library, policy).
SITEMAP_QUERIES = 8  # one query per page type with pages (home, library, event list, policies)


def make_draft(**fields):
    """A page saved as a draft and never published (live=False, as the admin's “save draft” leaves it)."""
    return make_policy(publish=False, live=False, **fields)


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return response, feed


@pytest.mark.parametrize(("url", "version"), [("/policies/rss/", "rss20"), ("/policies/atom/", "atom10")])
def test_feed_parses_and_carries_document_number_and_category(client, url, version):
    policy = make_policy(
        title="成都市城市照明管理规定",
        document_number="成城管发〔2024〕12号",
        category=Category.RULE,
        tags=["城市照明", "路灯"],
        summary="规范城市照明设施的建设、维护和管理。",
        date_published=datetime.date(2024, 3, 5),
    )

    response, feed = parse(client, url)

    assert feed.version == version
    assert response["Cache-Control"] == "public, max-age=300"
    entry = feed.entries[0]
    assert entry.title == "成都市城市照明管理规定（成城管发〔2024〕12号）"
    assert entry.dc_identifier == "成城管发〔2024〕12号"
    assert entry.link == f"http://testserver{policy.url}"
    assert "规范城市照明设施" in entry.summary
    assert entry.author == "成都市城市管理委员会"
    terms = [tag.term for tag in entry.tags]
    assert terms == [str(Category.RULE.label), "城市照明", "路灯"]
    published = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC)
    assert published == datetime.datetime(2024, 3, 4, 16, tzinfo=datetime.UTC)  # 2024-03-05 00:00 in Shanghai


def test_feed_lists_the_latest_policies_newest_first(client):
    make_policy(title="旧", date_published=datetime.date(2023, 1, 10), date_written=datetime.date(2023, 1, 1))
    make_policy(title="新", date_published=datetime.date(2024, 6, 1))
    make_policy(title="中", date_published=datetime.date(2024, 1, 2), date_written=datetime.date(2024, 1, 1))

    _response, feed = parse(client, "/policies/rss/")

    assert [e.title.split("（")[0] for e in feed.entries] == ["新", "中", "旧"]


def test_feed_is_limited_to_the_latest_fifty(client, monkeypatch):
    monkeypatch.setattr("portal.policies.feeds.FEED_SIZE", 2)
    for day in (1, 2, 3):
        make_policy(title=f"第{day}号", date_published=datetime.date(2024, 5, day))

    _response, feed = parse(client, "/policies/atom/")

    assert FEED_SIZE == 50
    assert [e.title.split("（")[0] for e in feed.entries] == ["第3号", "第2号"]


def test_feed_filtered_by_category(client):
    make_policy(title="照明规范", category=Category.STANDARD)
    make_policy(title="停电通知", category=Category.NOTICE)

    _response, feed = parse(client, "/policies/rss/?category=standard")

    assert [e.title.split("（")[0] for e in feed.entries] == ["照明规范"]
    assert str(Category.STANDARD.label) in feed.feed.title
    assert feed.feed.link.endswith("/policies/?category=standard")


def test_feed_with_unknown_category_is_a_400_naming_the_valid_values(client):
    response = client.get("/policies/atom/?category=bogus")

    assert response.status_code == 400
    text = response.content.decode()
    assert "bogus" in text
    assert "normative" in text


def test_draft_policy_is_absent_from_feeds(client):
    make_policy(title="已发布")
    make_draft(title="草稿")

    for url in ("/policies/rss/", "/policies/atom/"):
        _response, feed = parse(client, url)
        assert [e.title.split("（")[0] for e in feed.entries] == ["已发布"]


def test_feed_query_count_is_fixed(client, django_assert_num_queries):
    for _ in range(3):
        make_policy(tags=["照明"])
    client.get("/policies/rss/")  # warm Wagtail's site cache
    with django_assert_num_queries(5):
        client.get("/policies/rss/")
    for _ in range(27):
        make_policy(tags=["照明", "路灯"])
    with django_assert_num_queries(5):
        response = client.get("/policies/rss/")
    assert len(feedparser.parse(response.content).entries) == 30


# --- sitemap.xml --------------------------------------------------------------------
def sitemap_locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    return [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]


def test_sitemap_lists_live_pages_and_not_drafts(client):
    live = make_policy(title="现行办法", slug="current-rule")
    make_draft(title="草稿办法", slug="draft-rule")
    withdrawn = make_policy(title="撤下的办法", slug="withdrawn-rule")
    withdrawn.unpublish()

    locations = sitemap_locations(client)

    paths = [loc.split("://", 1)[1].split("/", 1)[1] for loc in locations]
    assert "" in paths  # the home page
    assert "policies/" in paths
    assert f"policies/{live.slug}/" in paths
    assert "policies/draft-rule/" not in paths
    assert "policies/withdrawn-rule/" not in paths
    assert all(loc.startswith("http") for loc in locations)


# --- robots.txt ---------------------------------------------------------------------
def test_robots_txt_allows_all_but_private_areas_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    for path in ("/admin/", "/me/", "/accounts/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_sitemap_query_count_is_fixed(client, django_assert_num_queries):
    for _ in range(3):
        make_policy()
    client.get("/sitemap.xml")  # warm Wagtail's site cache
    with django_assert_num_queries(SITEMAP_QUERIES):
        client.get("/sitemap.xml")
    for _ in range(27):
        make_policy()
    with django_assert_num_queries(SITEMAP_QUERIES):
        assert len(sitemap_locations(client)) == 33  # home, library, event list, 30 policies


def test_feed_item_without_document_number_has_a_plain_title(client):
    make_policy(title="关于开展城市照明设施安全检查的工作动态", document_number="", category=Category.NEWS)

    _response, feed = parse(client, "/policies/rss/")

    entry = feed.entries[0]
    assert entry.title == "关于开展城市照明设施安全检查的工作动态"
    assert "dc_identifier" not in entry
