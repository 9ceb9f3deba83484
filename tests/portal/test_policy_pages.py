"""The public pages of the policy library: /policies/ with its filters, the policy page, the home page list.

The suite runs in zh-hans, but the catalogue may not have the newest strings yet: the assertions look at data
(titles, 文号, URLs, CSS classes) rather than at translated labels.
"""

import contextlib
import datetime
import re

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model

from portal.policies.models import Category, PolicyAttachment, PolicyPage, PolicyPageTag, Validity
from portal.policies.selectors import PolicyFilters, current_version_of
from tests.portal.policy_helpers import issuing_body, make_policy, policy_index

pytestmark = pytest.mark.django_db

LIBRARY = "/policies/"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501


# --- helpers ------------------------------------------------------------------------------
def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def listed_titles(response) -> list[str]:
    """Titles of the policies on a library page, in order."""
    return [p.title for p in response.context["policies"]]


def make_document(title: str = "附件", name: str = "fujian.pdf", content: bytes = PDF):
    document = get_document_model()(title=title, file=ContentFile(content, name=name))
    document._set_document_file_metadata()
    document.save()
    return document


def attach(page: PolicyPage, *documents, **fields) -> None:
    for order, document in enumerate(documents):
        PolicyAttachment.objects.create(page=page, document=document, sort_order=order, **fields)


@contextlib.contextmanager
def search_index_updates_off():
    """Skip the search index's post_save handler: on PostgreSQL each insert costs time linear in the index size."""
    from django.db.models.signals import post_delete, post_save
    from modelsearch import index as search_index
    from modelsearch.signal_handlers import post_delete_signal_handler, post_save_signal_handler

    models = [m for m in search_index.get_indexed_models() if getattr(m, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_delete.disconnect(post_delete_signal_handler, sender=model)
    try:
        yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
            post_delete.connect(post_delete_signal_handler, sender=model)


def bulk_policies(count: int, *, start: int = 0, tags=("照明",)) -> None:
    """`count` live policies under the library, quickly: add_child without revisions or search indexing, tags in
    one insert."""
    with search_index_updates_off():
        _bulk_policies(count, start=start, tags=tags)


def _bulk_policies(count: int, *, start: int, tags) -> None:
    index = policy_index()
    body = issuing_body()
    now = timezone.now()
    pages = []
    for i in range(start, start + count):
        page = PolicyPage(
            title=f"批量政策文件{i:04d}",
            slug=f"bulk-{i}",
            document_number=f"成城管函〔2023〕{i}号",
            index_number=f"BULK/2023-{i:05d}",
            issuing_body=body,
            category=Category.NORMATIVE if i % 2 else Category.NOTICE,
            date_written=datetime.date(2023, 1, 1) + datetime.timedelta(days=i % 300),
            date_published=datetime.date(2023, 1, 2) + datetime.timedelta(days=i % 300),
            date_effective=datetime.date(2023, 1, 1) + datetime.timedelta(days=i % 300),
            validity=Validity.IN_FORCE,
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
        )
        index.add_child(instance=page)
        pages.append(page)
    if tags:
        from taggit.models import Tag

        tag_objects = [Tag.objects.get_or_create(name=name)[0] for name in tags]
        PolicyPageTag.objects.bulk_create(
            [PolicyPageTag(content_object=page, tag=tag) for page in pages for tag in tag_objects]
        )


# --- library: filters ----------------------------------------------------------------------
def test_library_lists_live_policies_with_number_body_date_and_badge(client):
    policy = make_policy(title="成都市城市照明管理规定", document_number="成城管发〔2024〕7号")
    make_policy(title="尚未发布的草稿", publish=False, live=False)
    html = html_of(client.get(LIBRARY))
    assert "成都市城市照明管理规定" in html
    assert "尚未发布的草稿" not in html
    assert f'href="{policy.url}"' in html
    assert "成城管发〔2024〕7号" in html
    assert "成都市城市管理委员会" in html
    assert '<time datetime="2024-03-05">2024-03-05</time>' in html
    assert "validity-badge validity-in_force" in html


def test_library_shows_the_result_count(client):
    for _ in range(3):
        make_policy()
    response = client.get(LIBRARY)
    assert response.context["policies"].paginator.count == 3
    assert re.search(r'class="result-count"[^>]*>\s*3\b', html_of(response))


def test_filter_by_category(client):
    make_policy(title="一部规章", category=Category.RULE)
    make_policy(title="一份通知", category=Category.NOTICE)
    response = client.get(LIBRARY, {"category": "rule"})
    assert listed_titles(response) == ["一部规章"]
    assert '<option value="rule" selected>' in html_of(response)


def test_filter_by_issuing_body(client):
    enforcement = issuing_body("成都市城市管理行政执法局", "11510100MB1C0000XX")
    make_policy(title="执法局文件", issuing_body=enforcement)
    make_policy(title="城管委文件")
    response = client.get(LIBRARY, {"issuing_body": str(enforcement.pk)})
    assert listed_titles(response) == ["执法局文件"]


def test_filter_by_year_published_and_the_year_options(client):
    make_policy(
        title="二〇二三年文件", date_written=datetime.date(2023, 6, 1), date_published=datetime.date(2023, 6, 2)
    )
    make_policy(title="二〇二四年文件")
    response = client.get(LIBRARY, {"year": "2023"})
    assert listed_titles(response) == ["二〇二三年文件"]
    assert response.context["years"] == [2024, 2023]
    # A valid year without policies stays selected and lists nothing, without a notice.
    empty = client.get(LIBRARY, {"year": "2030"})
    assert listed_titles(empty) == []
    assert '<option value="2030" selected>' in html_of(empty)
    assert "filter-notice" not in html_of(empty)


@time_machine.travel(datetime.datetime(2024, 3, 20, 4, tzinfo=datetime.UTC))
def test_filter_by_validity_derives_not_yet_in_force_from_the_date_in_force(client):
    make_policy(title="已施行", date_effective=datetime.date(2024, 3, 10))
    make_policy(title="尚未施行", date_effective=datetime.date(2024, 4, 1))
    make_policy(title="已废止", validity=Validity.REPEALED)

    assert listed_titles(client.get(LIBRARY, {"validity": "not_yet"})) == ["尚未施行"]
    assert listed_titles(client.get(LIBRARY, {"validity": "in_force"})) == ["已施行"]
    assert listed_titles(client.get(LIBRARY, {"validity": "repealed"})) == ["已废止"]
    html = html_of(client.get(LIBRARY))
    assert html.count("validity-badge validity-not_yet") == 1
    assert html.count("validity-badge validity-repealed") == 1


@time_machine.travel(datetime.datetime(2024, 4, 2, 4, tzinfo=datetime.UTC))
def test_not_yet_in_force_ends_on_the_date_in_force(client):
    make_policy(title="已到施行日期", date_effective=datetime.date(2024, 4, 1))
    assert listed_titles(client.get(LIBRARY, {"validity": "not_yet"})) == []
    assert listed_titles(client.get(LIBRARY, {"validity": "in_force"})) == ["已到施行日期"]


def test_filter_by_topic_lists_each_policy_once(client):
    make_policy(title="照明文件", tags=["照明", "路灯"])
    make_policy(title="环卫文件", tags=["环卫"])
    response = client.get(LIBRARY, {"topic": "照明"})
    assert listed_titles(response) == ["照明文件"]
    # Sorted by pinyin: 环卫 (huan), 路灯 (lu), 照明 (zhao).
    assert response.context["topics"] == ["环卫", "路灯", "照明"]


@pytest.mark.parametrize("q", ["照明", "〔2024〕88号"])
def test_keyword_matches_title_or_document_number(client, q):
    make_policy(title="城市照明设施维护规定", document_number="成城管发〔2024〕88号")
    make_policy(title="环卫作业规范", document_number="成城管发〔2024〕99号")
    assert listed_titles(client.get(LIBRARY, {"q": q})) == ["城市照明设施维护规定"]


def test_sort_by_date_published(client):
    make_policy(title="较早", date_published=datetime.date(2024, 3, 2))
    make_policy(title="较晚", date_published=datetime.date(2024, 5, 2))
    assert listed_titles(client.get(LIBRARY)) == ["较晚", "较早"]
    assert listed_titles(client.get(LIBRARY, {"sort": "oldest"})) == ["较早", "较晚"]


def test_filters_combine(client):
    make_policy(title="匹配", category=Category.RULE, tags=["照明"])
    make_policy(title="类别不同", category=Category.NOTICE, tags=["照明"])
    make_policy(title="主题不同", category=Category.RULE, tags=["环卫"])
    assert listed_titles(client.get(LIBRARY, {"category": "rule", "topic": "照明", "year": "2024"})) == ["匹配"]


@pytest.mark.parametrize(
    "params",
    [
        {"category": "no-such-category"},
        {"issuing_body": "abc"},
        {"issuing_body": "999999"},
        {"year": "20x4"},
        {"year": "1800"},
        {"year": "２０２４"},
        {"validity": "maybe"},
        {"topic": "没有这个主题"},
        {"sort": "random"},
        {"page": "many"},
        {"page": "999"},
        {"q": "照明\x00"},
        {"category": "la\x00w"},
        {"q": "长" * 5000},
    ],
)
def test_bad_filter_values_are_ignored_with_a_notice_never_a_500(client, params):
    make_policy(title="城市照明设施维护规定", tags=["照明"])
    response = client.get(LIBRARY, params)
    html = html_of(response)
    if "page" in params or "q" in params:
        assert "filter-notice" not in html
    else:
        assert "filter-notice" in html
        assert listed_titles(response) == ["城市照明设施维护规定"]


def test_a_bad_value_does_not_drop_the_good_ones(client):
    make_policy(title="规章", category=Category.RULE)
    make_policy(title="通知", category=Category.NOTICE)
    response = client.get(LIBRARY, {"category": "rule", "year": "abcd"})
    assert listed_titles(response) == ["规章"]
    assert response.context["filters"].ignored == ["year"]
    assert "filter-notice" in html_of(response)


def test_filters_parse_without_known_values_for_other_callers():
    f = PolicyFilters.from_params({"issuing_body": "12", "topic": "照明", "sort": "oldest"})
    assert (f.issuing_body, f.topic, f.sort, f.ignored) == (12, "照明", "oldest", [])
    assert f.as_querydict().urlencode() == "issuing_body=12&topic=%E7%85%A7%E6%98%8E&sort=oldest"


# --- library: pagination and query count ---------------------------------------------------
def test_twenty_per_page_and_pagination_keeps_the_filters(client):
    bulk_policies(45)
    response = client.get(LIBRARY, {"category": "normative", "sort": "oldest", "year": "bogus"})
    page = response.context["policies"]
    assert page.paginator.count == 22 and len(page.object_list) == 20
    html = html_of(response)
    # Cleaned filters only: the bad year is not carried on.
    assert 'href="?category=normative&amp;sort=oldest&amp;page=2" rel="next"' in html
    second = client.get(LIBRARY, {"category": "normative", "sort": "oldest", "page": "2"})
    assert len(second.context["policies"].object_list) == 2
    assert 'aria-current="page"' in html_of(second)
    assert 'href="?category=normative&amp;sort=oldest&amp;page=1" rel="prev"' in html_of(second)


def _count_queries(client, url, params=None) -> int:
    client.get(url, params)  # warm caches (site root paths, content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_library_query_count_does_not_grow_with_the_number_of_policies(client):
    bulk_policies(10)
    small = {
        "plain": _count_queries(client, LIBRARY),
        "filtered": _count_queries(client, LIBRARY, {"category": "normative", "topic": "照明", "page": "1"}),
    }
    bulk_policies(490, start=10)
    assert PolicyPage.objects.live().count() == 500
    large = {
        "plain": _count_queries(client, LIBRARY),
        "filtered": _count_queries(client, LIBRARY, {"category": "normative", "topic": "照明", "page": "3"}),
    }
    assert small == large
    assert large == {"plain": 10, "filtered": 10}, large


# --- policy page -----------------------------------------------------------------------------
def test_policy_page_shows_the_catalogue_metadata(client):
    policy = make_policy(
        title="成都市户外广告设置管理办法",
        document_number="成城管规〔2024〕3号",
        keywords="户外广告 招牌",
        date_written=datetime.date(2024, 2, 20),
        date_published=datetime.date(2024, 3, 1),
        date_effective=datetime.date(2024, 4, 1),
        tags=["广告"],
    )
    html = html_of(client.get(policy.url))
    meta = html[html.index('class="policy-meta"') : html.index("</table>")]
    for value in [
        policy.index_number,
        "成都市城市管理委员会",
        "2024-02-20",
        "成都市户外广告设置管理办法",
        "成城管规〔2024〕3号",
        "2024-03-01",
        "2024-04-01",
        "户外广告 招牌",
        str(policy.get_subject_category_display()),
        str(policy.get_disclosure_display()),
        str(policy.effective_validity_label),
    ]:
        assert value in meta, value
    assert meta.count("<th ") == 11
    assert "为加强城市照明设施管理，制定本通知。" in html  # summary
    assert '?topic=%E5%B9%BF%E5%91%8A"' in html  # topic links back to the filtered library


def test_policy_page_shows_published_and_updated_times_in_beijing_time(client):
    with time_machine.travel(datetime.datetime(2024, 3, 5, 1, 30, tzinfo=datetime.UTC)):
        policy = make_policy()
    with time_machine.travel(datetime.datetime(2024, 3, 6, 17, 0, tzinfo=datetime.UTC)):
        policy.summary = "修订后的摘要。"
        policy.save_revision().publish()
    html = html_of(client.get(policy.url))
    assert "2024-03-05 09:30" in html
    assert "2024-03-07 01:00" in html


def test_policy_body_blocks_render(client):
    document = make_document(title="配套表格", name="biaoge.pdf")
    policy = make_policy()
    policy.body = [
        ("heading", "第一章 总则"),
        ("paragraph", "<p>第一条 为了加强管理，制定本办法。</p>"),
        ("table", {"data": [["项目", "标准"], ["<b>路灯</b>", "亮灯率98%"]], "first_row_is_table_header": True,
                   "first_col_is_header": True, "table_caption": "维护标准"}),
        ("document", {"document": document, "label": "下载配套表格"}),
        ("quote", {"text": "城市管理应当像绣花一样精细。", "source": "领导讲话"}),
    ]
    policy.save_revision().publish()
    html = html_of(client.get(policy.url))
    assert '<h3 class="body-heading">第一章 总则</h3>' in html
    assert "第一条 为了加强管理，制定本办法。" in html
    assert '<th scope="col"' in html and "<caption>维护标准</caption>" in html
    assert "&lt;b&gt;路灯&lt;/b&gt;" in html  # table cells are text, never HTML
    assert f'href="{document.url}"' in html and "下载配套表格" in html
    assert "<blockquote><p>城市管理应当像绣花一样精细。</p></blockquote>" in html


def test_policy_page_lists_attachments_with_type_and_size(client, settings, tmp_path):
    # Files on disk for this test: Wagtail serves documents from a local path when the storage has one.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path
    policy = make_policy()
    pdf = make_document(title="附件1：设施清单", name="qingdan.pdf")
    attach(policy, pdf)
    html = html_of(client.get(policy.url))
    assert f'href="{pdf.url}" download' in html
    assert "附件1：设施清单" in html
    assert "PDF" in html
    assert f"{len(PDF)}" in html  # filesizeformat of a small file: "<n> 字节" / "<n> bytes"
    # The link serves the file.
    response = client.get(pdf.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_repealed_policy_shows_a_banner_linking_to_the_current_version(client):
    newest = make_policy(title="最新办法", document_number="成城管规〔2024〕9号")
    middle = make_policy(title="中间版本", validity=Validity.AMENDED, superseded_by=newest)
    old = make_policy(title="最初办法", validity=Validity.REPEALED, superseded_by=middle)
    html = html_of(client.get(old.url))
    assert "validity-banner-repealed" in html
    banner = html[html.index("validity-banner-repealed") : html.index("</div>", html.index("validity-banner-repealed"))]
    assert f'href="{newest.url}"' in banner and "最新办法" in banner
    assert f'class="superseded-by-link" href="{middle.url}"' in html

    middle_html = html_of(client.get(middle.url))
    assert "validity-banner-amended" in middle_html
    assert f'class="supersedes-link" href="{old.url}"' in middle_html

    assert "validity-banner" not in html_of(client.get(newest.url))


def test_repealed_policy_without_a_live_successor_has_a_banner_without_a_link(client):
    draft = make_policy(title="尚未发布的新办法", publish=False, live=False)
    old = make_policy(title="旧办法", validity=Validity.REPEALED, superseded_by=draft)
    html = html_of(client.get(old.url))
    assert "validity-banner-repealed" in html
    assert "current-version-link" not in html
    assert "尚未发布的新办法" not in html


def test_current_version_survives_a_loop_in_the_data():
    first = make_policy(title="甲")
    second = make_policy(title="乙", validity=Validity.AMENDED, superseded_by=first)
    PolicyPage.objects.filter(pk=first.pk).update(superseded_by=second, validity=Validity.AMENDED)
    first.refresh_from_db()
    assert current_version_of(first).pk == second.pk


@time_machine.travel(datetime.datetime(2024, 3, 20, 4, tzinfo=datetime.UTC))
def test_policy_not_yet_in_force_says_when_it_takes_effect(client):
    policy = make_policy(date_effective=datetime.date(2024, 4, 1))
    html = html_of(client.get(policy.url))
    assert "validity-banner-not_yet" in html and "2024-04-01" in html


def test_interpretations_link_both_ways(client):
    policy = make_policy(title="成都市餐厨垃圾管理办法")
    reading = make_policy(
        title="《成都市餐厨垃圾管理办法》政策解读", category=Category.INTERPRETATION, interprets=policy
    )
    draft = make_policy(
        title="未发布的解读", category=Category.INTERPRETATION, interprets=policy, publish=False, live=False
    )
    html = html_of(client.get(policy.url))
    assert f'href="{reading.url}"' in html
    assert "未发布的解读" not in html and draft.title not in html
    reading_html = html_of(client.get(reading.url))
    assert f'class="interprets-link" href="{policy.url}"' in reading_html


def _policy_with(client, n: int) -> int:
    body = issuing_body()
    old = make_policy(title=f"被替代的版本{n}", validity=Validity.REPEALED)
    policy = make_policy(title=f"有{n}个附件的政策", tags=[f"主题{i}" for i in range(n)])
    attach(policy, *[make_document(title=f"附件{i}", name=f"f{n}-{i}.pdf") for i in range(n)])
    for i in range(n):
        make_policy(title=f"解读{n}-{i}", category=Category.INTERPRETATION, interprets=policy, issuing_body=body)
        make_policy(title=f"旧版{n}-{i}", validity=Validity.REPEALED, superseded_by=policy)
    old.superseded_by = policy
    old.save_revision().publish()
    return _count_queries(client, policy.url)


def test_policy_page_query_count_does_not_grow_with_attachments_and_interpretations(client):
    one = _policy_with(client, 1)
    five = _policy_with(client, 5)
    assert one == five
    assert five == 10, five


def test_repealed_policy_query_count_does_not_grow_with_the_chain_of_versions(client):
    def chain(n):
        newest = make_policy(title=f"链{n}-最新")
        page = newest
        for i in range(n):
            page = make_policy(title=f"链{n}-{i}", validity=Validity.AMENDED, superseded_by=page)
        return _count_queries(client, page.url)

    assert chain(2) == chain(6)


# --- home page --------------------------------------------------------------------------------
def test_home_page_shows_the_latest_policies_with_a_link_to_the_library(client):
    older = make_policy(title="较早的通知", date_published=datetime.date(2024, 3, 2))
    newer = make_policy(
        title="最新的规定", date_published=datetime.date(2024, 6, 2), document_number="成城管发〔2024〕60号"
    )
    html = html_of(client.get("/"))
    section = html[html.index('class="latest-policies"') :]
    assert section.index(newer.url) < section.index(older.url)
    assert "成城管发〔2024〕60号" in section
    assert 'href="/policies/"' in section
    # The list comes right after the hero.
    assert html.index('class="hero"') < html.index('class="latest-policies"') < html.index("services-heading")


def test_home_page_without_policies_has_no_empty_list(client):
    html = html_of(client.get("/"))
    assert "policy-list" not in html


def test_home_page_query_count_does_not_grow_with_policies(client):
    bulk_policies(2)
    small = _count_queries(client, "/")
    bulk_policies(30, start=2)
    assert _count_queries(client, "/") == small
