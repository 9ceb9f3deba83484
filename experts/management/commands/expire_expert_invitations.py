"""python manage.py expire_expert_invitations — run hourly (cron or a scheduled task).

Lapses the invitations of drawn experts whose deadline to answer has passed and invites the next alternate of the
same field (each step in the audit log). A rerun changes nothing.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from experts.services import expire_due


class Command(BaseCommand):
    help = "Lapse expert invitations past their deadline and invite the next alternates."

    def handle(self, *args, **options):
        lapsed = expire_due()
        self.stdout.write(_("Expert invitations: %(lapsed)s lapsed.") % {"lapsed": lapsed})
