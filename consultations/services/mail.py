"""Mail sent by consultation services, always after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def send_after_commit(*, template: str, context: dict, recipients) -> None:
    """Render ``consultations/email/<template>_subject.txt`` and ``_body.txt`` and send once committed."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    context = {**context, "site_url": settings.WAGTAILADMIN_BASE_URL}

    def _send():
        subject = render_to_string(f"consultations/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"consultations/email/{template}_body.txt", context)
        send_mail(subject, body, None, recipients, fail_silently=False)

    transaction.on_commit(_send)


def association_recipients(association) -> list[str]:
    emails = [binding.user.email for binding in association.staff.select_related("user")]
    if association.contact_email:
        emails.append(association.contact_email)
    return emails
