from django.core.management.base import BaseCommand

from events.services import send_reminders


class Command(BaseCommand):
    help = "Remind confirmed attendees of the events that start tomorrow (once each). Run daily."

    def handle(self, *args, **options):
        self.stdout.write(f"已发送 {send_reminders()} 封活动提醒邮件。")
