"""Number series: 2026000001, 2026000002, … from one counter per series and period.

    APPLICATION = Series("application", "{year}{seq:06}", start=highest_existing)
    APPLICATION.next(session, today)            # "2026000001"
    APPLICATION.reserve(session, today, 500)    # 500 consecutive numbers in one step (bulk loads)

The pattern is a str.format pattern with ``seq`` (the running number) and optionally ``year`` and
``month`` (of the date passed in). Those other fields make the period: each period has its own counter
row in ``number_series``, keyed "<name>:<period>" ("application:2026", "invoice:2026-03", or just
"<name>" for a pattern without a period), so a new year starts at 1 again.

``start(session, period_values)`` gives the last number already in use when a period's row does not
exist yet (a series introduced over existing data continues above it); without it a period starts at 1.
It is asked once per period, by the caller that creates the row.

Concurrency, per engine:
- PostgreSQL: the counter is advanced in its own short transaction on a separate connection of the
  session's engine, committed at once: an UPDATE … RETURNING, and for a new period an INSERT … ON
  CONFLICT (key) DO UPDATE … RETURNING (a concurrent insert of the same row is added to, not lost).
  Two callers wait for each other only for that one statement, never for each other's business
  transaction. Numbers are unique but not gap-free: a business transaction that rolls back after
  taking a number leaves a gap. ``start`` then gets a session on that separate connection (it sees
  committed data only).
- SQLite: the counter is advanced on the session's own connection, inside the business transaction
  (see _advance), so callers serialise on SQLite's single write lock and a rollback returns the number.

The table is bookkeeping, not domain data: a plain Table (no ``__scope__``), not audited, shown nowhere.
"""
import string

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.core import clock

number_series = sa.Table(
    "number_series",
    Model.metadata,
    sa.Column("key", sa.String(100), primary_key=True),  # "<series>:<period>", e.g. "application:2026"
    sa.Column("last", sa.BigInteger, nullable=False),     # the last number handed out in that period
)

SEQ = "seq"
PERIOD_FIELDS = ("year", "month")  # in the order they make up the period key
_UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class Series:
    """One number series: ``name`` (unique among series), ``pattern`` and optionally ``start``."""

    def __init__(self, name, pattern, start=None):
        if not name or ":" in name:
            raise ValueError(f"series name {name!r}: not empty and without ':' (the key's separator)")
        fields = _field_names(pattern)
        if SEQ not in fields:
            raise ValueError(f"pattern {pattern!r} has no {{{SEQ}}} field")
        unknown = fields - {SEQ, *PERIOD_FIELDS}
        if unknown:
            raise ValueError(f"pattern {pattern!r}: unknown fields {sorted(unknown)} "
                             f"(allowed: {SEQ}, {', '.join(PERIOD_FIELDS)})")
        self.name = name
        self.pattern = pattern
        self.start = start
        self.period_fields = tuple(field for field in PERIOD_FIELDS if field in fields)

    def __repr__(self):
        return f"Series({self.name!r}, {self.pattern!r})"

    def period(self, today):
        """The values of the pattern's period fields for a date: {"year": 2026} for "{year}{seq:06}"."""
        return {field: getattr(today, field) for field in self.period_fields}

    def key(self, period):
        """The counter row's key: "application:2026", "invoice:2026-03", or the name alone."""
        if not period:
            return self.name
        return f"{self.name}:" + "-".join(f"{period[field]:02d}" for field in self.period_fields)

    def next(self, session, today=None):
        """The next number (formatted) in the period of ``today`` (default: today's date)."""
        return self.reserve(session, today, 1)[0]

    def reserve(self, session, today=None, n=1):
        """``n`` consecutive numbers (formatted, ascending) in one step; the next call continues after them."""
        if n < 1:
            raise ValueError(f"reserve needs n >= 1, not {n}")
        period = self.period(today or clock.today())

        def first_last(reader):
            return int(self.start(reader, dict(period)) or 0) if self.start else 0

        last = _advance(session, self.key(period), n, first_last)
        return [self.pattern.format(seq=seq, **period) for seq in range(last - n + 1, last + 1)]


def _field_names(pattern):
    names = set()
    for _literal, field, _spec, _conversion in string.Formatter().parse(pattern):
        if field is None:
            continue
        if not field or not field.isidentifier():
            raise ValueError(f"pattern {pattern!r}: fields must be named ({{{SEQ}}}, {{year}}, {{month}})")
        names.add(field)
    return names


def _advance(session, key, n, first_last):
    """Add n to the counter ``key`` and return its new value (the last of the n numbers)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # Its own transaction on another connection, committed before the caller's business goes on.
        with bind.engine.begin() as connection, Session(bind=connection, autoflush=False) as reader:
            return _bump(connection, reader, key, n, first_last)
    # SQLite has one writer: the session's transaction may already hold the write lock (it has
    # written, or will before it commits), and a second connection would wait for that very lock,
    # from the thread that holds it. So the counter moves on the session's own connection, inside the
    # business transaction: concurrent callers serialise on the write lock, and a rollback returns
    # the number too. No autoflush: ``start`` must not flush the caller's half-built objects.
    with session.no_autoflush:
        return _bump(session.connection(), session, key, n, first_last)


def _bump(connection, reader, key, n, first_last):
    table = number_series
    last = connection.execute(
        sa.update(table).where(table.c.key == key).values(last=table.c.last + n).returning(table.c.last)
    ).scalar_one_or_none()
    if last is not None:
        return last
    # A new period: start above the data already there. Should another caller insert the same row
    # meanwhile (PostgreSQL), the conflict clause adds our n to theirs instead of failing.
    upsert = _UPSERTS[connection.dialect.name](table).values(key=key, last=first_last(reader) + n)
    upsert = upsert.on_conflict_do_update(index_elements=[table.c.key], set_={"last": table.c.last + n})
    return connection.execute(upsert.returning(table.c.last)).scalar_one()
