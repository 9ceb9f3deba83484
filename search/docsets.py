"""Matching documents as bitmaps, cached per index segment: exact counts, pk lists and the ranking of huge results.

Whoosh walks postings in Python. A word in most documents (管理 is in 87 % of the benchmark's 20,000) costs it
about 100 ms to score and again to count, however often the word is searched — that was the search page's p95. A
Whoosh segment never changes once written (new documents go to new segments; a deletion only marks a document),
so a term's posting list in a segment can be read once per process and kept. This module keeps it as a Python
``int`` used as a bitmap (bit *i* = the segment's document *i*) in an LRU keyed by the segment's id, and evaluates
the backend's compiled queries (``Term``, ``Prefix``, ``And``, ``Or``, ``AndNot``, ``Every``) with integer
``&``, ``|`` and ``& ~`` — microseconds per segment. Deleted documents are masked per search. A commit only adds a
small segment (or merges small ones), so the big segment's cached terms survive it: unlike a result cache, nothing
has to be recomputed after publishing a page.

A bitmap is a list of ints, one per segment of the searcher (``Leaf``), in the searcher's order, so a global Whoosh
docnum is ``leaf.offset + local docnum``. :func:`evaluate` returns None for a query it does not know, and callers
fall back to Whoosh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import compress, islice

from whoosh import query as wq

CACHE_BYTES = 64 * 1024 * 1024  # term bitmaps kept per process (a 20,000-document segment's bitmap is 2.5 KB)
_SELECTOR = bytes.maketrans(b"01", b"\x00\x01")


class _LRU:
    """A byte-budgeted LRU shared by the threads of a process."""

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value, size: int) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self.used += size
            while self.used > self.budget and len(self._items) > 1:
                _key, (_value, old_size) = self._items.popitem(last=False)
                self.used -= old_size

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used = 0


_terms = _LRU(CACHE_BYTES)
_columns = _LRU(CACHE_BYTES)


def clear_caches(*, columns: bool = True) -> None:
    _terms.clear()
    if columns:
        _columns.clear()


@dataclass(frozen=True)
class Columns:
    pks: list  # stored pk of each local docnum
    fresh: list  # publication time of each local docnum
    by_freshness: list  # local docnums, newest first


@dataclass(frozen=True)
class Leaf:
    reader: object  # whoosh SegmentReader
    segid: str
    offset: int  # global docnum of the segment's document 0
    size: int  # documents in the segment, deleted ones included
    live: int  # bitmap of the documents not deleted

    def columns(self) -> Columns:
        key = self.segid
        cached = _columns.get(key)
        if cached is not None:
            return cached[0]
        pks = list(self.reader.column_reader("pk"))
        fresh = list(self.reader.column_reader("fresh"))
        order = sorted(range(self.size), key=fresh.__getitem__, reverse=True)
        columns = Columns(pks=pks, fresh=fresh, by_freshness=order)
        _columns.put(key, columns, 80 * self.size)
        return columns


def _from_ids(ids, size: int) -> int:
    digits = bytearray(b"0") * size
    for docnum in ids:
        digits[docnum] = 49  # "1"
    digits.reverse()
    return int(digits, 2) if size else 0


def selectors(bits: int, size: int) -> bytes:
    """One byte (0 or 1) per local docnum, for ``itertools.compress``."""
    if not bits:
        return bytes(size)
    return bin(bits)[2:].zfill(size)[::-1].encode("ascii").translate(_SELECTOR)


def _live(reader, size: int) -> int:
    full = (1 << size) - 1
    if not reader.has_deletions():
        return full
    perdoc = getattr(reader, "_perdoc", None)
    deleted = perdoc.deleted_docs() if perdoc is not None else None
    if deleted is None:
        deleted = [d for d in range(size) if reader.is_deleted(d)]
    return full & ~_from_ids(deleted, size)


def leaves(searcher) -> list[Leaf] | None:
    """The searcher's segments (kept on the searcher), or None if a reader is not a plain Whoosh segment."""
    if "_portal_leaves" in searcher.__dict__:
        return searcher.__dict__["_portal_leaves"]
    out: list[Leaf] | None = []
    for reader, offset in searcher.reader().leaf_readers():
        segment = getattr(reader, "segment", None)
        if segment is None:
            out = None
            break
        size = reader.doc_count_all()
        out.append(Leaf(reader, segment().segment_id(), offset, size, _live(reader, size)))
    searcher.__dict__["_portal_leaves"] = out
    return out


def _term(leaf: Leaf, field: str, text: str) -> int:
    key = (leaf.segid, field, text)
    cached = _terms.get(key)
    if cached is not None:
        return cached[0]
    reader = leaf.reader
    bits = _from_ids(reader.postings(field, text).all_ids(), leaf.size) if (field, text) in reader else 0
    _terms.put(key, bits, leaf.size // 8 + 64)
    return bits


MAX_PREFIX_TERMS = 256


class Unsupported(Exception):
    pass


def _eval(leaf: Leaf, query) -> int:
    if query is wq.NullQuery:
        return 0
    if isinstance(query, wq.Term):
        return _term(leaf, query.fieldname, query.text)
    if isinstance(query, wq.Prefix):
        terms = list(islice(leaf.reader.expand_prefix(query.fieldname, query.text), MAX_PREFIX_TERMS + 1))
        if len(terms) > MAX_PREFIX_TERMS:
            raise Unsupported(query)
        bits = 0
        for text in terms:
            bits |= _term(leaf, query.fieldname, text.decode("utf-8") if isinstance(text, bytes) else text)
        return bits
    if isinstance(query, wq.Every):
        return (1 << leaf.size) - 1
    if isinstance(query, wq.AndNot):
        return _eval(leaf, query.a) & ~_eval(leaf, query.b)
    if isinstance(query, wq.And):
        bits = (1 << leaf.size) - 1
        for sub in query.subqueries:
            bits &= _eval(leaf, sub)
            if not bits:
                break
        return bits
    if isinstance(query, wq.Or):
        bits = 0
        for sub in query.subqueries:
            bits |= _eval(leaf, sub)
        return bits
    raise Unsupported(query)


def evaluate(searcher, query, within: list[int] | None = None) -> list[int] | None:
    """The live documents matching ``query`` (and ``within``, a bitmap of the same searcher), or None when the
    query holds a clause this module does not evaluate."""
    segments = leaves(searcher)
    if segments is None:
        return None
    try:
        out = [_eval(leaf, query) & leaf.live for leaf in segments]
    except Unsupported:
        return None
    if within is not None:
        out = [a & b for a, b in zip(out, within, strict=True)]
    return out


def count(bits: list[int]) -> int:
    return sum(b.bit_count() for b in bits)


def docnums(searcher, bits: list[int]) -> list[int]:
    """Global Whoosh docnums of a bitmap, ascending."""
    out: list[int] = []
    for leaf, b in zip(leaves(searcher), bits, strict=True):
        if b:
            out.extend(compress(range(leaf.offset, leaf.offset + leaf.size), selectors(b, leaf.size)))
    return out


def pks(searcher, bits: list[int]) -> list[str]:
    """Stored pks of a bitmap's documents, in docnum order."""
    out: list[str] = []
    for leaf, b in zip(leaves(searcher), bits, strict=True):
        if b:
            out.extend(compress(leaf.columns().pks, selectors(b, leaf.size)))
    return out


def _newest(searcher, bits: list[int], limit: int) -> list[tuple[int, str]]:
    """(freshness, pk) of the ``limit`` newest documents of a bitmap, newest first."""
    found: list[tuple[int, str]] = []
    for leaf, b in zip(leaves(searcher), bits, strict=True):
        if not b:
            continue
        columns = leaf.columns()
        chosen = selectors(b, leaf.size)
        order = columns.by_freshness
        for docnum in islice(compress(order, map(chosen.__getitem__, order)), limit):
            found.append((columns.fresh[docnum], columns.pks[docnum]))
    found.sort(key=lambda item: item[0], reverse=True)
    return found[:limit]


def rank_by_clauses(searcher, matched: list[int], clauses: list[tuple[list[int], float]], limit: int):
    """[(pk, score)] of the ``limit`` best documents of ``matched``: a document scores the sum of the weights of the
    ranking clauses it matches (title, 文号, summary …); equal scores go to the newer document.

    No term-frequency scoring: for a result this large the matched words are in a good part of the corpus, so
    BM25 has little to say, and which fields a document matches in is what separates the hits."""
    groups: dict[float, list[int]] = {0.0: matched}
    for bits, weight in clauses:
        split: dict[float, list[int]] = {}
        for score, members in groups.items():
            inside = [m & b for m, b in zip(members, bits, strict=True)]
            outside = [m & ~b for m, b in zip(members, bits, strict=True)]
            for key, part in ((round(score + weight, 6), inside), (score, outside)):
                if any(part):
                    existing = split.get(key)
                    split[key] = part if existing is None else [a | b for a, b in zip(existing, part, strict=True)]
        groups = split
    hits: list[tuple[str, float]] = []
    for score in sorted(groups, reverse=True):
        for _fresh, pk in _newest(searcher, groups[score], limit - len(hits)):
            hits.append((pk, score))
        if len(hits) >= limit:
            break
    return hits
