"""Helpers shared by the credit services: permission checks, numbering, evidence files."""

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.files import read_upload

from .. import permissions

EVIDENCE_TYPES = {"pdf", "docx", "png", "jpeg", "ofd"}
EVIDENCE_KINDS_LABEL = "PDF、DOCX、OFD、PNG、JPEG"
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_TEXT = 5_000


def require(allowed: bool, message=None):
    if not allowed:
        raise DomainError(message or _("You are not allowed to do this."))


def require_committee(actor):
    require(permissions.can_manage(actor))


def clean_text(value: str, *, field: str, label: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is too long: at most %(max)s characters.") % {"label": label, "max": limit},
                          field=field)
    return value


def attach(instance, file_field: str, name_field: str, upload, *, field: str) -> None:
    """Check an uploaded evidence file and put it on `instance` (not yet saved)."""
    name, data, _kind = read_upload(upload, allowed=EVIDENCE_TYPES, max_bytes=MAX_EVIDENCE_BYTES, field=field,
                                    kinds_label=EVIDENCE_KINDS_LABEL)
    setattr(instance, name_field, name)
    getattr(instance, file_field).save(name, ContentFile(data), save=False)


def save_numbered(instance, *, prefix: str, width: int = 5) -> None:
    """Save `instance` with the next number ``<prefix>-<year>-<sequence>`` of the current year.

    Two saves at once may pick the same number: the unique constraint decides and the loser retries."""
    model = type(instance)
    year = timezone.localdate().year
    stem = f"{prefix}-{year}-"
    for attempt in range(5):
        if hasattr(instance, "sequence"):
            last = model.objects.filter(year=year).aggregate(m=Max("sequence"))["m"] or 0
            instance.year, instance.sequence = year, last + 1
            instance.number = f"{stem}{last + 1:0{width}d}"
        else:
            last = model.objects.filter(number__startswith=stem).order_by("-number").values_list(
                "number", flat=True).first()
            instance.number = f"{stem}{(int(last[len(stem):]) if last else 0) + 1:0{width}d}"
        try:
            with transaction.atomic():
                instance.save()
            return
        except IntegrityError:
            instance.pk = None
            if attempt == 4:
                raise
