"""One upload service for every module (issue 6, item 6; ASVS 12.1–12.5).

    stored = store(request.files["bestand"], owner)   # owner: any row of a model with __scope__
    db.session.commit()                               # the row and the file belong to this transaction

- **Size**: at most UPLOAD_MAX_BYTES (default 10 MB; a caller may ask for less, logos 512 kB). An
  empty file is refused too. The whole request is capped by MAX_CONTENT_LENGTH (413, Dutch page).
- **Type by content**, never by the name: PDF, PNG, JPEG, GIF, WebP, Word (DOCX), Excel (XLSX),
  OpenDocument text and spreadsheet (ODT, ODS), CSV and plain text. Images must also open in Pillow
  as the type their first bytes claim, within 40 million pixels (decompression bombs refused).
  Office files are zip archives: their table of contents is read without unpacking anything, and a
  total unpacked size beyond UPLOAD_MAX_UNPACKED_BYTES, a suspicious packing ratio, encryption or
  macros are refused. Text must be UTF-8, UTF-16 with BOM or
  Windows-1252 without control characters, and must not look like HTML, XML or SVG. Everything else
  is refused: executables (MZ, ELF, Mach-O, ``#!`` scripts) whatever they are called, HTML, SVG,
  old Office files, other archives.
- **Names**: a name with a NUL or any other control character, or a bidi override (U+202E, which
  makes ``exe.pdf`` of ``fdp.exe``), or with a path in it (``/``, ``\\``, ``..``, also
  percent-encoded) is *refused*: such a name is never an accident, and refusing says so. Anything
  else is *sanitised* into the name shown and offered on download: NFC, ``<>:"|?*`` → ``_``, white
  space collapsed, leading dots and trailing dots/spaces removed, Windows device names (CON, NUL,
  ...) prefixed, at most 200 characters. The extension must fit the content: a known extension of
  another type (``rapport.pdf.html`` holding a PDF) is refused, a missing or unknown one gets the
  type's own appended. The name never reaches the disk.
- **Storage**: UPLOAD_FOLDER/files/<2 characters>/<random token>, outside any static folder
  (checked), owner-only permissions. A file is written under UPLOAD_FOLDER/.incoming and moved into
  place only after every check; it belongs to the caller's transaction: a rollback removes it, and a
  deleted StoredFile's file is removed when the delete commits. A refusal writes nothing at all.
- **Download**: only through /bestanden/<token> (app.core.upload_views), which checks that the
  owning row lies in the user's scope (app.security.scoping) and answers 404 otherwise — or for an
  unknown token; images and PDFs inline, everything else as an attachment, always with the sniffed
  type, nosniff and a restrictive Content-Security-Policy.
"""
import codecs
import datetime as dt
import hashlib
import logging
import mimetypes
import os
import re
import secrets
import tempfile
import unicodedata
import warnings
import zipfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import unquote

from flask import abort, current_app, has_app_context, send_file
from flask_appbuilder import Model
from flask_babel import gettext as _
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, and_, event, inspect, select
from sqlalchemy.orm import Mapped, Session, declared_attr, foreign, mapped_column, object_session, relationship

from app.core.datamodel import DomainError
from app.security.scoping import SCOPE_KINDS, OutOfScope, Scope, current_actor, is_in_scope

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
FILES = "files"  # UPLOAD_FOLDER/files/<token[:2]>/<token>
INCOMING = ".incoming"  # files being written; never part of a backup
CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 1024 * 1024
MAX_NAME_LENGTH = 200
MAX_PIXELS = 40_000_000
# Office archives: more entries than this, or an entry (of more than RATIO_FLOOR) unpacking to more
# than MAX_RATIO times its packed size, is treated as a zip bomb.
MAX_ZIP_ENTRIES = 10_000
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
MAX_CONTENT_TYPES_XML = 1024 * 1024
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")


# --- types ---------------------------------------------------------------------------------------
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
# Extensions that name some other type: a file whose content is a PDF may not be called x.html.
KNOWN_EXTENSIONS = frozenset({
    "exe", "dll", "com", "scr", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta",
    "msi", "msp", "lnk", "jar", "app", "apk", "sh", "bash", "py", "pl", "rb", "php", "phtml", "asp", "aspx",
    "jsp", "cgi", "html", "htm", "xhtml", "shtml", "svg", "svgz", "xml", "xsl", "swf", "iso", "img", "dmg",
    "zip", "rar", "7z", "gz", "tar", "doc", "docm", "dot", "dotx", "dotm", "xls", "xlsm", "xlsb", "xlt",
    "xltx", "xltm", "ppt", "pptx", "pptm", "rtf", "odp", "odg", "mp3", "mp4", "avi", "mov", "wav", "bmp",
    "tif", "tiff", "ico", "heic", "eml", "msg", "json", "md", "ini", "reg", "inf", "url", "desktop",
} | {ext for t in TYPES.values() for ext in t.extensions})

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                             *(f"LPT{i}" for i in range(10))})
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
SVG_MARKUP = re.compile(r"<svg[\s/>]", re.IGNORECASE)
HTML_MARKUP = re.compile(
    r"<(?:!doctype\s|!--|\?xml|html|head|body|script|iframe|frame|frameset|object|embed|applet|meta|link|"
    r"style|form|img|base|math|title|div|table|a\s)", re.IGNORECASE)


class UploadRefused(DomainError):
    """An upload that is not stored; ``reason`` is "empty", "size", "name" or "type"."""

    def __init__(self, message, reason):
        super().__init__(f"{message} {_('Er is niets opgeslagen.')}")
        self.reason = reason


# --- the stored file ------------------------------------------------------------------------------
class StoredFile(Model):
    """One uploaded file: who uploaded it when, what it is, and the row it belongs to."""

    __tablename__ = "stored_file"
    # Not listed to anybody but staff: a file is reached through its owner, whose scope the download
    # checks. Audited like every domain record (the token is redacted there).
    __scope__ = Scope()
    __table_args__ = (Index("ix_stored_file_owner", "owner_model", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), index=True, unique=True)  # URL and file name on disk
    name: Mapped[str] = mapped_column(String(255))  # sanitised original name, offered on download
    content_type: Mapped[str] = mapped_column(String(100))  # from the content, never from the name
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    owner_model: Mapped[str] = mapped_column(String(100))  # class name of the owning row
    owner_id: Mapped[int] = mapped_column(Integer)  # no foreign key: owners live in many tables
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC

    @property
    def file_type(self):
        return type_of(self.content_type)

    def __str__(self):
        return self.name


class HasFiles:
    """Mixin for owners that receive files while they are still new (an add form): the files follow
    the owner into the database and are deleted with it."""

    @declared_attr
    def stored_files(cls):
        return relationship(
            StoredFile,
            primaryjoin=lambda: and_(foreign(StoredFile.owner_id) == cls.id, StoredFile.owner_model == cls.__name__),
            cascade="all, delete-orphan", order_by=StoredFile.id, overlaps="stored_files")


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


# --- checks ---------------------------------------------------------------------------------------
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


def clean_name(raw):
    """(base, extension) of a sanitised file name; UploadRefused for a name that is an attack."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    decoded = unquote(name)
    for candidate in (name, decoded):
        if any(unicodedata.category(c) == "Cc" for c in candidate) or BIDI_CONTROLS.search(candidate):
            raise UploadRefused(_("De bestandsnaam bevat ongeldige tekens (zoals een NUL-, stuur- of "
                                  "richtingsteken). Geef het bestand een gewone naam en probeer het opnieuw."),
                                "name")
        if "/" in candidate or "\\" in candidate or candidate.strip() in (".", ".."):
            raise UploadRefused(_("De bestandsnaam mag geen map of pad bevatten (zoals ../ of /). Geef het "
                                  "bestand een gewone naam en probeer het opnieuw."), "name")
    name = WINDOWS_FORBIDDEN.sub("_", name)
    name = " ".join(name.split()).strip(" .").lstrip(".").strip()
    base, dot, extension = name.rpartition(".")
    if not dot or not re.fullmatch(r"(?=.*[A-Za-z])[A-Za-z0-9]{1,10}", extension) or not base:
        base, extension = name, ""
    base = base.rstrip(" .") or _("bestand")
    if base.split(".")[0].strip().upper() in WINDOWS_DEVICES:
        base = "_" + base
    return base, extension.lower()


def _typed_name(base, extension, kind):
    """The file type for sniffed content ``kind`` and the name it is stored under."""
    if kind == "text":
        kind = "csv" if extension == "csv" else "txt"
    file_type = TYPES[kind]
    if extension in file_type.extensions:
        return file_type, _shorten(base, extension)
    if extension and (extension in KNOWN_EXTENSIONS or mimetypes.guess_type(f"x.{extension}")[0]):
        raise UploadRefused(_("De naam van het bestand (.%(extension)s) past niet bij de inhoud (%(type)s). "
                              "Geef het bestand de juiste extensie en probeer het opnieuw.",
                              extension=extension, type=file_type.label), "type")
    if extension:  # not a file extension: part of the name ("verslag v1.2")
        base = f"{base}.{extension}"
    return file_type, _shorten(base, file_type.extensions[0])


def _shorten(base, extension):
    room = MAX_NAME_LENGTH - len(extension) - 1
    return f"{base[:room].rstrip(' .') or _('bestand')}.{extension}"


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


# --- storing ----------------------------------------------------------------------------------------
def upload_root():
    """UPLOAD_FOLDER, refused when it lies inside a folder the app serves as static files."""
    root = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    static = [current_app.static_folder, *(bp.static_folder for bp in current_app.blueprints.values())]
    for folder in filter(None, static):
        folder = Path(folder).resolve()
        if root == folder or folder in root.parents:
            raise RuntimeError(f"UPLOAD_FOLDER {root} lies in the static folder {folder}; move it outside")
    return root


def relative_path(token):
    """Where a stored file lives below UPLOAD_FOLDER (also used by backup and the migration)."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        raise ValueError("not a stored-file token")
    return Path(FILES, token[:2], token)


def file_path(stored):
    return upload_root() / relative_path(stored.token)


def store(upload, owner, *, allowed=None, max_bytes=None, session=None):
    """Check ``upload`` (a FileStorage or a CheckedUpload) and store it for ``owner``, a row of a model
    with ``__scope__``: persistent and in the acting user's scope, or new and a HasFiles model.

    Returns the new StoredFile, added to the owner's session; the caller commits (or rolls back, which
    removes the file again). Raises UploadRefused (a DomainError, Dutch message) and stores nothing;
    OutOfScope when the owner lies outside the user's scope."""
    checked = upload if isinstance(upload, CheckedUpload) else check(upload, allowed=allowed, max_bytes=max_bytes)
    if allowed is not None and checked.file_type.key not in allowed:
        raise UploadRefused(_("Een bestand van het soort %(type)s wordt hier niet aangenomen.",
                              type=checked.file_type.label), "type")
    model = type(owner)
    if getattr(model, "__scope__", None) is None:
        raise TypeError(f"{model.__name__} declares no __scope__: no file can belong to it")
    from app.extensions import db

    session = session or object_session(owner) or db.session
    actor = current_actor()
    with session.no_autoflush:
        persistent = inspect(owner).has_identity
        if persistent and not is_in_scope(session, actor, model, owner.id):
            raise OutOfScope()
        if not persistent and not isinstance(owner, HasFiles):
            raise TypeError(f"save the {model.__name__} first, or give {model.__name__} the HasFiles mixin")
        session.connection()  # the transaction the file belongs to
        token = secrets.token_urlsafe(32)
        path = _place(checked, token)
        checked.close()
        session.info.setdefault(_PLACED, []).append(path)
        stored = StoredFile(
            token=token, name=checked.name, content_type=checked.content_type, size=checked.size,
            sha256=checked.sha256, owner_model=model.__name__,
            uploaded_by_id=actor.id if getattr(actor, "is_authenticated", False) else None,
            uploaded_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
        if isinstance(owner, HasFiles):
            owner.stored_files.append(stored)
        else:
            stored.owner_id = owner.id
        session.add(stored)
    log.info("stored %s (%s, %d bytes) for %s %s", token[:8], checked.file_type.key, checked.size,
             model.__name__, getattr(owner, "id", "new"))
    return stored


def _place(checked, token):
    root = upload_root()
    target = root / relative_path(token)
    incoming = root / INCOMING
    for folder in (root, root / FILES, target.parent, incoming):
        folder.mkdir(mode=0o700, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=incoming, suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as out:
            checked.copy_to(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return target


# A file belongs to the transaction of its row: removed again when that transaction does not commit;
# the file of a deleted row is removed only when the delete commits.
_PLACED, _DOOMED = "uploads_placed", "uploads_doomed"


@event.listens_for(StoredFile, "after_delete")
def _doom_file(mapper, connection, target):
    session = object_session(target)
    if session is not None and has_app_context():
        session.info.setdefault(_DOOMED, []).append(file_path(target))


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop(_PLACED, None)
    for path in session.info.pop(_DOOMED, []):
        _remove(path)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    for path in session.info.pop(_PLACED, []):
        _remove(path)
    session.info.pop(_DOOMED, None)


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        log.exception("could not remove the uploaded file %s", path)


# --- downloading --------------------------------------------------------------------------------------
def owner_model(name):
    return next((m.class_ for m in Model.registry.mappers
                 if m.class_.__name__ == name and getattr(m.class_, "__scope__", None) is not None), None)


def downloadable(session, token, user):
    """The StoredFile with ``token`` if its owning row lies in ``user``'s scope, else None (also for an
    unknown token, an unknown owner model and a deleted owner: one answer, no oracle)."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    stored = session.execute(select(StoredFile).where(StoredFile.token == token)).scalar_one_or_none()
    if stored is None:
        return None
    model = owner_model(stored.owner_model)
    if model is None or not is_in_scope(session, user, model, stored.owner_id):
        return None
    return stored


def is_public(stored):
    """Files of reference data open to every kind of user (partner logos): not personal."""
    model = owner_model(stored.owner_model)
    rule = getattr(model, "__scope__", None)
    return rule is not None and set(SCOPE_KINDS) <= set(rule.open_to)


def send_stored(stored, *, public=False):
    """The file as a response: its sniffed type, inline only for images and PDF, nosniff, a CSP that
    lets nothing run, and no caching of personal files."""
    path = file_path(stored)
    if not path.is_file():
        log.error("stored file %s (id %s) is missing on disk", stored.token[:8], stored.id)
        abort(404)
    file_type = stored.file_type
    inline = file_type is not None and file_type.inline
    response = send_file(path, mimetype=stored.content_type, as_attachment=not inline,
                         download_name=stored.name, conditional=True, etag=stored.sha256)
    response.headers["Content-Type"] = stored.content_type  # as sniffed, charset included (never a second one)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if file_type is not None and file_type.key == "pdf":
        # The browser's PDF viewer needs to run; the PDF itself may not be framed by another page.
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    else:
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
