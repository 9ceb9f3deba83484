"""`manage.py seed_demo`: demo associations, member firms and one login per role. Safe to run again."""

import time
import unicodedata

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.demo.steps import STEPS


def _width(text: str) -> int:
    """Columns the text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def accounts_table() -> str:
    header = ("账号（邮箱）", "密码", "角色", "单位")
    rows = [header] + [(a.email, DEMO_PASSWORD, a.role, a.organisation) for a in DEMO_ACCOUNTS]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = [rule]
    for index, row in enumerate(rows):
        lines.append("| " + " | ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)) + " |")
        if index == 0:
            lines.append(rule)
    lines.append(rule)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load the demo data (associations, member firms, demo accounts). Idempotent: safe to run again."

    def handle(self, *args, verbosity=1, **options):
        started = time.monotonic()
        with transaction.atomic():
            for step in STEPS:
                summary = step.run()
                if verbosity >= 1:
                    self.stdout.write(f"· {summary}")
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（{time.monotonic() - started:.1f} 秒）。演示账号："))
            self.stdout.write(accounts_table())
