"""Mail sent by consultation services, always after the transaction commits (core.mail)."""

from core import mail


def send_after_commit(*, template: str, context: dict, recipients, one_message: bool = False) -> None:
    """Send ``consultations/email/<template>_subject.txt`` and ``_body.txt`` once committed."""
    mail.send_after_commit(template=f"consultations/email/{template}", context=context, recipients=recipients,
                           one_message=one_message)


def association_recipients(association) -> list[str]:
    emails = [binding.user.email for binding in association.staff.select_related("user")]
    if association.contact_email:
        emails.append(association.contact_email)
    return emails
