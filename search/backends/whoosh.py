"""A modelsearch (Wagtail search) backend on Whoosh with the Chinese analyzer of :mod:`search.analysis`.

Settings::

    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": BASE_DIR / "var" / "search_index",   # default
            "WRITE_TIMEOUT": 10,          # seconds a write waits for another process's write lock
            "INDEX_UNPUBLISHED": False,   # index draft-state objects (pages) that are not live
            "RESULT_CACHE": 256,          # cached queries per process (emptied by any commit); 0 = off
            "BM25_RANKING_LIMIT": 0,      # results of up to this many documents are scored by Whoosh's BM25F
        }
    }

How a search runs: the query tree (``PlainText``/``Phrase``/``And``/``Or``/``Not``/``MatchAll``/``Boost``) is
compiled into a Whoosh query *programmatically* from analyzer terms — no query parser ever sees user text, so
nothing the user types can raise a parse error. Whoosh returns matching ``(pk, score)`` pairs restricted to the
queryset's model (and its subclasses, via the ``models`` field); the queryset itself then filters them with
``pk__in`` — so ``live()``, ``public()``, ``descendant_of()``, ``specific()``, permission filters and anything
else on the queryset keep working and an index entry that is stale (deleted, unpublished, rolled back) never
shows. Results come back as instances of the queryset, in score order; ties go to the fresher document.

Ranking: BM25F on the catch-all ``content`` field plus optional clauses (``AndMaybe``) for the words found in the
title (×3), in short plain fields — 文号, summary, keywords (×1.5) — and for the document's own 文号 (×4); see
:mod:`search.documents` for how fields get these roles. Equal scores: the newer publication date first.

Which documents match is computed on bitmaps (:mod:`search.docsets`: each term's postings read once per segment
and process), so counts and pk lists cost microseconds even for words in most documents. Results are ranked *by
clauses*: a document scores the weights of the clauses it matches — the words in its title (×3), its own 文号
(×4), its short plain fields such as the summary (×1.5), a cited 文号 (×1), for OR queries each word matched (×1) —
and equal scores go to the newer document: title > 文号 > summary > body, fresher first. That costs a few
milliseconds whatever the result size, where Whoosh's BM25F scoring costs 10–60 ms for specific words and 100 ms
and more for common ones (docs/search.md, "Ranking"). ``BM25_RANKING_LIMIT`` (default 0) lets Whoosh score results
of up to that many documents instead (BM25F on the catch-all field plus the same clauses as boosts); a query that
carries its own boosts (modelsearch ``Boost``) is always scored by Whoosh. Counts are exact: the bitmap's size when
the queryset has no filter, otherwise the database counts the matching pks (one array parameter, however many). A
per-process result cache keeps the hits of hot queries until the next commit (by any process).
``facet(field)`` counts a FilterField over all results.

Pages that are not live are not indexed (``INDEX_UNPUBLISHED: False``): unpublishing removes the page from the
index, so the public search cannot show it even if a view forgets ``.live()`` — at the price that the Wagtail
admin search finds drafts only by their live version. Set ``INDEX_UNPUBLISHED: True`` to index drafts too
(``.live()`` then does the filtering). Objects whose ``search_is_public`` is False (draft or internal
consultations, …) are never indexed, whatever the setting (:func:`search.documents.is_indexable`).

Approximations: ``Phrase`` is the AND of its bigrams (the index stores no positions, see
../shared/reference/search-scale.md); ``fields=[...]`` narrows to the ``title`` field when only ``title``/``name``
is named, otherwise all text is searched; ``Fuzzy`` is treated as ``PlainText``.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, Count
from django.db.models.expressions import RawSQL
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterFieldError,
)
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import query as wq

from .. import docsets
from ..analysis import AnalyzedQuery, analyze_query
from ..documents import TITLE_NAMES, build_document, document_key, is_indexable, model_label
from ..store import get_store

TITLE_BOOST = 3.0
DOCNUM_BOOST = 4.0
HEAD_BOOST = 1.5
DOCNUM_CITED_BOOST = 1.0  # a document that mentions the 文号 (hint queries such as 成城管发 2023)
WORD_WEIGHT = 1.0  # ranking by clauses, OR queries: each matched word
COMMON_WORD_SHARE = 0.2  # a word in more documents than this gets only the title boost (the head one costs ~40 %)
MIN_WINDOW = 50  # hits fetched from Whoosh per round (more when the queryset filters many out)
BULK_PK_THRESHOLD = 500  # above this many pks, pass them as one array parameter instead of pk__in
_INT_PK_TYPES = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
                 "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField"}


def _int_pk(model) -> bool:
    field = model._meta.pk
    while field.is_relation:
        field = field.target_field
    return field.get_internal_type() in _INT_PK_TYPES


def filter_by_pks(queryset, pks: list):
    """``queryset.filter(pk__in=pks)`` that stays one parameter however many pks there are."""
    model = queryset.model
    if len(pks) <= BULK_PK_THRESHOLD or not _int_pk(model):
        return queryset.filter(pk__in=pks)
    connection = connections[queryset.db]
    qn = connection.ops.quote_name
    # Only quoted identifiers from the model's own metadata are interpolated; the pks are one bound parameter.
    column = f"{qn(model._meta.db_table)}.{qn(model._meta.pk.column)}"
    ints = [int(pk) for pk in pks]
    if connection.vendor == "postgresql":
        sql, param = column + " = ANY(%s::bigint[])", ints
    elif connection.vendor == "sqlite":
        sql, param = column + " IN (SELECT value FROM json_each(%s))", json.dumps(ints)  # noqa: S608
    else:
        return queryset.filter(pk__in=pks)
    return queryset.filter(RawSQL(sql, (param,), output_field=BooleanField()))  # noqa: S611


# --- query compilation --------------------------------------------------------------------------------------


def _terms_query(field: str, terms: Iterable[str], prefix: str = "") -> wq.Query:
    parts: list[wq.Query] = [wq.Term(field, t) for t in terms]
    if prefix:
        parts.append(wq.Prefix(field, prefix) if len(prefix) >= 2 else wq.Term(field, prefix))
    if not parts:
        return wq.NullQuery
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _docnum_query(field: str, terms: Iterable[str]) -> wq.Query:
    parts = [wq.Term(field, t) for t in terms]
    if not parts:
        return wq.NullQuery
    return parts[0] if len(parts) == 1 else wq.Or(parts)


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True  # ordering is done by the database
    autocomplete = False

    def _match_field(self) -> str:
        if self.autocomplete:
            return "auto"
        if self.fields and all(name in TITLE_NAMES for name in self.fields):
            return "title"
        return "content"

    def _analyze(self, text: str) -> AnalyzedQuery:
        return analyze_query(text, autocomplete=self.autocomplete)

    def _plain(self, text: str, operator: str, boosts: list[Clause]) -> wq.Query:
        analyzed = self._analyze(text)
        field = self._match_field()
        parts = [_terms_query(field, w.terms, w.prefix) for w in analyzed.words]
        parts += [_docnum_query(field, d.terms) for d in analyzed.docnums]
        if not parts:
            return wq.NullQuery
        self._collect_boosts(analyzed, boosts)
        if len(parts) == 1:
            return parts[0]
        if operator == "and":
            return wq.And(parts)
        # OR: a document matching more of the words ranks higher, also when ranked by clauses.
        boosts.extend(Clause(part.with_boost(WORD_WEIGHT), scored=False) for part in parts)
        return wq.Or(parts)

    def _is_common(self, word) -> bool:
        searcher = getattr(self, "_searcher", None)
        if searcher is None or not word.terms:
            return False
        limit = COMMON_WORD_SHARE * max(1, searcher.doc_count())
        return min(searcher.doc_frequency("content", t) for t in word.terms) > limit

    def _collect_boosts(self, analyzed: AnalyzedQuery, boosts: list[Clause]) -> None:
        for w in analyzed.words:
            if self._match_field() != "title":
                boosts.append(Clause(_terms_query("title", w.terms, w.prefix).with_boost(TITLE_BOOST)))
            if not self.autocomplete:
                # Whoosh scores the head clause of a very common word at a high cost for nothing: clauses only.
                head = _terms_query("head", w.terms, w.prefix).with_boost(HEAD_BOOST)
                boosts.append(Clause(head, scored=not self._is_common(w)))
        for d in analyzed.docnums:
            boosts.append(Clause(_docnum_query("docnum", d.terms).with_boost(DOCNUM_BOOST)))
        if analyzed.docnum_hints:
            boosts.append(Clause(_docnum_query("docnum", analyzed.docnum_hints).with_boost(DOCNUM_BOOST)))
            boosts.append(Clause(_docnum_query("content", analyzed.docnum_hints).with_boost(DOCNUM_CITED_BOOST)))

    def _compile(self, node, boosts: list[Clause]) -> wq.Query:
        if isinstance(node, str):
            node = PlainText(node, operator=self.DEFAULT_OPERATOR)
        if isinstance(node, MatchAll):
            return wq.Every()
        if isinstance(node, (PlainText, Fuzzy)):
            q = self._plain(node.query_string, node.operator, boosts)
            boost = getattr(node, "boost", 1)
            return q.with_boost(boost) if boost != 1 and q is not wq.NullQuery else q
        if isinstance(node, Phrase):
            # No positions in the index: a phrase is the AND of all its terms (bigrams in order).
            return self._plain(node.query_string, "and", boosts)
        if isinstance(node, Boost):
            q = self._compile(node.subquery, boosts)
            return q.with_boost(node.boost) if q is not wq.NullQuery else q
        if isinstance(node, And):
            return wq.And([self._compile(sub, boosts) for sub in node.subqueries]).normalize()
        if isinstance(node, Or):
            return wq.Or([self._compile(sub, boosts) for sub in node.subqueries]).normalize()
        if isinstance(node, Not):
            return wq.AndNot(wq.Every(), self._compile(node.subquery, []))
        raise NotImplementedError(f"{type(node).__name__} is not supported by the Whoosh search backend.")

    def is_match_all(self) -> bool:
        return isinstance(self.query, MatchAll)

    def whoosh_query(self, searcher=None) -> CompiledQuery | None:
        """The Whoosh queries for this search, or None when the query has no searchable terms. With a searcher,
        very common words (document frequency) get a lighter ranking clause."""
        self._searcher = searcher
        clauses: list[Clause] = []
        match = self._compile(self.query, clauses)
        if match is wq.NullQuery:
            return None
        clauses = [c for c in clauses if c.query is not wq.NullQuery]
        boosts = [c.query for c in clauses if c.scored]
        ranked = wq.AndMaybe(match, wq.Or(boosts)) if boosts and self.order_by_relevance else match
        return CompiledQuery(
            match=match, ranked=ranked, model=model_label(self.queryset.model),
            clauses=tuple(c.query for c in clauses), weighted=_weighted(match),
        )


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    autocomplete = True


@dataclass(frozen=True)
class Clause:
    query: wq.Query  # a ranking clause, its weight as ``boost``
    scored: bool = True  # also part of the query Whoosh scores (else used only when ranking by clauses)


@dataclass(frozen=True)
class CompiledQuery:
    match: wq.Query  # which documents match (counts, pk lists)
    ranked: wq.Query  # match + optional ranking clauses (title, head, 文号) for the top hits
    model: str  # the queryset's model label: documents of this model or a subclass
    clauses: tuple = ()  # ranking by clauses (:func:`search.docsets.rank_by_clauses`): each with its weight as boost
    weighted: bool = False  # the query itself carries boosts (modelsearch ``Boost``): always scored by Whoosh


def _weighted(query: wq.Query) -> bool:
    return getattr(query, "boost", 1) != 1 or any(_weighted(child) for child in query.children())


# --- results ------------------------------------------------------------------------------------------------
#
# The model restriction is a docnum set passed as Whoosh's ``filter`` (cached per searcher), not a clause of the
# query: with an AND-ed model term inside an AndMaybe, Whoosh 2.7.5's block-quality pruning makes
# ``len(results)`` wrong (294 instead of 1,731 for 管理 on 2,000 documents). Counts are therefore always taken
# from ``docs_for_query`` (an unscored pass), never from the scored top-N search.


def _model_filter(searcher, model: str):
    """Docnums of the model's documents, or None when every document in the index belongs to it."""
    cache = searcher.__dict__.setdefault("_portal_model_filters", {})
    if model not in cache:
        docs = set(searcher.docs_for_query(wq.Term("models", model)))
        cache[model] = None if len(docs) == searcher.doc_count() else docs
    return cache[model]


def matched_bits(searcher, compiled: CompiledQuery) -> list[int] | None:
    """Bitmap (:mod:`search.docsets`) of the live documents of the model that match; None if not evaluable."""
    within = docsets.evaluate(searcher, wq.Term("models", compiled.model))
    return None if within is None else docsets.evaluate(searcher, compiled.match, within)


def ranked_hits(searcher, compiled: CompiledQuery, limit: int | None, bm25_limit: int = 0):
    """[(pk, score)] best first, and whether there are no more hits than these."""
    matched = matched_bits(searcher, compiled)
    if matched is None:
        allowed = _model_filter(searcher, compiled.model)
        if allowed is not None and not allowed:
            return [], True
    else:
        total = docsets.count(matched)
        if not total:
            return [], True
        if total > bm25_limit and not compiled.weighted:
            clauses = [(docsets.evaluate(searcher, b, matched), b.boost) for b in compiled.clauses]
            if all(bits is not None for bits, _weight in clauses):
                hits = docsets.rank_by_clauses(searcher, matched, clauses, total if limit is None else limit)
                return hits, limit is None or total <= limit
        allowed = set(docsets.docnums(searcher, matched))
    results = searcher.search(compiled.ranked, limit=limit, filter=allowed)
    reader = searcher.reader()
    pk_col = reader.column_reader("pk")
    fresh_col = reader.column_reader("fresh")
    hits = [(pk_col[docnum], score, fresh_col[docnum]) for docnum, score in results.items()]
    hits.sort(key=lambda h: (-round(h[1], 6), -h[2]))
    exhausted = limit is None or results.scored_length() < limit
    return [(pk, score) for pk, score, _fresh in hits], exhausted


def matching_pks(searcher, compiled: CompiledQuery) -> list[str]:
    """The stored pks of every live matching document of the model."""
    matched = matched_bits(searcher, compiled)
    if matched is not None:
        return docsets.pks(searcher, matched)
    allowed = _model_filter(searcher, compiled.model)
    pk_col = searcher.reader().column_reader("pk")
    return [pk_col[d] for d in searcher.docs_for_query(compiled.match) if allowed is None or d in allowed]


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    @property
    def _store(self):
        return self.backend.store

    def _compiled(self) -> CompiledQuery | None:
        if not hasattr(self, "_compiled_query"):
            self._compiled_query = self.query_compiler.whoosh_query(self._store.searcher())
        return self._compiled_query

    def _searcher(self):
        searcher = self._store.searcher()
        return None if searcher.doc_count() == 0 else searcher

    def _ranked_hits(self, limit: int | None):
        """[(pk, score)] in rank order (score, then freshness), and whether Whoosh has no more hits."""
        compiled, searcher = self._compiled(), self._searcher()
        if compiled is None or searcher is None:
            return [], True
        key = ("ranked", repr(compiled.ranked), compiled.model, limit)
        bm25_limit = self.backend.bm25_ranking_limit
        return self._store.cached(searcher, key, lambda: ranked_hits(searcher, compiled, limit, bm25_limit))

    def _all_pks(self) -> list[str]:
        compiled, searcher = self._compiled(), self._searcher()
        if compiled is None or searcher is None:
            return []
        key = ("pks", repr(compiled.match), compiled.model)
        return self._store.cached(searcher, key, lambda: matching_pks(searcher, compiled))

    def _queryset(self):
        return self.query_compiler.queryset

    def _pk_python(self, pks: Iterable[str]) -> list:
        pk_field = self._queryset().model._meta.pk
        out = []
        for pk in pks:
            try:
                out.append(pk_field.to_python(pk))
            except Exception:  # noqa: BLE001, S112 - an entry of another pk type: cannot be one of ours
                continue
        return out

    def _do_search(self):
        queryset = self._queryset()
        if self.query_compiler.is_match_all():
            return self._annotate(list(queryset[self.start : self.stop]), {})
        if not self.query_compiler.order_by_relevance:
            pks = self._pk_python(self._all_pks())
            if not pks:
                return []
            return self._annotate(list(filter_by_pks(queryset, pks)[self.start : self.stop]), {})

        need = self.stop
        limit = None if need is None else max(MIN_WINDOW, need * 2)
        while True:
            hits, exhausted = self._ranked_hits(limit)
            scores = {}
            for pk, score in hits:
                scores.setdefault(pk, score)
            allowed = self._allowed_in_order(queryset, list(scores))
            if exhausted or need is None or len(allowed) >= need:
                break
            limit *= 4
        window = allowed[self.start : self.stop]
        if not window:
            return []
        objects = {str(obj.pk): obj for obj in filter_by_pks(queryset, self._pk_python(window))}
        ordered = [objects[pk] for pk in window if pk in objects]
        return self._annotate(ordered, scores)

    def _allowed_in_order(self, queryset, pks: list[str]) -> list[str]:
        if not pks:
            return []
        rows = filter_by_pks(queryset.order_by(), self._pk_python(pks)).values_list("pk", flat=True)
        allowed = {str(pk) for pk in rows}
        return [pk for pk in pks if pk in allowed]

    def _annotate(self, objects, scores):
        if self._score_field:
            for obj in objects:
                setattr(obj, self._score_field, scores.get(str(obj.pk)))
        return objects

    def facet(self, field_name):
        """{value: count} of a FilterField over all results (e.g. ``content_type_id`` for the search page's tabs)."""
        field = self.query_compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {self._queryset().model.__name__}.search_fields.',
                field_name=field_name,
            )
        queryset = self._queryset().order_by()
        if not self.query_compiler.is_match_all():
            queryset = filter_by_pks(queryset, self._pk_python(self._all_pks()))
        rows = queryset.values(field_name).annotate(count=Count("pk")).order_by("-count", field_name)
        return OrderedDict((row[field_name], row["count"]) for row in rows)

    def _do_count(self):
        queryset = self._queryset()
        if self.query_compiler.is_match_all():
            return queryset.count()
        searcher = self._searcher()
        if self._compiled() is None or searcher is None:
            return 0
        if not queryset.query.where and not queryset.query.is_sliced:
            return len(self._all_pks())
        pks = self._pk_python(self._all_pks())
        if not pks:
            return 0
        return filter_by_pks(queryset.order_by(), pks).count()


# --- index and rebuilder ------------------------------------------------------------------------------------


class WhooshIndex(BaseIndex):
    def __init__(self, backend, rebuild_name: str | None = None):
        super().__init__(backend)
        self.rebuild_name = rebuild_name

    def get_key(self):
        return str(self.backend.store.path)

    def __str__(self):
        return str(self.backend.store.path)

    def add_model(self, model):
        pass  # one schema for every model

    def refresh(self):
        pass  # searchers notice commits by themselves

    def reset(self):
        self.backend.store.reset()

    def _split(self, items):
        docs, deletes = [], []
        for obj in items:
            if is_indexable(obj, index_unpublished=self.backend.index_unpublished):
                docs.append(build_document(obj))
            else:
                deletes.append(document_key(obj))
        return docs, deletes

    def add_items(self, model, items):
        docs, deletes = self._split(items)
        if self.rebuild_name:
            self.backend.store.write_rebuild(self.rebuild_name, docs)
        else:
            self.backend.store.write(docs, deletes)

    def delete_item(self, item):
        self.backend.store.write((), [document_key(item)])


class WhooshRebuilder:
    """``update_index``: fill a new index beside the live one (searches keep working), then switch it in."""

    def __init__(self, index: WhooshIndex):
        self.index = index
        self.name = None

    def start(self):
        self.name = self.index.backend.store.start_rebuild()
        return WhooshIndex(self.index.backend, rebuild_name=self.name)

    def finish(self):
        self.index.backend.store.finish_rebuild(self.name)


# --- backend ------------------------------------------------------------------------------------------------


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    index_class = WhooshIndex
    rebuilder_class = WhooshRebuilder
    # A failed index write is logged, not raised: the database change stands, and because every search is
    # filtered through the queryset a stale entry can only be missing, never wrongly shown.
    catch_indexing_errors = True

    def __init__(self, params):
        super().__init__(params)
        path = params.get("PATH") or settings.BASE_DIR / "var" / "search_index"
        self.store = get_store(
            path,
            write_timeout=float(params.get("WRITE_TIMEOUT", 10)),
            cache_size=int(params.get("RESULT_CACHE", 256)),
        )
        self.index_unpublished = bool(params.get("INDEX_UNPUBLISHED", False))
        self.bm25_ranking_limit = int(params.get("BM25_RANKING_LIMIT", 0))

    def get_index_for_model(self, model):
        return WhooshIndex(self)


SearchBackend = WhooshSearchBackend
