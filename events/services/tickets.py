"""Tickets: the QR code (it carries the ticket token), the calendar file and the mails about a registration."""

import io
from datetime import timedelta

import segno
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core.mail import send_after_commit

from ..models import EventPage, Registration

ICS_TYPE = "text/calendar"


def qr_png(registration: Registration, *, scale: int = 6) -> bytes:
    out = io.BytesIO()
    segno.make(registration.token, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(registration: Registration, *, scale: int = 5) -> str:
    out = io.BytesIO()
    segno.make(registration.token, error="m").save(out, kind="svg", scale=scale, border=2, xmldecl=False,
                                                    svgns=True, title="QR", nl=False)
    return out.getvalue().decode()


def _vevent(uid: str, summary: str, start, end, location: str, description: str, url: str) -> CalendarEvent:
    vevent = CalendarEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", summary)
    if location:
        vevent.add("location", location)
    if description:
        vevent.add("description", description)
    if url:
        vevent.add("url", url)
    return vevent


def ics(event: EventPage, registration: Registration | None = None) -> bytes:
    """An iCalendar file for the event (and, for a registration, its sub-events), times in UTC."""
    calendar = Calendar()
    calendar.add("prodid", "-//chengguan-portal//events//ZH")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    domain = settings.WAGTAILADMIN_BASE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    location = "，".join(v for v in (event.venue, event.venue_address) if v)
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    description, url, suffix = event.summary, base + event.url if event.url else "", "event"
    if registration is not None:
        description = f"{event.summary}\n票码：{registration.code}\n电子票：{base}{registration.get_ticket_url()}"
        suffix = f"reg-{registration.pk}"
    calendar.add_component(_vevent(f"{suffix}-{event.pk}@{domain}", event.title, event.starts_at, event.ends_at,
                                   location, description, url))
    if registration is not None:
        for sub in registration.sub_events.all():
            calendar.add_component(_vevent(f"reg-{registration.pk}-sub-{sub.pk}@{domain}",
                                           f"{event.title} · {sub.name}", sub.starts_at, sub.ends_at,
                                           sub.location or location, description, url))
    return calendar.to_ical()


MAIL_FOR_STATE = {
    Registration.State.CONFIRMED: "events/email/confirmed",
    Registration.State.PENDING: "events/email/pending",
    Registration.State.WAITING: "events/email/waiting",
    Registration.State.REJECTED: "events/email/rejected",
    Registration.State.CANCELLED: "events/email/cancelled",
}


def ticket_attachments(registration: Registration) -> list[tuple[str, bytes, str]]:
    return [
        (f"ticket-{registration.code}.png", qr_png(registration), "image/png"),
        (f"event-{registration.event_id}.ics", ics(registration.event, registration), ICS_TYPE),
    ]


def mail_state(registration: Registration, *, template: str | None = None) -> None:
    """Tell the attendee (and whoever registered them) what the registration's state now is. Confirmations carry
    the QR code and the calendar file. Sent after the transaction commits."""
    template = template or MAIL_FOR_STATE[registration.state]
    attachments = ticket_attachments(registration) if registration.state == Registration.State.CONFIRMED else ()
    recipients = [registration.email]
    if registration.registered_by_id and registration.registered_by.email:
        recipients.append(registration.registered_by.email)
    send_after_commit(template=template, recipients=recipients, attachments=attachments,
                      context={"registration": registration, "event": registration.event,
                               "ticket_path": registration.get_ticket_url()})


def send_reminders(*, now=None) -> int:
    """Remind confirmed attendees of an event that starts tomorrow (Asia/Shanghai). Idempotent: once each."""
    from django.db import transaction

    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    sent = 0
    due = (Registration.objects.select_related("event", "registered_by")
           .filter(state=Registration.State.CONFIRMED, reminded_at__isnull=True,
                   event__starts_at__date=tomorrow, event__live=True))
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
                reminded_at=now)
            if claimed:
                mail_state(registration, template="events/email/reminder")
                sent += 1
    return sent
