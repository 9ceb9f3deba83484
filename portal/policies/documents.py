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
            _("The file is too large (%(size)s); at most %(max)s may be uploaded.")
            % {"size": filesizeformat(size), "max": filesizeformat(settings.PORTAL_DOCUMENT_MAX_BYTES)}
        )
    kind = sniff_file_type(head)
    extension = Path(name).suffix.lower().lstrip(".")
    allowed_text = "、".join(TYPE_LABELS[t] for t in allowed)
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


class PolicyDocumentForm(BaseDocumentForm):
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            check_document_upload(uploaded.name, uploaded.size, read_head(uploaded))
        return uploaded
