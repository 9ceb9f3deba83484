"""Split a draft rule (征求意见稿) into chapters (章), sections (节) and articles (条).

Pure Python: no models, no database. The result is reviewed by staff before a version is frozen, so
everything doubtful becomes a warning rather than an error; only input that cannot be a draft at all
(empty text, a file that is not DOCX) raises DomainError.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

import docx
from django.utils.translation import gettext as _
from docx.exceptions import PythonDocxError
from docx.opc.exceptions import OpcError
from lxml.etree import LxmlError

from core.errors import DomainError
from core.files import sniff_file_type

_DIGITS = {"〇": 0, "○": 0, "两": 2} | {ch: value for value, ch in enumerate("零一二三四五六七八九")}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "零〇○一二两三四五六七八九十百千万0-9０-９"
_KINDS = {"章": "chapter", "节": "section", "条": "article"}
# 第X章 / 第X节 / 第X条 at the start of a line, then the rest of the line.
_HEADING = re.compile(rf"^第\s?([{_NUMERAL}]+)\s?([章节条])(\s*)(.*)$")
# A label glued to the following word is a cross-reference ("第三条规定的…", "第五条至第九条"), not a heading.
_REFERENCE_START = tuple("第、，,；;。至和或及与的所之中规款项")
_SPACES = re.compile(r"[ \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
WHOLE_TEXT_LABEL = "全文"


def chinese_number(s: str) -> int:
    """Arabic value of a numeral: "一百零五" → 105, "十一" → 11, "一〇五" → 105, "１２" → 12.

    Raises ValueError for anything that is not a number.
    """
    s = (s or "").strip().translate(_FULLWIDTH_DIGITS)
    if not s:
        raise ValueError("empty number")
    if s.isascii() and s.isdigit():
        return int(s)
    if any(ch not in _DIGITS and ch not in _UNITS and ch != "万" for ch in s):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    if not any(ch in _UNITS or ch == "万" for ch in s):  # digit by digit: 一〇五
        return int("".join(str(_DIGITS[ch]) for ch in s))
    total, section, current = 0, 0, 0
    for ch in s:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            section += (current or 1) * _UNITS[ch]
            current = 0
        else:  # 万
            total += (section + current or 1) * 10000
            section = current = 0
    return total + section + current


@dataclass
class ParsedNode:
    kind: str  # "chapter" | "section" | "article" | "preamble"
    label: str  # "第一章", "第五条"; "" for the preamble, "全文" for a text without articles
    heading: str = ""  # chapter / section title such as "总则"; "" for articles
    text: str = ""  # article body: one line per paragraph (款) or item (项)
    number: int | None = None  # arabic value of the label: 5 for 第五条
    children: list["ParsedNode"] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class ParseResult:
    nodes: list[ParsedNode]
    warnings: list[str] = field(default_factory=list)

    def walk(self):
        """Every node in document order, with its chapter and section: (chapter, section, node)."""
        for top in self.nodes:
            yield from _walk(top, None, None)

    def articles(self) -> list[ParsedNode]:
        return [node for _chapter, _section, node in self.walk() if node.kind == "article"]

    def chapter_of(self, article: ParsedNode) -> ParsedNode | None:
        return next((chapter for chapter, _section, node in self.walk() if node is article), None)

    def section_of(self, article: ParsedNode) -> ParsedNode | None:
        return next((section for _chapter, section, node in self.walk() if node is article), None)


def _walk(node, chapter, section):
    if node.kind == "chapter":
        chapter, section = node, None
    elif node.kind == "section":
        section = node
    yield chapter, section, node
    for child in node.children:
        yield from _walk(child, chapter, section)


def normalize_lines(text: str) -> list[str]:
    """Non-empty lines, stripped, with every kind of space (full-width, no-break, tabs) reduced to one space."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def _match_heading(line: str):
    """(kind, label, number, rest) when the line starts with 第X章/节/条, else None."""
    match = _HEADING.match(line)
    if not match:
        return None
    numeral, unit, space, rest = match.groups()
    if not space and rest.startswith(_REFERENCE_START):
        return None
    try:
        number = chinese_number(numeral)
    except ValueError:
        return None
    return _KINDS[unit], f"第{numeral.translate(_FULLWIDTH_DIGITS)}{unit}", number, rest.strip()


def parse_text(text: str) -> ParseResult:
    lines = normalize_lines(text)
    if not lines:
        raise DomainError(_("The draft text is empty."))
    headings = [_match_heading(line) for line in lines]
    if not any(h and h[0] == "article" for h in headings):
        whole = ParsedNode(kind="article", label=WHOLE_TEXT_LABEL, text="\n".join(lines))
        return ParseResult(
            nodes=[whole],
            warnings=[
                _(
                    "No articles (第X条) were recognised: the whole text is one article. "
                    "Check the text before publishing."
                )
            ],
        )

    nodes: list[ParsedNode] = []
    chapter = section = current = None  # current: the node the next plain line belongs to
    body: dict[int, tuple[ParsedNode, list[str]]] = {}

    for line, heading in zip(lines, headings, strict=True):
        if heading is None:
            if current is None:  # text before the first heading
                current = ParsedNode(kind="preamble", label="")
                nodes.append(current)
            node_lines = body.setdefault(id(current), (current, []))[1]
            if current.kind in ("chapter", "section") and not current.heading and not node_lines:
                if _looks_like_title(line):
                    current.heading = line  # "第一章" alone on its line, its title on the next
                    continue
            node_lines.append(line)
            continue
        kind, label, number, rest = heading
        current = ParsedNode(kind=kind, label=label, number=number)
        if kind == "article":
            body[id(current)] = (current, [rest] if rest else [])
            holder = section or chapter
        else:
            current.heading = rest
            holder = None if kind == "chapter" else chapter
            if kind == "chapter":
                chapter, section = current, None
            else:
                section = current
        (holder.children if holder else nodes).append(current)
    for node, node_lines in body.values():
        node.text = "\n".join(node_lines)

    result = ParseResult(nodes=nodes)
    warnings = result.warnings
    warnings.extend(_numbering_warnings(result.articles()))
    for _chapter, _section, node in result.walk():
        if node.kind in ("chapter", "section") and not any(n.kind == "article" for n in node.walk()):
            warnings.append(_("%(label)s contains no articles.") % {"label": node.label})
        if node.kind in ("chapter", "section") and node.text:
            warnings.append(
                _("The text after %(label)s and before its first article belongs to no article: “%(text)s”.")
                % {"label": node.label, "text": _shorten(node.text)}
            )
        if node.kind == "article" and not node.text:
            warnings.append(_("%(label)s has no text.") % {"label": node.label})
    return result


def _numbering_warnings(articles: list[ParsedNode]) -> list[str]:
    warnings, seen, previous = [], set(), None
    for article in articles:
        if article.number in seen:
            warnings.append(_("%(label)s appears more than once.") % {"label": article.label})
        elif previous is None and article.number != 1:
            warnings.append(_("The first article is %(label)s, not 第一条.") % {"label": article.label})
        elif previous is not None and article.number != previous.number + 1:
            warnings.append(
                _("Article numbers are not consecutive: %(previous)s is followed by %(label)s.")
                % {"previous": previous.label, "label": article.label}
            )
        seen.add(article.number)
        previous = article
    return warnings


def _looks_like_title(line: str) -> bool:
    return len(line) <= 30 and not line.endswith(("。", "；", ";", "：", ":", "，", ","))


def _shorten(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_docx(data: bytes) -> ParseResult:
    """Parse the paragraphs of a Word document (tables, headers and footers are ignored)."""
    if sniff_file_type(data) != "docx":
        raise DomainError(_("The file is not a Word (DOCX) document."))
    try:
        paragraphs = docx.Document(io.BytesIO(data)).paragraphs
        texts = [paragraph.text for paragraph in paragraphs]
        auto_numbered = sum(1 for paragraph in paragraphs if _has_auto_numbering(paragraph))
    except (OpcError, PythonDocxError, LxmlError, zipfile.BadZipFile, KeyError, ValueError, AttributeError) as exc:
        # A broken or hand-made package: python-docx fails in many ways, none of them the user's to read.
        raise DomainError(_("The file is not a Word (DOCX) document.")) from exc
    result = parse_text("\n".join(texts))
    if auto_numbered:
        result.warnings.insert(
            0,
            _(
                "Paragraphs with Word's automatic numbering: %(count)d. That numbering is not part of the text, "
                "so numbers such as 第X条 or （一） made that way are lost. Convert the numbering to text in Word, "
                "or paste the text instead, and check the result."
            )
            % {"count": auto_numbered},
        )
    return result


def _has_auto_numbering(paragraph) -> bool:
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return True
    style = paragraph.style
    for _depth in range(10):  # basedOn chains are short; a cyclic one must not hang us
        if style is None:
            break
        style_ppr = style.element.pPr
        if style_ppr is not None and style_ppr.numPr is not None:
            return True
        style = style.base_style
    return False
