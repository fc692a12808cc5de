"""The one clock of the portal: every rule, job, form and page asks it the time.

``now()`` is an aware datetime in UTC (and stored as UTC: ``UtcDateTime`` columns), ``today()`` the
date in the fund's time zone (``BABEL_DEFAULT_TIMEZONE``, Europe/Amsterdam): at 00:30 in Amsterdam
it is already tomorrow there while UTC still says today, and a deadline "on the 1st" means the
fund's 1st. Tests freeze it (``frozen_at``), commands move it (``--today``, ``moved_to``); both hold
for the current context only, so a request or a job sees one consistent time.
"""
import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

DEFAULT_ZONE = "Europe/Amsterdam"
UTC = dt.timezone.utc


class Clock:
    """Real time, frozen at ``fixed`` or shifted by ``offset``."""

    def __init__(self, fixed=None, offset=dt.timedelta(0)):
        if fixed is not None and fixed.tzinfo is None:
            raise ValueError("a frozen clock needs an aware moment")
        self.fixed = fixed
        self.offset = offset

    def now(self):
        if self.fixed is not None:
            return self.fixed.astimezone(UTC)
        return dt.datetime.now(UTC) + self.offset

    def today(self):
        return self.now().astimezone(fund_zone()).date()


_current = ContextVar("fonds_clock", default=Clock())


def current():
    return _current.get()


def now():
    """This moment, aware, in UTC."""
    return _current.get().now()


def today():
    """Today's date in the fund's time zone."""
    return _current.get().today()


@contextmanager
def using(clock):
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)


def frozen_at(moment):
    """The clock stands still at ``moment`` (an aware datetime, or a date: noon in the fund's zone)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(12), fund_zone())
    return using(Clock(fixed=moment))


def moved_to(day):
    """The clock runs, but on ``day`` (a command's ``--today``): the time of day stays real."""
    real = Clock()
    return using(Clock(offset=dt.datetime.combine(day, dt.time()) - dt.datetime.combine(real.today(), dt.time())))


def fund_zone():
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def local(moment):
    """A moment as the fund's clock on the wall shows it; a naive moment is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(fund_zone())


def start_of_local_day(day):
    """The UTC moment at which ``day`` begins in the fund's time zone."""
    return dt.datetime.combine(day, dt.time(), fund_zone()).astimezone(UTC)


class UtcDateTime(TypeDecorator):
    """A moment stored as naive UTC (the columns are TIMESTAMP WITHOUT TIME ZONE on every engine) and
    read back aware, so nothing can mistake it for local time."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value
