"""Exports of a consultation.

- :func:`export_outcome` — the 意见采纳情况表 as a formal DOCX attachment, an XLSX workbook or a CSV file, built
  only from *published* answers (what the public may read), one row per comment: a comment grouped under
  another (duplicate) gets its own row with the group's answer and a note "与第 n 条意见相同".
- :func:`export_comments_xlsx` — the committee's working list: every submitted and withdrawn comment with its
  status, the hidden flag and reason, the contact, and the current saved (or the published) answer.

The documents are Chinese formal documents: column headers and fixed phrases are written in Chinese here (they
are data of the document, not UI), and the labels of choices (处理结果, 渠道, 提出单位类型) come from the model
choices rendered in the site's default language, so they read the same as on the pages.

Queries: a fixed handful per export whatever the number of comments (the selectors prefetch everything).
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.exports import (
    CSV_TYPE,
    DOCX_TYPE,
    FONT_BODY,
    FONT_HEADING,
    FONT_TITLE,
    XLSX_TYPE,
    Sheet,
    csv_bytes,
    docx_append_rows,
    docx_bytes,
    docx_font,
    docx_landscape,
    docx_repeat_header,
    html_to_text,
    workbook_bytes,
)

from . import selectors
from .models import Channel, Comment, Consultation, Response, Result

CONTENT_TYPES = {"docx": DOCX_TYPE, "xlsx": XLSX_TYPE, "csv": CSV_TYPE}
OUTCOME_SHEET = "意见采纳情况"
STATS_SHEET = "统计"
COMMENTS_SHEET = "意见清单"
HIDDEN_NOTE = "该意见内容不予公开"

OUTCOME_COLUMNS = [
    ("序号", 6), ("回执编号", 18), ("提出单位", 26), ("提出单位类型", 12), ("征求对象", 26), ("渠道", 10),
    ("提交/收到日期", 17), ("逾期", 6), ("条款", 10), ("引用原文", 40), ("问题", 50), ("理由依据", 40),
    ("修改建议", 40), ("处理结果", 14), ("理由", 40), ("对应修改后条款", 14), ("答复发布时间", 17), ("备注", 20),
]
COMMENT_COLUMNS = [
    ("编号", 6), ("回执编号", 18), ("状态", 8), ("提出单位", 26), ("提出单位类型", 12), ("征求对象", 26),
    ("渠道", 10), ("提交/收到日期", 17), ("逾期", 6), ("稿次", 6), ("条款", 10), ("引用原文", 40), ("问题", 50),
    ("理由依据", 40), ("修改建议", 40), ("附件", 24), ("联系方式（不公开）", 20), ("已隐藏", 8), ("隐藏原因", 24),
    ("与之相同的意见", 18), ("处理结果", 14), ("理由", 40), ("对应修改后条款", 14), ("答复时间", 17),
    ("答复发布时间", 17), ("撤回时间", 17),
]
DOCX_COLUMNS_MM = [("序号", 12), ("提出单位", 36), ("条款", 18), ("意见内容", 80), ("处理结果", 22), ("理由", 57)]
NEW_ARTICLE_COLUMN_MM = ("对应修改后条款", 22)


@dataclass
class Entry:
    """One comment of the outcome table with the answer of its group."""

    number: int
    comment: Comment
    response: Response | None
    leader_number: int | None = None  # the 序号 of the comment this one duplicates


def _entries(rows: list[selectors.OutcomeRow]) -> list[Entry]:
    entries: list[Entry] = []
    for row in rows:
        leader = len(entries) + 1
        entries.append(Entry(leader, row.comment, row.response))
        entries.extend(Entry(len(entries) + 1, d, row.response, leader) for d in row.duplicates)
    return entries


def _public_texts(comment: Comment) -> tuple[str, str, str]:
    """(问题, 理由依据, 修改建议) as published: a hidden comment's text is replaced by a note, without the reason
    for hiding it (the public page and the API do not show it either; the committee's list does)."""
    if comment.is_hidden:
        return HIDDEN_NOTE, "", ""
    return html_to_text(comment.problem), html_to_text(comment.reason), html_to_text(comment.suggestion)


@lru_cache(maxsize=8)
def _choice_labels(language: str) -> dict:
    """The labels of the choices an export shows, translated once (gettext per cell is slow at 5,000 rows)."""
    with translation.override(language):
        labels = {cls: {value: str(label) for value, label in cls.choices}
                  for cls in (Result, Channel, Comment.AuthorKind, Comment.Status)}
        labels["general"] = gettext("General comment")  # Comment.anchor_label of a comment on no article
    return labels


def _label(cls, value: str) -> str:
    return _choice_labels(translation.get_language() or settings.LANGUAGE_CODE)[cls].get(value, value)


def _article_label(comment: Comment) -> str:
    return comment.quoted_label or _choice_labels(translation.get_language() or settings.LANGUAGE_CODE)["general"]


def _result_label(response: Response | None) -> str:
    return _label(Result, response.result) if response else ""


def _new_article(response: Response | None) -> str:
    return response.new_article.label if response and response.new_article else ""


def _received(comment: Comment):
    return comment.submitted_at if comment.channel == Channel.ONLINE else comment.received_on


def _firms(comment: Comment) -> str:
    return "、".join(f.name for f in comment.consulted_firms.all())


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _duplicate_note(entry: Entry) -> str:
    return f"与第 {entry.leader_number} 条意见相同" if entry.leader_number else ""


def _chinese_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


# --- 意见采纳情况: XLSX and CSV ------------------------------------------------------------------------------------


def _outcome_table(entries: list[Entry]) -> list[list]:
    table = []
    for e in entries:
        c, r = e.comment, e.response
        problem, reason, suggestion = _public_texts(c)
        table.append([
            e.number, c.receipt_number, c.author_name, _label(Comment.AuthorKind, c.author_kind), _firms(c),
            _label(Channel, c.channel), _received(c), _yes(c.is_late), _article_label(c), html_to_text(c.quoted_text),
            problem, reason, suggestion, _result_label(r), html_to_text(r.reason) if r else "", _new_article(r),
            r.published_at if r else None, _duplicate_note(e),
        ])
    return table


def _stats_sheet(rows: list[selectors.OutcomeRow]) -> Sheet:
    """合计 by result, then one line per commenting organisation with its results."""
    results = selectors.result_counts(rows)
    headers = ["提出单位", "意见数", *[str(label) for _value, label, _n in results], "未答复"]
    authors = selectors.counts_by_author(rows)
    total = sum(n for _name, n, _counter in authors)
    answered = sum(n for _value, _label, n in results)
    table = [["合计", total, *[n for _value, _label, n in results], total - answered]]
    for name, n, counter in authors:
        table.append([name, n, *[counter.get(value, 0) for value, _label, _n in results],
                      n - sum(counter.values())])
    return Sheet(STATS_SHEET, headers, table, widths=[30, 8, *[12] * len(results), 8])


def _outcome_xlsx(consultation: Consultation, rows, entries) -> bytes:
    headers, widths = zip(*OUTCOME_COLUMNS, strict=True)
    return workbook_bytes([Sheet(OUTCOME_SHEET, headers, _outcome_table(entries), widths), _stats_sheet(rows)])


def _outcome_csv(consultation: Consultation, rows, entries) -> bytes:
    return csv_bytes([h for h, _w in OUTCOME_COLUMNS], _outcome_table(entries))


# --- 意见采纳情况: DOCX --------------------------------------------------------------------------------------------


def _summary(rows: list[selectors.OutcomeRow]) -> str:
    results = selectors.result_counts(rows)
    authors = selectors.counts_by_author(rows)
    total = sum(n for _name, n, _counter in authors)
    answered = sum(n for _value, _label, n in results)
    parts = [f"{label} {n} 条" for _value, label, n in results]
    if total > answered:
        parts.append(f"尚未答复 {total - answered} 条")
    return f"共收到 {len(authors)} 个单位（个人）的意见 {total} 条：" + "，".join(parts) + "。"


def _paragraph(document, text: str, *, size: float = 16, font: str = FONT_BODY, align=None, indent: bool = False):
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    docx_font(paragraph.add_run(text), font, size=size)
    return paragraph


def _docx_cell_texts(entry: Entry, with_new_article: bool) -> list[str]:
    c, r = entry.comment, entry.response
    problem, reason, suggestion = _public_texts(c)
    content = "\n".join(filter(None, [problem, suggestion and f"修改建议：{suggestion}",
                                      reason and f"理由依据：{reason}"]))
    answer_reason = "\n".join(filter(None, [_duplicate_note(entry), html_to_text(r.reason) if r else ""]))
    cells = [str(entry.number), c.author_name, _article_label(c), content, _result_label(r), answer_reason]
    if with_new_article:
        cells.append(_new_article(r))
    return cells


def _outcome_docx(consultation: Consultation, rows, entries) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    docx_landscape(document.sections[0])
    normal = document.styles["Normal"]
    docx_font(normal, FONT_BODY, size=12)
    normal.paragraph_format.space_after = Pt(0)

    title = f"《{consultation.title}》征求意见采纳情况表"
    _paragraph(document, title, size=22, font=FONT_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    start = timezone.localtime(consultation.starts_at).strftime("%Y-%m-%d %H:%M")
    end = timezone.localtime(consultation.ends_at).strftime("%Y-%m-%d %H:%M")
    _paragraph(document, f"征求意见期限：{start} 至 {end}（{consultation.number}）", indent=True)
    _paragraph(document, _summary(rows), indent=True)

    with_new_article = any(e.response and e.response.new_article_id for e in entries)
    columns = DOCX_COLUMNS_MM + ([NEW_ARTICLE_COLUMN_MM] if with_new_article else [])
    scale = 257 / sum(w for _h, w in columns)  # the landscape text width
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, (_header, width) in zip(table.columns, columns, strict=True):
        column.width = Mm(width * scale)
    header = table.rows[0]
    docx_repeat_header(header)
    for cell, (text, width) in zip(header.cells, columns, strict=True):
        cell.width = Mm(width * scale)
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        docx_font(paragraph.add_run(text), FONT_HEADING, size=12)
    docx_append_rows(table, (_docx_cell_texts(e, with_new_article) for e in entries))

    note = html_to_text(consultation.outcome_note)
    if note:
        _paragraph(document, "")
        _paragraph(document, "说明：", font=FONT_HEADING)
        for line in note.split("\n"):
            _paragraph(document, line, indent=True)
    _paragraph(document, "")
    when = timezone.localtime(consultation.outcome_published_at).date() if consultation.outcome_published_at \
        else timezone.localdate()
    _paragraph(document, consultation.department, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, _chinese_date(when), align=WD_ALIGN_PARAGRAPH.RIGHT)

    props = document.core_properties
    props.title, props.author, props.comments = title, consultation.department, ""
    return docx_bytes(document)


_BUILDERS = {"docx": _outcome_docx, "xlsx": _outcome_xlsx, "csv": _outcome_csv}


def export_outcome(consultation: Consultation, fmt: str) -> tuple[bytes, str, str]:
    """(content, filename, content_type) of the 意见采纳情况 in ``fmt`` ("docx", "xlsx" or "csv").

    Only published answers are included: before the outcome is published the result columns are empty.
    """
    builder = _BUILDERS.get(fmt)
    if builder is None:
        raise ValueError(f"Unknown export format: {fmt!r}")
    with translation.override(settings.LANGUAGE_CODE):
        rows = selectors.outcome_rows(consultation, published_only=True)
        content = builder(consultation, rows, _entries(rows))
    return content, f"{consultation.number}-意见采纳情况.{fmt}", CONTENT_TYPES[fmt]


# --- The committee's working list ----------------------------------------------------------------------------------


def export_comments_xlsx(consultation: Consultation, *, published_only: bool) -> bytes:
    """Every submitted and withdrawn comment, with the published answer (``published_only``) or the latest saved
    one; a duplicate shows the answer of its group. For the back office only: includes contacts and hidden text."""
    comments = selectors.comments_for_display(consultation, public=False).select_related("duplicate_of")
    attr = "published_responses"
    if not published_only:
        attr = "current_responses"
        comments = comments.prefetch_related(
            Prefetch("responses", queryset=Response.objects.current().select_related("new_article"), to_attr=attr))
    comments = list(comments)
    answers = {c.pk: (getattr(c, attr) or [None])[-1] for c in comments}
    table = []
    with translation.override(settings.LANGUAGE_CODE):
        for c in comments:
            r = answers.get(c.duplicate_of_id) if c.duplicate_of_id else answers[c.pk]
            table.append([
                c.sequence, c.receipt_number, _label(Comment.Status, c.status), c.author_name,
                _label(Comment.AuthorKind, c.author_kind), _firms(c), _label(Channel, c.channel), _received(c),
                _yes(c.is_late), c.version.number, _article_label(c),
                html_to_text(c.quoted_text), html_to_text(c.problem), html_to_text(c.reason),
                html_to_text(c.suggestion), "、".join(a.name for a in c.attachments.all()), c.contact,
                _yes(c.is_hidden), html_to_text(c.hidden_reason),
                c.duplicate_of.receipt_number if c.duplicate_of_id else "", _result_label(r),
                html_to_text(r.reason) if r else "", _new_article(r), r.answered_at if r else None,
                r.published_at if r else None, c.withdrawn_at,
            ])
        headers, widths = zip(*COMMENT_COLUMNS, strict=True)
        return workbook_bytes([Sheet(COMMENTS_SHEET, headers, table, widths)])

