"""Site search queries shared by the search page, the suggestions and the JSON API.

Everything a user types goes to the backend as plain text (the backend never parses a query language, see
:mod:`search.backends.whoosh`). Two kinds of result type, and no list of models here:

- **page types**: live, public Wagtail pages, one type per page content type that has results;
- **public non-page models**: every indexed model (modelsearch's ``get_indexed_models()``) that is not a page and
  has a ``public_search_queryset()`` classmethod — the contract of docs/search.md, "Non-page content" (e.g.
  ``consultations.Consultation``). The search app never imports them.

Labels are the models' ``verbose_name_plural`` (or a model's ``search_type_label``).

Query count is fixed whatever the number of results: one facet for the page types, one count per public non-page
model, then for the chosen list one count and one page of results (plus one query per page content type on that
page for the specific pages, ``specific()``); without a chosen type, the first page also shows the top
``GROUP_SIZE`` hits of each non-page type (two queries per type with hits).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models
from wagtail.models import Page

from core.params import single_line

from .analysis import highlight_terms, normalize

PAGE_SIZE = 20
GROUP_SIZE = 3  # hits of each non-page type shown above the page results when no type is chosen
SUGGEST_LIMIT = 8
MAX_QUERY_LENGTH = 256  # characters kept from q (the analyzer cuts there too)
SNIPPET_CHARS = 140
_SNIPPET_SOURCES = ("search_description", "summary", "intro")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class ResultType:
    key: str  # "app_label.model", the value of ?type=
    label: str
    count: int
    is_page: bool = True  # a page content type (False: a public non-page model)


@dataclass(frozen=True)
class ResultGroup:
    """The top hits of one non-page type, shown above the page results when no type is chosen."""

    type: ResultType
    hits: list


@dataclass
class SearchQuery:
    q: str = ""
    type_key: str = ""  # "" when absent or unknown (ignored)
    types: list[ResultType] = field(default_factory=list)
    total: int = 0  # results of every type
    # key → backend results of each public non-page model with hits (counted already)
    model_results: dict = field(default_factory=dict, repr=False)

    @property
    def active(self) -> bool:
        return bool(self.q)

    @property
    def groups(self) -> list[ResultType]:
        """The non-page types with results, in tab order."""
        return [t for t in self.types if not t.is_page]


def clean_query(raw) -> str:
    """The query as typed on one line (control characters removed), at most MAX_QUERY_LENGTH characters."""
    return single_line(raw, limit=MAX_QUERY_LENGTH)


def type_key(content_type: ContentType) -> str:
    return f"{content_type.app_label}.{content_type.model}"


def type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name_plural) if model else content_type.model


def _base_queryset():
    return Page.objects.live().public()


# --- public non-page models -------------------------------------------------------------------------------
def public_models() -> list[type]:
    """Indexed models that are not pages and declare ``public_search_queryset()`` (docs/search.md)."""
    return [
        model
        for model in get_indexed_models()
        if not issubclass(model, Page) and callable(getattr(model, "public_search_queryset", None))
    ]


def model_key(model) -> str:
    return model._meta.label_lower


def model_label(model) -> str:
    return str(getattr(model, "search_type_label", None) or model._meta.verbose_name_plural)


def _model_search(model, q: str):
    return get_search_backend().search(q, model.public_search_queryset())


# --- queries --------------------------------------------------------------------------------------------------
def search_site(raw_q, raw_type=""):
    """(SearchQuery, results) — results is a sliceable, countable backend result set, or [].

    With a page type chosen: live public pages of that type; with a non-page type: that model's public objects;
    with none (or an unknown one): every live public page (the non-page types come from :func:`result_groups`).
    """
    query = SearchQuery(q=clean_query(raw_q))
    if not query.q:
        return query, []
    base = _base_queryset()  # public() reads the view restrictions once, for the facet and the results
    facets = base.search(query.q).facet("content_type_id")
    by_key = {}
    for ct_id, count in facets.items():
        content_type = ContentType.objects.get_for_id(ct_id)  # cached per process
        by_key[type_key(content_type)] = content_type
        query.types.append(ResultType(type_key(content_type), type_label(content_type), count))
    for model in public_models():
        results = _model_search(model, query.q)
        count = results.count()  # one query; cached on results (the paginator does not count again)
        if count:
            key = model_key(model)
            query.model_results[key] = results
            query.types.append(ResultType(key, model_label(model), count, is_page=False))
    query.types.sort(key=lambda t: (-t.count, t.label))
    query.total = sum(t.count for t in query.types)
    wanted = str(raw_type or "").strip()
    if wanted in query.model_results:
        query.type_key = wanted
        return query, query.model_results[wanted]
    queryset = base
    page_count = sum(facets.values())
    if wanted in by_key:
        query.type_key = wanted
        queryset = queryset.filter(content_type_id=by_key[wanted].pk)
        page_count = facets[by_key[wanted].pk]
    results = queryset.specific().search(query.q)
    results._count_cache = page_count  # the facet counted the same live public pages: no second count
    return query, results


def result_groups(query: SearchQuery, size: int = GROUP_SIZE) -> list[ResultGroup]:
    """The top ``size`` hits of each non-page type with results (for the page without a chosen type)."""
    return [ResultGroup(t, list(query.model_results[t.key][:size])) for t in query.groups]


def suggest(raw_q) -> list:
    """Page titles first, then titles of public non-page objects, SUGGEST_LIMIT in all."""
    q = clean_query(raw_q)
    if not q:
        return []
    out: list = list(_base_queryset().specific().autocomplete(q)[:SUGGEST_LIMIT])
    for model in public_models():
        remaining = SUGGEST_LIMIT - len(out)
        if remaining <= 0:
            break
        out.extend(get_search_backend().autocomplete(q, model.public_search_queryset())[:remaining])
    return out


# --- presentation (pages and public non-page objects alike) ---------------------------------------------------
def _attr(obj, name):
    value = getattr(obj, name, None)
    return value() if callable(value) else value


def result_title(obj) -> str:
    """``search_result_title`` when the object has one (a model whose ``title`` is something else, such as an
    expert's professional title), else ``title``, else ``str(obj)``."""
    title = _attr(obj, "search_result_title") or getattr(obj, "title", None)
    return title if isinstance(title, str) and title else str(obj)


def result_url(obj, request=None) -> str | None:
    """The object's address (site-relative for a page on the current site)."""
    if isinstance(obj, Page):
        return obj.get_url(request)
    return obj.get_absolute_url()


def result_date(obj):
    """``search_result_date`` when the object has one, else date_published, else the first publication date."""
    value = _attr(obj, "search_result_date")
    if value:
        return value
    value = getattr(obj, "date_published", None)
    if value:
        return value
    first = getattr(obj, "first_published_at", None)
    return first.date() if first else None


def type_key_for(obj) -> str:
    if isinstance(obj, Page):
        return type_key(ContentType.objects.get_for_id(obj.content_type_id))
    return model_key(type(obj))


def result_type_label(obj) -> str:
    if isinstance(obj, Page):
        return type_label(ContentType.objects.get_for_id(obj.content_type_id))
    return model_label(type(obj))


def _stream_text(value, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(strip_tags(value))
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("type", "id"):
                _stream_text(item, out)
    elif isinstance(value, list | tuple):
        for item in value:
            _stream_text(item, out)


def _body_text(page) -> str:
    """Plain text of a StreamField body from its raw data (no rendering, no queries)."""
    body = getattr(page, "body", None)
    raw = getattr(body, "raw_data", None)
    if raw is None:
        return strip_tags(body) if isinstance(body, str) else ""
    out: list[str] = []
    _stream_text(list(raw), out)
    return " ".join(out)


def _sources(page) -> list[str]:
    """The plain texts a snippet is cut from, in order: the object's ``search_snippet_source`` (a string or a list
    of strings) when it has one, otherwise a page's description, summary or intro, then its body."""
    source = _attr(page, "search_snippet_source")
    if source is not None:
        texts = [source] if isinstance(source, str) else list(source)
        return [_WS.sub(" ", t).strip() for t in texts if isinstance(t, str) and t.strip()]
    texts = []
    for name in _SNIPPET_SOURCES:
        value = getattr(page, name, None)
        if isinstance(value, str) and value.strip():
            texts.append(value)  # plain text fields: shown escaped, not stripped
    texts.append(_body_text(page))
    return [_WS.sub(" ", t).strip() for t in texts if t and t.strip()]


def _comparable(text: str) -> str:
    """``normalize(text)`` with the same length as text (so positions map back), character by character if needed."""
    whole = normalize(text)
    if len(whole) == len(text):
        return whole
    out = []
    for ch in text:
        n = normalize(ch)
        out.append(n if len(n) == 1 else ch.lower())
    return "".join(out)


def _needles(q: str) -> list[str]:
    """The query's words, normalised; a CJK word that is not found whole is also looked for in two-character parts."""
    needles: list[str] = []
    for word in highlight_terms(q):
        word = word.strip()
        if not word:
            continue
        needles.append(word)
        if len(word) > 2 and not word.isascii():
            needles.extend(word[i : i + 2] for i in range(len(word) - 1))
    seen = set()
    return [n for n in needles if not (n in seen or seen.add(n))]


def _spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    comparable = _comparable(text)
    spans: list[tuple[int, int]] = []
    for needle in sorted(needles, key=len, reverse=True):
        start = comparable.find(needle)
        while start != -1:
            end = start + len(needle)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = comparable.find(needle, end)
    return sorted(spans)


def mark(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """Escape every piece of text, then wrap the spans in <mark>: nothing user- or editor-written is trusted."""
    out, pos = [], 0
    for start, end in spans:
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # every piece escaped above


def highlight(text: str, q: str) -> SafeString:
    """The whole text, escaped, with the query's words marked."""
    return mark(text, _spans(text, _needles(q)))


def _window(page, q: str, length: int):
    """(prefix, text, spans within text, suffix): the part of the description, summary or body around the first hit."""
    sources = _sources(page)
    if not sources:
        return "", "", [], ""
    needles = _needles(q)
    text, spans = sources[0], []
    for candidate in sources:
        found = _spans(candidate, needles)
        if found:
            text, spans = candidate, found
            break
    start = 0
    if spans and spans[0][0] > length // 3:
        start = spans[0][0] - length // 3
    end = min(len(text), start + length)
    window = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    return ("…" if start > 0 else ""), text[start:end], window, ("…" if end < len(text) else "")


def snippet(page, q: str, length: int = SNIPPET_CHARS) -> SafeString:
    """The text around the first hit, escaped, the query's words in <mark>."""
    prefix, text, spans, suffix = _window(page, q, length)
    return mark_safe(f"{prefix}{mark(text, spans)}{suffix}")  # mark() escapes; affixes are constants


def plain_snippet(page, q: str, length: int = SNIPPET_CHARS) -> str:
    """The same window as plain text (for the API: no markup at all)."""
    prefix, text, _spans_, suffix = _window(page, q, length)
    return f"{prefix}{text}{suffix}"


def page_count(count: int) -> int:
    return max(1, math.ceil(count / PAGE_SIZE))
