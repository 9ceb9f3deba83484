"""Mail sent by services, always after the transaction commits."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string


def send_after_commit(*, template: str, context: dict, recipients, one_message: bool = False,
                      attachments=()) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` and send once the transaction commits.

    One message per recipient, so people of different organisations never see each other's addresses;
    ``one_message`` sends a single message to all (the addresses of one organisation). ``attachments``:
    (filename, bytes, mimetype) triples attached to every message."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    context = {**context, "site_url": settings.WAGTAILADMIN_BASE_URL}

    def _send():
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
        groups = [recipients] if one_message else [[address] for address in recipients]
        messages = [EmailMessage(subject, body, None, group, attachments=list(attachments)) for group in groups]
        get_connection().send_messages(messages)

    # robust: a mail server failure is logged and never turns a committed change into an error page.
    transaction.on_commit(_send, robust=True)
