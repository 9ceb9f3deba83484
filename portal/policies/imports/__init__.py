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

Rules (the decisions behind them are in the docstrings of the modules below):

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

The package: ``parsing`` reads the file and checks each line into a ``ParsedLine`` (no writes); ``writing``
creates or updates the page, its attachments and its supersedes/interprets links; ``service`` runs the lines in
savepoints (dry run, clean-up of stored files); ``report`` holds the errors and the report. The names below are
the public API (``manage.py import_policies``, seed_demo, the tests).
"""

from .parsing import KNOWN_KEYS, normalize_document_number, parse_line, read_jsonl
from .report import ImportRefused, LineError, LineResult, PolicyImportReport
from .service import import_policies_file, import_policy_records
from .writing import ATTACHMENT_COLLECTION, AUDIT_ACTION, attachment_collection

__all__ = [
    "ATTACHMENT_COLLECTION",
    "AUDIT_ACTION",
    "KNOWN_KEYS",
    "ImportRefused",
    "LineError",
    "LineResult",
    "PolicyImportReport",
    "attachment_collection",
    "import_policies_file",
    "import_policy_records",
    "normalize_document_number",
    "parse_line",
    "read_jsonl",
]
