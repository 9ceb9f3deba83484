"""Splitting a draft rule into chapters, sections and articles (pure Python, no database)."""

import io
import os
import zipfile

import docx
import openpyxl
import pytest
from django.utils.translation import gettext as _

from consultations.parsing import ParsedNode, chinese_number, parse_docx, parse_text
from core.errors import DomainError

DRAFT = """\
《成都市餐厨垃圾管理办法（征求意见稿）》

第一章　总则

第一条　为了加强餐厨垃圾管理，维护城市市容和环境卫生，根据有关法律法规，结合本市实际，制定本办法。
第二条　本办法适用于本市行政区域内餐厨垃圾的产生、收集、运输、处置及其监督管理活动。
本办法所称餐厨垃圾，是指餐饮服务、单位供餐等活动中产生的食物残余和废弃食用油脂。
第三条　市城市管理部门负责全市餐厨垃圾管理工作。
区（市）县城市管理部门负责本辖区内餐厨垃圾的监督管理工作。
生态环境、市场监管等部门按照各自职责做好相关工作。

第二章　收集与运输

第一节　收集
第四条　餐厨垃圾产生单位应当履行下列义务：
（一）设置符合标准的餐厨垃圾收集容器；
（二）将餐厨垃圾交由取得许可的单位收集、运输；
（三）建立餐厨垃圾产生台账。
第五条　禁止将餐厨垃圾直接排入雨水管道、污水排水管道、河道和公共厕所。
第二节 运输
第六条 收集运输单位应当按照下列要求作业：
1. 使用全密闭专用车辆；
2. 按照规定的时间和路线运输。

第三章　法律责任

第七条　违反本办法第四条规定的，由城市管理部门责令改正，处二百元以上二千元以下罚款。
第八条　本办法自2025年1月1日起施行。
"""


def test_sample_draft_is_split_into_chapters_sections_and_articles():
    result = parse_text(DRAFT)

    assert [node.kind for node in result.nodes] == ["preamble", "chapter", "chapter", "chapter"]
    assert result.nodes[0].text == "《成都市餐厨垃圾管理办法（征求意见稿）》"
    chapters = result.nodes[1:]
    assert [(c.label, c.heading, c.number) for c in chapters] == [
        ("第一章", "总则", 1),
        ("第二章", "收集与运输", 2),
        ("第三章", "法律责任", 3),
    ]
    sections = chapters[1].children
    assert [(s.kind, s.label, s.heading) for s in sections] == [
        ("section", "第一节", "收集"),
        ("section", "第二节", "运输"),
    ]
    articles = result.articles()
    assert [a.label for a in articles] == [f"第{n}条" for n in "一二三四五六七八"]
    assert [a.number for a in articles] == list(range(1, 9))
    assert all(a.kind == "article" and a.heading == "" for a in articles)
    assert result.warnings == []


def test_article_text_starts_after_the_label_and_keeps_paragraphs_and_items():
    articles = parse_text(DRAFT).articles()

    assert articles[0].text.startswith("为了加强餐厨垃圾管理")
    assert articles[1].text.split("\n") == [
        "本办法适用于本市行政区域内餐厨垃圾的产生、收集、运输、处置及其监督管理活动。",
        "本办法所称餐厨垃圾，是指餐饮服务、单位供餐等活动中产生的食物残余和废弃食用油脂。",
    ]
    assert len(articles[2].text.split("\n")) == 3  # three paragraphs (款)
    assert articles[3].text.split("\n") == [
        "餐厨垃圾产生单位应当履行下列义务：",
        "（一）设置符合标准的餐厨垃圾收集容器；",
        "（二）将餐厨垃圾交由取得许可的单位收集、运输；",
        "（三）建立餐厨垃圾产生台账。",
    ]
    assert articles[5].text.split("\n")[1:] == ["1. 使用全密闭专用车辆；", "2. 按照规定的时间和路线运输。"]


def test_chapter_and_section_of_an_article():
    result = parse_text(DRAFT)
    articles = result.articles()

    assert result.chapter_of(articles[0]).label == "第一章"
    assert result.section_of(articles[0]) is None
    assert result.chapter_of(articles[4]).heading == "收集与运输"
    assert result.section_of(articles[4]).heading == "收集"
    assert result.section_of(articles[5]).heading == "运输"
    assert result.chapter_of(articles[7]).label == "第三章"


def test_cross_reference_at_the_start_of_a_line_is_not_a_new_article():
    result = parse_text(
        "第一条 违反规定的，依照下列条款处理：\n第三条规定的情形除外。\n第二条 本办法自公布之日起施行。"
    )

    assert [a.label for a in result.articles()] == ["第一条", "第二条"]
    assert result.articles()[0].text.endswith("第三条规定的情形除外。")


def test_label_glued_to_the_text_and_chapter_title_on_its_own_line():
    result = parse_text("第一章\n总则\n第一条为了规范管理，制定本办法。\n第二条（适用范围）本办法适用于本市。")

    assert result.nodes[0].heading == "总则"
    assert [(a.label, a.text) for a in result.articles()] == [
        ("第一条", "为了规范管理，制定本办法。"),
        ("第二条", "（适用范围）本办法适用于本市。"),
    ]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十三", 23),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百二十三", 123),
        ("两百", 200),
        ("一千零一", 1001),
        ("一〇五", 105),
        ("5", 5),
        ("１２", 12),
    ],
)
def test_chinese_number(numeral, value):
    assert chinese_number(numeral) == value


@pytest.mark.parametrize("bad", ["", "条", "五a", "abc"])
def test_chinese_number_rejects_what_is_not_a_number(bad):
    with pytest.raises(ValueError):
        chinese_number(bad)


def test_large_chinese_article_numbers():
    text = "\n".join(f"第{label}条 内容{label}。" for label in ["一百零四", "一百零五", "一百零六"])
    articles = parse_text(text).articles()

    assert [a.number for a in articles] == [104, 105, 106]
    assert articles[1].label == "第一百零五条"


def test_eleven_and_twenty_follow_ten_and_nineteen_without_warning():
    numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    numerals += ["十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十", "二十一"]
    result = parse_text("\n".join(f"第{n}条 第{n}条的内容。" for n in numerals))

    assert [a.number for a in result.articles()] == list(range(1, 22))
    assert result.warnings == []


def test_arabic_labels():
    result = parse_text("第1章 总则\n第1条 为了规范管理，制定本办法。\n第2条 本办法适用于本市。\n第３条 全角数字。")

    assert result.nodes[0].label == "第1章"
    assert [(a.label, a.number) for a in result.articles()] == [("第1条", 1), ("第2条", 2), ("第3条", 3)]
    assert result.warnings == []


def test_text_without_articles_is_one_article_with_a_warning():
    result = parse_text("关于进一步规范餐厨垃圾收运工作的通知\n各区（市）县城市管理部门：\n现就有关事项通知如下。")

    assert len(result.nodes) == 1
    whole = result.nodes[0]
    assert isinstance(whole, ParsedNode)
    assert (whole.kind, whole.label, whole.number) == ("article", "全文", None)
    assert whole.text.split("\n")[0] == "关于进一步规范餐厨垃圾收运工作的通知"
    assert result.articles() == [whole]
    assert result.warnings == [
        _("No articles (第X条) were recognised: the whole text is one article. Check the text before publishing.")
    ]


@pytest.mark.parametrize("text", ["", "   \n\u3000\u3000\n\t", None])
def test_empty_text_is_refused(text):
    with pytest.raises(DomainError) as excinfo:
        parse_text(text)
    assert str(excinfo.value) == _("The draft text is empty.")


def test_full_width_spaces_and_blank_lines_are_normalised():
    result = parse_text(
        "\u3000\u3000第一条\u3000\u3000为了\u3000规范管理。\r\n\r\n\u3000\u3000本办法适用于本市。\r\n\r\n"
    )

    assert result.articles()[0].text == "为了 规范管理。\n本办法适用于本市。"


def test_skipped_article_number_is_warned():
    result = parse_text("第一条 甲。\n第二条 乙。\n第三条 丙。\n第五条 丁。")

    assert [a.number for a in result.articles()] == [1, 2, 3, 5]
    assert len(result.warnings) == 1
    assert "第三条" in result.warnings[0] and "第五条" in result.warnings[0]


def test_repeated_article_number_is_warned():
    result = parse_text("第一条 甲。\n第二条 乙。\n第二条 丙。\n第三条 丁。")

    assert len(result.articles()) == 4
    assert len(result.warnings) == 1
    assert "第二条" in result.warnings[0]


def test_first_article_not_first_and_empty_chapter_are_warned():
    result = parse_text("目录\n第一章 总则\n第二章 附则\n第一章 总则\n第二条 乙。")

    assert any("第一条" in warning for warning in result.warnings)
    assert sum("第二章" in warning for warning in result.warnings) == 1


def _docx_bytes(lines, *, with_table=False):
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if with_table:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "第九十九条 表格中的文字不参与解析"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _shape(result):
    return [(node.kind, node.label, node.heading, node.text, node.number) for _c, _s, node in result.walk()]


def test_docx_parses_the_same_as_the_text():
    data = _docx_bytes(DRAFT.split("\n"), with_table=True)

    from_docx = parse_docx(data)

    assert _shape(from_docx) == _shape(parse_text(DRAFT))
    assert from_docx.warnings == []
    assert len(from_docx.articles()) == 8


def test_docx_with_automatic_numbering_is_warned():
    document = docx.Document()
    document.add_paragraph("第一条 为了规范管理，制定本办法。")
    document.add_paragraph("设置收集容器；", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)

    result = parse_docx(buffer.getvalue())

    assert len(result.articles()) == 1
    assert len(result.warnings) == 1
    assert "1" in result.warnings[0]  # one paragraph is numbered by Word


def _xlsx_bytes():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "第一条 表格"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
        os.urandom(2048),
        b"",
        "第一条 纯文本".encode(),
        b"PK\x03\x04not really a zip",
        pytest.param(None, id="xlsx"),
    ],
)
def test_non_docx_bytes_are_refused(data):
    data = _xlsx_bytes() if data is None else data

    with pytest.raises(DomainError) as excinfo:
        parse_docx(data)
    assert str(excinfo.value) == _("The file is not a Word (DOCX) document.")


def test_docx_whose_parts_are_broken_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml" PartName="/word/document.xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<not xml")

    with pytest.raises(DomainError) as excinfo:
        parse_docx(buffer.getvalue())
    assert str(excinfo.value) == _("The file is not a Word (DOCX) document.")
