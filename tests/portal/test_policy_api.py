"""The read-only public JSON API of the policy library (/api/v1/policies/)."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from portal.policies.models import Category, PolicyAttachment, Validity
from tests.portal.policy_helpers import issuing_body, make_policy

pytestmark = pytest.mark.django_db

LIST = "/api/v1/policies/"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def detail_url(page):
    return f"/api/v1/policies/{page.pk}/"


def make_draft(**fields):
    """Saved as a draft and never published (live=False, as the admin's “save draft” leaves it)."""
    return make_policy(publish=False, live=False, **fields)


def attach(page, *, title="正文.pdf", content=PDF, filename="policy.pdf"):
    document = get_document_model()(title=title, file=ContentFile(content, name=filename))
    document._set_document_file_metadata()
    document.save()
    PolicyAttachment.objects.create(page=page, document=document, title="")
    return document


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"] == "application/json"
    return response.json()


# --- list ---------------------------------------------------------------------------
def test_list_returns_live_policies_newest_first_with_pagination_envelope(client):
    older = make_policy(
        title="旧办法", date_written=datetime.date(2023, 1, 1), date_published=datetime.date(2023, 1, 5)
    )
    newer = make_policy(title="新办法", date_published=datetime.date(2024, 6, 1), tags=["照明"])

    response = client.get(LIST)

    assert response["Cache-Control"] == "public, max-age=300"
    data = response.json()
    assert data["count"] == 2
    assert data["page"] == 1
    assert data["pages"] == 1
    assert data["next"] is None
    assert data["previous"] is None
    assert [r["id"] for r in data["results"]] == [newer.pk, older.pk]
    first = data["results"][0]
    assert first["title"] == "新办法"
    assert first["url"] == f"http://testserver{newer.url}"
    assert first["api_url"] == f"http://testserver{detail_url(newer)}"
    assert first["document_number"] == newer.document_number
    assert first["index_number"] == newer.index_number
    assert first["issuing_body"] == {"id": newer.issuing_body_id, "name": "成都市城市管理委员会"}
    assert first["category"] == {"value": "normative", "label": str(Category.NORMATIVE.label)}
    assert first["tags"] == ["照明"]
    assert first["date_published"] == "2024-06-01"


def test_list_is_paginated_with_absolute_next_and_previous_links(client):
    for day in range(1, 6):
        make_policy(date_published=datetime.date(2024, 5, day))

    data = get_json(client, LIST, page_size="2", page="2", category="normative")

    assert data["count"] == 5
    assert data["pages"] == 3
    assert data["page"] == 2
    assert len(data["results"]) == 2
    assert data["next"].startswith("http://testserver/api/v1/policies/?")
    assert "page=3" in data["next"]
    assert "page_size=2" in data["next"]
    assert "category=normative" in data["next"]
    assert "page=1" in data["previous"]
    last = get_json(client, LIST, page_size="2", page="3")
    assert last["next"] is None
    assert len(last["results"]) == 1


def test_empty_list_is_one_empty_page(client):
    data = get_json(client, LIST, category="law")
    assert data == {"count": 0, "page": 1, "pages": 1, "page_size": 20, "next": None, "previous": None, "results": []}


def test_list_filters_by_category_issuing_body_year_and_keyword(client):
    enforcement = issuing_body("成都市城市管理行政执法局", "11510100MB1C0000XX")
    standard = make_policy(title="道路照明维护管理规范", category=Category.STANDARD)
    notice = make_policy(
        title="关于春节期间景观照明的通知",
        category=Category.NOTICE,
        issuing_body=enforcement,
        date_written=datetime.date(2023, 1, 1),
        date_published=datetime.date(2023, 1, 10),
    )

    def ids(**params):
        return [r["id"] for r in get_json(client, LIST, **params)["results"]]

    assert ids(category="standard") == [standard.pk]
    assert ids(issuing_body=str(enforcement.pk)) == [notice.pk]
    assert ids(year="2023") == [notice.pk]
    assert ids(q="维护") == [standard.pk]
    assert ids(q=notice.document_number) == [notice.pk]
    assert ids(category="notice", year="2024") == []


@time_machine.travel(datetime.datetime(2024, 3, 20, 4, tzinfo=datetime.UTC))
def test_list_filters_by_effective_validity(client):
    in_force = make_policy(title="现行", date_effective=datetime.date(2024, 3, 10))
    not_yet = make_policy(title="尚未施行", date_effective=datetime.date(2024, 4, 1))
    repealed = make_policy(title="已废止", validity=Validity.REPEALED, superseded_by=in_force)

    def results(validity):
        return get_json(client, LIST, validity=validity)["results"]

    assert [r["id"] for r in results("in_force")] == [in_force.pk]
    assert [r["id"] for r in results("repealed")] == [repealed.pk]
    rows = results("not_yet")
    assert [r["id"] for r in rows] == [not_yet.pk]
    assert rows[0]["validity"] == {"value": "not_yet", "label": str(Validity.NOT_YET.label)}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "bogus"}, "category"),
        ({"validity": "valid"}, "validity"),
        ({"year": "20x4"}, "year"),
        ({"year": "1800"}, "year"),
        ({"issuing_body": "abc"}, "issuing_body"),
        ({"issuing_body": "99999"}, "issuing_body"),
        ({"sort": "random"}, "sort"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "first"}, "page"),
    ],
)
def test_invalid_parameter_is_a_400_naming_the_field(client, params, field):
    make_policy()

    data = get_json(client, LIST, status=400, **params)

    assert data["field"] == field
    assert data["error"]
    assert set(data) == {"error", "field"}


def test_unknown_category_message_lists_the_valid_values(client):
    data = get_json(client, LIST, status=400, category="bogus")
    assert "bogus" in data["error"]
    assert "standard" in data["error"]


def test_page_past_the_end_is_a_404(client):
    make_policy()
    data = get_json(client, LIST, status=404, page="2")
    assert data["field"] == "page"


def test_unknown_parameters_are_ignored(client):
    make_policy()
    assert get_json(client, LIST, format="xml")["count"] == 1


def test_list_is_read_only(client):
    assert client.post(LIST).status_code == 405


# --- detail -------------------------------------------------------------------------
@time_machine.travel(datetime.datetime(2024, 5, 1, 4, tzinfo=datetime.UTC))
def test_detail_has_all_metadata_relations_and_attachments(client):
    successor = make_policy(title="成都市城市照明管理规定（2024年修订）", tags=["城市照明"])
    policy = make_policy(
        title="成都市城市照明管理规定",
        document_number="成城管发〔2020〕3号",
        category=Category.RULE,
        keywords="照明；路灯",
        date_written=datetime.date(2020, 1, 2),
        date_published=datetime.date(2020, 1, 6),
        date_effective=datetime.date(2020, 2, 1),
        validity=Validity.AMENDED,
        superseded_by=successor,
        tags=["路灯", "城市照明"],
    )
    older = make_policy(title="更早的办法", validity=Validity.REPEALED, superseded_by=policy)
    interpretation = make_policy(
        title="《成都市城市照明管理规定》解读", category=Category.INTERPRETATION, interprets=policy
    )
    make_draft(title="草稿解读", category=Category.INTERPRETATION, interprets=policy)
    document = attach(policy, title="规定全文")

    data = get_json(client, detail_url(policy))

    def link(page):
        return {"id": page.pk, "title": page.title, "url": f"http://testserver{page.url}"}

    assert data["id"] == policy.pk
    assert data["url"] == f"http://testserver{policy.url}"
    assert data["index_number"] == policy.index_number
    assert data["document_number"] == "成城管发〔2020〕3号"
    assert data["issuing_body"]["name"] == "成都市城市管理委员会"
    assert data["category"] == {"value": "rule", "label": str(Category.RULE.label)}
    assert data["subject_category"]["value"] == "urban_management"
    assert data["keywords"] == "照明；路灯"
    assert data["disclosure"]["value"] == "proactive"
    assert data["tags"] == ["城市照明", "路灯"]
    assert data["date_written"] == "2020-01-02"
    assert data["date_published"] == "2020-01-06"
    assert data["date_effective"] == "2020-02-01"
    assert data["validity"] == {"value": "amended", "label": str(Validity.AMENDED.label)}
    assert data["superseded_by"] == link(successor)
    assert data["supersedes"] == [link(older)]
    assert data["interprets"] is None
    assert data["interpretations"] == [link(interpretation)]
    assert data["summary"] == policy.summary
    assert data["attachments"] == [
        {
            "title": "规定全文",
            "url": f"http://testserver{document.url}",
            "size": len(PDF),
            "type": "pdf",
            "content_type": "application/pdf",
        }
    ]
    assert data["first_published_at"].startswith("2024-05-01T12:00:00")
    assert data["first_published_at"].endswith("+08:00")
    assert data["last_published_at"] == data["first_published_at"]
    interpretation_data = get_json(client, detail_url(interpretation))
    assert interpretation_data["interprets"] == link(policy)


def test_detail_omits_links_to_unpublished_pages(client):
    successor = make_policy(title="新版")
    policy = make_policy(title="旧版", validity=Validity.REPEALED, superseded_by=successor)
    successor.unpublish()

    data = get_json(client, detail_url(policy))

    assert data["superseded_by"] is None


def test_detail_of_missing_or_unpublished_policy_is_a_json_404(client):
    draft = make_draft(title="草稿")
    withdrawn = make_policy(title="撤回")
    withdrawn.unpublish()

    for url in (detail_url(draft), detail_url(withdrawn), "/api/v1/policies/999999/"):
        data = get_json(client, url, status=404)
        assert set(data) == {"error"}


def test_detail_of_a_page_that_is_not_a_policy_is_a_404(client):
    from portal.policies.models import PolicyIndexPage

    index = PolicyIndexPage.objects.get()
    get_json(client, f"/api/v1/policies/{index.pk}/", status=404)


def test_draft_policy_appears_nowhere_in_the_api(client):
    make_policy(title="已发布")
    draft = make_draft(title="草稿", category=Category.NOTICE)

    assert [r["title"] for r in get_json(client, LIST)["results"]] == ["已发布"]
    assert get_json(client, LIST, category="notice")["count"] == 0
    assert get_json(client, LIST, q="草稿")["count"] == 0
    get_json(client, detail_url(draft), status=404)


# --- query counts -------------------------------------------------------------------
# List: view restrictions (for public()), count, the page of policies with their issuing bodies, their tags, and
# Wagtail's site lookup for the page URLs.
LIST_QUERIES = 5
# Detail: view restrictions twice (the policy and the related pages), the policy with its issuing body, then one
# query each for tags, superseded_by, interprets, supersedes, interpretations, attachments with their documents,
# and Wagtail's site lookup. (Without superseded_by / interprets, those two queries are skipped.)
DETAIL_QUERIES = 10


def make_related_policy(n):
    policy = make_policy(tags=["照明", f"主题{n}"])
    attach(policy, filename=f"p{n}.pdf")
    return policy


def test_list_query_count_does_not_grow_with_the_data(client, django_assert_num_queries):
    for n in range(3):
        make_related_policy(n)
    client.get(LIST)  # warm Wagtail's site-root cache
    with django_assert_num_queries(LIST_QUERIES):
        first = client.get(LIST, {"page_size": "100"})
    for n in range(3, 30):
        make_related_policy(n)
    with django_assert_num_queries(LIST_QUERIES):
        second = client.get(LIST, {"page_size": "100"})
    assert first.json()["count"] == 3
    assert second.json()["count"] == 30
    assert len(second.json()["results"]) == 30


def test_detail_query_count_does_not_grow_with_the_relations(client, django_assert_num_queries):
    def policy_with(n):
        policy = make_policy(
            tags=[f"主题{i}" for i in range(n)],
            validity=Validity.AMENDED,
            superseded_by=make_policy(),
            interprets=make_policy(),
        )
        for i in range(n):
            attach(policy, filename=f"a{i}.pdf")
            make_policy(validity=Validity.REPEALED, superseded_by=policy)
            make_policy(category=Category.INTERPRETATION, interprets=policy)
        return policy

    small, large = policy_with(3), policy_with(30)
    client.get(detail_url(small))  # warm Wagtail's site-root cache
    with django_assert_num_queries(DETAIL_QUERIES):
        first = client.get(detail_url(small))
    with django_assert_num_queries(DETAIL_QUERIES):
        second = client.get(detail_url(large))
    assert len(first.json()["supersedes"]) == 3
    assert len(second.json()["supersedes"]) == 30
    assert len(second.json()["interpretations"]) == 30
    assert len(second.json()["attachments"]) == 30
    assert len(second.json()["tags"]) == 30


def test_other_paths_under_the_api_are_json_404s(client):
    for url in ("/api/v1/policies/abc/", "/api/v1/policies/1/extra/"):
        data = get_json(client, url, status=404)
        assert data["error"]


def test_list_filters_by_topic(client):
    lighting = make_policy(title="照明", tags=["城市照明"])
    make_policy(title="环卫", tags=["环境卫生"])

    assert [r["id"] for r in get_json(client, LIST, topic="城市照明")["results"]] == [lighting.pk]
    assert get_json(client, LIST, topic="不存在的主题")["count"] == 0


def test_keyword_with_control_characters_is_not_an_error(client):
    make_policy(title="道路照明")
    assert get_json(client, LIST, q="照明\x00")["count"] == 1


def test_policy_behind_a_view_restriction_appears_nowhere(client):
    from wagtail.models import PageViewRestriction

    make_policy(title="公开")
    private = make_policy(title="内部")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    assert [r["title"] for r in get_json(client, LIST)["results"]] == ["公开"]
    get_json(client, detail_url(private), status=404)
    feed = client.get("/policies/rss/").content.decode()
    assert "内部" not in feed
    assert private.slug not in client.get("/sitemap.xml").content.decode()
