"""No lost updates (issue 6, item 7).

Every editable record carries a version number. SQLAlchemy's ``version_id_col`` adds
``WHERE version = <read version>`` to each UPDATE, so of two truly simultaneous saves one fails
(StaleDataError). That alone does not stop the common case — A opens a form, B saves, A saves —
because FAB reads the row again when A posts. So the version A saw travels with the form (a hidden
field) and with the API (ETag / If-Match), and is compared with the stored one before anything is
written: a stale save is refused with a Dutch message that says who changed what, and A's input is
shown again to compare.
"""
from flask_babel import gettext as _
from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.core.formatting import format_date
from app.core.operations import DomainError

VERSION_FIELD = "row_version"


class Versioned:
    """Mixin: a version number, raised by every UPDATE."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class StaleEdit(DomainError):
    """The record changed after the user (or API client) read it."""


def submitted_version(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def etag(item):
    return f'W/"{item.version}"'


def if_match_version(header):
    """The version in an If-Match header (W/"3" or "3"); None when absent or unreadable."""
    if not header:
        return None
    value = header.split(",")[0].strip()
    if value.startswith("W/"):
        value = value[2:]
    return submitted_version(value.strip('"'))


def refuse_stale(item, seen_version, differences):
    """Raise StaleEdit when the stored version is not the one the user saw."""
    if seen_version is None or seen_version == item.version:
        return
    who = last_change_by(item)
    message = _("Iemand anders heeft dit gegeven gewijzigd nadat u het opende%(who)s. Er is niets "
                "opgeslagen: uw invoer staat hieronder; vergelijk die met de huidige gegevens en sla "
                "opnieuw op.", who=who)
    raise StaleEdit(message, differences)


def last_change_by(item):
    """" (door x@y.nl om 10:42)" from the audit trail, or nothing when it is unknown."""
    try:
        from app.core.audit import record_history
        from app.extensions import db

        entries = record_history(db.session, type(item).__name__, item.id, limit=1)
    except Exception:  # the audit trail is optional here; the refusal is what matters
        return ""
    if not entries:
        return ""
    entry = entries[0]
    return _(" (door %(who)s om %(time)s)", who=entry.user_email or _("het systeem"), time=format_date(entry.at))
