"""Upload checks for documents: allowed types decided from the content, and a size limit."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

from core.files import sniff_file_type

TYPE_LABELS = {"pdf": "PDF", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)", "ofd": "OFD"}


def check_document_upload(name: str, size: int, head: bytes) -> str:
    """Return the file type, or raise forms.ValidationError with a clear message."""
    allowed = settings.PORTAL_DOCUMENT_TYPES
    if size > settings.PORTAL_DOCUMENT_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is too large (%(file_size)s); at most %(max_filesize)s may be uploaded.")
            % {"file_size": filesizeformat(size), "max_filesize": filesizeformat(settings.PORTAL_DOCUMENT_MAX_BYTES)}
        )
    kind = sniff_file_type(head)
    extension = Path(name).suffix.lower().lstrip(".")
    allowed_text = allowed_types_text()
    if kind not in allowed:
        raise forms.ValidationError(
            _("This file is not an allowed document (%(allowed)s): its content does not match any of them.")
            % {"allowed": allowed_text}
        )
    if extension != kind:
        raise forms.ValidationError(
            _("The file name ends in “.%(ext)s” but the content is %(kind)s. Rename or re-save the file.")
            % {"ext": extension, "kind": TYPE_LABELS[kind]}
        )
    return kind


def read_head(uploaded) -> bytes:
    """The whole upload (documents are small enough); ZIP-based types need the central directory."""
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return data


def allowed_types_text() -> str:
    return "、".join(TYPE_LABELS[t] for t in settings.PORTAL_DOCUMENT_TYPES)


class PolicyDocumentForm(BaseDocumentForm):
    """Every admin upload path (single add, multiple upload, chooser upload, replacing a file) uses this form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None:
            limit = settings.PORTAL_DOCUMENT_MAX_BYTES
            # The multiple uploader reads max_upload_size and this message to refuse big files before sending them.
            field.max_upload_size = limit
            field.max_upload_size_text = filesizeformat(limit)
            field.error_messages["file_too_large"] = _(
                "The file is too large (%(file_size)s); at most %(max_filesize)s may be uploaded."
            )
            field.error_messages["file_too_large_unknown_size"] = _(
                "The file is too large; at most %(max_filesize)s may be uploaded."
            ) % {"max_filesize": filesizeformat(limit)}
            field.help_text = _("Allowed: %(types)s, at most %(max)s. The type is checked from the content.") % {
                "types": allowed_types_text(),
                "max": filesizeformat(limit),
            }
            field.widget.attrs["accept"] = ",".join(f".{t}" for t in settings.PORTAL_DOCUMENT_TYPES)

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            check_document_upload(uploaded.name, uploaded.size, read_head(uploaded))
        return uploaded
