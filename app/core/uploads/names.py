"""File names of uploads (part of app.core.uploads).

A name with a NUL or any other control character, or a bidi override (U+202E, which makes
``exe.pdf`` of ``fdp.exe``), or with a path in it (``/``, ``\\``, ``..``, also percent-encoded) is
*refused*: such a name is never an accident, and refusing says so. Anything else is *sanitised* into
the name shown and offered on download: NFC, ``<>:"|?*`` → ``_``, white space collapsed, leading
dots and trailing dots/spaces removed, Windows device names (CON, NUL, ...) prefixed, at most 200
characters. The extension must fit the content: a known extension of another type
(``rapport.pdf.html`` holding a PDF) is refused, a missing or unknown one gets the type's own
appended. The name never reaches the disk.
"""
import mimetypes
import re
import unicodedata
from urllib.parse import unquote

from flask_babel import gettext as _

from app.core.uploads.types import TYPES, UploadRefused

MAX_NAME_LENGTH = 200
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
