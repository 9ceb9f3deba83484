"""The Whoosh backend through Wagtail's own API: Page/PolicyPage .search(), .autocomplete(), signals, filters."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from modelsearch.backends import get_search_backend
from modelsearch.query import MATCH_ALL, And, Boost, Not, Or, Phrase, PlainText
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import RichText

from portal.policies.models import Category, PolicyIndexPage, PolicyPage
from search.backends import whoosh as whoosh_backend_module
from search.documents import build_document
from tests.factories import UserFactory
from tests.portal.policy_helpers import make_policy
from tests.search.conftest import whoosh_config


def titles(results):
    return [page.title for page in results]


def policy(*, publish=True, **fields):
    if "date_published" in fields:
        fields.setdefault("date_written", fields["date_published"])
        fields.setdefault("date_effective", None)
    return make_policy(publish=publish, **fields)


def body(*paragraphs):
    return [("paragraph", RichText(f"<p>{p}</p>")) for p in paragraphs]


def sample_pages():
    """Three published policies used by the backend tests of both Whoosh and PostgreSQL."""
    return {
        "kitchen": policy(title="关于加强餐厨垃圾管理的通知", document_number="成城管发〔2023〕12号",
                          summary="规范餐厨垃圾收运处置。", date_published=datetime.date(2023, 3, 15)),
        "lighting": policy(title="道路照明设施维护规范", document_number="DB5101/T 88-2023",
                           summary="规定路灯巡查维修要求。", body=body("亮灯率应不低于98%。"),
                           date_published=datetime.date(2023, 9, 1)),
        "signs": policy(title="户外广告和招牌设置管理办法", document_number="成府发〔2021〕22号",
                        summary="规范户外广告设施。", body=body("解读人：谭志远。根据成城管发〔2023〕12号文件精神。"),
                        date_published=datetime.date(2021, 8, 30), category=Category.RULE),
    }


@pytest.fixture
def pages(whoosh_backend):
    return sample_pages()


# --- the "done when" queries ---------------------------------------------------------------------------


def test_a_word_inside_a_title_is_found(pages):
    assert titles(PolicyPage.objects.live().search("餐厨垃圾")) == ["关于加强餐厨垃圾管理的通知"]
    assert titles(PolicyPage.objects.live().search("照明")) == ["道路照明设施维护规范"]


def test_docnum_fragments_find_the_document(pages):
    assert titles(Page.objects.live().search("成城管发 2023"))[0] == "关于加强餐厨垃圾管理的通知"
    assert titles(Page.objects.live().search("2023 12号"))[0] == "关于加强餐厨垃圾管理的通知"
    assert titles(Page.objects.live().search("成城管发〔2023〕12号"))[0] == "关于加强餐厨垃圾管理的通知"


def test_traditional_query_finds_the_same_as_simplified(pages):
    assert titles(PolicyPage.objects.search("餐廚垃圾")) == titles(PolicyPage.objects.search("餐厨垃圾"))


def test_a_one_character_surname_is_found(pages):
    assert titles(PolicyPage.objects.search("谭")) == ["户外广告和招牌设置管理办法"]


# --- ranking -------------------------------------------------------------------------------------------------


def test_the_owner_of_a_docnum_ranks_above_a_document_citing_it(pages):
    assert titles(PolicyPage.objects.search("成城管发〔2023〕12号")) == [
        "关于加强餐厨垃圾管理的通知", "户外广告和招牌设置管理办法",
    ]


def test_a_title_match_ranks_above_a_body_match(whoosh_backend):
    make_policy(title="城市道路养护工作要点", summary="年度工作安排。", body=body("涉及窨井盖巡查。"))
    make_policy(title="窨井盖安全管理规定", summary="规范井盖设置。")
    assert titles(PolicyPage.objects.search("窨井盖")) == ["窨井盖安全管理规定", "城市道路养护工作要点"]


def test_a_summary_match_ranks_above_a_body_match(whoosh_backend):
    make_policy(title="通知一", summary="年度安排。", body=body("本年度推进智慧灯杆建设。"))
    make_policy(title="通知二", summary="推进智慧灯杆建设。", body=body("年度安排。"))
    assert titles(PolicyPage.objects.search("智慧灯杆")) == ["通知二", "通知一"]


def test_fresher_document_wins_a_tie(whoosh_backend):
    for year in (2021, 2024, 2022):
        policy(title=f"绿道管理通知{year}", summary="绿道管理。", date_published=datetime.date(year, 1, 2))
    assert titles(PolicyPage.objects.search("绿道")) == ["绿道管理通知2024", "绿道管理通知2022", "绿道管理通知2021"]


# --- operators and query objects ------------------------------------------------------------------------------


def test_words_are_anded_by_default_and_or_on_request(pages):
    assert titles(PolicyPage.objects.search("餐厨垃圾 照明")) == []
    assert sorted(titles(PolicyPage.objects.search("餐厨垃圾 照明", operator="or"))) == [
        "关于加强餐厨垃圾管理的通知", "道路照明设施维护规范",
    ]


def test_query_objects(pages):
    search = PolicyPage.objects.search
    assert titles(search(PlainText("餐厨垃圾 照明", operator="or"))) != []
    assert titles(search(Phrase("照明设施"))) == ["道路照明设施维护规范"]
    assert titles(search(And([PlainText("户外广告"), PlainText("招牌")]))) == ["户外广告和招牌设置管理办法"]
    assert sorted(titles(search(Or([PlainText("照明"), PlainText("招牌")])))) == [
        "户外广告和招牌设置管理办法", "道路照明设施维护规范",
    ]
    not_lighting = ["关于加强餐厨垃圾管理的通知", "户外广告和招牌设置管理办法"]
    assert sorted(titles(search(Not(PlainText("照明"))))) == not_lighting
    assert sorted(titles(search(And([PlainText("规范"), Not(PlainText("照明"))])))) == [
        "关于加强餐厨垃圾管理的通知", "户外广告和招牌设置管理办法",
    ]
    assert len(search(MATCH_ALL)) == 3
    boosted = search(Or([PlainText("照明"), Boost(PlainText("招牌"), 10)]))
    assert titles(boosted)[0] == "户外广告和招牌设置管理办法"


def test_fields_title_searches_titles_only(pages):
    assert titles(PolicyPage.objects.search("规范", fields=["title"])) == ["道路照明设施维护规范"]
    assert len(PolicyPage.objects.search("规范")) == 3  # summaries too


# --- results behave like a queryset ---------------------------------------------------------------------------


def test_count_slicing_and_scores(pages):
    results = PolicyPage.objects.search("规范")
    assert results.count() == 3 == len(list(results))
    assert titles(results[:1]) + titles(results[1:3]) == titles(results)
    assert results[2].title == titles(results)[2]
    scored = list(PolicyPage.objects.search("照明").annotate_score("score"))
    assert scored[0].score > 0


def test_results_are_instances_of_the_queryset(pages):
    assert all(type(p) is Page for p in Page.objects.search("规范"))
    assert all(type(p) is PolicyPage for p in Page.objects.specific().search("规范"))


def test_order_by_relevance_false_keeps_the_queryset_order(pages):
    results = PolicyPage.objects.order_by("date_published").search("规范", order_by_relevance=False)
    assert titles(results) == ["户外广告和招牌设置管理办法", "关于加强餐厨垃圾管理的通知", "道路照明设施维护规范"]
    assert titles(results[1:2]) == ["关于加强餐厨垃圾管理的通知"]
    assert results.count() == 3


def test_queryset_filters_still_apply(pages):
    library = PolicyIndexPage.objects.get()
    assert len(Page.objects.descendant_of(library).search("规范")) == 3
    assert len(Page.objects.child_of(library).search("规范")) == 3
    assert len(Page.objects.type(PolicyIndexPage).search("规范")) == 0
    assert titles(PolicyPage.objects.filter(category=Category.RULE).search("规范")) == ["户外广告和招牌设置管理办法"]
    assert len(PolicyPage.objects.exclude(category=Category.RULE).search("规范")) == 2
    assert PolicyPage.objects.filter(category=Category.RULE).search("规范").count() == 1


def test_private_pages_are_filtered_by_public(pages):
    PageViewRestriction.objects.create(page=pages["lighting"], restriction_type=PageViewRestriction.LOGIN)
    assert titles(PolicyPage.objects.live().public().search("照明")) == []
    assert PolicyPage.objects.live().public().search("照明").count() == 0
    assert titles(PolicyPage.objects.live().search("照明")) == ["道路照明设施维护规范"]


def test_many_hits_are_filtered_with_one_array_parameter(pages, monkeypatch):
    monkeypatch.setattr(whoosh_backend_module, "BULK_PK_THRESHOLD", 1)
    assert PolicyPage.objects.live().search("规范").count() == 3
    assert len(PolicyPage.objects.live().filter(category=Category.RULE).search("规范")) == 1
    assert len(PolicyPage.objects.order_by("title").search("规范", order_by_relevance=False)) == 3


def test_a_stale_index_entry_is_never_shown(pages):
    PolicyPage.objects.filter(pk=pages["lighting"].pk).update(live=False)  # no signal: the index is stale
    assert titles(PolicyPage.objects.live().search("照明")) == []
    assert PolicyPage.objects.live().search("照明").count() == 0


# --- autocomplete --------------------------------------------------------------------------------------------


def test_autocomplete_matches_inside_titles_and_latin_prefixes(whoosh_backend):
    make_policy(title="道路照明设施维护规范")
    make_policy(title="LED路灯节能改造实施方案")
    assert titles(Page.objects.autocomplete("道路照")) == ["道路照明设施维护规范"]
    assert titles(Page.objects.autocomplete("le")) == ["LED路灯节能改造实施方案"]
    assert titles(Page.objects.autocomplete("路灯 节")) == ["LED路灯节能改造实施方案"]


def test_the_admin_page_search_finds_chinese_pages(pages, client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/pages/search/", {"q": "照明"})
    assert response.status_code == 200
    assert "道路照明设施维护规范" in response.text
    assert "关于加强餐厨垃圾管理的通知" not in response.text


# --- index updates through Wagtail's signals -----------------------------------------------------------------


def draft_policy(**fields):
    return policy(publish=False, live=False, **fields)


def test_publish_makes_a_page_findable_and_unpublish_removes_it(whoosh_backend):
    page = draft_policy(title="机动车清洗场所管理规定")
    assert titles(Page.objects.search("机动车清洗")) == []  # drafts are not indexed
    page.get_latest_revision().publish()
    assert titles(Page.objects.live().search("机动车清洗")) == ["机动车清洗场所管理规定"]
    page.refresh_from_db()
    page.unpublish()
    assert titles(Page.objects.live().search("机动车清洗")) == []
    assert titles(Page.objects.search("机动车清洗")) == []  # gone from the index, not just filtered
    key = f"wagtailcore.page:{page.pk}"
    assert whoosh_backend.store.searcher().document(key=key) is None
    page.refresh_from_db()
    page.save_revision().publish()
    assert titles(Page.objects.live().search("机动车清洗")) == ["机动车清洗场所管理规定"]


def test_an_unpublished_draft_edit_of_a_live_page_is_not_indexed(whoosh_backend):
    page = make_policy(title="城市家具设置导则")
    page.title = "城市家具设置导则（修订草案）"
    page.summary = "尚未公开的修订内容：隔离护栏拆除计划。"
    page.save_revision()
    assert titles(Page.objects.search("隔离护栏")) == []
    page.get_latest_revision().publish()
    assert titles(Page.objects.search("隔离护栏")) == ["城市家具设置导则（修订草案）"]
    assert titles(Page.objects.search("修订草案")) == ["城市家具设置导则（修订草案）"]


def test_deleting_a_page_removes_it(whoosh_backend):
    page = make_policy(title="城市绿道管理条例释义")
    assert len(Page.objects.search("绿道")) == 1
    page.delete()
    assert len(Page.objects.search("绿道")) == 0
    assert whoosh_backend.store.doc_count() == 0


def test_unpublished_pages_can_be_kept_for_the_admin(tmp_path, db):
    with override_settings(WAGTAILSEARCH_BACKENDS=whoosh_config(tmp_path, INDEX_UNPUBLISHED=True)):
        page = make_policy(title="再生资源回收网点布局规划")
        page.unpublish()
        assert titles(Page.objects.search("再生资源")) == ["再生资源回收网点布局规划"]  # the admin sees it
        assert titles(Page.objects.live().search("再生资源")) == []  # the public never does


def test_resaving_an_unchanged_page_does_not_write(whoosh_backend, monkeypatch):
    page = make_policy(title="城市内涝积水点整治方案")
    writes = []
    original = type(whoosh_backend.store)._write_one
    monkeypatch.setattr(type(whoosh_backend.store), "_write_one",
                        lambda self, *a, **k: writes.append(a) or original(self, *a, **k))
    page.save_revision().publish()
    assert writes == []
    page.title = "城市内涝积水点整治三年行动方案"
    page.save_revision().publish()
    assert len(writes) == 1


# --- rebuild -----------------------------------------------------------------------------------------------


def test_update_index_rebuilds_with_progress_output(pages, whoosh_backend):
    whoosh_backend.store.write([], [f"wagtailcore.page:{pages['lighting'].pk}"])  # lose one entry
    assert titles(PolicyPage.objects.search("照明")) == []
    out = StringIO()
    call_command("update_index", stdout=out)
    assert "portal.PolicyPage" in out.getvalue() and "." in out.getvalue()
    assert "indexed" in out.getvalue()
    assert titles(PolicyPage.objects.search("照明")) == ["道路照明设施维护规范"]


def test_writes_during_a_rebuild_are_kept(pages, whoosh_backend):
    backend = get_search_backend()
    rebuilder = backend.rebuilder_class(backend.get_index_for_model(PolicyPage))
    index = rebuilder.start()
    index.add_items(PolicyPage, list(PolicyPage.objects.filter(pk=pages["kitchen"].pk)))
    assert titles(PolicyPage.objects.search("照明")) == ["道路照明设施维护规范"]  # the old index still serves
    policy(title="城市桥梁健康监测系统建设指南", summary="桥梁监测。")  # a publish while the rebuild runs
    rebuilder.finish()
    assert titles(PolicyPage.objects.search("餐厨垃圾")) == ["关于加强餐厨垃圾管理的通知"]
    assert titles(PolicyPage.objects.search("健康监测")) == ["城市桥梁健康监测系统建设指南"]
    assert titles(PolicyPage.objects.search("照明")) == []  # not re-added by this partial rebuild


def test_reset_empties_the_index(pages, whoosh_backend):
    whoosh_backend.reset_indexes()
    assert whoosh_backend.store.doc_count() == 0
    assert titles(PolicyPage.objects.search("照明")) == []


# --- documents -----------------------------------------------------------------------------------------------


def test_document_layout(pages):
    doc = build_document(pages["signs"])
    assert doc["key"] == f"wagtailcore.page:{pages['signs'].pk}"
    assert doc["models"].split() == ["portal.policypage", "wagtailcore.page"]
    assert doc["title"] == "户外广告和招牌设置管理办法"
    assert "成府发〔2021〕22号" in doc["head"] and "规范户外广告设施。" in doc["head"]
    assert "谭志远" in doc["content"] and "谭志远" not in doc["head"]
    assert "#成府发2021-22" in doc["docnum"].split()
    assert "#成城管发2023-12" not in doc["docnum"]  # only cited in the body
    assert doc["fresh"] == int(datetime.datetime(2021, 8, 30, tzinfo=datetime.UTC).timestamp())


def test_a_locked_index_does_not_break_publishing(pages, whoosh_backend, caplog):
    store = whoosh_backend.store
    store.write_timeout = 0.1
    holder = store._index(store.current_name()).writer()
    try:
        page = policy(title="垃圾焚烧发电厂飞灰处置管理要求")  # saved and published; the index write is logged
    finally:
        holder.cancel()
        store.write_timeout = 10
    assert PolicyPage.objects.filter(pk=page.pk, live=True).exists()
    assert "IndexWriteTimeout" in caplog.text
    call_command("update_index", stdout=StringIO())
    assert titles(PolicyPage.objects.search("飞灰")) == ["垃圾焚烧发电厂飞灰处置管理要求"]


def test_facet_counts_by_filter_field(pages):
    from django.contrib.contenttypes.models import ContentType

    policy_type = ContentType.objects.get_for_model(PolicyPage)
    assert Page.objects.live().search("规范").facet("content_type_id") == {policy_type.pk: 3}
    assert PolicyPage.objects.search("规范").facet("category") == {Category.NORMATIVE: 2, Category.RULE: 1}
    assert PolicyPage.objects.search("照明").facet("category") == {Category.NORMATIVE: 1}
