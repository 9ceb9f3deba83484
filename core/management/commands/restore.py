"""manage.py restore ARCHIVE [--force]: put back the database, media, private files and search
index from a backup archive."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore the database, media files, private files and search index from a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The backup-YYYYMMDD-HHMMSS.tar.gz file.")
        parser.add_argument("--force", action="store_true",
                            help="Overwrite a database that is not empty.")

    def handle(self, *args, **options):
        try:
            summary = restore_backup(options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            _("Restored the backup of %(date)s (%(engine)s): %(rows)d rows in %(models)d models, %(media_files)d media "
              "files, %(private_files)d private files, %(index_files)d index files. Row counts match the backup.")
            % summary))
