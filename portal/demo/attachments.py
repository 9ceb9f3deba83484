"""Small, real attachment files for the demo policies, generated at seed time (no files in the repository).

- ``pdf_document`` writes a PDF 1.4 by hand: the standard CJK font STSong-Light (Adobe-GB1, not embedded —
  PDF readers supply it), one text object per page, a correct cross-reference table;
- ``docx_document`` builds a Word file with python-docx, ``xlsx_workbook`` an Excel workbook with openpyxl.

Every generator is deterministic: the same arguments give the same bytes (ZIP timestamps and the document
properties' dates are fixed to the given date). That is what makes seed_demo idempotent for attachments: the
import reuses a document whose content and title are already stored.
"""

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime

# --- PDF ------------------------------------------------------------------------------------------------------

_PAGE_WIDTH, _PAGE_HEIGHT = 595, 842  # A4 in points
_MARGIN = 72
_BODY_SIZE, _TITLE_SIZE, _LEADING = 11, 16, 19


def _pdf_hex(text: str) -> str:
    """A hex string in UCS-2 big-endian (the UniGB-UCS2-H encoding); characters outside the BMP become 〓."""
    return "<" + "".join(f"{ord(ch) if ord(ch) <= 0xFFFF else 0x3013:04X}" for ch in text) + ">"


def _text_units(text: str) -> int:
    """Width in 1/1000 em: ASCII is half-width in STSong-Light, everything else full width."""
    return sum(500 if ord(ch) < 128 else 1000 for ch in text)


def _wrap(text: str, size: int) -> list[str]:
    limit = (_PAGE_WIDTH - 2 * _MARGIN) * 1000 // size
    lines, current = [], ""
    for ch in text:
        if _text_units(current + ch) > limit:
            lines.append(current)
            current = ""
        current += ch
    lines.append(current)
    return lines


def _pdf_date(when: date) -> str:
    return f"D:{when:%Y%m%d}000000+08'00'"


def pdf_document(title: str, paragraphs: Sequence[str], *, when: date, author: str = "") -> bytes:
    """A text PDF: the title centred in larger type, then the paragraphs (first line indented two characters)."""
    # Lay out the lines: (font size, x, text).
    items: list[tuple[int, float, str]] = []
    for line in _wrap(title, _TITLE_SIZE):
        items.append((_TITLE_SIZE, (_PAGE_WIDTH - _text_units(line) * _TITLE_SIZE / 1000) / 2, line))
    items.append((_BODY_SIZE, _MARGIN, ""))
    for paragraph in paragraphs:
        for line in _wrap("\u3000\u3000" + paragraph.strip(), _BODY_SIZE):
            items.append((_BODY_SIZE, _MARGIN, line))
    per_page = (_PAGE_HEIGHT - 2 * _MARGIN) // _LEADING
    pages = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]

    streams = []
    for number, page_items in enumerate(pages, start=1):
        ops = ["BT"]
        y = _PAGE_HEIGHT - _MARGIN
        for size, x, text in page_items:
            if text:
                ops.append(f"/F1 {size} Tf 1 0 0 1 {x:.1f} {y} Tm {_pdf_hex(text)} Tj")
            y -= _LEADING
        footer = f"- {number} -"
        footer_x = (_PAGE_WIDTH - _text_units(footer) * 9 / 1000) / 2
        ops.append(f"/F1 9 Tf 1 0 0 1 {footer_x:.1f} 40 Tm {_pdf_hex(footer)} Tj")
        ops.append("ET")
        streams.append("\n".join(ops).encode("ascii"))

    # Objects: 1 catalog, 2 pages, 3 font, 4 CID font, 5 descriptor, 6 info, then page + content pairs.
    page_ids = [7 + 2 * i for i in range(len(pages))]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(f'{i} 0 R' for i in page_ids)}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >>"
        b" /FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        (
            f"<< /Title <FEFF{title.encode('utf-16-be').hex().upper()}>"
            f" /Author <FEFF{author.encode('utf-16-be').hex().upper()}>"
            f" /Producer (chengguan-portal seed_demo) /CreationDate ({_pdf_date(when)}) /ModDate ({_pdf_date(when)}) >>"
        ).encode(),
    ]
    for page_id, stream in zip(page_ids, streams, strict=True):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH} {_PAGE_HEIGHT}]"
            f" /Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


# --- Office files ---------------------------------------------------------------------------------------------

_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _stable_zip(data: bytes, when: date) -> bytes:
    """The same ZIP with fixed timestamps (entries and document properties), so equal content gives equal bytes."""
    stamp = datetime(when.year, when.month, when.day, 9, 0, 0)  # noqa: DTZ001 — ZIP times carry no zone
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>" + iso + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def docx_document(
    title: str,
    paragraphs: Sequence[str],
    *,
    when: date,
    author: str = "",
    table: Sequence[Sequence[str]] | None = None,
    closing: Sequence[str] = (),
) -> bytes:
    """A Word document: title, paragraphs, an optional table (first row = header), closing lines right-aligned."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(16)
    for text in paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(24)
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(r) for r in table))
        grid.style = "Table Grid"
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                cell = grid.cell(r, c)
                cell.text = str(value)
                if r == 0:
                    for cell_run in cell.paragraphs[0].runs:
                        cell_run.bold = True
    for text in closing:
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.revision = 1
    stamp = datetime(when.year, when.month, when.day, 9, 0, 0)  # noqa: DTZ001
    props.created = props.modified = stamp
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue(), when)


def xlsx_workbook(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence],
    *,
    when: date,
    author: str = "",
    sheet_name: str = "Sheet1",
    notes: Sequence[str] = (),
) -> bytes:
    """An Excel workbook: a title row, a bold header, the rows, then notes (说明) below the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(header))
    thin = Side(style="thin")
    for row in rows:
        sheet.append(list(row))
    for row in sheet.iter_rows(min_row=2, max_row=2 + len(rows), max_col=len(header)):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            if cell.row == 2:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center")
    for column in range(1, len(header) + 1):
        width = max(len(str(r[column - 1])) for r in [header, *rows] if len(r) >= column)
        sheet.column_dimensions[get_column_letter(column)].width = min(60, max(10, width * 2 + 2))
    sheet.freeze_panes = "A3"
    if notes:
        sheet.append([])
    for text in notes:
        sheet.append([text])
    stamp = datetime(when.year, when.month, when.day, 9, 0, 0)  # noqa: DTZ001
    workbook.properties.title = title
    workbook.properties.creator = author
    workbook.properties.lastModifiedBy = author
    workbook.properties.created = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _stable_zip(buffer.getvalue(), when)
