"""Bitmap evaluation (search.docsets) against Whoosh itself, across segments and deletions, and ranking by clauses."""

import random

import pytest
from modelsearch.query import PlainText
from whoosh import query as wq

from portal.policies.models import PolicyPage
from search import docsets
from search.backends.whoosh import WhooshSearchQueryCompiler, ranked_hits
from search.store import IndexStore

WORDS = ["城市", "管理", "照明", "窨井盖", "渣土", "LED", "绿道", "维修", "巡查", "成城管发"]


def doc(i, text, title="", head="", fresh=None):
    return {"key": f"t.item:{i}", "pk": str(i), "models": "portal.policypage wagtailcore.page", "content": text,
            "title": title, "head": head, "auto": title, "docnum": "", "fresh": i if fresh is None else fresh}


@pytest.fixture
def store(tmp_path):
    """An index of 120 documents written in four commits (four segments), then some updated and deleted."""
    docsets.clear_caches()
    rnd = random.Random(4)
    store = IndexStore(tmp_path / "ix", cache_size=0)
    texts = {i: "，".join(rnd.sample(WORDS, rnd.randint(1, 4))) for i in range(120)}
    for start in range(0, 120, 30):
        store.write([doc(i, texts[i]) for i in range(start, start + 30)])
    store.write([doc(i, "城市照明") for i in (3, 45, 90)])  # updates: deletions in older segments
    store.write((), ["t.item:7", "t.item:64"])
    yield store
    docsets.clear_caches()


def whoosh_docs(searcher, query):
    return sorted(searcher.docs_for_query(query))


def truth(searcher, query) -> list[int]:
    """The oracle: set algebra over Whoosh's single-term answers. (Not Whoosh's own answer for a whole tree: in
    whoosh-reloaded 2.7.5 ``AndNot(a, And(...))`` keeps documents that match the And — a bug the bitmaps avoid.)"""

    def docs(q):
        if isinstance(q, wq.Term):
            return set(searcher.docs_for_query(q))
        if isinstance(q, wq.AndNot):
            return docs(q.a) - docs(q.b)
        parts = [docs(sub) for sub in q.subqueries]
        return set.intersection(*parts) if isinstance(q, wq.And) else set.union(*parts)

    return sorted(docs(query))


def term(word):
    from search.analysis import analyze_query

    terms = [t for w in analyze_query(word).words for t in w.terms]
    return wq.And([wq.Term("content", t) for t in terms]) if len(terms) > 1 else wq.Term("content", terms[0])


def test_the_index_really_has_several_segments_and_deletions(store):
    searcher = store.searcher()
    leaves = docsets.leaves(searcher)
    assert len(leaves) >= 3
    assert any(leaf.reader.has_deletions() for leaf in leaves)
    assert searcher.doc_count() == 118


@pytest.mark.parametrize("seed", range(12))
def test_bitmaps_match_whoosh_on_random_query_trees(store, seed):
    rnd = random.Random(seed)

    def tree(depth):
        if depth == 0 or rnd.random() < 0.3:
            return term(rnd.choice(WORDS))
        kind = rnd.choice(["and", "or", "not"])
        if kind == "not":
            return wq.AndNot(tree(depth - 1), tree(depth - 1))
        parts = [tree(depth - 1) for _ in range(rnd.randint(2, 3))]
        return wq.And(parts) if kind == "and" else wq.Or(parts)

    searcher = store.searcher()
    for _ in range(10):
        query = tree(3)
        bits = docsets.evaluate(searcher, query)
        assert docsets.docnums(searcher, bits) == truth(searcher, query), query
        assert docsets.count(bits) == len(truth(searcher, query))
    every = docsets.evaluate(searcher, wq.Every())
    assert docsets.count(every) == 118
    prefix = wq.Prefix("content", "le")
    assert docsets.docnums(searcher, docsets.evaluate(searcher, prefix)) == whoosh_docs(searcher, prefix)


def test_pks_of_deleted_and_updated_documents(store):
    searcher = store.searcher()
    bits = docsets.evaluate(searcher, term("照明"))
    pks = docsets.pks(searcher, bits)
    assert "7" not in pks and "64" not in pks
    assert {"3", "45", "90"} <= set(pks)
    assert len(pks) == len(set(pks))  # an updated document counts once


def test_an_unknown_clause_falls_back(store):
    assert docsets.evaluate(store.searcher(), wq.FuzzyTerm("content", "城市")) is None


def test_term_bitmaps_of_untouched_segments_survive_a_commit(store):
    searcher = store.searcher()
    docsets.evaluate(searcher, term("管理"))
    segids = {leaf.segid for leaf in docsets.leaves(searcher)}
    store.write([doc(500, "城市管理")])
    fresh = store.searcher()
    kept = [leaf for leaf in docsets.leaves(fresh) if leaf.segid in segids]
    assert kept, "at least one old segment is reused"
    key = (kept[0].segid, "content", "管理")
    assert docsets._terms.get(key) is not None
    assert "500" in docsets.pks(fresh, docsets.evaluate(fresh, term("管理")))
    assert docsets.docnums(fresh, docsets.evaluate(fresh, term("管理"))) == whoosh_docs(fresh, term("管理"))


def compiled(searcher, text, operator="and"):
    return WhooshSearchQueryCompiler(PolicyPage.objects.none(), PlainText(text, operator=operator)).whoosh_query(
        searcher
    )


def test_ranking_by_clauses_title_then_head_then_body_newest_first(tmp_path):
    docsets.clear_caches()
    store = IndexStore(tmp_path / "ix", cache_size=0)
    store.write([
        doc(1, "窨井盖巡查", fresh=100),
        doc(2, "窨井盖巡查", fresh=300),
        doc(3, "窨井盖", head="窨井盖", fresh=50),
        doc(4, "窨井盖", title="窨井盖管理规定", fresh=10),
        doc(5, "绿道", fresh=999),
    ])
    searcher = store.searcher()
    hits, exhausted = ranked_hits(searcher, compiled(searcher, "窨井盖"), 50)
    assert [pk for pk, _score in hits] == ["4", "3", "2", "1"]
    assert exhausted
    scores = [score for _pk, score in hits]
    assert scores[0] > scores[1] > scores[2] == scores[3]
    hits, exhausted = ranked_hits(searcher, compiled(searcher, "窨井盖"), 2)
    assert [pk for pk, _score in hits] == ["4", "3"] and not exhausted
    # OR: each matched word counts (1), below a title (3) or summary (1.5) match of one.
    hits, _ = ranked_hits(searcher, compiled(searcher, "窨井盖 巡查 绿道", operator="or"), 50)
    assert [pk for pk, _score in hits] == ["4", "3", "2", "1", "5"]


def test_bm25_ranking_is_available_below_a_limit(tmp_path):
    docsets.clear_caches()
    store = IndexStore(tmp_path / "ix", cache_size=0)
    store.write([doc(1, "窨井盖" * 5, fresh=1), doc(2, "窨井盖，" + "其他内容" * 40, fresh=2), doc(3, "绿道")])
    searcher = store.searcher()
    by_clauses = [pk for pk, _ in ranked_hits(searcher, compiled(searcher, "窨井盖"), 50)[0]]
    by_bm25 = [pk for pk, _ in ranked_hits(searcher, compiled(searcher, "窨井盖"), 50, bm25_limit=100)[0]]
    assert by_clauses == ["2", "1"]  # no clause: the newer first
    assert by_bm25 == ["1", "2"]  # term frequency and length: the short, repetitive one


def test_not_excludes_every_matching_document(store):
    """Documents matching 窨井盖 are excluded by NOT 窨井盖 (Whoosh's own matcher keeps some of them)."""
    searcher = store.searcher()
    query = wq.AndNot(wq.Every(), term("窨井盖"))
    ours = set(docsets.docnums(searcher, docsets.evaluate(searcher, query)))
    assert not ours & set(searcher.docs_for_query(term("窨井盖")))
    assert len(ours) + len(list(searcher.docs_for_query(term("窨井盖")))) == searcher.doc_count()
