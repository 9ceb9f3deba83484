"""Bulk import of policies: one JSON object per line (JSON Lines) becomes a live PolicyPage.

Format (keys of one line; only ``title``, ``issuing_body``, ``category``, ``date_written`` and
``date_published`` are required)::

    {"title": "成都市餐厨垃圾管理办法", "document_number": "成都市人民政府令第231号",
     "issuing_body": "成都市人民政府", "category": "规章", "subject_category": "餐厨垃圾",
     "keywords": ["餐厨垃圾", "收运处置"], "disclosure": "主动公开",
     "date_written": "2024-09-10", "date_published": "2024-09-20", "date_effective": "2025-01-01",
     "validity": "现行有效", "summary": "…", "body": "第一条 …\\n\\n第二条 …", "tags": ["餐厨垃圾"],
     "attachments": ["files/办法全文.pdf", {"path": "files/收运台账.xlsx", "title": "收运台账（样表）"}],
     "supersedes": "成都市人民政府令第196号", "interprets": null}

Rules (the decisions behind them are in the docstrings below):

- choices (``category``, ``validity``, ``disclosure``, ``subject_category``) take the stored value, the Chinese
  name used on the site (法规 · 规章 · … · 现行有效 · 已修订 · 已废止 · 尚未施行 · 主动公开 …) or the label;
- ``issuing_body`` must name an existing 发文机关 (name or short name): the list is kept in the admin so names
  and organisation codes (the first part of the 索引号) stay consistent; an unknown name is a bad line that
  lists the known ones. Nothing is created silently from a typo;
- ``body`` is HTML (cleaned by ``core.sanitize.sanitize_html``, one paragraph block), or plain text whose
  blank-line separated paragraphs become one paragraph block each (a lone line such as “第一章 总则” becomes a
  heading), or a list of blocks (``{"type": "heading"|"paragraph"|"quote"|"table", …}``);
- ``attachments`` are files relative to the JSONL file, checked by content (PDF, DOCX, XLSX, OFD) and size like
  an upload in the admin, and stored as Wagtail documents in the collection 政策文件附件. A file whose content
  and title are already there is reused, so importing the same file twice makes no second document;
- a line is matched to an existing policy by its 文号, or — for a policy without one (news, interpretations) —
  by its exact title among the policies without 文号. A match is updated with a new, published revision; a
  match whose values are all the same is left alone and reported as *unchanged* (no revision, no audit entry);
- on an update, optional keys that are absent from the line keep the page's value (the required ones are
  always given); on a create they take the model's default;
- ``supersedes`` names one or more older policies by 文号 (a string, ``{"document_number": …, "validity":
  "已修订"}`` or a list of these). Each must already exist (in the database or on an earlier line). The older
  policy gets “superseded by” this one and the validity 已废止 (default) or 已修订, in a new revision. Once a
  policy is superseded, its 效力状态 and successor belong to that link: the older policy's own line no longer
  changes them (so re-running a file is stable), and another policy cannot claim to supersede it too;
- ``interprets`` names the interpreted policy by 文号 (or, if it has none, by exact title).

Each line is checked and written in its own savepoint: a bad line is reported with its 1-based line number and
changes nothing (no page, revision, document or stored file is left behind). The model's own rules run
(``full_clean``). A dry run does everything inside a transaction that is rolled back, so its report is exactly
what the real import would say. Imported pages are published directly (the review workflow is for editors in
the admin); a policy with unpublished changes in the admin is not touched (bad line) so no draft is lost.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.utils.file import hash_filelike

from core.audit import audit_log
from core.errors import DomainError
from core.sanitize import sanitize_html

from .documents import check_document_upload
from .models import (
    Category,
    Disclosure,
    IssuingBody,
    PolicyAttachment,
    PolicyIndexPage,
    PolicyPage,
    SubjectCategory,
    Validity,
)

AUDIT_ACTION = "portal.policy.imported"
ATTACHMENT_COLLECTION = "政策文件附件"

REQUIRED_KEYS = ("title", "issuing_body", "category", "date_written", "date_published")
OPTIONAL_KEYS = (
    "document_number",
    "subject_category",
    "keywords",
    "disclosure",
    "tags",
    "date_effective",
    "validity",
    "summary",
    "body",
    "attachments",
    "supersedes",
    "interprets",
)
KNOWN_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS

# The names the site uses (GLOSSARY.md). The stored value and the (translated) label are accepted too.
CATEGORY_NAMES = {
    "法规": Category.LAW,
    "规章": Category.RULE,
    "规范性文件": Category.NORMATIVE,
    "标准规范": Category.STANDARD,
    "通知公告": Category.NOTICE,
    "政策解读": Category.INTERPRETATION,
    "工作动态": Category.NEWS,
}
VALIDITY_NAMES = {
    "现行有效": Validity.IN_FORCE,
    "有效": Validity.IN_FORCE,
    "已修订": Validity.AMENDED,
    "已修改": Validity.AMENDED,
    "已废止": Validity.REPEALED,
    "废止": Validity.REPEALED,
    "失效": Validity.REPEALED,
    # 尚未施行 is derived from the date in force; it is stored as 现行有效.
    "尚未施行": Validity.NOT_YET,
}
DISCLOSURE_NAMES = {"主动公开": Disclosure.PROACTIVE, "依申请公开": Disclosure.ON_REQUEST}
SUBJECT_NAMES = {
    "城市管理": SubjectCategory.URBAN_MANAGEMENT,
    "城市管理综合": SubjectCategory.URBAN_MANAGEMENT,
    "市容环卫": SubjectCategory.SANITATION,
    "市容和环境卫生": SubjectCategory.SANITATION,
    "环境卫生": SubjectCategory.SANITATION,
    "城市照明": SubjectCategory.LIGHTING,
    "户外广告": SubjectCategory.ADVERTISING,
    "户外广告和招牌": SubjectCategory.ADVERTISING,
    "广告招牌": SubjectCategory.ADVERTISING,
    "市政设施": SubjectCategory.MUNICIPAL,
    "餐厨垃圾": SubjectCategory.KITCHEN_WASTE,
    "再生资源": SubjectCategory.RECYCLING,
    "再生资源回收": SubjectCategory.RECYCLING,
    "渣土运输": SubjectCategory.MUCK,
    "建筑垃圾": SubjectCategory.MUCK,
    "建筑垃圾（渣土）运输": SubjectCategory.MUCK,
    "机动车清洗": SubjectCategory.CAR_WASH,
    "行政执法": SubjectCategory.ENFORCEMENT,
    "城管执法": SubjectCategory.ENFORCEMENT,
    "营商环境": SubjectCategory.BUSINESS,
    "信用体系": SubjectCategory.CREDIT,
    "信用建设": SubjectCategory.CREDIT,
}

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HTML_RE = re.compile(r"</?[a-zA-Z][^<>]*>")
_HEADING_RE = re.compile(r"^第[一二三四五六七八九十百零〇]+[章节篇]\s*\S.{0,28}$")
_YEAR_BRACKETS_RE = re.compile(r"[\[【(（](\d{4})[\]】)）]")
_TAG_SPLIT_RE = re.compile(r"[,，、;；]+")
_BLOCK_START_RE = re.compile(r"^\s*<(p|ol|ul|h[1-6]|blockquote)\b", re.IGNORECASE)


class ImportRefused(DomainError):
    """The file as a whole cannot be imported (missing, unreadable, too large). Nothing was imported."""


class LineError(Exception):
    """One line is bad; the message says why (shown after “第 N 行：”)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


@dataclass
class LineResult:
    number: int
    status: str  # "created" | "updated" | "unchanged"
    title: str
    document_number: str
    page_id: int | None = None


@dataclass
class PolicyImportReport:
    file_name: str = ""
    dry_run: bool = False
    lines_total: int = 0
    results: list[LineResult] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def _count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    def summary(self) -> str:
        text = _(
            "Lines read: %(total)d. Policies created: %(created)d. Updated: %(updated)d. "
            "Unchanged: %(unchanged)d. Lines rejected: %(rejected)d."
        ) % {
            "total": self.lines_total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
        }
        if self.dry_run:
            text = _("Check only, nothing was saved. An import of this file would give:") + " " + text
        return text

    def as_audit_data(self) -> dict:
        return {
            "file": self.file_name,
            "lines_total": self.lines_total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "rejected_lines": [number for number, _reason in self.rejected[:200]],
        }


@dataclass
class _Attachment:
    path: str  # as written in the line (for messages)
    name: str
    data: bytes
    title: str


@dataclass
class _Line:
    number: int
    keys: set[str]
    title: str
    document_number: str
    issuing_body: IssuingBody
    category: str
    date_written: date
    date_published: date
    date_effective: date | None = None
    validity: str = Validity.IN_FORCE
    subject_category: str = SubjectCategory.URBAN_MANAGEMENT
    keywords: str = ""
    disclosure: str = Disclosure.PROACTIVE
    summary: str = ""
    body: list[dict] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    attachments: list[_Attachment] = field(default_factory=list)
    supersedes: list[tuple[str, str]] = field(default_factory=list)
    interprets: str | None = None


# --- Reading the file ------------------------------------------------------------------------


def read_jsonl(path: str | Path) -> tuple[str, list[tuple[int, str]]]:
    """(file name, [(line number, text)] of the non-blank lines). Raises ImportRefused."""
    path = Path(path)
    if not path.is_file():
        raise ImportRefused(_("The file %(name)s does not exist.") % {"name": str(path)})
    limit = settings.PORTAL_IMPORT_MAX_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise ImportRefused(
                _("The file is too large (%(size)s); at most %(max)s can be imported at once.")
                % {"size": filesizeformat(size), "max": filesizeformat(limit)}
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(
            _("The file %(name)s could not be read: %(error)s") % {"name": str(path), "error": exc.strerror or exc}
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            _("The file %(name)s is not UTF-8 text (JSON Lines); save it as UTF-8 and try again.") % {"name": path.name}
        ) from exc
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    return path.name, lines


# --- Checking one line (no writes) -----------------------------------------------------------


def normalize_document_number(value: str) -> str:
    """Trim, collapse spaces (DB5101/T 108-2023 keeps its one) and write the year brackets the official way:
    成城管发[2023]12号 → 成城管发〔2023〕12号."""
    text = re.sub(r"\s+", " ", (value or "").replace("\u3000", " ")).strip()
    return _YEAR_BRACKETS_RE.sub(r"〔\1〕", text)


def _plain(value: str) -> str:
    """Text with any markup removed (through the one sanitiser), for titles and summaries."""
    text = str(value or "")
    if _HTML_RE.search(text):
        text = html.unescape(sanitize_html(text, profile="text"))
    return text.strip()


def _string(data: dict, key: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise LineError(_("“%(key)s” is missing.") % {"key": key})
        return ""
    if not isinstance(value, str):
        raise LineError(_("“%(key)s” must be a text.") % {"key": key})
    value = value.strip()
    if required and not value:
        raise LineError(_("“%(key)s” is missing.") % {"key": key})
    return value


def _choice(value: str, key: str, names: dict[str, str], choices) -> str:
    lookup = dict(names)
    for member in choices:
        lookup[member.value] = member.value
        lookup[str(member.label)] = member.value
        lookup[str(member.label).lower()] = member.value
    found = lookup.get(value) or lookup.get(value.lower())
    if found is None:
        raise LineError(
            _("Unknown %(key)s “%(value)s”. Use one of: %(choices)s.")
            % {"key": key, "value": value, "choices": "、".join(names)}
        )
    return found


def _date(data: dict, key: str, *, required: bool) -> date | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LineError(_("The date “%(key)s” is missing.") % {"key": key})
        return None
    text = value.strip() if isinstance(value, str) else value
    try:
        if not isinstance(text, str) or not _DATE_RE.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise LineError(
            _("The date “%(key)s” is not valid (%(value)s); write it as YYYY-MM-DD, e.g. 2024-03-01.")
            % {"key": key, "value": value}
        ) from None


class _IssuingBodies:
    """Lookup of 发文机关 by name or short name, loaded once per import."""

    def __init__(self):
        self.bodies = list(IssuingBody.objects.all())

    def find(self, name: str) -> IssuingBody:
        for body in self.bodies:
            if body.name == name:
                return body
        matches = [b for b in self.bodies if b.short_name and b.short_name == name]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise LineError(
                _("“%(name)s” is the short name of more than one issuing body; use the full name.") % {"name": name}
            )
        known = "、".join(b.name for b in self.bodies) or _("(none yet)")
        raise LineError(
            _(
                "Unknown issuing body “%(name)s”. Add it in the admin (Policy library → Issuing bodies) first. "
                "Known: %(known)s."
            )
            % {"name": name, "known": known}
        )


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = _TAG_SPLIT_RE.split(value)
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = value
    else:
        raise LineError(_("“tags” must be a list of texts."))
    tags, seen = [], set()
    for item in items:
        tag = _plain(item)[:100]
        if tag and tag not in seen:
            seen.add(tag)
            tags.append(tag)
    return tags


def _keywords(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return " ".join(_plain(v) for v in value if v.strip())
    if isinstance(value, str):
        return _plain(value)
    raise LineError(_("“keywords” must be a text or a list of texts."))


def _rich_text(text: str) -> str:
    """A paragraph block's HTML from HTML (cleaned) or from plain text (escaped, lines kept)."""
    if _HTML_RE.search(text):
        cleaned = sanitize_html(text).strip()
        if cleaned and not _BLOCK_START_RE.match(cleaned):
            cleaned = f"<p>{cleaned}</p>"
        return cleaned
    lines = [html.escape(line.strip(), quote=False) for line in text.strip().splitlines() if line.strip()]
    return f"<p>{'<br/>'.join(lines)}</p>" if lines else ""


def _plain_text_blocks(text: str) -> list[dict]:
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        chunk = chunk.strip()
        if not chunk:
            continue
        if "\n" not in chunk and _HEADING_RE.match(chunk):
            blocks.append({"type": "heading", "value": chunk})
        else:
            blocks.append({"type": "paragraph", "value": _rich_text(chunk)})
    return blocks


def _table_value(item: dict) -> dict:
    rows = item.get("rows")
    if not (
        isinstance(rows, list)
        and rows
        and all(isinstance(r, list) and all(isinstance(c, str | int | float) for c in r) for r in rows)
    ):
        raise LineError(_("A table block needs “rows”: a list of rows, each a list of cells."))
    width = max(len(r) for r in rows)
    data = [[_plain(str(c)) for c in r] + [""] * (width - len(r)) for r in rows]
    header = item.get("header", True) is not False
    return {
        "data": data,
        "first_row_is_table_header": header,
        "first_col_is_header": False,
        "table_header_choice": "row" if header else "neither",
        "table_caption": _plain(item.get("caption") or ""),
    }


def _body(value: Any) -> list[dict]:
    """The body as raw StreamField data: [{"type": …, "value": …}]."""
    if value is None:
        return []
    if isinstance(value, str):
        if _HTML_RE.search(value):
            html_value = _rich_text(value)
            return [{"type": "paragraph", "value": html_value}] if html_value else []
        return _plain_text_blocks(value)
    if not isinstance(value, list):
        raise LineError(_("“body” must be HTML, plain text or a list of blocks."))
    blocks = []
    for item in value:
        if isinstance(item, str):
            item = {"type": "paragraph", "value": item}
        if not isinstance(item, dict):
            raise LineError(_("Each block of “body” must be a text or an object with “type”."))
        kind = item.get("type")
        if kind == "paragraph" and isinstance(item.get("value"), str):
            text = _rich_text(item["value"])
            if text:
                blocks.append({"type": "paragraph", "value": text})
        elif kind == "heading" and isinstance(item.get("value"), str) and _plain(item["value"]):
            blocks.append({"type": "heading", "value": _plain(item["value"])})
        elif kind == "quote" and isinstance(item.get("text"), str):
            blocks.append(
                {"type": "quote", "value": {"text": _plain(item["text"]), "source": _plain(item.get("source") or "")}}
            )
        elif kind == "table":
            blocks.append({"type": "table", "value": _table_value(item)})
        else:
            raise LineError(
                _("Unknown or incomplete body block “%(type)s”; use heading, paragraph, quote or table.")
                % {"type": kind}
            )
    return blocks


def _attachments(value: Any, base_dir: Path) -> list[_Attachment]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise LineError(_("“attachments” must be a list of file paths."))
    found = []
    for item in value:
        title = ""
        if isinstance(item, dict):
            title = _plain(item.get("title") or "")
            item = item.get("path")
        if not isinstance(item, str) or not item.strip():
            raise LineError(_("Each attachment must be a file path (relative to the import file)."))
        path = base_dir / item.strip()
        if not path.is_file():
            raise LineError(_("Attachment not found: %(path)s") % {"path": item})
        try:
            data = path.read_bytes()
        except OSError:
            raise LineError(_("Attachment could not be read: %(path)s") % {"path": item}) from None
        try:
            check_document_upload(path.name, len(data), data)
        except forms.ValidationError as exc:
            raise LineError(
                _("Attachment %(path)s refused: %(reason)s") % {"path": item, "reason": " ".join(exc.messages)}
            ) from None
        found.append(_Attachment(path=item, name=path.name, data=data, title=(title or path.stem)[:255]))
    return found


def _supersedes(value: Any) -> list[tuple[str, str]]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    targets = []
    for item in items:
        validity = Validity.REPEALED
        if isinstance(item, dict):
            number = item.get("document_number")
            if item.get("validity") is not None:
                validity = _choice(str(item["validity"]).strip(), "validity", VALIDITY_NAMES, Validity)
                if validity not in (Validity.REPEALED, Validity.AMENDED):
                    raise LineError(_("A superseded policy becomes 已废止 or 已修订, nothing else."))
        else:
            number = item
        if not isinstance(number, str) or not normalize_document_number(number):
            raise LineError(_("“supersedes” must name the older policy by its document number."))
        targets.append((normalize_document_number(number), validity))
    return targets


def parse_line(number: int, data: Any, *, base_dir: Path, bodies: _IssuingBodies) -> _Line:
    """Check one record and return what it asks for. Raises LineError. Reads attachments, writes nothing."""
    if not isinstance(data, dict):
        raise LineError(_("The line is not a JSON object ({…})."))
    unknown = sorted(set(data) - set(KNOWN_KEYS))
    if unknown:
        raise LineError(
            _("Unknown keys: %(keys)s. Known keys: %(known)s.")
            % {"keys": ", ".join(unknown), "known": ", ".join(KNOWN_KEYS)}
        )
    title = _plain(_string(data, "title", required=True))
    if not title:
        raise LineError(_("“%(key)s” is missing.") % {"key": "title"})
    line = _Line(
        number=number,
        keys=set(data),
        title=title,
        document_number=normalize_document_number(_string(data, "document_number")),
        issuing_body=bodies.find(_string(data, "issuing_body", required=True)),
        category=_choice(_string(data, "category", required=True), "category", CATEGORY_NAMES, Category),
        date_written=_date(data, "date_written", required=True),
        date_published=_date(data, "date_published", required=True),
        date_effective=_date(data, "date_effective", required=False),
    )
    if line.date_effective and line.date_effective < line.date_written:
        raise LineError(
            _("The date in force (%(effective)s) is before the date written (%(written)s).")
            % {"effective": line.date_effective, "written": line.date_written}
        )
    if line.date_published < line.date_written:
        raise LineError(
            _("The date published (%(published)s) is before the date written (%(written)s).")
            % {"published": line.date_published, "written": line.date_written}
        )
    if data.get("validity") is not None:
        line.validity = _choice(_string(data, "validity"), "validity", VALIDITY_NAMES, Validity)
        if line.validity == Validity.NOT_YET:
            if line.date_effective is None:
                raise LineError(_("尚未施行 needs a date in force (date_effective)."))
            line.validity = Validity.IN_FORCE
    if data.get("subject_category") is not None:
        line.subject_category = _choice(
            _string(data, "subject_category"), "subject_category", SUBJECT_NAMES, SubjectCategory
        )
    if data.get("disclosure") is not None:
        line.disclosure = _choice(_string(data, "disclosure"), "disclosure", DISCLOSURE_NAMES, Disclosure)
    line.keywords = _keywords(data.get("keywords"))
    line.summary = _plain(_string(data, "summary"))
    line.body = _body(data.get("body"))
    line.tags = _tags(data.get("tags"))
    line.supersedes = _supersedes(data.get("supersedes"))
    interprets = data.get("interprets")
    if interprets is not None and not isinstance(interprets, str):
        raise LineError(_("“interprets” must name the interpreted policy by its document number."))
    line.interprets = normalize_document_number(interprets) if interprets else None
    line.attachments = _attachments(data.get("attachments"), base_dir)
    return line


# --- Writing ---------------------------------------------------------------------------------


def attachment_collection() -> Collection:
    """The collection 政策文件附件 under the root collection (created when missing)."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=ATTACHMENT_COLLECTION).first()
    return existing or root.add_child(name=ATTACHMENT_COLLECTION)


def _document_for(attachment: _Attachment, collection: Collection, stored_files: list[str], touched: list):
    """The Wagtail document with this content and title, reused when it exists, else created."""
    Document = get_document_model()
    digest = hash_filelike(BytesIO(attachment.data))
    existing = (
        Document.objects.filter(collection=collection, file_hash=digest, title=attachment.title).order_by("id").first()
    )
    if existing is not None:
        return existing
    document = Document(title=attachment.title, collection=collection)
    document.file.save(attachment.name, ContentFile(attachment.data), save=False)
    stored_files.append(document.file.name)
    document.file_size = len(attachment.data)
    document.file_hash = digest
    document.save()
    touched.append(document)
    return document


def _find_existing(line: _Line) -> PolicyPage | None:
    if line.document_number:
        return PolicyPage.objects.filter(document_number=line.document_number).first()
    matches = list(PolicyPage.objects.filter(document_number="", title=line.title)[:2])
    if len(matches) > 1:
        raise LineError(
            _("More than one policy without a document number is titled “%(title)s”; give the document number.")
            % {"title": line.title}
        )
    return matches[0] if matches else None


def _check_editable(page: PolicyPage, *, superseded: bool = False) -> None:
    """Refuse to publish over a draft (or to republish a page taken offline) made in the admin."""
    if page.live and not page.has_unpublished_changes:
        return
    if superseded:
        message = _(
            "The superseded policy “%(title)s” has unpublished changes or is unpublished in the admin; publish or "
            "discard them there first."
        )
    else:
        message = _(
            "The policy “%(title)s” has unpublished changes or is unpublished in the admin; publish or discard them "
            "there first."
        )
    raise LineError(message % {"title": page.title})


def _find_reference(reference: str) -> PolicyPage | None:
    page = PolicyPage.objects.filter(document_number=reference).first()
    if page is None:
        matches = list(PolicyPage.objects.filter(title=reference.strip("《》"))[:2])
        page = matches[0] if len(matches) == 1 else None
    return page


def _field_values(line: _Line, page: PolicyPage | None) -> dict[str, Any]:
    """The model fields this line sets. On an update, absent optional keys keep the page's value."""
    values = {
        "title": line.title,
        "document_number": line.document_number,
        "issuing_body_id": line.issuing_body.pk,
        "category": line.category,
        "date_written": line.date_written,
        "date_published": line.date_published,
    }
    optional = {
        "date_effective": line.date_effective,
        "validity": line.validity,
        "subject_category": line.subject_category,
        "keywords": line.keywords,
        "disclosure": line.disclosure,
        "summary": line.summary,
    }
    for key, value in optional.items():
        if page is None or key in line.keys:
            values[key] = value
    if page is not None and page.superseded_by_id:
        # A superseded policy's validity belongs to the link made by its successor's line.
        values.pop("validity", None)
    return values


def _raw_body(page: PolicyPage) -> list[tuple[str, Any]]:
    return [(block["type"], block["value"]) for block in page.body.raw_data]


def _apply_line(*, actor, line: _Line, index_id: int, file_name: str, stored_files: list[str]) -> LineResult:
    """Write one checked line (inside the caller's savepoint). Raises LineError or ValidationError."""
    touched: list = []
    # Each page save would refresh Wagtail's reference index (attachment usage) again; do it once at the end.
    with disable_reference_index_auto_update():
        result = _write_line(
            actor=actor, line=line, index_id=index_id, file_name=file_name, stored_files=stored_files, touched=touched
        )
    for obj in touched:
        ReferenceIndex.create_or_update_for_object(obj)
    return result


def _write_line(
    *, actor, line: _Line, index_id: int, file_name: str, stored_files: list[str], touched: list
) -> LineResult:
    page = _find_existing(line)
    if page is not None:
        page = page.specific
        _check_editable(page)

    interprets = None
    if line.interprets:
        interprets = _find_reference(line.interprets)
        if interprets is None:
            raise LineError(
                _("“interprets” names %(ref)s, but no policy has that document number.") % {"ref": line.interprets}
            )
    targets = []
    for number, validity in line.supersedes:
        if number == line.document_number:
            raise LineError(_("A policy cannot supersede itself."))
        target = PolicyPage.objects.filter(document_number=number).first()
        if target is None:
            raise LineError(
                _(
                    "“supersedes” names %(ref)s, but no policy has that document number (it must be imported "
                    "before this line)."
                )
                % {"ref": number}
            )
        target = target.specific
        if page is not None and target.pk == page.pk:
            raise LineError(_("A policy cannot supersede itself."))
        if page is not None and page.superseded_by_id == target.pk:
            raise LineError(
                _("%(ref)s is the successor of this policy; it cannot also be superseded by it.") % {"ref": number}
            )
        if target.superseded_by_id and (page is None or target.superseded_by_id != page.pk):
            raise LineError(
                _("%(ref)s is already superseded by “%(title)s”.")
                % {"ref": number, "title": target.superseded_by.title}
            )
        targets.append((target, validity))

    documents = None
    if page is None or "attachments" in line.keys:
        collection = attachment_collection() if line.attachments else None
        documents = [(_document_for(a, collection, stored_files, touched), a.title) for a in line.attachments]

    values = _field_values(line, page)
    if page is None or "interprets" in line.keys:
        values["interprets_id"] = interprets.pk if interprets else None

    if page is None:
        page = PolicyPage(**values, live=False)  # a draft until the revision is published below
        page.body = line.body
        page.tags.set(line.tags)
        page.attachments = [PolicyAttachment(document=doc, title="") for doc, _title in documents]
        # A fresh parent each time: a rolled-back line leaves a cached parent's child count wrong.
        PolicyIndexPage.objects.get(pk=index_id).add_child(instance=page)
        page.save_revision(log_action=True).publish()  # save_revision runs full_clean: the model's rules apply
        status = "created"
    else:
        changed = any(getattr(page, key) != value for key, value in values.items())
        if "body" in line.keys and _raw_body(page) != [(b["type"], b["value"]) for b in line.body]:
            page.body = line.body
            changed = True
        if "tags" in line.keys and sorted(page.tags.names()) != sorted(line.tags):
            page.tags.set(line.tags)
            changed = True
        if documents is not None:
            current = [(a.document_id, a.title) for a in page.attachments.all()]
            if current != [(doc.pk, "") for doc, _title in documents]:
                page.attachments = [PolicyAttachment(document=doc, title="") for doc, _title in documents]
                changed = True
        for key, value in values.items():
            setattr(page, key, value)
        if "title" in values:
            page.draft_title = page.title
        status = "unchanged"
        if changed:
            page.save_revision(log_action=True).publish()  # save_revision runs full_clean
            status = "updated"

    for target, validity in targets:
        if target.superseded_by_id == page.pk and target.validity == validity:
            continue
        _check_editable(target, superseded=True)
        target.superseded_by = page
        target.validity = validity
        target.save_revision(log_action=True).publish()
        touched.append(target)
        audit_log(
            actor=actor,
            action=AUDIT_ACTION,
            obj=target,
            data={
                "file": file_name,
                "line": line.number,
                "change": "superseded",
                "superseded_by": page.pk,
                "validity": validity,
            },
        )
        if status == "unchanged":
            status = "updated"

    if status != "unchanged":
        page.refresh_from_db()
        touched.append(page)
        audit_log(
            actor=actor,
            action=AUDIT_ACTION,
            obj=page,
            data={
                "file": file_name,
                "line": line.number,
                "change": status,
                "document_number": page.document_number,
                "revision": page.latest_revision_id,
            },
        )
    return LineResult(
        number=line.number, status=status, title=page.title, document_number=page.document_number, page_id=page.pk
    )


def _validation_message(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(str(m) for m in exc.messages)
    parts = []
    for name, errors in exc.message_dict.items():
        text = " ".join(str(m) for m in errors)
        if name == NON_FIELD_ERRORS:
            parts.append(text)
            continue
        try:
            label = str(PolicyPage._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 — any unknown name is shown as it is
            label = name
        parts.append(f"{label}：{text}")
    return "；".join(parts)


def _delete_stored(files: list[str]) -> None:
    if not files:
        return
    storage = get_document_model()._meta.get_field("file").storage
    for name in files:
        try:
            storage.delete(name)
        except OSError:
            pass
    files.clear()


def import_policy_records(
    *,
    actor,
    records: Iterable[tuple[int, str | dict]],
    base_dir: str | Path,
    dry_run: bool = False,
    file_name: str = "",
) -> PolicyImportReport:
    """Import numbered records (JSON text or already-parsed dicts). See the module docstring.

    Used by `import_policies_file` and by seed_demo (which passes dicts and a folder of generated attachments).
    """
    base_dir = Path(base_dir)
    index = PolicyIndexPage.objects.first()
    if index is None:
        raise ImportRefused(_("There is no policy library page yet; run migrate first."))
    report = PolicyImportReport(file_name=file_name, dry_run=dry_run)
    bodies = _IssuingBodies()
    all_stored: list[str] = []
    stored: list[str] = []
    try:
        with transaction.atomic():
            for number, record in records:
                report.lines_total += 1
                stored = []
                try:
                    if isinstance(record, str):
                        try:
                            record = json.loads(record)
                        except json.JSONDecodeError as exc:
                            raise LineError(
                                _("This line is not valid JSON (%(error)s, column %(column)d).")
                                % {"error": exc.msg, "column": exc.colno}
                            ) from None
                    line = parse_line(number, record, base_dir=base_dir, bodies=bodies)
                    with transaction.atomic():
                        result = _apply_line(
                            actor=actor, line=line, index_id=index.pk, file_name=file_name, stored_files=stored
                        )
                except LineError as exc:
                    _delete_stored(stored)
                    report.rejected.append((number, str(exc)))
                    continue
                except ValidationError as exc:
                    _delete_stored(stored)
                    report.rejected.append((number, _validation_message(exc)))
                    continue
                except DatabaseError:
                    _delete_stored(stored)
                    report.rejected.append((number, _("This line could not be saved; check its values.")))
                    continue
                all_stored.extend(stored)
                report.results.append(result)
            if report.created or report.updated or report.rejected:
                audit_log(actor=actor, action="portal.policy.import.completed", data=report.as_audit_data())
            if dry_run:
                # Everything above ran for real so the report is faithful; now undo all of it.
                transaction.set_rollback(True)
    except BaseException:
        # A bug, not a bad line: the transaction is rolled back, so the files written so far must go too.
        _delete_stored(all_stored + stored)
        raise
    if dry_run:
        _delete_stored(all_stored)
    return report


def import_policies_file(*, actor, path: str | Path, dry_run: bool = False) -> PolicyImportReport:
    """Import a JSON Lines file; attachments are relative to its folder. Raises ImportRefused."""
    name, lines = read_jsonl(path)
    return import_policy_records(
        actor=actor, records=lines, base_dir=Path(path).resolve().parent, dry_run=dry_run, file_name=name
    )
