"""Running an import: every line checked and written in its own savepoint, a dry run rolled back, the stored
files of rejected lines (or of a rolled-back run) deleted again, and the report."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_log

from ..models import PolicyIndexPage, PolicyPage
from .parsing import IssuingBodyLookup, parse_line, read_jsonl
from .report import ImportRefused, LineError, PolicyImportReport
from .writing import apply_line, delete_stored_files


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


def import_policy_records(
    *,
    actor,
    records: Iterable[tuple[int, str | dict]],
    base_dir: str | Path,
    dry_run: bool = False,
    file_name: str = "",
) -> PolicyImportReport:
    """Import numbered records (JSON text or already-parsed dicts). See the package docstring.

    Used by `import_policies_file` and by seed_demo (which passes the lines of its data file, under the file name
    “seed_demo”, and a folder of generated attachments).
    """
    base_dir = Path(base_dir)
    index = PolicyIndexPage.objects.first()
    if index is None:
        raise ImportRefused(_("There is no policy library page yet; run migrate first."))
    report = PolicyImportReport(file_name=file_name, dry_run=dry_run)
    bodies = IssuingBodyLookup()
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
                        result = apply_line(
                            actor=actor, line=line, index_id=index.pk, file_name=file_name, stored_files=stored
                        )
                except LineError as exc:
                    delete_stored_files(stored)
                    report.rejected.append((number, str(exc)))
                    continue
                except ValidationError as exc:
                    delete_stored_files(stored)
                    report.rejected.append((number, _validation_message(exc)))
                    continue
                except DatabaseError:
                    delete_stored_files(stored)
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
        delete_stored_files(all_stored + stored)
        raise
    if dry_run:
        delete_stored_files(all_stored)
    return report


def import_policies_file(*, actor, path: str | Path, dry_run: bool = False) -> PolicyImportReport:
    """Import a JSON Lines file; attachments are relative to its folder. Raises ImportRefused."""
    name, lines = read_jsonl(path)
    return import_policy_records(
        actor=actor, records=lines, base_dir=Path(path).resolve().parent, dry_run=dry_run, file_name=name
    )
