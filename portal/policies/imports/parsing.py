"""Reading a JSON Lines file and checking each line into a ``ParsedLine``: no database writes.

See the package docstring for the format. The choices accept the stored value, the site's Chinese name or the
label; the issuing body must already exist; attachments are read and checked like an upload in the admin.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.sanitize import sanitize_html

from ..documents import check_document_upload
from ..models import Category, Disclosure, IssuingBody, SubjectCategory, Validity
from .report import ImportRefused, LineError

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


@dataclass
class ParsedAttachment:
    """An attachment file of a line, read and checked."""

    path: str  # as written in the line (for messages)
    name: str
    data: bytes
    title: str


@dataclass
class ParsedLine:
    """One checked line: what it asks for (``keys`` are the keys it gave)."""

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
    attachments: list[ParsedAttachment] = field(default_factory=list)
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


class IssuingBodyLookup:
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


def _attachments(value: Any, base_dir: Path) -> list[ParsedAttachment]:
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
        found.append(ParsedAttachment(path=item, name=path.name, data=data, title=(title or path.stem)[:255]))
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


def parse_line(number: int, data: Any, *, base_dir: Path, bodies: IssuingBodyLookup) -> ParsedLine:
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
    line = ParsedLine(
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
