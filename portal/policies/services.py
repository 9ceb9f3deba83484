"""Writes for the policy library that are not Wagtail's own page actions."""

from django.conf import settings
from django.db import transaction

from .models import IndexNumberCounter


def next_index_number(*, org_code: str, year: int) -> str:
    """The next 索引号 for an organisation and year, e.g. 11510100MB1C36517N/2024-00012.

    The pattern is settings.PORTAL_POLICY_INDEX_PATTERN; the counter row is locked while it advances.
    """
    with transaction.atomic():
        counter, _created = IndexNumberCounter.objects.select_for_update().get_or_create(org_code=org_code, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
    return settings.PORTAL_POLICY_INDEX_PATTERN.format(org_code=org_code, year=year, seq=counter.last)
