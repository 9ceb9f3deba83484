"""python manage.py import_policies FILE.jsonl [--dry-run]

One JSON object per line; see portal/policies/imports/__init__.py for the keys and rules. Prints a summary and
one line per bad line (“第 N 行：reason”); with -v 2 also one line per imported policy. Exits non-zero when the
file cannot be read at all; bad lines are reported but do not stop the good ones (nor change the exit status).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from portal.policies.imports import ImportRefused, import_policies_file

STATUS_LABELS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated (new revision)"),
    "unchanged": gettext_lazy("unchanged"),
}


class Command(BaseCommand):
    help = "Import policies from a JSON Lines file (one policy per line); a known document number is updated."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .jsonl file; attachment paths are relative to its folder.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file only; change nothing.")

    def handle(self, *args, verbosity=1, **options):
        try:
            report = import_policies_file(
                actor="manage.py import_policies", path=options["file"], dry_run=options["dry_run"]
            )
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc

        if verbosity >= 2:
            for result in report.results:
                label = str(STATUS_LABELS[result.status])
                number = f"（{result.document_number}）" if result.document_number else ""
                self.stdout.write(f"第 {result.number} 行：{label} {result.title}{number}")
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(style(report.summary()))
        for number, reason in report.rejected:
            self.stdout.write(f"第 {number} 行：{reason}")
