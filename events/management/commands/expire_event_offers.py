from django.core.management.base import BaseCommand

from events.services import expire_offers


class Command(BaseCommand):
    help = "Cancel waiting-list offers that lapsed and offer the places to the next ones. Run every few minutes."

    def handle(self, *args, **options):
        self.stdout.write(f"已处理 {expire_offers()} 个过期的候补名额。")
