"""The file types the upload service accepts, and what they look like (part of app.core.uploads).

A type is decided by the content, never by the name (app.core.uploads.sniffing): the tables here say
which types exist, which are images, which content types an Office archive names for each, and the
first bytes of what is never accepted (executables, old and encrypted Office files).
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from app.core.datamodel import DomainError


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    label: str
    extensions: tuple  # the first one is appended to a name without a fitting extension
    inline: bool = False  # shown in the browser; everything else is downloaded as an attachment


TYPES = {t.key: t for t in (
    FileType("pdf", "application/pdf", "PDF", ("pdf",), inline=True),
    FileType("png", "image/png", "PNG", ("png",), inline=True),
    FileType("jpeg", "image/jpeg", "JPEG", ("jpg", "jpeg", "jpe", "jfif"), inline=True),
    FileType("gif", "image/gif", "GIF", ("gif",), inline=True),
    FileType("webp", "image/webp", "WebP", ("webp",), inline=True),
    FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "Word (DOCX)", ("docx",)),
    FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "Excel (XLSX)", ("xlsx",)),
    FileType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument-tekst (ODT)", ("odt",)),
    FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument-rekenblad (ODS)", ("ods",)),
    FileType("csv", "text/csv", "CSV", ("csv",)),
    FileType("txt", "text/plain", "tekst (TXT)", ("txt", "text", "log")),
)}
IMAGE_TYPES = frozenset({"png", "jpeg", "gif", "webp"})
ALL_TYPES = frozenset(TYPES)
PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
ODF_MIMETYPES = {TYPES["odt"].content_type: "odt", TYPES["ods"].content_type: "ods"}

EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows (exe, dll, scr)
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # macOS
    b"\xca\xfe\xba\xbe",  # macOS universal, Java class
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .msi and encrypted Office files


class UploadRefused(DomainError):
    """An upload that is not stored; ``reason`` is "empty", "size", "name" or "type"."""

    def __init__(self, message, reason):
        super().__init__(f"{message} {_('Er is niets opgeslagen.')}")
        self.reason = reason


def type_of(content_type):
    base = (content_type or "").split(";")[0].strip()
    return next((t for t in TYPES.values() if t.content_type == base), None)


def type_labels(keys):
    labels = [TYPES[key].label for key in TYPES if key in keys]
    if len(labels) == 1:
        return labels[0]
    return _("%(list)s of %(last)s", list=", ".join(labels[:-1]), last=labels[-1])


def format_size(n):
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    if n >= 1024:
        return f"{n // 1024} kB"
    return f"{n} bytes"
