"""Member import: a CSV or XLSX list of firms becomes firms and memberships.

The file is checked as a whole first (type by content, size, header) and refused with
`ImportRefused` when it cannot be read at all. Every data row is then checked on its own; a bad row
is reported with its spreadsheet row number (header = row 1) and the good rows are imported through
`associations.services`, each in its own savepoint. A dry run does all of it inside a transaction
that is rolled back, so its report is exactly what the real import would say.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError
from core.imports import ImportRefused, ImportReportBase
from core.uscc import validate_uscc

from . import services
from .models import Association, Firm, Membership
from .permissions import can_manage_members

# --- Columns (data of the file, not UI strings) -----------------------------------
COL_NAME = "企业名称"
COL_USCC = "统一社会信用代码"
COL_ASSOCIATION = "所属协会"
COL_LEVEL = "会员类型"
COL_ADDRESS = "地址"
COL_LEGAL_REP = "法定代表人"
KNOWN_COLUMNS = (COL_NAME, COL_USCC, COL_ASSOCIATION, COL_LEVEL, COL_ADDRESS, COL_LEGAL_REP)

LEVELS = {
    "会长单位": Membership.Level.PRESIDENT,
    "副会长单位": Membership.Level.VICE_PRESIDENT,
    "理事单位": Membership.Level.COUNCIL,
    "会员单位": Membership.Level.MEMBER,
}
# Also accepted: the same without 单位 (会长, 副会长, …).
_LEVEL_ALIASES = {**LEVELS, **{k.removesuffix("单位"): v for k, v in LEVELS.items()}}

# Longest values the models accept.
_MAX_LENGTHS = {
    COL_NAME: Firm._meta.get_field("name").max_length,
    COL_ADDRESS: Firm._meta.get_field("address").max_length,
    COL_LEGAL_REP: Firm._meta.get_field("legal_representative").max_length,
}

# Only the first rows are searched for the header (a title line above it is common).
_HEADER_SEARCH_ROWS = 10
# Guards against decompression bombs and runaway sheets.
MAX_ROWS = 50_000
_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024

_XLSX_CONTENT_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003), .doc, …
_ZIP_MAGIC = b"PK\x03\x04"
_XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
_TEXT_EXTENSIONS = {".csv", ".txt", ""}
_ALLOWED_CONTROL = {"\t", "\n", "\r", "\x0c"}


def _xlsx_unreadable() -> str:
    return _("The Excel workbook could not be read; it may be damaged or password-protected.")


@dataclass
class ImportReport(ImportReportBase):
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    memberships_created: int = 0

    unit = "rows"

    @property
    def rows_imported(self) -> int:
        return self.rows_total - len(self.rejected)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    def counts(self) -> dict[str, int]:
        return {"rows_total": self.rows_total, "created": self.created, "updated": self.updated,
                "memberships_created": self.memberships_created}

    def counts_text(self) -> str:
        return _(
            "Rows read: %(total)d. Firms created: %(created)d. Firms updated: %(updated)d. "
            "Memberships created: %(memberships)d. Rows rejected: %(rejected)d."
        ) % {
            "total": self.rows_total,
            "created": self.created,
            "updated": self.updated,
            "memberships": self.memberships_created,
            "rejected": len(self.rejected),
        }


@dataclass
class _Row:
    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class _ValidRow:
    number: int
    name: str
    uscc: str
    association: Association
    level: str
    address: str
    legal_representative: str


# --- Reading the file ----------------------------------------------------------------


def _read_upload(uploaded) -> tuple[str, bytes]:
    """(file name, content) of an UploadedFile or a filesystem path, refusing oversized files."""
    limit = settings.PORTAL_IMPORT_MAX_BYTES
    if isinstance(uploaded, str | Path):
        path = Path(uploaded)
        if not path.is_file():
            raise ImportRefused(_("The file %(name)s does not exist.") % {"name": str(path)})
        name, size = path.name, path.stat().st_size
        _check_size(size, limit)
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    else:
        name = Path(getattr(uploaded, "name", "") or "").name
        size = getattr(uploaded, "size", None)
        if size is not None:
            _check_size(size, limit)
        if hasattr(uploaded, "seek"):
            uploaded.seek(0)
        data = uploaded.read(limit + 1)
    _check_size(len(data), limit)
    if not data.strip():
        raise ImportRefused(_("The file is empty."))
    return name, data


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise ImportRefused(
            _("The file is too large (%(size)s); at most %(max)s can be imported at once.")
            % {"size": filesizeformat(size), "max": filesizeformat(limit)}
        )


def _zip_kind(data: bytes) -> str:
    """Classify a ZIP: an OOXML spreadsheet ("xlsx"), any other ZIP such as a .docx ("other"), or unreadable
    ("damaged")."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > _MAX_UNCOMPRESSED_BYTES:
                raise ImportRefused(_("The Excel workbook is too large when unpacked."))
            try:
                content_types = archive.read("[Content_Types].xml")
            except KeyError:
                return "other"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "damaged"
    return "xlsx" if any(ct in content_types for ct in _XLSX_CONTENT_TYPES) else "other"


def _rows_from_bytes(name: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Decide the type by content (not only by the extension) and return the rows."""
    ext = Path(name).suffix.lower()
    if data.startswith(_OLE2_MAGIC) or ext == ".xls":
        raise ImportRefused(
            _("This is an old Excel 97-2003 workbook (.xls). Save it as .xlsx or CSV and upload it again.")
        )
    if data.startswith(_ZIP_MAGIC):
        kind = _zip_kind(data)
        if kind == "damaged":
            raise ImportRefused(_xlsx_unreadable())
        if kind == "other":
            raise ImportRefused(
                _("The file is a ZIP archive or another Office document, not an Excel workbook (XLSX).")
            )
        return _xlsx_rows(data)
    if ext in _XLSX_EXTENSIONS:
        raise ImportRefused(
            _("The file %(name)s is named like an Excel workbook but is not one (XLSX). Save it again from Excel.")
            % {"name": name}
        )
    if ext not in _TEXT_EXTENSIONS:
        raise ImportRefused(_("Only CSV and XLSX files can be imported."))
    return _csv_rows(_decode_text(data))


def _decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Chinese Excel writes); refuse binary data."""
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    if text is None or any(ch < " " and ch not in _ALLOWED_CONTROL for ch in text[:65536]) or "\x00" in text:
        raise ImportRefused(
            _("The file is not a CSV or XLSX file, or it could not be read as text. Save it as CSV (UTF-8) or XLSX.")
        )
    return text


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    # Comma unless the first lines clearly use tabs or semicolons (some Excel locales).
    head = "\n".join(text.splitlines()[:_HEADER_SEARCH_ROWS])
    delimiter = max(",\t;", key=head.count) if any(d in head for d in ",\t;") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for number, row in enumerate(reader, start=1):
            _append_row(rows, number, row)
    except csv.Error as exc:
        raise ImportRefused(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc
    return iter(rows)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    rows = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.active or workbook.worksheets[0]
            # The stored dimension may be stale; read every row that is there.
            sheet.reset_dimensions()
            # In read-only mode rows missing from the file come back empty, so the
            # position is the row number the user sees in Excel.
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                _append_row(rows, number, [_cell_text(v) for v in values])
        finally:
            workbook.close()
    except ImportRefused:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, ValueError, TypeError, OSError,
            ParseError) as exc:
        raise ImportRefused(_xlsx_unreadable()) from exc
    return iter(rows)


def _append_row(rows: list, number: int, cells: list[str]) -> None:
    """Keep non-blank rows with their number (blank ones, often just formatting, are dropped)."""
    if any(_clean(c) for c in cells):
        if len(rows) > MAX_ROWS + _HEADER_SEARCH_ROWS:
            _refuse_too_many_rows()
        rows.append((number, cells))


def _refuse_too_many_rows():
    raise ImportRefused(_("The file has more than %(max)d rows; split it into smaller files.") % {"max": MAX_ROWS})


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _clean(value: str) -> str:
    return (value or "").replace("\u3000", " ").replace("\ufeff", "").strip()


def _header_key(value: str) -> str:
    """Header cells: ignore spaces and a trailing required-marker (*) around the column name."""
    return "".join(_clean(value).split()).strip("*＊")


def _parse_table(rows: Iterable[tuple[int, list[str]]], required: tuple[str, ...]) -> list[_Row]:
    """Find the header, map the known columns, and return the non-blank data rows."""
    rows = iter(rows)
    header = None
    first_header = None
    seen = 0
    for _number, cells in rows:
        if not any(_clean(c) for c in cells):
            continue
        keys = [_header_key(c) for c in cells]
        first_header = first_header or keys
        seen += 1
        if COL_NAME in keys or COL_USCC in keys:
            header = keys
            break
        if seen >= _HEADER_SEARCH_ROWS:
            break
    if first_header is None:
        raise ImportRefused(_("The file is empty."))
    header = header or first_header

    positions: dict[str, int] = {}
    for index, key in enumerate(header):
        if key in KNOWN_COLUMNS:
            if key in positions:
                raise ImportRefused(_("The column “%(column)s” appears more than once.") % {"column": key})
            positions[key] = index
    missing = [c for c in required if c not in positions]
    if missing:
        raise ImportRefused(
            _("Required columns are missing: %(columns)s. The first row must hold the column headers.")
            % {"columns": "、".join(missing)}
        )

    table = []
    for number, cells in rows:
        values = {col: _clean(cells[i]) if i < len(cells) else "" for col, i in positions.items()}
        if any(values.values()):
            table.append(_Row(number, values))
    if not table:
        raise ImportRefused(_("The file has column headers but no member rows."))
    return table


# --- Checking rows ---------------------------------------------------------------------


class _AssociationLookup:
    def __init__(self):
        self.by_name: dict[str, Association] = {}
        self.by_short: dict[str, list[Association]] = {}
        for association in Association.objects.all():
            self.by_name[association.name] = association
            self.by_short.setdefault(association.short_name, []).append(association)

    def find(self, text: str) -> tuple[Association | None, str | None]:
        """(association, None) or (None, reason)."""
        if text in self.by_name:
            return self.by_name[text], None
        matches = self.by_short.get(text, [])
        if len(matches) == 1:
            return matches[0], None
        if len(matches) > 1:
            return None, _("“%(name)s” is the short name of more than one association; use the full name.") % {
                "name": text
            }
        return None, _("Unknown association “%(name)s”: use its full name or short name as registered.") % {
            "name": text
        }


def _check_rows(table: list[_Row], *, only_association) -> tuple[list[_ValidRow], list[tuple[int, str]]]:
    lookup = _AssociationLookup()
    first_row_of_code: dict[str, int] = {}
    valid, rejected = [], []
    for row in table:
        problems = []
        name = row.get(COL_NAME)
        if not name:
            problems.append(_("The firm name is empty."))
        for column, limit in _MAX_LENGTHS.items():
            if len(row.get(column)) > limit:
                problems.append(
                    _("The value in column “%(column)s” is too long: at most %(max)d characters.")
                    % {"column": column, "max": limit}
                )

        code = None
        try:
            code = validate_uscc(row.get(COL_USCC))
        except ValidationError as exc:
            problems.append(exc.messages[0])
        if code is not None:
            if code in first_row_of_code:
                problems.append(
                    _("The unified social credit code %(code)s already appears in row %(row)d.")
                    % {"code": code, "row": first_row_of_code[code]}
                )
            else:
                first_row_of_code[code] = row.number

        association = None
        association_text = row.get(COL_ASSOCIATION)
        if not association_text:
            if only_association is not None:
                association = only_association
            else:
                problems.append(_("No association given (column “%(column)s” is empty).") % {"column": COL_ASSOCIATION})
        else:
            association, reason = lookup.find(association_text)
            if reason:
                problems.append(reason)
            elif only_association is not None and association.pk != only_association.pk:
                problems.append(
                    _("“%(name)s” is not your association; you can only import members of %(own)s.")
                    % {"name": association_text, "own": only_association.name}
                )
                association = None

        level_text = row.get(COL_LEVEL)
        level = _LEVEL_ALIASES.get(level_text.replace(" ", "")) if level_text else Membership.Level.MEMBER
        if level is None:
            problems.append(
                _("Unknown membership type “%(value)s”; use one of %(choices)s.")
                % {"value": level_text, "choices": "、".join(LEVELS)}
            )

        if problems:
            rejected.append((row.number, " ".join(str(p) for p in problems)))
        else:
            valid.append(
                _ValidRow(
                    number=row.number,
                    name=name,
                    uscc=code,
                    association=association,
                    level=level,
                    address=row.get(COL_ADDRESS),
                    legal_representative=row.get(COL_LEGAL_REP),
                )
            )
    return valid, rejected


# --- Importing ----------------------------------------------------------------------------


def _check_permission(actor, only_association) -> None:
    """Users need to manage the association's members (or add firms as committee); scripts may run it."""
    if not getattr(actor, "is_authenticated", False):
        return
    if only_association is not None:
        allowed = can_manage_members(actor, only_association)
    else:
        allowed = actor.has_perm("associations.add_firm")
    if not allowed:
        raise ImportRefused(_("You may not import member firms."))


def _import_rows(*, actor, valid: list[_ValidRow], report: ImportReport) -> None:
    existing_sectors = dict(Firm.objects.filter(uscc__in=[r.uscc for r in valid]).values_list("uscc", "sector"))
    for row in valid:
        # A firm keeps the sector it has; a new one (or one without) gets its association's.
        sector = "" if existing_sectors.get(row.uscc) else row.association.sector
        try:
            with transaction.atomic():
                firm, created = services.firm_upsert(
                    actor=actor,
                    name=row.name,
                    uscc=row.uscc,
                    legal_representative=row.legal_representative,
                    address=row.address,
                    sector=sector,
                )
                _membership, membership_created = services.membership_add(
                    actor=actor, association=row.association, firm=firm, level=row.level
                )
        except DomainError as exc:
            report.rejected.append((row.number, exc.message))
            continue
        except DatabaseError:
            report.rejected.append((row.number, _("This row could not be saved; check its values.")))
            continue
        existing_sectors[row.uscc] = firm.sector
        report.created += int(created)
        report.updated += int(not created)
        report.memberships_created += int(membership_created)
    report.rejected.sort()


def import_firms_file(*, actor, uploaded, dry_run: bool = False, only_association=None) -> ImportReport:
    """Import member firms from a CSV or XLSX file. See the module docstring.

    `uploaded` is a Django UploadedFile or a filesystem path. With `only_association` (an association
    admin importing their own members) rows without 所属协会 belong to it and rows naming another
    association are rejected. Raises ImportRefused when the file as a whole cannot be imported.
    """
    _check_permission(actor, only_association)
    name, data = _read_upload(uploaded)
    required = (COL_NAME, COL_USCC) if only_association is not None else (COL_NAME, COL_USCC, COL_ASSOCIATION)
    table = _parse_table(_rows_from_bytes(name, data), required)
    if len(table) > MAX_ROWS:
        _refuse_too_many_rows()

    valid, rejected = _check_rows(table, only_association=only_association)
    report = ImportReport(rows_total=len(table), rejected=rejected, dry_run=dry_run, file_name=name)
    with transaction.atomic():
        _import_rows(actor=actor, valid=valid, report=report)
        audit_log(actor=actor, action="associations.import.completed", obj=only_association,
                  data=report.as_audit_data())
        if dry_run:
            # Everything above ran for real so the report is faithful; now undo all of it.
            transaction.set_rollback(True)
    return report
