"""Data retention: answers to personal-data questions (身份证号, 手机号 …) are erased once their retention period
after the event's end has passed. Names, companies and every other answer stay. Each run is audited per event."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.audit import audit_log

from ..models import Answer, Question


def purge_due(*, now=None) -> int:
    """Erase every personal-data answer past its retention date. Returns how many were erased. Idempotent."""
    now = now or timezone.now()
    erased = 0
    questions = (Question.objects.select_related("event")
                 .filter(personal_data=True, retention_days__isnull=False))
    for question in questions:
        if question.event.ends_at + timedelta(days=question.retention_days) > now:
            continue
        with transaction.atomic():
            n = (Answer.objects.filter(question=question, purged_at__isnull=True)
                 .update(value="", purged_at=now))
            if n:
                audit_log(actor="system", action="events.personal_data.purged", obj=question.event,
                          data={"question": question.pk, "label": question.label, "answers": n})
        erased += n
    return erased
