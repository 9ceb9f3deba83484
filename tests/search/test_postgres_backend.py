"""The PostgreSQL backend (search.backends.postgres): the same behaviour as the Whoosh backend, plus the quality
suite on the same corpus. Runs on PostgreSQL only (``scripts/with-postgres.sh .venv/bin/pytest tests/search``);
the literal builders and the refusal to start on another database are tested everywhere."""

import datetime
import re
import statistics
import time
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from modelsearch.backends import get_search_backend
from modelsearch.query import MATCH_ALL, And, Boost, Not, Or, Phrase, PlainText
from wagtail.models import Page

from portal.policies.models import Category, PolicyPage
from search.analysis import index_terms
from search.backends.postgres import quote_lexeme, tsvector_literal
from search.models import IndexEntry
from tests.portal.policy_helpers import make_policy
from tests.search.corpus import CORPUS, NONSENSE, QUERIES
from tests.search.reporting import report
from tests.search.test_backend import body, policy, sample_pages, titles
from tests.search.test_quality import _build_corpus, _recall

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL backend: run with scripts/with-postgres.sh .venv/bin/pytest tests/search",
)


def pg_config(**options):
    return {"default": {"BACKEND": "search.backends.postgres", **options}}


@pytest.fixture
def pg_backend(db):
    with override_settings(WAGTAILSEARCH_BACKENDS=pg_config()):
        yield get_search_backend()


@pytest.fixture
def pages(pg_backend):
    return sample_pages()


# --- everywhere ----------------------------------------------------------------------------------------------


def test_tsvector_literal_keeps_positions_weights_and_quotes():
    literal = tsvector_literal([(["餐厨", "#成城管发2023-12"], "A"), (["餐厨", "it's", "a\\b"], "D")])
    assert literal == "'餐厨':1A,11D '#成城管发2023-12':2A 'it''s':12D 'a\\\\b':13D"
    assert quote_lexeme("pm2.5") == "'pm2.5'"


def test_tsvector_literal_caps_positions():
    literal = tsvector_literal([(["x"] * 20_000, "D")])
    positions = literal.split(":", 1)[1].split(",")
    assert len(positions) == 256 and positions[-1] == "256D"
    assert tsvector_literal([(["a"] * 20_000 + ["b"], "D")]).endswith("'b':16383D")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the refusal on other databases")
def test_the_backend_refuses_other_databases(db):
    with override_settings(WAGTAILSEARCH_BACKENDS=pg_config()), pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        get_search_backend()


# --- PostgreSQL ----------------------------------------------------------------------------------------------


@on_postgres
def test_terms_with_special_characters_survive_the_round_trip(db):
    terms = ["#成城管发2023-12", "#2023-12", "pm2.5", "nb", "iot", "5g", "灯杆", "o'brien", "a\\b", "x:y", "&|!"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(%s::tsvector)", [tsvector_literal([(terms, "A")])])
        assert sorted(cursor.fetchone()[0]) == sorted(terms)
        for term in terms:
            cursor.execute("SELECT %s::tsvector @@ %s::tsquery", [tsvector_literal([(terms, "D")]), quote_lexeme(term)])
            assert cursor.fetchone()[0] is True, term


@on_postgres
def test_the_done_when_queries(pages):
    assert titles(PolicyPage.objects.live().search("餐厨垃圾")) == ["关于加强餐厨垃圾管理的通知"]
    assert titles(PolicyPage.objects.live().search("照明")) == ["道路照明设施维护规范"]
    assert titles(Page.objects.live().search("成城管发 2023"))[0] == "关于加强餐厨垃圾管理的通知"
    assert titles(Page.objects.live().search("2023 12号"))[0] == "关于加强餐厨垃圾管理的通知"
    assert titles(PolicyPage.objects.search("餐廚垃圾")) == titles(PolicyPage.objects.search("餐厨垃圾"))
    assert titles(PolicyPage.objects.search("谭")) == ["户外广告和招牌设置管理办法"]
    assert titles(PolicyPage.objects.search("DB5101/T 88-2023")) == ["道路照明设施维护规范"]


@on_postgres
def test_entries_hold_the_analyzer_terms_with_weights(pages):
    entry = IndexEntry.objects.get(object_id=str(pages["kitchen"].pk))
    assert entry.content_type.model_class() is Page
    assert entry.model_labels.split() == ["portal.policypage", "wagtailcore.page"]
    assert entry.date.date() == datetime.date(2023, 3, 15)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(title), tsvector_to_array(content) FROM portal_search_indexentry "
                       "WHERE id = %s", [entry.pk])
        title, content = cursor.fetchone()
        assert set(title) == set(index_terms("关于加强餐厨垃圾管理的通知"))
        assert {"#成城管发2023-12", "#2023-12", "餐厨", "收运"} <= set(content)
        # Own 文号 terms carry weight A: a query restricted to A finds them, a cited 文号 (signs' body) does not.
        cursor.execute("SELECT object_id FROM portal_search_indexentry WHERE content @@ %s::tsquery ORDER BY 1",
                       ["'#成城管发2023-12':A"])
        assert [row[0] for row in cursor.fetchall()] == [str(pages["kitchen"].pk)]


@on_postgres
def test_ranking(pages):
    assert titles(PolicyPage.objects.search("成城管发〔2023〕12号")) == [
        "关于加强餐厨垃圾管理的通知", "户外广告和招牌设置管理办法",
    ]
    make_policy(title="城市道路养护工作要点", summary="年度工作安排。", body=body("涉及窨井盖巡查。"))
    make_policy(title="窨井盖安全管理规定", summary="规范井盖设置。")
    assert titles(PolicyPage.objects.search("窨井盖")) == ["窨井盖安全管理规定", "城市道路养护工作要点"]
    make_policy(title="通知一", summary="年度安排。", body=body("本年度推进智慧灯杆建设。"))
    make_policy(title="通知二", summary="推进智慧灯杆建设。", body=body("年度安排。"))
    assert titles(PolicyPage.objects.search("智慧灯杆")) == ["通知二", "通知一"]
    for year in (2021, 2024, 2022):
        policy(title=f"绿道管理通知{year}", summary="绿道管理。", date_published=datetime.date(year, 1, 2))
    assert titles(PolicyPage.objects.search("绿道")) == ["绿道管理通知2024", "绿道管理通知2022", "绿道管理通知2021"]


@on_postgres
def test_operators_and_query_objects(pages):
    search = PolicyPage.objects.search
    assert titles(search("餐厨垃圾 照明")) == []
    assert sorted(titles(search("餐厨垃圾 照明", operator="or"))) == [
        "关于加强餐厨垃圾管理的通知", "道路照明设施维护规范",
    ]
    assert titles(search(Phrase("照明设施"))) == ["道路照明设施维护规范"]
    assert titles(search(And([PlainText("户外广告"), PlainText("招牌")]))) == ["户外广告和招牌设置管理办法"]
    assert sorted(titles(search(Or([PlainText("照明"), PlainText("招牌")])))) == [
        "户外广告和招牌设置管理办法", "道路照明设施维护规范",
    ]
    not_lighting = ["关于加强餐厨垃圾管理的通知", "户外广告和招牌设置管理办法"]
    assert sorted(titles(search(Not(PlainText("照明"))))) == not_lighting
    assert sorted(titles(search(And([PlainText("规范"), Not(PlainText("照明"))])))) == not_lighting
    assert len(search(MATCH_ALL)) == 3
    assert titles(search(Or([PlainText("照明"), Boost(PlainText("招牌"), 10)])))[0] == "户外广告和招牌设置管理办法"
    assert titles(search("规范", fields=["title"])) == ["道路照明设施维护规范"]
    assert len(search("规范")) == 3


@on_postgres
@pytest.mark.parametrize("query", ["", "   ", "AND OR NOT", "'\"():*&|!\\", "<script>alert(1)</script>", "😀",
                                   "a" * 2000, "title:照明", "\x00\x07照明"])
def test_bad_input_never_breaks_the_sql(pages, query):
    results = PolicyPage.objects.search(query)
    assert len(list(results[:10])) == results.count() <= 3


@on_postgres
def test_results_behave_like_a_queryset(pages):
    results = PolicyPage.objects.search("规范")
    assert results.count() == 3 == len(list(results))
    assert titles(results[:1]) + titles(results[1:3]) == titles(results)
    assert results[2].title == titles(results)[2]
    scored = list(PolicyPage.objects.search("照明").annotate_score("_score"))
    assert scored[0]._score > 0
    ordered = PolicyPage.objects.order_by("title").search("规范", order_by_relevance=False)
    assert titles(ordered) == sorted(titles(ordered))
    assert PolicyPage.objects.filter(category=Category.RULE).search("规范").count() == 1
    assert titles(PolicyPage.objects.filter(category=Category.RULE).search("规范")) == ["户外广告和招牌设置管理办法"]


@on_postgres
def test_a_stale_index_entry_is_never_shown(pages):
    PolicyPage.objects.filter(pk=pages["lighting"].pk).update(live=False)
    assert titles(PolicyPage.objects.live().search("照明")) == []
    assert PolicyPage.objects.live().search("照明").count() == 0


@on_postgres
def test_facets(pages):
    from django.contrib.contenttypes.models import ContentType

    policy_type = ContentType.objects.get_for_model(PolicyPage)
    assert Page.objects.live().search("规范").facet("content_type_id") == {policy_type.pk: 3}
    assert PolicyPage.objects.search("规范").facet("category") == {Category.NORMATIVE: 2, Category.RULE: 1}


@on_postgres
def test_autocomplete(pg_backend):
    make_policy(title="道路照明设施维护规范")
    make_policy(title="LED路灯节能改造实施方案")
    assert titles(Page.objects.autocomplete("道路照")) == ["道路照明设施维护规范"]
    assert titles(Page.objects.autocomplete("le")) == ["LED路灯节能改造实施方案"]
    assert titles(Page.objects.autocomplete("路灯 节")) == ["LED路灯节能改造实施方案"]


@on_postgres
def test_admin_search(pages, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/pages/search/", {"q": "照明"})
    assert response.status_code == 200
    assert "道路照明设施维护规范" in response.text
    assert "关于加强餐厨垃圾管理的通知" not in response.text


@on_postgres
def test_publish_unpublish_and_delete_update_the_index(pg_backend):
    page = policy(publish=False, live=False, title="机动车清洗场所管理规定")
    assert titles(Page.objects.search("机动车清洗")) == []
    page.get_latest_revision().publish()
    assert titles(Page.objects.live().search("机动车清洗")) == ["机动车清洗场所管理规定"]
    page.refresh_from_db()
    page.unpublish()
    assert titles(Page.objects.search("机动车清洗")) == []
    assert not IndexEntry.objects.filter(object_id=str(page.pk)).exists()
    page.refresh_from_db()
    page.save_revision().publish()
    assert titles(Page.objects.live().search("机动车清洗")) == ["机动车清洗场所管理规定"]
    page.title = "机动车清洗场所设置管理规定"
    page.save_revision().publish()
    assert IndexEntry.objects.filter(object_id=str(page.pk)).count() == 1
    assert titles(Page.objects.search("设置管理")) == ["机动车清洗场所设置管理规定"]
    page.delete()
    assert titles(Page.objects.search("机动车清洗")) == []
    assert not IndexEntry.objects.exists()


@on_postgres
def test_update_index_rebuilds_and_drops_stale_entries(pages, pg_backend):
    IndexEntry.objects.filter(object_id=str(pages["lighting"].pk)).delete()  # lose one entry
    ghost = IndexEntry.objects.get(object_id=str(pages["kitchen"].pk))
    ghost.pk, ghost.object_id = None, "999999"  # an entry whose object no longer exists
    ghost.save()
    assert titles(PolicyPage.objects.search("照明")) == []
    out = StringIO()
    call_command("update_index", stdout=out)
    assert "indexed" in out.getvalue()
    assert titles(PolicyPage.objects.search("照明")) == ["道路照明设施维护规范"]
    assert not IndexEntry.objects.filter(object_id="999999").exists()
    pg_backend.reset_indexes()
    assert IndexEntry.objects.count() == 0


# --- quality suite -----------------------------------------------------------------------------------------------


@on_postgres
@pytest.mark.django_db
def test_search_quality_recall_at_10_postgres(request):
    backends = {"default": {"BACKEND": "search.backends.postgres", "AUTO_UPDATE": False}}
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        started = time.perf_counter()
        keys = _build_corpus()
        created = time.perf_counter() - started
        out = StringIO()
        started = time.perf_counter()
        call_command("update_index", backend_name="default", stdout=out)
        indexed = time.perf_counter() - started
        assert int(re.search(r"default: indexed (\d+) objects", out.getvalue()).group(1)) >= len(CORPUS)
        backend = get_search_backend("default")

        rows, latencies, misses, precise = [], [], [], 0
        for query in QUERIES:
            started = time.perf_counter()
            recall, top = _recall(backend, keys, query)
            latencies.append((time.perf_counter() - started) * 1000)
            rows.append((query, recall))
            if set(top[: len(query.expect)]) == set(query.expect):
                precise += 1
            else:
                misses.append(f"{query.text!r}: expected {query.expect} first, got {top}")
            if recall < 1:
                misses.append(f"{query.text!r} expected {query.expect}, top 10 {top}")
        false_hits = {}
        for text in NONSENSE:
            hits = [keys[p.pk] for p in backend.search(text, PolicyPage.objects.live())[:10]]
            if hits:
                false_hits[text] = hits

    recall_at_10 = statistics.mean(r for _q, r in rows)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)]
    config = request.config
    report(config, f"PostgreSQL backend: recall@10 = {recall_at_10:.3f}; expected documents ranked first: "
                   f"{precise}/{len(QUERIES)} queries; nonsense false hits: {len(false_hits)} "
                   f"({created:.1f} s to create the corpus)")
    report(config, f"update_index (PostgreSQL, {len(CORPUS)} pages): {indexed:.2f} s; "
                   f"query latency (top 10 of live().public(), incl. SQL): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    for line in misses:
        report(config, f"  [PostgreSQL] {line}")

    assert not false_hits, false_hits
    assert recall_at_10 >= 0.95, misses
    assert precise >= 0.9 * len(QUERIES), misses
