"""What every file import shares: the refusal of a whole file and the report of its lines or rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .errors import DomainError


class ImportRefused(DomainError):
    """The whole file is refused (missing, unreadable, wrong type, too large, no header …). Nothing was imported."""


@dataclass
class ImportReportBase:
    """Counts and rejected lines of one import. Subclasses give ``counts()`` and ``counts_text()``."""

    file_name: str = ""
    dry_run: bool = False
    rejected: list[tuple[int, str]] = field(default_factory=list)

    unit = "lines"  # the audit key of the rejected numbers: rejected_lines / rejected_rows

    def counts(self) -> dict[str, int]:
        raise NotImplementedError

    def counts_text(self) -> str:
        raise NotImplementedError

    def summary(self) -> str:
        text = self.counts_text()
        if self.dry_run:
            text = _("Check only, nothing was saved. An import of this file would give:") + " " + text
        return text

    def as_audit_data(self) -> dict:
        return {
            "file": self.file_name,
            **self.counts(),
            "rejected": len(self.rejected),
            f"rejected_{self.unit}": [number for number, _reason in self.rejected[:200]],
        }
