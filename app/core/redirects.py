"""The one check of every "where to go next" the portal follows (a form's ``fonds_next``, ``?next=``,
the login's return address): only a path on this site.

Browsers drop TAB, CR and LF from a URL and treat a backslash as a slash, so ``/\\t/evil.example/`` and
``/\\evil.example`` leave the site even though they start with one "/". A target must therefore consist of
printable ASCII only (our own links are percent-encoded), without a backslash, start with a single "/",
and name no scheme or host.
"""
import re
from urllib.parse import urlsplit

PRINTABLE_ASCII = re.compile(r"[!-~]+")
MAX_LENGTH = 2000


def local_path(target):
    """``target`` if it is a path on this site, else None."""
    if not isinstance(target, str) or len(target) > MAX_LENGTH or not PRINTABLE_ASCII.fullmatch(target):
        return None
    if "\\" in target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
