"""What an import gives back: the errors (a refused file, a bad line) and the report of the lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.imports import ImportRefused, ImportReportBase  # noqa: F401  (ImportRefused is re-exported)


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
class PolicyImportReport(ImportReportBase):
    lines_total: int = 0
    results: list[LineResult] = field(default_factory=list)

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

    def counts(self) -> dict[str, int]:
        return {"lines_total": self.lines_total, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged}

    def counts_text(self) -> str:
        return _(
            "Lines read: %(total)d. Policies created: %(created)d. Updated: %(updated)d. "
            "Unchanged: %(unchanged)d. Lines rejected: %(rejected)d."
        ) % {
            "total": self.lines_total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
        }
