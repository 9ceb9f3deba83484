"""A modelsearch (Wagtail search) backend on PostgreSQL full-text search, with the analyzer of the Whoosh backend.

For deployments with several web hosts (or more documents than one Whoosh directory serves well): the index is a
table in the database the portal already runs (:class:`search.models.IndexEntry`), so every host — and every read
replica — searches the same index. Settings::

    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.postgres",
            "INDEX_UNPUBLISHED": False,   # as for the Whoosh backend (search_is_public False: never indexed)
        }
    }

then ``manage.py update_index``. The backend refuses to start (ImproperlyConfigured) on any other database.

Terms: exactly those of :mod:`search.analysis` (CJK unigrams + bigrams, Latin/digit words, ``#`` 文号 terms),
built from :func:`search.documents.build_document` — the same fields and roles as Whoosh. They are stored as
tsvector *literals* (``'餐厨':3A,17 'pm2.5':40``), never passed through PostgreSQL's text parser, so terms with
``#``, ``-`` or ``.`` stay intact; the 'simple' configuration is never involved. Weights: title and the object's
own 文号 terms A, short plain fields (summary, 文号, keywords) B, all text D. Queries are tsquery literals built
from :func:`search.analysis.analyze_query` (each word the AND of its terms, a 文号 part the OR of its ``#`` terms,
words ANDed unless ``operator="or"``), passed as one bound parameter and cast to ``tsquery`` — user text is never
formatted into SQL.

Ranking: ``ts_rank_cd`` with weights A 1.0, B 0.4, D 0.1, plus a bonus for organisation + year hints
(成城管发 2023) found in the document's own 文号 (or, less, cited in its text); ties go to the newer document.
Matching entries are restricted in SQL to the queryset's pks (``object_id IN (SELECT pk::text FROM <queryset>)``),
so ``live()``, ``public()``, ``descendant_of()`` and permission filters keep working, counts and slices are exact
and a stale entry is never shown. Results are instances of the queryset in rank order.

Approximations (as in the Whoosh backend): ``Phrase`` is the AND of its terms; ``Fuzzy`` is ``PlainText``;
``Boost`` adds a fixed bonus to documents matching the boosted part; ``fields=[...]`` narrows to titles when only
``title``/``name`` is named.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQueryField
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import BigIntegerField, BooleanField, CharField, Count, F, FloatField, Func, Value
from django.db.models.functions import Cast
from django.utils import timezone
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterFieldError,
    get_model_root,
)
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

from ..analysis import AnalyzedQuery, analyze_query, index_terms
from ..documents import TITLE_NAMES, build_document, is_indexable
from .whoosh import _int_pk

MAX_POSITION = 16383  # PostgreSQL's largest tsvector position (larger ones are clamped)
MAX_POSITIONS_PER_TERM = 256  # PostgreSQL keeps at most 256 positions per lexeme
FIELD_GAP = 8  # positions left between fields, so a cover never spans two of them
# ts_rank_cd weights, in PostgreSQL's order {D, C, B, A}: body 0.1, (unused) 0.2, head 0.4, title/own 文号 1.0
RANK_WEIGHTS = "{0.1,0.2,0.4,1.0}"
HINT_OWN_BONUS = 2.0  # organisation + year hint (成城管发 2023) matching the document's own 文号
HINT_CITED_BONUS = 0.2  # … cited in the document's text
BOOST_UNIT = 0.1  # rank bonus per unit of Boost above 1 (Boost(q, 10): +0.9 for documents matching q)
WRITE_BATCH = 500


# --- tsvector / tsquery literals ------------------------------------------------------------------------------


def quote_lexeme(term: str) -> str:
    """A term as a quoted tsvector/tsquery lexeme: quotes and backslashes doubled."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(sections: list[tuple[list[str], str]]) -> str:
    """A tsvector literal for ``[(terms, weight), …]``: positions are term ordinals, fields separated by a gap."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for terms, weight in sections:
        if not terms:
            continue
        for term in terms:
            if not term:
                continue
            pos = min(pos + 1, MAX_POSITION)
            entry = positions.setdefault(term, [])
            if len(entry) < MAX_POSITIONS_PER_TERM:
                entry.append(f"{pos}{weight}")
        pos = min(pos + FIELD_GAP, MAX_POSITION)
    return " ".join(f"{quote_lexeme(term)}:{','.join(dict.fromkeys(p))}" for term, p in positions.items())


def _tsq_and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"


def _tsq_or(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def _tsq_terms(terms, prefix: str = "") -> str | None:
    parts = [quote_lexeme(t) for t in terms]
    if prefix:  # autocomplete: the last Latin word as a prefix (one letter: exact, as in the Whoosh backend)
        parts.append(quote_lexeme(prefix) + (":*" if len(prefix) >= 2 else ""))
    return _tsq_and(parts) if parts else None


# --- query compilation ----------------------------------------------------------------------------------------

ALL = "<all>"  # compiled MatchAll (no tsquery: every document)


class PostgresSearchQueryCompiler(BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True  # ordering is done by the database
    autocomplete = False

    def _column(self) -> str:
        if self.autocomplete:
            return "autocomplete"
        if self.fields and all(name in TITLE_NAMES for name in self.fields):
            return "title"
        return "content"

    def _plain(self, text: str, operator: str, hints: list[str]) -> str | None:
        analyzed: AnalyzedQuery = analyze_query(text, autocomplete=self.autocomplete)
        parts = [_tsq_terms(w.terms, w.prefix) for w in analyzed.words]
        parts += [_tsq_or([quote_lexeme(t) for t in d.terms]) for d in analyzed.docnums if d.terms]
        parts = [p for p in parts if p]
        if not parts:
            return None
        hints.extend(analyzed.docnum_hints)
        return _tsq_and(parts) if operator == "and" else _tsq_or(parts)

    def _compile(self, node, hints: list[str]) -> str | None:
        """A tsquery literal, ALL (every document) or None (nothing to search for: no results)."""
        if isinstance(node, str):
            node = PlainText(node, operator=self.DEFAULT_OPERATOR)
        if isinstance(node, MatchAll):
            return ALL
        if isinstance(node, (PlainText, Fuzzy)):
            return self._boosted(self._plain(node.query_string, node.operator, hints), getattr(node, "boost", 1))
        if isinstance(node, Phrase):
            return self._plain(node.query_string, "and", hints)
        if isinstance(node, Boost):
            return self._boosted(self._compile(node.subquery, hints), node.boost)
        if isinstance(node, And):
            parts = [self._compile(sub, hints) for sub in node.subqueries]
            parts = [p for p in parts if p is not None and p != ALL]
            if not parts:
                return ALL if any(self._compile(s, []) == ALL for s in node.subqueries) else None
            return _tsq_and(parts)
        if isinstance(node, Or):
            parts = [self._compile(sub, hints) for sub in node.subqueries]
            if ALL in parts:
                return ALL
            parts = [p for p in parts if p is not None]
            return _tsq_or(parts) if parts else None
        if isinstance(node, Not):
            inner = self._compile(node.subquery, [])
            if inner is None:
                return ALL
            if inner == ALL:
                return None
            return f"!{inner}" if inner.startswith("(") else f"!({inner})"
        raise NotImplementedError(f"{type(node).__name__} is not supported by the PostgreSQL search backend.")

    def _boosted(self, tsquery: str | None, boost: float) -> str | None:
        """Record a boosted subquery: documents matching it get a ranking bonus (tsquery has no boosts)."""
        if tsquery and tsquery != ALL and boost != 1:
            self._boosts.append((tsquery, float(boost)))
        return tsquery

    def is_match_all(self) -> bool:
        return isinstance(self.query, MatchAll)

    def compiled(self) -> CompiledQuery:
        if not hasattr(self, "_compiled"):
            hints: list[str] = []
            self._boosts: list[tuple[str, float]] = []
            match = self._compile(self.query, hints)
            hints = list(dict.fromkeys(hints))
            self._compiled = CompiledQuery(
                match=match,
                column=self._column(),
                hint_own=_tsq_or([quote_lexeme(h) + ":A" for h in hints]) if hints else None,
                hint_any=_tsq_or([quote_lexeme(h) for h in hints]) if hints else None,
                boosts=tuple(self._boosts),
            )
        return self._compiled


class PostgresAutocompleteQueryCompiler(PostgresSearchQueryCompiler):
    autocomplete = True


@dataclass(frozen=True)
class CompiledQuery:
    match: str | None  # tsquery literal, ALL or None (no results)
    column: str  # the IndexEntry tsvector searched: content, title or autocomplete
    hint_own: str | None = None  # ranking only: 文号 organisation + year in the document's own 文号
    hint_any: str | None = None  # … anywhere in the document
    boosts: tuple = ()  # ((tsquery, boost), …) of Boost nodes: a ranking bonus for documents matching them


# --- SQL expressions (every literal is a bound parameter) --------------------------------------------------------


def _tsquery(literal: str):
    return Cast(Value(literal), output_field=SearchQueryField())


class _Matches(Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()


class _RankCD(Func):
    # Only constants are formatted into the template; the vector is a column, the query a bound parameter.
    template = f"ts_rank_cd('{RANK_WEIGHTS}'::float4[], %(expressions)s)"
    output_field = FloatField()


class _Bonus(Func):
    template = "(CASE WHEN %(expressions)s THEN %(bonus)s ELSE 0 END)"
    arg_joiner = " @@ "
    output_field = FloatField()


# --- results ------------------------------------------------------------------------------------------------


class PostgresSearchResults(BaseSearchResults):
    supports_facet = True

    def _queryset(self):
        return self.query_compiler.queryset

    def _compiled(self) -> CompiledQuery:
        return self.query_compiler.compiled()

    def _entries(self):
        """The IndexEntry rows matching the query and belonging to the queryset (read from the queryset's
        database, so a read replica serves searches)."""
        from ..models import IndexEntry

        queryset = self._queryset()
        compiled = self._compiled()
        root = get_model_root(queryset.model)
        content_type = ContentType.objects.db_manager(queryset.db).get_for_model(root)
        pks = queryset.order_by().annotate(_search_pk=Cast("pk", output_field=CharField())).values("_search_pk")
        entries = IndexEntry.objects.using(queryset.db).filter(content_type=content_type, object_id__in=pks)
        if compiled.match != ALL:
            entries = entries.filter(_Matches(F(compiled.column), _tsquery(compiled.match)))
        return entries

    def _matching_queryset(self):
        """The queryset restricted to matching objects (for order_by_relevance=False and facets)."""
        queryset = self._queryset()
        model = queryset.model
        pk_output = BigIntegerField() if _int_pk(model) else CharField()
        object_ids = self._entries().annotate(
            _object_pk=Cast("object_id", output_field=pk_output)
        ).values("_object_pk")
        if _int_pk(model):
            return queryset.filter(pk__in=object_ids)
        return queryset.annotate(_search_pk=Cast("pk", output_field=CharField())).filter(_search_pk__in=object_ids)

    def _rank(self, compiled: CompiledQuery):
        rank = _RankCD(F(compiled.column), _tsquery(compiled.match))
        if compiled.column == "content":
            if compiled.hint_own:
                rank = rank + _Bonus(F("content"), _tsquery(compiled.hint_own), bonus=HINT_OWN_BONUS)
            if compiled.hint_any:
                rank = rank + _Bonus(F("content"), _tsquery(compiled.hint_any), bonus=HINT_CITED_BONUS)
        for tsquery, boost in compiled.boosts:
            bonus = round((boost - 1) * BOOST_UNIT, 6)
            rank = rank + _Bonus(F(compiled.column), _tsquery(tsquery), bonus=bonus)
        return rank

    def _pk_python(self, object_id: str):
        pk_field = self._queryset().model._meta.pk
        try:
            return pk_field.to_python(object_id)
        except Exception:  # noqa: BLE001 - an entry of another pk type: cannot be one of ours
            return None

    def _do_search(self):
        queryset = self._queryset()
        compiled = self._compiled()
        if compiled.match == ALL:
            return self._annotate(list(queryset[self.start : self.stop]), {})
        if compiled.match is None:
            return []
        if not self.query_compiler.order_by_relevance:
            return self._annotate(list(self._matching_queryset()[self.start : self.stop]), {})
        rows = (
            self._entries()
            .annotate(_rank=self._rank(compiled))
            .order_by(F("_rank").desc(), F("date").desc(nulls_last=True), "object_id")
            .values_list("object_id", "_rank")[self.start : self.stop]
        )
        scores = dict(rows)
        if not scores:
            return []
        pks = [pk for pk in (self._pk_python(o) for o in scores) if pk is not None]
        objects = {str(obj.pk): obj for obj in queryset.filter(pk__in=pks)}
        return self._annotate([objects[o] for o in scores if o in objects], scores)

    def _annotate(self, objects, scores):
        if self._score_field:
            for obj in objects:
                setattr(obj, self._score_field, scores.get(str(obj.pk)))
        return objects

    def _do_count(self):
        compiled = self._compiled()
        if compiled.match == ALL:
            return self._queryset().count()
        if compiled.match is None:
            return 0
        return self._entries().count()

    def facet(self, field_name):
        """{value: count} of a FilterField over all results (e.g. ``content_type_id`` for the search page's tabs)."""
        field = self.query_compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {self._queryset().model.__name__}.search_fields.',
                field_name=field_name,
            )
        compiled = self._compiled()
        if compiled.match is None:
            return OrderedDict()
        queryset = self._queryset() if compiled.match == ALL else self._matching_queryset()
        rows = queryset.order_by().values(field_name).annotate(count=Count("pk")).order_by("-count", field_name)
        return OrderedDict((row[field_name], row["count"]) for row in rows)


# --- index and rebuilder ------------------------------------------------------------------------------------


def _date(seconds: int):
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC) if seconds else None


def entry_fields(obj) -> dict:
    """The IndexEntry column values for one object (from the same document as the Whoosh backend's)."""
    return document_entry_fields(build_document(obj))


def document_entry_fields(doc: dict) -> dict:
    """The IndexEntry column values for a :func:`search.documents.build_document` dict."""
    title = index_terms(doc["title"])
    return {
        "object_id": doc["pk"],
        "model_labels": doc["models"],
        "title": tsvector_literal([(title, "A")]),
        "content": tsvector_literal([
            (title, "A"),
            (doc["docnum"].split(), "A"),
            (index_terms(doc["head"]), "B"),
            (index_terms(doc["content"]), "D"),
        ]),
        "autocomplete": tsvector_literal([(index_terms(doc["auto"]), "A")]),
        "date": _date(doc["fresh"]),
    }


class PostgresIndex(BaseIndex):
    def get_key(self):
        return "postgres"

    def __str__(self):
        return "postgres"

    def _manager(self):
        from ..models import IndexEntry

        return IndexEntry.objects.db_manager(router.db_for_write(IndexEntry))

    def add_model(self, model):
        pass  # one table for every model

    def refresh(self):
        pass

    def reset(self):
        self._manager().all().delete()

    def add_items(self, model, items):
        from ..models import IndexEntry

        manager = self._manager()
        now = timezone.now()
        entries: dict[tuple[int, str], IndexEntry] = {}
        deletes: dict[int, list[str]] = {}
        for obj in items:
            content_type = ContentType.objects.db_manager(manager.db).get_for_model(get_model_root(type(obj)))
            if is_indexable(obj, index_unpublished=self.backend.index_unpublished):
                fields = entry_fields(obj)
                entries[(content_type.pk, fields["object_id"])] = IndexEntry(
                    content_type=content_type, indexed_at=now, **fields
                )
            else:
                deletes.setdefault(content_type.pk, []).append(str(obj.pk))
        if entries:
            manager.bulk_create(
                list(entries.values()),
                batch_size=WRITE_BATCH,
                update_conflicts=True,
                unique_fields=["content_type", "object_id"],
                update_fields=["model_labels", "title", "content", "autocomplete", "date", "indexed_at"],
            )
        for content_type_id, object_ids in deletes.items():
            manager.filter(content_type_id=content_type_id, object_id__in=object_ids).delete()

    def delete_item(self, item):
        manager = self._manager()
        content_type = ContentType.objects.db_manager(manager.db).get_for_model(get_model_root(type(item)))
        manager.filter(content_type=content_type, object_id=str(item.pk)).delete()


class PostgresRebuilder:
    """``update_index``: upsert every object (searches keep working), then delete the entries not written since
    the start — objects deleted meanwhile, models no longer indexed."""

    def __init__(self, index: PostgresIndex):
        self.index = index
        self.started = None

    def start(self):
        self.started = timezone.now()
        return self.index

    def finish(self):
        self.index._manager().filter(indexed_at__lt=self.started).delete()


# --- backend ------------------------------------------------------------------------------------------------


class PostgresSearchBackend(BaseSearchBackend):
    query_compiler_class = PostgresSearchQueryCompiler
    autocomplete_query_compiler_class = PostgresAutocompleteQueryCompiler
    results_class = PostgresSearchResults
    index_class = PostgresIndex
    rebuilder_class = PostgresRebuilder
    # As for Whoosh: a failed index write is logged, not raised; a stale entry can only be missing, never shown.
    catch_indexing_errors = True

    def __init__(self, params):
        super().__init__(params)
        from ..models import IndexEntry

        alias = router.db_for_write(IndexEntry)
        vendor = connections[alias].vendor
        if vendor != "postgresql":
            raise ImproperlyConfigured(
                f'The search backend "search.backends.postgres" needs PostgreSQL, but the database "{alias}" is '
                f'{vendor}. Use "search.backends.whoosh" on other databases.'
            )
        self.index_unpublished = bool(params.get("INDEX_UNPUBLISHED", False))

    def get_index_for_model(self, model):
        return PostgresIndex(self)


SearchBackend = PostgresSearchBackend
