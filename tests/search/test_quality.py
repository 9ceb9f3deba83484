"""Search quality: recall@10 of the Whoosh backend on a fixture corpus of real PolicyPage pages.

The corpus (tests/search/corpus.py) has 40 hand-written documents and 185 generated ones; 56 queries cover in-word
terms, two- and four-character words, multi-term queries, surnames, 文号 fragments, Latin/digit mixes, full-width
and traditional characters, plus nonsense that must find nothing. Wagtail's database backend is run on the same
queries for comparison (reported, not asserted). Figures appear in pytest's terminal summary ("search quality").
"""

import re
import statistics
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from modelsearch.backends import get_search_backend
from wagtail.rich_text import RichText

from portal.policies.models import Category, PolicyPage
from search.analysis import normalize
from tests.portal.policy_helpers import issuing_body, make_policy, policy_index
from tests.search.corpus import CORPUS, NONSENSE, QUERIES
from tests.search.reporting import report

pytestmark = pytest.mark.django_db


def _full_text(doc) -> str:
    return normalize("\n".join([doc.title, doc.number, doc.summary, *doc.body]))


def _build_corpus() -> dict[int, str]:
    """Create the pages (with indexing switched off) and return {page pk: corpus key}.

    The first pages go through the full Wagtail revision/publish path (make_policy); the rest are added as live
    pages directly under the library, which is four times faster and indexes the same way."""
    keys = {}
    parent = policy_index()
    for n, doc in enumerate(CORPUS):
        fields = {
            "title": doc.title,
            "document_number": doc.number,
            "summary": doc.summary,
            "body": [("paragraph", RichText(f"<p>{paragraph}</p>")) for paragraph in doc.body],
            "date_written": doc.date,
            "date_published": doc.date,
            "date_effective": None,
        }
        if n < 10:
            page = make_policy(**fields)
        else:
            page = PolicyPage(issuing_body=issuing_body(), category=Category.NORMATIVE, live=True, **fields)
            parent.add_child(instance=page)
        keys[page.pk] = doc.key
    return keys


def _recall(backend, keys, query) -> tuple[float, list[str]]:
    results = backend.search(query.text, PolicyPage.objects.live().public())
    top = [keys[page.pk] for page in results[:10]]
    found = len(set(query.expect) & set(top))
    return found / len(query.expect), top


def test_expected_documents_really_contain_the_query():
    """Guards the fixture itself: every expected document contains every query word (after normalisation)."""
    texts = {doc.key: _full_text(doc) for doc in CORPUS}
    assert len(CORPUS) >= 200
    assert len(QUERIES) >= 40
    for query in QUERIES:
        needles = [normalize(w) for w in (query.must_contain or query.text.split())]
        for key in query.expect:
            missing = [n for n in needles if n not in texts[key]]
            assert not missing, f"{query.text!r}: {key} does not contain {missing}"
        assert len(query.expect) <= 10, query.text
    for text in NONSENSE:
        if not text.startswith(("zzzz", "成城管发")):
            assert not any(normalize(text) in t for t in texts.values()), text


def test_search_quality_recall_at_10(tmp_path, request):
    backends = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": str(tmp_path / "index"), "AUTO_UPDATE": False},
        "database": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False},
        # The same Whoosh backend with BM25F scoring instead of ranking by clauses (reported beside it).
        "bm25": {"BACKEND": "search.backends.whoosh", "PATH": str(tmp_path / "bm25"), "AUTO_UPDATE": False,
                 "BM25_RANKING_LIMIT": 10**9},
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        started = time.perf_counter()
        keys = _build_corpus()
        created = time.perf_counter() - started

        out = StringIO()
        started = time.perf_counter()
        call_command("update_index", backend_name="default", stdout=out)
        indexed = time.perf_counter() - started
        indexed_objects = int(re.search(r"default: indexed (\d+) objects", out.getvalue()).group(1))
        assert indexed_objects >= len(CORPUS)  # + the home and library pages
        call_command("update_index", backend_name="database", stdout=StringIO())
        call_command("update_index", backend_name="bm25", stdout=StringIO())

        whoosh = get_search_backend("default")
        database = get_search_backend("database")
        bm25 = get_search_backend("bm25")
        assert whoosh.store.doc_count() >= len(CORPUS)

        rows, latencies, misses, precise, bm25_recalls = [], [], [], 0, []
        for query in QUERIES:
            started = time.perf_counter()
            recall, top = _recall(whoosh, keys, query)
            latencies.append((time.perf_counter() - started) * 1000)
            db_recall, _db_top = _recall(database, keys, query)
            bm25_recalls.append(_recall(bm25, keys, query)[0])
            rows.append((query, recall, db_recall))
            # The expected documents fill the first places (nothing irrelevant ranked above them).
            if set(top[: len(query.expect)]) == set(query.expect):
                precise += 1
            else:
                misses.append(f"{query.text!r}: expected {query.expect} first, got {top}")
            if recall < 1:
                misses.append(f"{query.text!r} expected {query.expect}, top 10 {top}")

        false_hits = {}
        for text in NONSENSE:
            hits = [keys[p.pk] for p in whoosh.search(text, PolicyPage.objects.live())[:10]]
            if hits:
                false_hits[text] = hits

    recall_at_10 = statistics.mean(r for _q, r, _d in rows)
    db_recall_at_10 = statistics.mean(d for _q, _r, d in rows)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)]

    config = request.config
    report(config, f"corpus: {len(CORPUS)} PolicyPage pages ({created:.1f} s to create), {len(QUERIES)} queries, "
                   f"{len(NONSENSE)} nonsense queries")
    report(config, f"Whoosh backend: recall@10 = {recall_at_10:.3f}; expected documents ranked first: "
                   f"{precise}/{len(QUERIES)} queries; nonsense false hits: {len(false_hits)}")
    report(config, f"Whoosh backend scored by BM25F (BM25_RANKING_LIMIT): recall@10 = "
                   f"{statistics.mean(bm25_recalls):.3f}")
    report(config, f"Wagtail database backend ({database.__class__.__name__}): recall@10 = {db_recall_at_10:.3f}")
    report(config, f"update_index (Whoosh, {len(CORPUS)} pages): {indexed:.2f} s; "
                   f"query latency (top 10 of live().public(), incl. SQL): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for query, recall, db_recall in rows:
        by_kind.setdefault(query.kind, []).append((recall, db_recall))
    report(config, "by kind (Whoosh / database): " + ", ".join(
        f"{kind} {statistics.mean(r for r, _ in v):.2f}/{statistics.mean(d for _, d in v):.2f}"
        for kind, v in by_kind.items()
    ))
    for line in misses:
        report(config, f"  {line}")

    assert not false_hits, false_hits
    assert recall_at_10 >= 0.95, misses
    assert statistics.mean(bm25_recalls) >= 0.95
    assert precise >= 0.9 * len(QUERIES), misses
