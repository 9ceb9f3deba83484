"""manage.py backup [--output DIR]: one tar.gz with the database, MEDIA_ROOT, PRIVATE_MEDIA_ROOT, the search index
and a manifest."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database, media files, private files and search index into one archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.BASE_DIR / "var" / "backups"),
                            help="Directory for the archive (default: var/backups).")

    def handle(self, *args, **options):
        try:
            archive, manifest = create_backup(options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(n for n in manifest["row_counts"].values() if n > 0)
        self.stdout.write(self.style.SUCCESS(
            _("Backup written: %(path)s (%(engine)s, %(rows)d rows in %(models)d models, %(media)d media files, "
              "%(private)d private files, %(index)d index files).")
            % {"path": archive, "engine": manifest["engine"], "rows": rows, "models": len(manifest["row_counts"]),
               "media": manifest["media_files"], "private": manifest["private_files"],
               "index": manifest["index_files"]}))
