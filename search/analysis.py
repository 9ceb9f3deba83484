"""Chinese-aware text analysis shared by indexing and querying.

No dictionary: a run of CJK characters becomes overlapping bigrams (plus every single character at index time), so
a word is found inside a longer run (餐厨垃圾 in 关于加强餐厨垃圾管理的通知) and a one-character query (a surname, 号,
灯) still has a term to look up. Latin letters and digits are whole words (PM2.5, LED, 5G); NB-IoT is two words.

Both sides first go through :func:`normalize`: NFKC (full-width → half-width), OpenCC t2s (traditional →
simplified), lower case, and every kind of bracket used in 文号 (〔〕 [] 【】 () （） 〖〗) becomes ``[`` ``]``.

文号 (document numbers such as 成城管发〔2023〕12号) get extra index terms that start with ``#`` — they cannot collide
with ordinary terms — so a query that names a 文号 (or its year and number) can ask for it exactly:

* ``#<org><year>-<seq>`` for every tail of the CJK run before the bracket (成城管发, 城管发, 管发 …), so the
  start of the sentence (根据成城管发〔…〕) does not matter;
* ``#<org><year>`` for the same tails (organisation + year, for 成城管发〔2023〕 without a number);
* ``#<year>-<seq>`` for the year and number alone.

Queries only ever use exact ``#`` terms, never prefix expansion (a prefix over every number of a busy year is an
OR of hundreds of terms: seconds at 20k documents).

Whoosh pickles the schema together with the analyzer object, so :class:`ChineseAnalyzer` must stay importable
under this dotted path and must only hold plain attributes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field

from whoosh.analysis import Token, Tokenizer

# Characters that are tokenised as CJK (bigrams + unigrams): CJK ideographs (+ extensions and compatibility
# ideographs), 〇, kana and hangul (rare here, but better as n-grams than as one giant word).
_CJK = (
    "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ebef\U00030000-\U0003134f"
)
_TOKEN_RE = re.compile(
    rf"(?P<cjk>[{_CJK}]+)"
    r"|(?P<word>[a-z0-9]+(?:\.[0-9]+)*)"  # PM2.5 → pm2.5, v1.2 → v1.2
    rf"|(?P<other>[^\W\d_{_CJK}]+)"  # other letters (é, ß, кириллица) as words
)
# A 文号 in normalised text: <org?>[<year>]<seq>号 (brackets already folded to [ ]).
_DOCNUM_RE = re.compile(rf"(?P<org>[{_CJK}]*)\[\s*(?P<year>(?:19|20)\d\d)\s*\]\s*第?\s*(?P<seq>\d{{1,5}})\s*号")

_BRACKETS = str.maketrans({
    "〔": "[", "〕": "]", "【": "[", "】": "]", "〖": "[", "〗": "]", "［": "[", "］": "]",
    "(": "[", ")": "]", "（": "[", "）": "]", "{": "[", "}": "]", "〘": "[", "〙": "]",
})
# Control and format characters (NUL, zero-width joiners, BOM, bidi marks …) are dropped.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\ufffd]")

DOCNUM_ORG_MAX = 10  # longest organisation prefix (in characters) kept in a 文号 term
MAX_QUERY_CHARS = 256  # a longer query is cut (a 2,000-character paste is not a search)
MAX_QUERY_TERMS = 64  # distinct terms per query, after the cut
MAX_WORD_CHARS = 64  # a longer Latin/digit word is cut to this length (index and query alike)
# Search-engine syntax a user may type out of habit, removed before analysis: boolean words in capitals (the query
# is AND by default anyway), field prefixes (title:照明) and HTML tags (<b>照明</b>).
_OPERATOR_WORDS = re.compile(r"(?<!\S)(?:AND|OR|NOT|&&|\|\|)(?!\S)")
_FIELD_PREFIX = re.compile(r"(?<![^\s(\[\"'+-])[A-Za-z_]{1,20}:(?=\S)")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")

_opencc_lock = threading.Lock()
_opencc = None


def _t2s(text: str) -> str:
    global _opencc
    if _opencc is None:
        with _opencc_lock:
            if _opencc is None:
                import opencc

                _opencc = opencc.OpenCC("t2s")
    return _opencc.convert(text)


def normalize(text: str) -> str:
    """NFKC, traditional → simplified, lower case, 文号 brackets folded to [ ], control characters removed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = _CONTROL_RE.sub(" ", text)
    if any(ord(ch) >= 0x3000 for ch in text):
        text = _t2s(text)
    return text.lower().translate(_BRACKETS)


def _cjk_grams(run: str, unigrams: bool):
    if len(run) == 1:
        yield run
        return
    for i in range(len(run)):
        if unigrams:
            yield run[i]
        if i + 1 < len(run):
            yield run[i : i + 2]


def docnum_terms(normalized: str) -> list[str]:
    """The ``#`` terms for every 文号 in already normalised text (see the module docstring)."""
    terms: list[str] = []
    for m in _DOCNUM_RE.finditer(normalized):
        year, seq = m.group("year"), str(int(m.group("seq")))
        org = m.group("org")[-DOCNUM_ORG_MAX:]
        for start in range(len(org) - 1):  # tails of at least two characters
            terms.append(f"#{org[start:]}{year}-{seq}")
            terms.append(f"#{org[start:]}{year}")
        terms.append(f"#{year}-{seq}")
    return terms


def index_terms(text: str) -> list[str]:
    """Every term indexed for ``text`` (in order, with repeats: term frequency matters for ranking)."""
    norm = normalize(text)
    terms: list[str] = []
    for m in _TOKEN_RE.finditer(norm):
        if m.lastgroup == "cjk":
            terms.extend(_cjk_grams(m.group(), unigrams=True))
        else:
            terms.append(m.group()[:MAX_WORD_CHARS])
    if "[" in norm:
        terms.extend(docnum_terms(norm))
    return terms


class ChineseAnalyzer(Tokenizer):
    """Whoosh analyzer producing :func:`index_terms`. Positions are term ordinals (the index stores none)."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __hash__(self):
        return hash(self.__class__.__name__)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        terms = index_terms(value) if tokenize else [normalize(value)]
        for pos, term in enumerate(terms):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = term
            if positions:
                t.pos = start_pos + pos
            if chars:  # offsets are not meaningful after normalisation; give a stable value
                t.startchar = start_char
                t.endchar = start_char
            yield t


# --- query side ----------------------------------------------------------------------------------------------


@dataclass
class QueryWord:
    """One whitespace-separated word of a query: all its terms must match (AND)."""

    text: str
    terms: list[str]
    prefix: str = ""  # for autocomplete: the trailing Latin word, matched as a prefix


@dataclass
class DocnumPart:
    """A 文号 (or a fragment of one) recognised in the query: matches any of its ``#`` terms."""

    text: str
    terms: list[str] = field(default_factory=list)


@dataclass
class AnalyzedQuery:
    words: list[QueryWord] = field(default_factory=list)
    docnums: list[DocnumPart] = field(default_factory=list)
    # Organisation + year written without brackets (成城管发 2023): '#' terms used only as a ranking hint.
    docnum_hints: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.docnums

    def all_terms(self) -> list[str]:
        seen: dict[str, None] = {}
        for w in self.words:
            for t in w.terms:
                seen.setdefault(t, None)
        return list(seen)


# 文号 in a query. The year is required and must be separated from the number (brackets, a space or a dash), so
# 〔2023〕12号, [2023]12号, 成城管发2023 12号 and 2023-12号 are recognised, but 20201号 is an ordinary word.
_Q_DOCNUM_FULL = re.compile(
    rf"(?P<org>[{_CJK}]{{2,}})?\s*\[?\s*(?P<year>(?:19|20)\d\d)(?:\s*\]\s*|\s+|\s*[-—]\s*)第?\s*(?P<seq>\d{{1,5}})\s*号"
)
# Organisation + bracketed year without number: 成城管发〔2023〕
_Q_DOCNUM_ORG_YEAR = re.compile(rf"(?P<org>[{_CJK}]{{2,}})\s*\[\s*(?P<year>(?:19|20)\d\d)\s*\]")
# Organisation + year with no brackets: 成城管发 2023 (a ranking hint only)
_Q_DOCNUM_HINT = re.compile(rf"(?P<org>[{_CJK}]{{2,}})\s*(?P<year>(?:19|20)\d\d)(?![\d.])")


def _org_tails(org: str) -> list[str]:
    """The organisation part and its tails of at least three characters (or the whole part if shorter), so a
    query that starts with extra words (根据成城管发〔2024〕41号) still meets the indexed 成城管发〔2024〕41号."""
    org = org[-DOCNUM_ORG_MAX:]
    if len(org) <= 3:
        return [org]
    return [org[i:] for i in range(len(org) - 2)]


def _word_terms(text: str) -> tuple[list[str], str]:
    terms: list[str] = []
    last_latin = ""
    for m in _TOKEN_RE.finditer(text):
        if m.lastgroup == "cjk":
            terms.extend(_cjk_grams(m.group(), unigrams=False))
            last_latin = ""
        else:
            terms.append(m.group()[:MAX_WORD_CHARS])
            last_latin = terms[-1] if m.end() == len(text.rstrip()) else ""
    return terms, last_latin


def analyze_query(query: str, *, autocomplete: bool = False) -> AnalyzedQuery:
    """Split a user query into words (ANDed terms each) and recognised 文号 parts. Never raises."""
    result = AnalyzedQuery()
    raw = str(query or "")[: MAX_QUERY_CHARS * 4]
    raw = _FIELD_PREFIX.sub(" ", _OPERATOR_WORDS.sub(" ", _HTML_TAG.sub(" ", raw)))
    norm = normalize(raw)[:MAX_QUERY_CHARS]
    if not norm.strip():
        return result

    def _take_docnum(m: re.Match, *, exact: bool) -> str:
        year = m.group("year")
        tails = _org_tails(m.group("org") or "")
        if exact:
            seq = str(int(m.group("seq")))
            result.docnums.append(DocnumPart(m.group().strip(), terms=[f"#{t}{year}-{seq}" for t in tails]))
        else:
            result.docnums.append(DocnumPart(m.group().strip(), terms=[f"#{t}{year}" for t in tails]))
        return " "

    rest = _Q_DOCNUM_FULL.sub(lambda m: _take_docnum(m, exact=True), norm)
    rest = _Q_DOCNUM_ORG_YEAR.sub(lambda m: _take_docnum(m, exact=False), rest)
    for m in _Q_DOCNUM_HINT.finditer(rest):
        result.docnum_hints.extend(f"#{t}{m.group('year')}" for t in _org_tails(m.group("org")))

    budget = MAX_QUERY_TERMS
    seen: set[str] = set()
    words = rest.split()
    for i, raw in enumerate(words):
        terms, last_latin = _word_terms(raw)
        unique = []
        for t in terms:
            if t not in seen and budget > 0:
                seen.add(t)
                unique.append(t)
                budget -= 1
        prefix = ""
        if autocomplete and i == len(words) - 1 and last_latin and last_latin in unique:
            unique.remove(last_latin)
            prefix = last_latin
        if unique or prefix:
            result.words.append(QueryWord(raw, unique, prefix))
    return result


def highlight_terms(query: str) -> list[str]:
    """Normalised words of a query, longest first — for marking hits in a snippet (search page)."""
    analyzed = analyze_query(query)
    words = {w.text for w in analyzed.words} | {d.text for d in analyzed.docnums}
    return sorted((w for w in words if w.strip()), key=len, reverse=True)
