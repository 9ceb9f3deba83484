"""What a file really is, decided from its bytes (never from its name alone)."""

import io
import zipfile

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
