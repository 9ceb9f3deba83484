"""python manage.py refresh_credit_lists — run daily (cron or a scheduled task), after midnight Asia/Shanghai.

Applies the black-list rules of every scheme in force as of today: a record whose effective date has come lists
its firm; a firm listed by a rule whose records have expired, been repaired or left the window is delisted (with
the reason). Manual entries are left alone. A rerun on the same day changes nothing.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from credit.services import lists_refresh


class Command(BaseCommand):
    help = "Apply the credit black-list rules as of today."

    def handle(self, *args, **options):
        counts = lists_refresh(actor="refresh_credit_lists")
        self.stdout.write(_("Black list: %(listed)s listed, %(delisted)s delisted.") % counts)
