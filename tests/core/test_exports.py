import csv
import io
from datetime import UTC, date, datetime

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from core.exports import (
    DOCX_TYPE,
    Sheet,
    content_disposition,
    csv_bytes,
    docx_append_rows,
    docx_bytes,
    docx_font,
    docx_landscape,
    docx_repeat_header,
    export_response,
    html_to_text,
    workbook_bytes,
    xlsx_bytes,
)

HEADERS = ["编号", "名称", "时间"]
ROWS = [
    [1, "成都市照明电器协会", datetime(2025, 3, 1, 1, 30, tzinfo=UTC)],
    [2, "=HYPERLINK(\"http://example.com\")", date(2025, 3, 2)],
    [3, "含控制字符\x07的文字", None],
]


def test_html_to_text_keeps_paragraphs_and_unescapes():
    html = "<p>第一段&amp;说明</p><p>第二段<br>换行</p><ul><li>一</li><li>二</li></ul>"
    assert html_to_text(html) == "第一段&说明\n第二段\n换行\n一\n二"
    assert html_to_text("") == ""


def test_xlsx_has_frozen_filtered_header_and_local_times():
    workbook = load_workbook(io.BytesIO(xlsx_bytes(HEADERS, ROWS, title="清单")))
    sheet = workbook["清单"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C4"
    assert sheet["A2"].value == 1
    assert sheet["C2"].value == datetime(2025, 3, 1, 9, 30)  # noqa: DTZ001 — Asia/Shanghai; Excel has no zones
    assert sheet["C3"].value == datetime(2025, 3, 2)  # noqa: DTZ001
    assert sheet["B4"].value == "含控制字符的文字"
    assert sheet.column_dimensions["B"].width >= 20


def test_xlsx_text_that_looks_like_a_formula_stays_text():
    workbook = load_workbook(io.BytesIO(xlsx_bytes(HEADERS, ROWS, title="清单")))
    cell = workbook["清单"]["B3"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.com")'


def test_workbook_with_several_sheets():
    content = workbook_bytes([Sheet("一", ["a"], [[1]]), Sheet("二", ["b"], [[2], [3]], widths=[12])])
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["一", "二"]
    assert workbook["二"].max_row == 3


def test_csv_has_bom_and_neutralises_formulas():
    content = csv_bytes(HEADERS, ROWS)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[1] == ["1", "成都市照明电器协会", "2025-03-01 09:30"]
    assert rows[2][1].startswith("'=")
    assert rows[2][2] == "2025-03-02"
    assert rows[3][2] == ""


def test_content_disposition_has_ascii_fallback_and_utf8_name():
    assert content_disposition("report.xlsx") == 'attachment; filename="report.xlsx"'
    value = content_disposition("ZQ-2025-0001-意见采纳情况.docx")
    assert value.startswith('attachment; filename="ZQ-2025-0001-_.docx"; ')
    assert "filename*=UTF-8''ZQ-2025-0001-%E6%84%8F%E8%A7%81" in value


def test_export_response_headers():
    response = export_response(b"x", "表.docx", DOCX_TYPE)
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"


def test_docx_helpers():
    document = Document()
    docx_landscape(document.sections[0])
    run = document.add_paragraph().add_run("标题")
    docx_font(run, "黑体", size=16, bold=True)
    table = document.add_table(rows=1, cols=2)
    docx_repeat_header(table.rows[0])
    docx_append_rows(table, [["1", "第一行\n第二行"], ["2", ""]])
    reopened = Document(io.BytesIO(docx_bytes(document)))
    assert reopened.sections[0].page_width > reopened.sections[0].page_height
    assert reopened.paragraphs[0].runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    rows = reopened.tables[0].rows
    assert [c.text for c in rows[1].cells] == ["1", "第一行\n第二行"]
    assert len(rows) == 3
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
