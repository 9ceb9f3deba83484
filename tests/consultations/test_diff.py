"""Redline between two versions of a draft (pure Python, no database)."""

import time
from dataclasses import dataclass

import pytest
from django.utils.safestring import SafeString

from consultations.diff import ArticleDiff, diff_articles, match_keys, redline, summary
from consultations.parsing import parse_text


@dataclass
class Article:
    key: str
    label: str
    text: str
    heading: str = ""


V1 = """\
第一章　总则
第一条　为了加强餐厨垃圾管理，制定本办法。
第二条　本办法适用于本市行政区域内餐厨垃圾的收集、运输和处置。
第二章　管理
第三条　餐厨垃圾产生单位应当履行下列义务：
（一）设置收集容器；
（二）建立台账。
第四条　收集运输单位应当使用全密闭专用车辆。
第五条　餐厨垃圾产生单位应当在五日内向区城市管理部门报告产生量。
第六条　本办法自2025年1月1日起施行。
"""

# 第二条 and 第五条 edited, a new 第三条 inserted, the old 第四条 removed, the rest renumbered.
V2 = """\
第一章　总则
第一条　为了加强餐厨垃圾管理，制定本办法。
第二条　本办法适用于本市行政区域内餐厨垃圾的产生、收集、运输和处置。
第二章　管理
第三条　鼓励餐饮服务单位减少餐厨垃圾产生。
第四条　餐厨垃圾产生单位应当履行下列义务：
（一）设置收集容器；
（二）建立台账。
第五条　餐厨垃圾产生单位应当在十日内向区城市管理部门报告产生量。
第六条　本办法自2025年1月1日起施行。
"""


def versions():
    """Both versions as Article lists, the keys of V2 found by match_keys as the service will do."""
    old = [Article(key=f"a{i}", label=a.label, text=a.text) for i, a in enumerate(parse_text(V1).articles(), 1)]
    new_parsed = parse_text(V2).articles()
    keys = match_keys([(a.key, a.text) for a in old], [a.text for a in new_parsed])
    new = [
        Article(key=key or f"new{i}", label=a.label, text=a.text)
        for i, (key, a) in enumerate(zip(keys, new_parsed, strict=True))
    ]
    return old, new, keys


def test_match_keys_keeps_identity_across_insertion_edit_and_renumbering():
    _old, _new, keys = versions()

    assert keys == ["a1", "a2", None, "a3", "a5", "a6"]


def test_inserted_article_renumbers_the_following_ones():
    old, new, _keys = versions()

    diffs = diff_articles(old, new)

    by_key = {d.key: d for d in diffs}
    assert by_key["a3"].status == "unchanged"
    assert (by_key["a3"].old_label, by_key["a3"].new_label, by_key["a3"].renumbered) == ("第三条", "第四条", True)
    assert by_key["a6"].status == "unchanged" and not by_key["a6"].renumbered
    assert by_key["new2"].status == "added"
    assert (by_key["new2"].old_label, by_key["new2"].new_label) == (None, "第三条")
    assert by_key["new2"].html == "<ins>鼓励餐饮服务单位减少餐厨垃圾产生。</ins>"


def test_removed_article_comes_after_its_old_predecessor():
    old, new, _keys = versions()

    diffs = diff_articles(old, new)

    assert [(d.key, d.status) for d in diffs] == [
        ("a1", "unchanged"),
        ("a2", "changed"),
        ("new2", "added"),
        ("a3", "unchanged"),
        ("a4", "removed"),
        ("a5", "changed"),
        ("a6", "unchanged"),
    ]
    removed = diffs[4]
    assert (removed.old_label, removed.new_label, removed.renumbered) == ("第四条", None, False)
    assert removed.html == "<del>收集运输单位应当使用全密闭专用车辆。</del>"
    assert removed.label == "第四条"


def test_changed_article_marks_exactly_the_changed_characters():
    old, new, _keys = versions()

    diffs = {d.key: d for d in diff_articles(old, new)}

    assert diffs["a2"].html == "本办法适用于本市行政区域内餐厨垃圾的<ins>产生、</ins>收集、运输和处置。"
    assert diffs["a5"].html == "餐厨垃圾产生单位应当在<del>五</del><ins>十</ins>日内向区城市管理部门报告产生量。"
    assert not diffs["a5"].renumbered


def test_unchanged_article_has_plain_escaped_text_with_line_breaks():
    old, new, _keys = versions()

    diff = next(d for d in diff_articles(old, new) if d.key == "a3")

    assert diff.html == "餐厨垃圾产生单位应当履行下列义务：<br>（一）设置收集容器；<br>（二）建立台账。"
    assert "<del>" not in diff.html and "<ins>" not in diff.html


def test_summary_counts_statuses_and_renumbering():
    old, new, _keys = versions()

    assert summary(diff_articles(old, new)) == {
        "unchanged": 3,
        "changed": 2,
        "added": 1,
        "removed": 1,
        "renumbered": 1,
    }


def test_html_is_safe_string_and_article_text_is_escaped():
    old = [Article("k1", "第一条", "旧<b>文本</b>"), Article("k2", "第二条", "<script>alert(1)</script>")]
    new = [Article("k1", "第一条", "新<b>文本</b> & <script>x</script>"), Article("k3", "第二条", "<img src=x>")]

    diffs = diff_articles(old, new)

    assert all(isinstance(d.html, SafeString) for d in diffs)
    html = "".join(d.html for d in diffs)
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x&gt;" in html
    assert "&amp;" in html
    assert diffs[0].html.startswith("<del>旧</del><ins>新</ins>&lt;b&gt;文本&lt;/b&gt;")


def test_identical_versions_are_all_unchanged():
    old, _new, _keys = versions()

    diffs = diff_articles(old, old)

    assert [d.status for d in diffs] == ["unchanged"] * 6
    assert summary(diffs)["renumbered"] == 0
    assert all(isinstance(d, ArticleDiff) for d in diffs)


def test_new_paragraph_and_removed_line_break_are_shown():
    html = redline("第一款。\n第二款。", "第一款。第二款。\n第三款。")

    assert html == "第一款。<del>¶</del>第二款。<ins><br>第三款。</ins>"


def test_single_equal_character_between_two_edits_is_folded_into_one_replacement():
    assert redline("应当在五日内报告", "必须在十日内报告") == "<del>应当在五</del><ins>必须在十</ins>日内报告"


def test_huge_article_falls_back_to_line_diff_quickly():
    lines = [f"（{i}）第{i}项规定的内容，餐厨垃圾产生单位应当如实记录并按月报送。" for i in range(1, 800)]
    old = "\n".join(lines)
    new_lines = lines[:]
    new_lines[400] = new_lines[400].replace("按月", "按季度")
    new = "\n".join(new_lines)
    assert len(old) + len(new) > 20_000

    start = time.perf_counter()
    html = redline(old, new)

    assert time.perf_counter() - start < 2
    assert "按<del>月</del><ins>季度</ins>报送" in html
    assert html.count("<del>") == 1 and html.count("<ins>") == 1
    assert html.count("<br>") == len(lines) - 1


def test_duplicate_keys_are_a_programming_error():
    with pytest.raises(ValueError):
        diff_articles([Article("k", "第一条", "甲"), Article("k", "第二条", "乙")], [])


def test_match_keys_prefers_exact_text_and_uses_each_key_once():
    old = [("k1", "甲乙丙丁戊己庚辛"), ("k2", "甲乙丙丁戊己庚辛")]

    assert match_keys(old, ["甲乙丙丁戊己庚辛", "甲乙丙丁戊己庚辛", "甲乙丙丁戊己庚辛"]) == ["k1", "k2", None]


def test_match_keys_follows_an_article_moved_elsewhere():
    old = [
        ("k1", "为了加强餐厨垃圾管理，制定本办法。"),
        ("k2", "收集运输单位应当使用全密闭专用车辆。"),
        ("k3", "本办法自2025年1月1日起施行。"),
    ]
    new = ["为了加强餐厨垃圾管理，制定本办法。", "本办法自2026年1月1日起施行。", "收集运输单位应当使用密闭车辆。"]

    assert match_keys(old, new) == ["k1", "k3", "k2"]


def test_match_keys_leaves_unrelated_text_unmatched():
    old = [("k1", "收集运输单位应当使用全密闭专用车辆。")]

    assert match_keys(old, ["市城市管理部门应当建立举报投诉制度。"]) == [None]
    assert match_keys(old, ["收集运输单位应当使用专用车辆。"], threshold=0.99) == [None]
    assert match_keys([], ["甲"]) == [None]
    assert match_keys(old, []) == []


def test_match_keys_keeps_order_among_similar_articles():
    old = [(f"k{i}", f"第{i}类餐厨垃圾应当交由取得许可的单位收集、运输和处置。") for i in range(1, 6)]
    new = [f"第{i}类餐厨垃圾必须交由取得许可的单位收集、运输和处置。" for i in range(1, 6)]

    assert match_keys(old, new) == ["k1", "k2", "k3", "k4", "k5"]


def test_match_keys_is_fast_enough_for_a_long_draft_with_many_identical_articles():
    words = ["餐厨垃圾", "应当", "按照", "规定", "收集", "运输", "处置", "城市管理", "部门", "单位", "罚款", "记录"]
    old = [(f"k{i}", "".join(words[(i * 7 + j * 3) % len(words)] for j in range(40))) for i in range(300)]
    new = [text.replace("应当", "必须", 1) for _key, text in old]

    start = time.perf_counter()
    keys = match_keys(old, new)

    assert time.perf_counter() - start < 5
    assert keys == [f"k{i}" for i in range(300)]  # only 12 distinct wordings: position decides
