"""python manage.py send_consultation_reminders — run daily (cron or a scheduled task).

Sends the invitations of consultations that have opened and the reminders 7 and 2 days before the end to invited
associations that have not submitted. Each (association, kind, deadline) goes out once, so a rerun is harmless.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from consultations.models import Reminder
from consultations.services import send_due


class Command(BaseCommand):
    help = "Send consultation invitations and the 7-day and 2-day deadline reminders that are due."

    def handle(self, *args, **options):
        counts = send_due()
        self.stdout.write(
            _("Invitations: %(invitations)s; 7-day reminders: %(days7)s; 2-day reminders: %(days2)s.") % {
                "invitations": counts["invitation"],
                "days7": counts[Reminder.Kind.DAYS_7],
                "days2": counts[Reminder.Kind.DAYS_2],
            }
        )
