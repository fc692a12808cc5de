"""How values read on a page, in an export and in a printout: dates dd-mm-jjjj, times in the fund's
time zone, Ja/Nee, amounts "€ 1.350,00" and other numbers with the Dutch decimal comma ("4,5")."""
import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.core.clock import local

DATE_FORMAT = "%d-%m-%Y"
TIME_FORMAT = "%d-%m-%Y %H:%M"
YES, NO = _l("Ja"), _l("Nee")


def format_date(value):
    """dd-mm-jjjj for a date; dd-mm-jjjj HH:MM on the fund's clock for a moment (UTC when naive)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return local(value).strftime(TIME_FORMAT)
    return value.strftime(DATE_FORMAT)


def parse_date(text):
    """dd-mm-jjjj → date; raises ValueError for anything else (31-02-2003 included)."""
    return dt.datetime.strptime(text.strip(), DATE_FORMAT).date()


def yes_no(value):
    return str(YES if value else NO)


def _dutch(text):
    """1,350.5 → 1.350,5"""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def money(value):
    """€ 1.350,00; nothing for no amount."""
    if value is None:
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    return f"€ {_dutch(f'{amount:,.2f}')}"


def number(value):
    """A quantity with the Dutch decimal comma and no trailing zeros: 2, 0,5, 4,5, 1.250,5."""
    if value is None:
        return ""
    return _dutch(f"{Decimal(str(value)).normalize():,f}")


def display_value(value):
    """How any stored value reads: dates dd-mm-jjjj, Ja/Nee, numbers with a decimal comma, nothing
    for empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return format_date(value)
    if isinstance(value, (Decimal, float)):
        return number(value)
    return value


def label_of(labels, value):
    """A code's label from its table ({code: lazy label}); the code itself when it has none."""
    return str(labels.get(value, value or ""))
