"""Site search queries shared by the search page, the suggestions and the JSON API.

Everything a user types goes to the backend as plain text (the backend never parses a query language, see
:mod:`search.backends.whoosh`). Result types are page content types: the tabs and their labels come from the
models that have results (``verbose_name_plural``), so no list of models lives here.

Query count is fixed whatever the number of results: one count, one facet, one page of base pages, then one query
per content type on that page for the specific pages (``specific()``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page

from .analysis import highlight_terms, normalize

PAGE_SIZE = 20
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


@dataclass
class SearchQuery:
    q: str = ""
    type_key: str = ""  # "" when absent or unknown (ignored)
    types: list[ResultType] = field(default_factory=list)
    total: int = 0  # results of every type

    @property
    def active(self) -> bool:
        return bool(self.q)


def clean_query(raw) -> str:
    """The query as typed, trimmed, control characters removed, at most MAX_QUERY_LENGTH characters."""
    text = "".join(ch if ch.isprintable() or ch == " " else " " for ch in str(raw or ""))
    return _WS.sub(" ", text).strip()[:MAX_QUERY_LENGTH]


def type_key(content_type: ContentType) -> str:
    return f"{content_type.app_label}.{content_type.model}"


def type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name_plural) if model else content_type.model


def _base_queryset():
    return Page.objects.live().public()


def search_pages(raw_q, raw_type=""):
    """(SearchQuery, results) — results is a sliceable, countable backend result set of specific pages, or []."""
    query = SearchQuery(q=clean_query(raw_q))
    if not query.q:
        return query, []
    facets = _base_queryset().search(query.q).facet("content_type_id")
    by_key = {}
    for ct_id, count in facets.items():
        content_type = ContentType.objects.get_for_id(ct_id)  # cached per process
        by_key[type_key(content_type)] = (content_type, count)
        query.types.append(ResultType(type_key(content_type), type_label(content_type), count))
    query.types.sort(key=lambda t: (-t.count, t.label))
    query.total = sum(t.count for t in query.types)
    queryset = _base_queryset()
    wanted = str(raw_type or "").strip()
    if wanted in by_key:
        query.type_key = wanted
        queryset = queryset.filter(content_type_id=by_key[wanted][0].pk)
    return query, queryset.specific().search(query.q)


def suggest(raw_q) -> list[Page]:
    q = clean_query(raw_q)
    if not q:
        return []
    return list(_base_queryset().specific().autocomplete(q)[:SUGGEST_LIMIT])


# --- presentation ------------------------------------------------------------------------------------------
def result_date(page):
    """date_published when the page type has one, otherwise the first publication date."""
    value = getattr(page, "date_published", None)
    if value:
        return value
    return page.first_published_at.date() if page.first_published_at else None


def result_type_label(page) -> str:
    return type_label(ContentType.objects.get_for_id(page.content_type_id))


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


def type_key_for(page) -> str:
    return type_key(ContentType.objects.get_for_id(page.content_type_id))
