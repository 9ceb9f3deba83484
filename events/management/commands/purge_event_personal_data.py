from django.core.management.base import BaseCommand

from events.services import purge_due


class Command(BaseCommand):
    help = "Erase answers to personal-data questions past their retention date (names stay). Run daily."

    def handle(self, *args, **options):
        self.stdout.write(f"已清除 {purge_due()} 项超过保存期限的个人信息。")
