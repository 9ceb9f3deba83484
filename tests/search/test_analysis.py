import pickle

import pytest
from whoosh.fields import TEXT, Schema

from search.analysis import (
    MAX_QUERY_TERMS,
    ChineseAnalyzer,
    analyze_query,
    docnum_terms,
    highlight_terms,
    index_terms,
    normalize,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＰＭ２．５　ＬＥＤ", "pm2.5 led"),  # full-width → half-width, lower case
        ("關於加強餐廚垃圾管理的通知", "关于加强餐厨垃圾管理的通知"),  # traditional → simplified
        ("成城管發〔2023〕12號", "成城管发[2023]12号"),
        ("【2023】（试行）[2023]", "[2023][试行][2023]"),  # every 文号 bracket folded to [ ]
        ("a\x00b\u200bc\ufeff", "a b c "),  # control and zero-width characters dropped
        ("", ""),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_index_terms_have_unigrams_and_overlapping_bigrams():
    assert index_terms("道路照明") == ["道", "道路", "路", "路照", "照", "照明", "明"]


def test_index_terms_keep_latin_and_digit_words_whole():
    terms = index_terms("PM2.5 LED 5G灯杆 NB-IoT DB5101/T 88-2023")
    for term in ["pm2.5", "led", "5g", "灯杆", "nb", "iot", "db5101", "t", "88", "2023"]:
        assert term in terms
    assert "5" not in terms and "pm2" not in terms


def test_index_terms_do_not_cross_lines_or_punctuation():
    assert "题正" not in index_terms("标题\n正文")
    assert "知各" not in index_terms("通知。各区")


def test_docnum_terms_for_every_organisation_tail():
    terms = docnum_terms(normalize("根据成城管发〔2023〕012号文件"))
    assert terms[::2][:5] == ["#根据成城管发2023-12", "#据成城管发2023-12", "#成城管发2023-12", "#城管发2023-12",
                              "#管发2023-12"]
    assert terms[1::2][:5] == ["#根据成城管发2023", "#据成城管发2023", "#成城管发2023", "#城管发2023", "#管发2023"]
    assert terms[-1] == "#2023-12"
    assert docnum_terms(normalize("[2024]41号")) == ["#2024-41"]
    assert docnum_terms(normalize("2023年12号")) == []  # not a 文号 without brackets


def test_query_cjk_runs_give_bigrams_and_single_characters_their_unigram():
    q = analyze_query("餐厨垃圾 王")
    assert [w.terms for w in q.words] == [["餐厨", "厨垃", "垃圾"], ["王"]]


def test_query_traditional_and_full_width_match_the_index_side():
    assert analyze_query("餐廚垃圾").all_terms() == analyze_query("餐厨垃圾").all_terms()
    assert analyze_query("ＬＥＤ").all_terms() == ["led"]


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("成城管发〔2023〕12号", ["#成城管发2023-12", "#城管发2023-12"]),
        ("成城管发[2023]12号", ["#成城管发2023-12", "#城管发2023-12"]),
        ("成城管发2023 12号", ["#成城管发2023-12", "#城管发2023-12"]),
        ("2023 12号", ["#2023-12"]),
        ("〔2024〕41号", ["#2024-41"]),
        ("2024-41号", ["#2024-41"]),
    ],
)
def test_query_recognises_docnums(query, terms):
    q = analyze_query(query)
    assert q.words == []
    assert [d.terms for d in q.docnums] == [terms]


def test_query_docnum_without_number_matches_the_year_terms():
    q = analyze_query("成城管规〔2024〕")
    assert q.docnums[0].terms == ["#成城管规2024", "#城管规2024"]


def test_query_organisation_and_year_without_brackets_is_only_a_hint():
    q = analyze_query("成城管发 2023")
    assert [w.text for w in q.words] == ["成城管发", "2023"]  # still an ordinary AND query
    assert q.docnum_hints == ["#成城管发2023", "#城管发2023"]


def test_query_a_long_number_with_hao_is_not_a_docnum():
    assert analyze_query("20201号").docnums == []


def test_query_drops_capitalised_boolean_words():
    assert [w.text for w in analyze_query("餐厨垃圾 OR 照明 AND NOT 路灯").words] == ["餐厨垃圾", "照明", "路灯"]


def test_query_is_capped():
    q = analyze_query("测试" * 1000)
    assert len(q.all_terms()) <= MAX_QUERY_TERMS
    q = analyze_query(" ".join(f"w{i}" for i in range(500)))
    assert len(q.all_terms()) <= MAX_QUERY_TERMS


def test_autocomplete_query_makes_the_last_latin_word_a_prefix():
    q = analyze_query("道路 le", autocomplete=True)
    assert q.words[-1].prefix == "le" and q.words[-1].terms == []
    assert analyze_query("道路 le").words[-1].terms == ["le"]


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "!!!", "🦄🦄", "\x00\x01", "()[]{}", "*?:"])
def test_query_without_terms_is_empty(query):
    assert analyze_query(query).is_empty


def test_highlight_terms_longest_first():
    assert highlight_terms("照明 餐廚垃圾") == ["餐厨垃圾", "照明"]


def test_analyzer_survives_schema_pickling():
    schema = Schema(content=TEXT(analyzer=ChineseAnalyzer(), phrase=False))
    restored = pickle.loads(pickle.dumps(schema))  # noqa: S301 - our own bytes
    analyzer = restored["content"].analyzer
    assert [t.text for t in analyzer("照明")] == ["照", "照明", "明"]
    assert analyzer == ChineseAnalyzer()


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("<b>照明</b>", ["照明"]),
        ("title:照明", ["照明"]),
        ("content:餐厨 AND title:", ["餐厨", "title:"]),
        ("<script>alert(1)</script>", ["alert[1]"]),
    ],
)
def test_query_drops_search_syntax(query, words):
    assert [w.text for w in analyze_query(query).words] == words
