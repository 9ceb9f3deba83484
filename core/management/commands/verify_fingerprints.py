"""manage.py verify_fingerprints: recompute the SHA-256 fingerprint of every submitted comment (and award entry)
from its stored content and attachments, and report each mismatch. Exit status 1 when anything does not verify.

The checks live in the apps that own the records (consultations.services.comments.fingerprint,
awards.services.entries.fingerprint); they are imported here, lazily, because core must not depend on them.
"""

import hashlib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _


def _file_sha256(field) -> str | None:
    try:
        with field.open("rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except (OSError, ValueError):
        return None


def _comment_verifies(comment, hashes, fingerprint) -> bool:
    """The fingerprint hashes submitted_at.isoformat() of the aware datetime as it was at submission: UTC from
    timezone.now(), but Asia/Shanghai when timezone.now() was patched (the demo seed). Same instant either way."""
    stored = comment.submitted_at
    for moment in (stored, timezone.localtime(stored)):
        comment.submitted_at = moment
        if fingerprint(comment, hashes) == comment.fingerprint:
            comment.submitted_at = stored
            return True
    comment.submitted_at = stored
    return False


def comment_problems():
    from consultations.models import Comment
    from consultations.services.comments import fingerprint

    comments = Comment.objects.exclude(fingerprint="").prefetch_related("attachments").order_by("pk")
    for comment in comments.iterator(chunk_size=500):
        attachments = sorted(comment.attachments.all(), key=lambda a: a.pk)
        if not _comment_verifies(comment, [a.sha256 for a in attachments], fingerprint):
            yield _("Comment %(receipt)s: the content does not match its fingerprint.") % {
                "receipt": comment.receipt_number}
        for attachment in attachments:
            if _file_sha256(attachment.file) != attachment.sha256:
                yield _("Comment %(receipt)s: attachment %(name)s is missing or altered.") % {
                    "receipt": comment.receipt_number, "name": attachment.name}


def entry_problems():
    from awards.models import Entry
    from awards.services.entries import fingerprint

    for entry in Entry.objects.exclude(fingerprint="").prefetch_related("files").order_by("pk").iterator(500):
        if fingerprint(entry) != entry.fingerprint:
            yield _("Award entry %(number)s: the content does not match its fingerprint.") % {"number": entry.number}


class Command(BaseCommand):
    help = "Verify the fingerprints of submitted comments and award entries against their stored content."

    def handle(self, *args, **options):
        checked = problems = 0
        for check in (comment_problems, entry_problems):
            for message in check():
                problems += 1
                self.stderr.write(message)
        from awards.models import Entry
        from consultations.models import Comment

        checked = Comment.objects.exclude(fingerprint="").count() + Entry.objects.exclude(fingerprint="").count()
        if problems:
            raise CommandError(_("%(problems)d of %(checked)d fingerprinted records do not verify.")
                               % {"problems": problems, "checked": checked})
        self.stdout.write(self.style.SUCCESS(_("All %(checked)d fingerprinted records verify.") % {"checked": checked}))
