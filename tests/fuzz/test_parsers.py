"""Parsers never crash on hostile text: a result or the domain's own error, never another exception."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from associations.imports import COL_ASSOCIATION, COL_NAME, COL_USCC, import_firms_file
from consultations.parsing import ParseResult, normalize_lines, parse_docx, parse_text
from core.errors import DomainError
from core.imports import ImportRefused
from portal.policies.imports.parsing import KNOWN_KEYS, IssuingBodyLookup, ParsedLine, parse_line
from portal.policies.imports.report import LineError
from portal.policies.models import IssuingBody
from search.analysis import ChineseAnalyzer, analyze_query, highlight_terms, index_terms, normalize

SPECIAL = st.sampled_from(
    ["\x00", "\u202e", "\u202d", "\u200f", "\u200b", "\ufeff", "\u3000", "\u2028", "\u2029", "\r", "\n", "\t",
     "😀", "👨‍👩‍👧", "\U0010fffd", "\u0301", "ﷺ", "İ", "ß", "ﬁ", "〔", "〕", "[", "]", "(", "（", "“", "\"", "'", "*",
     "?", ":", "-", "—", "#", "&amp;", "<", ">", "\\", "AND", "OR", "NOT", "成城管发", "2023", "12号", "號", "門"]
)
HOSTILE_TEXT = st.lists(st.one_of(st.characters(codec="utf-8"), SPECIAL), max_size=120).map("".join)
# Text made mostly of the parser's own syntax: 第…条/章/节 headings, Chinese and full-width numerals, line breaks.
NUMERALS = st.text(alphabet="零〇一二三四五六七八九十百千万两0123456789０１２３４５６７８９", min_size=0, max_size=6)
HEADING = st.builds(lambda n, u, s: f"第{n}{u}{s}", NUMERALS, st.sampled_from("章节条款编"),
                    st.sampled_from(["", " ", "\u3000", "　规定", "的规定"]))
DRAFT_LINE = st.one_of(HEADING, st.text(max_size=40), SPECIAL,
                       st.builds(lambda h, t: h + t, HEADING, st.text(max_size=20)))
DRAFT = st.lists(DRAFT_LINE, max_size=30).map("\n".join)


# --- Consultation draft parser -----------------------------------------------------------------


def _check_result(result):
    assert isinstance(result, ParseResult)
    for _chapter, _section, node in result.walk():
        assert isinstance(node.label, str) and isinstance(node.text, str)
        assert "\r" not in node.text and "\u2028" not in node.text
    assert all(isinstance(w, str) for w in result.warnings)


@given(st.one_of(DRAFT, HOSTILE_TEXT))
def test_parse_text_returns_a_result_or_a_domain_error(text):
    try:
        result = parse_text(text)
    except DomainError:
        assert normalize_lines(text) == [], "only an empty draft is refused"
        return
    _check_result(result)
    assert result.articles(), "every parse has at least one article (the whole text at worst)"


def test_parse_text_survives_a_very_long_line_and_deep_numerals():
    result = parse_text("第一条 " + "责" * 200_000 + "\n第" + "十" * 5000 + "条 内容")
    _check_result(result)


@settings(max_examples=60)
@given(st.binary(max_size=400))
def test_parse_docx_arbitrary_bytes_is_a_domain_error(data):
    with pytest.raises(DomainError):
        parse_docx(data)


@settings(max_examples=40)
@given(st.dictionaries(st.sampled_from(["[Content_Types].xml", "word/document.xml", "_rels/.rels", "x"]),
                       st.binary(max_size=200), min_size=1))
def test_parse_docx_hand_made_zip_is_a_domain_error(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    with pytest.raises(DomainError):
        parse_docx(buffer.getvalue())


# --- Search query analysis ------------------------------------------------------------------------


@given(st.one_of(HOSTILE_TEXT, st.text(max_size=50)), st.booleans())
def test_analyze_query_never_raises_and_gives_string_terms(query, autocomplete):
    analysed = analyze_query(query, autocomplete=autocomplete)
    for word in analysed.words:
        assert isinstance(word.text, str) and isinstance(word.prefix, str)
        assert all(isinstance(t, str) and t for t in word.terms)
    for part in analysed.docnums:
        assert all(isinstance(t, str) and t for t in part.terms)
    assert all(isinstance(t, str) for t in analysed.all_terms())
    assert all(isinstance(t, str) for t in highlight_terms(query))
    assert isinstance(analysed.is_empty, bool)


@given(HOSTILE_TEXT)
def test_index_terms_and_analyzer_never_raise(text):
    terms = index_terms(text)
    assert all(isinstance(t, str) and t for t in terms)
    assert "\x00" not in "".join(terms)
    assert [t.text for t in ChineseAnalyzer()(text)] == terms
    assert normalize(normalize(text)) == normalize(text)


@pytest.mark.parametrize(
    "query",
    ["x" * 1_000_000, "(" * 10_000 + ")" * 10_000, "[" * 5000, "〔" * 5000 + "2023" + "〕" * 5000 + "12号",
     "成城管发" * 2000 + "2023 12号", "\u202e" * 1000, "😀" * 20_000, "a\x00b" * 1000],
    ids=["1mb", "parens", "brackets", "docnum-brackets", "docnum-orgs", "rtl", "emoji", "nul"],
)
def test_analyze_query_handles_huge_and_nested_input(query):
    analysed = analyze_query(query)
    assert all(isinstance(t, str) for t in analysed.all_terms())
    assert "\x00" not in "".join(analysed.all_terms())


# --- Member import (CSV cells) --------------------------------------------------------------------


CELL = st.one_of(st.text(max_size=30), SPECIAL, st.just("9" * 300), st.just("=HYPERLINK(\"http://x\")"),
                 st.just("91510100MA61R2XX4X"))


def _csv_bytes(rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding, errors="surrogatepass")


@pytest.mark.django_db
@settings(max_examples=60)
@given(st.lists(st.lists(CELL, min_size=0, max_size=5), min_size=1, max_size=6))
def test_member_import_arbitrary_cells_give_row_errors_not_exceptions(rows):
    header = [COL_NAME, COL_USCC, COL_ASSOCIATION]
    data = _csv_bytes([header, *rows])
    from django.core.files.uploadedfile import SimpleUploadedFile

    try:
        report = import_firms_file(actor=None, uploaded=SimpleUploadedFile("m.csv", data), dry_run=True)
    except ImportRefused as exc:
        assert str(exc)
        return
    assert report.created == 0 or report.dry_run
    for number, reason in report.rejected:
        assert isinstance(number, int) and isinstance(reason, str) and reason


@pytest.mark.django_db
@settings(max_examples=60)
@given(st.binary(max_size=300), st.sampled_from(["m.csv", "m.xlsx", "m.xls", "m.txt", ""]))
def test_member_import_arbitrary_bytes_is_refused_or_reported(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    try:
        report = import_firms_file(actor=None, uploaded=SimpleUploadedFile(name or "x", data), dry_run=True)
    except ImportRefused as exc:
        assert str(exc)
        return
    assert all(isinstance(reason, str) for _n, reason in report.rejected)


# --- Policy import (JSON Lines records) --------------------------------------------------------------


def _lookup() -> IssuingBodyLookup:
    lookup = IssuingBodyLookup.__new__(IssuingBodyLookup)
    lookup.bodies = [IssuingBody(name="成都市城市管理委员会", short_name="市城管委")]
    return lookup


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT
    | st.sampled_from(["2024-03-01", "2024-02-30", "９９９９-01-01", "成都市城市管理委员会", "市城管委", "法规",
                       "<script>alert(1)</script>", "<p onclick=x>hi</p>"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["type", "value", "rows",
                                                                                       "text", "path", "title"]),
                                                                      children, max_size=3),
    max_leaves=8,
)
RECORD = st.dictionaries(st.sampled_from(list(KNOWN_KEYS) + ["bogus"]), JSON_VALUE, max_size=len(KNOWN_KEYS))
BASE = {"title": "办法", "issuing_body": "市城管委", "category": "法规", "date_written": "2024-01-01",
        "date_published": "2024-01-02"}


@given(st.one_of(RECORD, RECORD.map(lambda extra: {**BASE, **extra}), JSON_VALUE))
def test_policy_parse_line_gives_a_line_error_or_a_line(record):
    # Round-trip through JSON so the record is exactly what read_jsonl can hand over.
    data = json.loads(json.dumps(record))
    try:
        line = parse_line(1, data, base_dir=Path("/nonexistent-import-dir"), bodies=_lookup())
    except LineError as exc:
        assert str(exc)
        return
    assert isinstance(line, ParsedLine)
    assert "<script" not in json.dumps(line.body, ensure_ascii=False).lower()
    assert isinstance(line.title, str) and line.title
