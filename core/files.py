"""What a file really is, decided from its bytes (never from its name alone)."""

import functools
import io
import shutil
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models import FileField
from django.utils.functional import cached_property

_OOXML = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
# The largest ZIP (unpacked) we are willing to look inside: guards against zip bombs.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024


def sniff_file_type(data: bytes) -> str | None:
    """Return "pdf", "docx", "xlsx", "pptx", "ofd", "zip", "ole", "png", "jpeg", "gif" or None (unknown)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # legacy .doc/.xls
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return None


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return None
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                content_types = archive.read("[Content_Types].xml")
                for kind, marker in _OOXML.items():
                    if marker in content_types:
                        return kind
            if "OFD.xml" in names:  # GB/T 33190-2016 layout documents
                return "ofd"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return None
    return "zip"


def safe_name(name: str) -> str:
    """A file name without path separators, at most 150 characters (the end, which keeps the extension)."""
    return (name or "file").replace("/", "_").replace("\\", "_")[-150:]


def read_upload(upload, *, allowed: set[str], max_bytes: int, field: str, kinds_label: str):
    """Read an uploaded file and check its real type. Returns (safe name, bytes, kind).

    Raises DomainError (Chinese message naming the file) when it is too large or not one of ``allowed``;
    ``kinds_label`` names the accepted types in the message ("PDF、DOCX 或图片")."""
    from django.utils.translation import gettext as _

    from .errors import DomainError

    if upload.size > max_bytes:
        raise DomainError(_("%(name)s is larger than %(mb)s MB.") % {"name": upload.name, "mb": max_bytes // 2**20},
                          field=field)
    data = upload.read()
    kind = sniff_file_type(data)
    if kind not in allowed:
        raise DomainError(_("%(name)s is not an accepted file (%(kinds)s).") % {"name": upload.name,
                                                                              "kinds": kinds_label}, field=field)
    return safe_name(upload.name), data, kind


class PrivateStorage(FileSystemStorage):
    """Private uploads (evidence, application documents, award entries, comment attachments) under
    ``settings.PRIVATE_MEDIA_ROOT``, a directory no web server serves. They have no URL: each is sent only by its
    permission-checked view (core.views.stored_file_response)."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":  # the parent only follows MEDIA_ROOT
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError(f"{name} is a private file and has no public URL; link to its permission-checked "
                         "download view instead.")


@functools.cache
def private_storage() -> PrivateStorage:
    """The private storage (created on first use). Fields say ``storage=private_storage`` so that migrations name
    this callable rather than a path."""
    return PrivateStorage()


def private_fields() -> list[tuple[str, str]]:
    """``(model label, field name)`` of every file field stored on the private storage."""
    from django.apps import apps

    return [(model._meta.label, field.name) for model in apps.get_models() for field in model._meta.concrete_fields
            if isinstance(field, FileField) and field.storage is private_storage()]


def move_into_private_storage(*fields: tuple[str, str]):
    """A RunPython function for the migration that puts ``(model label, field name)`` on the private storage: moves
    the files of existing rows from MEDIA_ROOT to PRIVATE_MEDIA_ROOT (same relative name), leaving rows untouched."""

    def forwards(apps, schema_editor):
        public, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
        for label, field in fields:
            names = apps.get_model(label)._default_manager.exclude(**{field: ""}).values_list(field, flat=True)
            for name in names.iterator():
                source, target = public / name, private / name
                if name and source.is_file() and not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(source, target)

    return forwards
