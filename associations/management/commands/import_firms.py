"""python manage.py import_firms FILE [--dry-run] [--association NAME]"""

from django.core.management.base import BaseCommand, CommandError

from associations.imports import ImportRefused, import_firms_file
from associations.models import Association


class Command(BaseCommand):
    help = "Import member firms from a CSV or XLSX file (columns 企业名称, 统一社会信用代码, 所属协会, …)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV or XLSX file.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file only; change nothing.")
        parser.add_argument(
            "--association",
            metavar="NAME",
            help="Import into this association only (full or short name): rows without 所属协会 belong to it, "
            "rows naming another association are rejected.",
        )

    def handle(self, *args, **options):
        association = None
        if options["association"]:
            association = self._association(options["association"])
        try:
            report = import_firms_file(
                actor="manage.py import_firms",
                uploaded=options["file"],
                dry_run=options["dry_run"],
                only_association=association,
            )
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write(report.summary())
        for number, reason in report.rejected:
            self.stdout.write(f"第 {number} 行：{reason}")

    def _association(self, name: str) -> Association:
        association = Association.objects.filter(name=name).first()
        if association is not None:
            return association
        matches = list(Association.objects.filter(short_name=name)[:2])
        if not matches:
            raise CommandError(f"No association is called “{name}”.")
        if len(matches) > 1:
            raise CommandError(f"“{name}” is the short name of more than one association; use the full name.")
        return matches[0]
