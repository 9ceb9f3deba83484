"""Invitation and deadline-reminder emails to invited associations. Each (association, kind, deadline) is
recorded once, so running the reminder command twice sends nothing twice."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_log

from ..models import Comment, Consultation, Reminder
from .mail import association_recipients, send_after_commit

REMINDER_DAYS = {Reminder.Kind.DAYS_7: 7, Reminder.Kind.DAYS_2: 2}


def _record_and_send(consultation, association, kind, template) -> bool:
    recipients = association_recipients(association)
    try:
        with transaction.atomic():
            Reminder.objects.create(consultation=consultation, association=association, kind=kind,
                                    ends_at=consultation.ends_at, recipients=recipients)
            audit_log(actor="system", action=f"consultations.reminder.{kind}", obj=consultation,
                      data={"association": association.pk, "recipients": len(recipients)})
            send_after_commit(template=template, recipients=recipients, one_message=True,
                              context={"consultation": consultation, "association": association})
    except IntegrityError:
        return False  # already sent for this deadline
    return True


def send_invitations(*, consultation: Consultation) -> int:
    """Invite every invited association of an open consultation (once each, even after an extension)."""
    invited = set(consultation.reminders.filter(kind=Reminder.Kind.INVITATION).values_list("association_id",
                                                                                            flat=True))
    sent = 0
    for association in consultation.invited_associations.all():
        if association.pk not in invited:
            sent += _record_and_send(consultation, association, Reminder.Kind.INVITATION, "invitation")
    return sent


def send_due(*, now=None) -> dict:
    """Invitations for consultations that have opened, and reminders 7 and 2 days before the end to invited
    associations that have not submitted. Returns counts by kind."""
    now = now or timezone.now()
    counts = {"invitation": 0, Reminder.Kind.DAYS_7: 0, Reminder.Kind.DAYS_2: 0}
    for consultation in Consultation.objects.open(now).prefetch_related("invited_associations"):
        counts["invitation"] += send_invitations(consultation=consultation)
        submitted = set(
            Comment.objects.submitted().filter(consultation=consultation, association__isnull=False)
            .values_list("association_id", flat=True)
        )
        left = consultation.ends_at - now
        for kind, days in REMINDER_DAYS.items():
            if left > timedelta(days=days):
                continue
            if kind == Reminder.Kind.DAYS_7 and left <= timedelta(days=2):
                continue  # too late for the 7-day reminder; the 2-day one goes instead
            for association in consultation.invited_associations.all():
                if association.pk not in submitted:
                    counts[kind] += _record_and_send(consultation, association, kind, "reminder")
    return counts
