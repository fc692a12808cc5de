"""The checks of an upload, by its content (part of app.core.uploads).

- **Size**: at most UPLOAD_MAX_BYTES (default 10 MB; a caller may ask for less, logos 512 kB). An
  empty file is refused too. The whole request is capped by MAX_CONTENT_LENGTH (413, Dutch page).
- **Type by content**, never by the name: PDF, PNG, JPEG, GIF, WebP, Word (DOCX), Excel (XLSX),
  OpenDocument text and spreadsheet (ODT, ODS), CSV and plain text (app.core.uploads.types). Images
  must also open in Pillow as the type their first bytes claim, within 40 million pixels
  (decompression bombs refused). Office files are zip archives: their table of contents is read
  without unpacking anything, and a total unpacked size beyond UPLOAD_MAX_UNPACKED_BYTES, a
  suspicious packing ratio, encryption or macros are refused. Text must be UTF-8, UTF-16 with BOM or
  Windows-1252 without control characters, and must not look like HTML, XML or SVG. Everything else
  is refused: executables (MZ, ELF, Mach-O, ``#!`` scripts) whatever they are called, HTML, SVG,
  old Office files, other archives.
- **Name**: checked and sanitised by app.core.uploads.names.

A refusal is an UploadRefused with a Dutch message; nothing is written anywhere but an anonymous
temporary file.
"""
import codecs
import hashlib
import re
import tempfile
import warnings
import zipfile
from contextlib import suppress
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import gettext as _

from app.core.uploads.names import _typed_name, clean_name
from app.core.uploads.types import (
    ALL_TYPES, EXECUTABLE_SIGNATURES, IMAGE_TYPES, ODF_MIMETYPES, OLE_SIGNATURE, OOXML_MAIN, PILLOW_FORMATS,
    FileType, UploadRefused, format_size, type_labels,
)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 1024 * 1024
MAX_PIXELS = 40_000_000
# Office archives: more entries than this, or an entry (of more than RATIO_FLOOR) unpacking to more
# than MAX_RATIO times its packed size, is treated as a zip bomb.
MAX_ZIP_ENTRIES = 10_000
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
MAX_CONTENT_TYPES_XML = 1024 * 1024
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
SVG_MARKUP = re.compile(r"<svg[\s/>]", re.IGNORECASE)
HTML_MARKUP = re.compile(
    r"<(?:!doctype\s|!--|\?xml|html|head|body|script|iframe|frame|frameset|object|embed|applet|meta|link|"
    r"style|form|img|base|math|title|div|table|a\s)", re.IGNORECASE)


@dataclass
class CheckedUpload:
    """An upload that passed every check, held in an anonymous temporary file until stored."""

    name: str
    file_type: FileType
    content_type: str
    size: int
    sha256: str
    spool: object

    def copy_to(self, out):
        """Write the content to ``out``; refuse if it is no longer what was checked."""
        digest = hashlib.sha256()
        self.spool.seek(0)
        while chunk := self.spool.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
        if digest.hexdigest() != self.sha256:
            raise RuntimeError("upload changed after it was checked")

    def close(self):
        self.spool.close()


def check(upload, *, allowed=None, max_bytes=None):
    """Check a werkzeug FileStorage (or any object with ``filename`` and ``stream``) and return a
    CheckedUpload; raise UploadRefused with a Dutch message otherwise. Writes nothing anywhere but an
    anonymous temporary file (gone when closed)."""
    allowed = ALL_TYPES if allowed is None else frozenset(allowed)
    limit = configured("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)
    if max_bytes:
        limit = min(limit, max_bytes)
    base, extension = clean_name(getattr(upload, "filename", None))
    spool, size, sha256 = _spool(upload, limit)
    try:
        kind, charset = _sniff(spool, size)
        file_type, name = _typed_name(base, extension, kind)
        if file_type.key not in allowed:
            raise UploadRefused(_("Een bestand van het soort %(type)s wordt hier niet aangenomen. Toegestaan: "
                                  "%(allowed)s.", type=file_type.label, allowed=type_labels(allowed)), "type")
        if file_type.key in IMAGE_TYPES:
            _check_image(spool, file_type)
        content_type = f"{file_type.content_type}; charset={charset}" if charset else file_type.content_type
        return CheckedUpload(name, file_type, content_type, size, sha256, spool)
    except BaseException:
        spool.close()
        raise


def configured(name, default):
    if has_app_context():
        return current_app.config.get(name) or default
    return default


def _spool(upload, limit):
    stream = getattr(upload, "stream", upload)
    with suppress(AttributeError, OSError, ValueError):
        stream.seek(0)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    digest = hashlib.sha256()
    size = 0
    try:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadRefused(_("Het bestand is groter dan %(max)s.", max=format_size(limit)), "size")
            digest.update(chunk)
            spool.write(chunk)
        if size == 0:
            raise UploadRefused(_("Het bestand is leeg."), "empty")
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, size, digest.hexdigest()


def _sniff(spool, size):
    """(kind, charset or None) from the content; UploadRefused for anything not accepted."""
    spool.seek(0)
    head = spool.read(64)
    if head.startswith(b"%PDF-"):
        return "pdf", None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", None
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg", None
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif", None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", None
    if head.startswith(EXECUTABLE_SIGNATURES):
        raise _executable()
    if head.startswith(OLE_SIGNATURE):
        raise UploadRefused(_("Oude Office-bestanden (.doc, .xls) en versleutelde Office-bestanden worden niet "
                              "aangenomen. Sla het bestand op als .docx of .xlsx, zonder wachtwoord."), "type")
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(spool, size), None
    return "text", _text_charset(spool)


def _executable():
    return UploadRefused(_("Dit bestand is een programma of script, ook al heeft het een andere naam. "
                           "Programma's worden niet aangenomen."), "type")


def _not_accepted():
    return UploadRefused(_("Dit soort bestand wordt niet aangenomen. Toegestaan: %(allowed)s.",
                           allowed=type_labels(ALL_TYPES)), "type")


def _office_kind(spool, size):
    """docx, xlsx, odt or ods, judged from the archive's table of contents without unpacking it."""
    damaged = UploadRefused(_("Het Office-bestand is beschadigd of versleuteld en kan niet worden gecontroleerd."),
                            "type")
    max_unpacked = configured("UPLOAD_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)
    bomb = UploadRefused(_("Dit Office-bestand pakt uit tot meer dan %(max)s of is verdacht sterk ingepakt "
                           "(een 'zip-bom'); het wordt niet aangenomen.", max=format_size(max_unpacked)), "type")
    spool.seek(0)
    try:
        archive = zipfile.ZipFile(spool)
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise damaged from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise bomb
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise damaged
        total += entry.file_size
        if total > max_unpacked:
            raise bomb
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise bomb
    if total > RATIO_FLOOR and total > MAX_RATIO * size:
        raise bomb
    names = {entry.filename for entry in entries}
    macros = UploadRefused(_("Office-bestanden met macro's worden niet aangenomen. Sla het bestand op zonder "
                             "macro's (als .docx, .xlsx, .odt of .ods)."), "type")
    try:
        if "mimetype" in names:
            mimetype = archive.open("mimetype").read(200).decode("ascii", "replace").strip()
            if any(name.startswith(("Basic/", "Scripts/")) for name in names):
                raise macros
            if mimetype in ODF_MIMETYPES:
                return ODF_MIMETYPES[mimetype]
            raise _not_accepted()
        if "[Content_Types].xml" in names:
            content_types = _ooxml_content_types(archive.open("[Content_Types].xml").read(MAX_CONTENT_TYPES_XML + 1))
            if content_types is None:
                raise damaged
            if any("macroenabled" in t.lower() or "vbaproject" in t.lower() for t in content_types) or \
                    any(name.lower().endswith("vbaproject.bin") for name in names):
                raise macros
            kinds = {OOXML_MAIN[t] for t in content_types if t in OOXML_MAIN}
            if len(kinds) == 1:
                return kinds.pop()
            raise _not_accepted()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        raise damaged from None
    raise UploadRefused(_("Zip-bestanden en andere archieven worden niet aangenomen. Stuur de bestanden los."),
                        "type")


def _ooxml_content_types(xml):
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    if len(xml) > MAX_CONTENT_TYPES_XML:
        return None
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return None
    return {element.get("ContentType", "") for element in root.iter() if element.get("ContentType")}


def _text_charset(spool):
    """The charset of text that is not markup or a script; UploadRefused for anything else."""
    spool.seek(0)
    data = spool.read()
    text = None
    for encoding in ("utf-8-sig", "utf-16", "cp1252"):
        if encoding == "utf-16" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            continue
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or TEXT_CONTROL.search(text):
        raise _not_accepted()
    if text.lstrip("\ufeff \t\r\n").startswith("#!"):
        raise _executable()
    if SVG_MARKUP.search(text):
        raise UploadRefused(_("SVG-afbeeldingen worden niet aangenomen: ze kunnen scripts bevatten. Gebruik PNG "
                              "of JPEG."), "type")
    if HTML_MARKUP.search(text):
        raise UploadRefused(_("HTML- en XML-bestanden (zoals webpagina's) worden niet aangenomen: ze kunnen "
                              "scripts bevatten."), "type")
    return {"utf-8-sig": "utf-8", "utf-16": "utf-16", "cp1252": "windows-1252"}[encoding]


def _check_image(spool, file_type):
    from PIL import Image

    broken = UploadRefused(_("De afbeelding is beschadigd of geen echte %(type)s.", type=file_type.label), "type")
    too_large = UploadRefused(_("De afbeelding heeft te veel beeldpunten (meer dan %(n)d miljoen).",
                                n=MAX_PIXELS // 1_000_000), "type")
    spool.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(spool, formats=[PILLOW_FORMATS[file_type.key]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise too_large
                # The header is read, the pixels are not decoded: a checksum error deep in the image
                # data harms no one and is the browser's to show (it never runs an image).
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except Exception:
        raise broken from None
