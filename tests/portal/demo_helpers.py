"""Running seed_demo from the portal tests."""

from io import StringIO

from django.core.management import call_command


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()
