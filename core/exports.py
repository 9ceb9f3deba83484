"""Export helpers shared by the apps: XLSX (openpyxl, write-only), CSV for Excel, DOCX building blocks for 公文-style
attachments (python-docx), plain text from stored HTML, and the download response.

Spreadsheet cells hold values, never formulas: a user's text starting with ``=`` is stored as a string cell in
XLSX and prefixed with an apostrophe in CSV (CSV injection), control characters Excel refuses are dropped, and
aware datetimes are written in local time (Asia/Shanghai) without a zone.
"""

import csv
import html
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV_TYPE = "text/csv; charset=utf-8"

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BLOCK_END = re.compile(r"<br\s*/?>|</(p|li|blockquote|div|h[1-6])\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


def html_to_text(value: str) -> str:
    """Plain text of stored (sanitised) HTML: one line per paragraph, list item or line break."""
    text = _BLOCK_END.sub("\n", value or "")
    text = html.unescape(_TAG.sub("", text)).replace("\xa0", " ")
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _local(value):
    """Aware datetimes in local time without a zone (Excel has none); other values unchanged."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def cell_text(value) -> str:
    """How a value reads in CSV and DOCX: dates as Y-m-d (H:i), None as empty, booleans as 是/否."""
    value = _local(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


# --- XLSX ---------------------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One worksheet: a bold, frozen, filterable header row, then the rows (values, not formulas)."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence]
    widths: Sequence[float] | None = None  # in characters; estimated from the content when omitted


def _estimate_widths(headers: Sequence[str], rows: Sequence[Sequence], sample: int = 300) -> list[float]:
    def width(value) -> int:
        text = cell_text(value).split("\n", 1)[0]
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [width(h) + 2 for h in headers]
    for row in rows[:sample]:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], width(value) + 2)
    return [min(60, max(8, w)) for w in widths]


def _write_sheet(workbook, sheet: Sheet) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(title=sheet.title[:31])
    widths = sheet.widths or _estimate_widths(sheet.headers, sheet.rows)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    last = get_column_letter(max(1, len(sheet.headers)))
    ws.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header = []
    for title in sheet.headers:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        header.append(cell)
    ws.append(header)

    def convert(value):
        value = _local(value)
        if isinstance(value, str):
            value = _ILLEGAL_XML.sub("", value)[:32767]
            if value.startswith("=") or value in _ERROR_CODES:
                cell = WriteOnlyCell(ws, value=None)
                cell._value, cell.data_type = value, "s"  # text that looks like a formula stays text
                return cell
            return value
        if isinstance(value, datetime):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATETIME_FORMAT
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        return value

    for row in sheet.rows:
        ws.append([convert(v) for v in row])


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """An XLSX file with the given sheets, written in openpyxl's write-only (streaming) mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence], *, title: str,
               widths: Sequence[float] | None = None) -> bytes:
    """A one-sheet XLSX file: frozen bold header, autofilter, column widths."""
    return workbook_bytes([Sheet(title, headers, rows, widths)])


# --- CSV ----------------------------------------------------------------------------------------------------------


def _csv_value(value) -> str:
    text = cell_text(value)
    if text.startswith(_FORMULA_START):
        return "'" + text  # neutralise formulas when Excel opens the file
    return text


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so Excel reads the Chinese correctly), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- Download -----------------------------------------------------------------------------------------------------


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition value with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    disposition = "inline" if inline else "attachment"
    fallback = re.sub(r"[^\x20-\x7e]|[\"\\]", "_", filename)
    fallback = re.sub(r"_+", "_", fallback)
    if fallback == filename:
        return f'{disposition}; filename="{filename}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def export_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """The download of an export: not cached, never sniffed, with the UTF-8 file name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- DOCX building blocks -----------------------------------------------------------------------------------------

FONT_TITLE = "方正小标宋简体"  # 公文 title
FONT_HEADING = "黑体"
FONT_BODY = "仿宋_GB2312"


def docx_font(target, name: str, *, size: float | None = None, bold: bool | None = None) -> None:
    """Set the font of a run or a style, East Asian font included (w:eastAsia), so Chinese text uses it too."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    target.font.name = name
    target.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold


def docx_landscape(section, *, margin_mm: float = 20) -> None:
    """A4 landscape with equal margins."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(margin_mm))


def docx_repeat_header(row) -> None:
    """Repeat this table row at the top of every page (w:tblHeader), and never split it across pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def docx_append_rows(table, rows: Iterable[Sequence[str]]) -> None:
    """Append rows of plain text to a python-docx table, fast (thousands of rows): each row copies a template
    row with the table's column widths and gets one run per cell; a newline in the text is a line break."""
    from copy import deepcopy

    from docx.oxml.ns import qn
    from lxml.etree import SubElement

    template = table.add_row()._tr
    tbl = template.getparent()
    tbl.remove(template)
    r_tag, t_tag, br_tag, space = qn("w:r"), qn("w:t"), qn("w:br"), qn("xml:space")
    for values in rows:
        tr = deepcopy(template)
        for tc, value in zip(tr.tc_lst, values, strict=False):
            run = SubElement(tc.p_lst[0], r_tag)
            for i, line in enumerate(_ILLEGAL_XML.sub("", value or "").split("\n")):
                if i:
                    SubElement(run, br_tag)
                text = SubElement(run, t_tag)
                text.text = line
                text.set(space, "preserve")
        tbl.append(tr)


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
