"""Searchable fields of a list: what the user can choose in the bar (M4.2) and how it filters."""
import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_

from app.core.clock import start_of_local_day
from app.core.formatting import parse_date
from app.core.search.text import lower, text_condition

OPERATORS = {
    "eq": ("=", lambda c, v: c == v),
    "lt": ("<", lambda c, v: c < v),
    "le": ("<=", lambda c, v: c <= v),
    "gt": (">", lambda c, v: c > v),
    "ge": (">=", lambda c, v: c >= v),
    "ne": ("<>", lambda c, v: c != v),
}
MAX_NUMBER = 2**31 - 1  # the columns are INTEGER, and PostgreSQL binds the value as one


class SearchInputError(ValueError):
    """What the user typed cannot be searched; the message is Dutch and says what to type."""


@dataclass(frozen=True)
class SearchField:
    key: str          # in the URL: f0=place
    label: str        # in the bar: "Plaats"
    column: object    # the model attribute searched (the folded key column for text)
    sort_column: object = None  # what "Sorteer" orders by; defaults to ``column``
    kind = "text"

    def condition(self, operator, value, indexable=True):
        raise NotImplementedError

    @property
    def order_by(self):
        return self.sort_column if self.sort_column is not None else self.column

    def describe(self, operator, value):
        comparison = _l("begint met") if self.kind == "text" else OPERATORS[operator][0]
        return f"{self.label} {comparison} {value}"


class TextField(SearchField):
    """Searched on a folded key column (see text.py); ``folder`` must match how the key is made."""

    kind = "text"
    folder = None

    def condition(self, operator, value, indexable=True):
        if operator != "eq":
            raise SearchInputError(str(_l("Bij een tekstveld kunt u geen %(op)s kiezen: typ de eerste letters, "
                                          "eventueel met %% als joker.", op=OPERATORS[operator][0])))
        if not value.strip().strip("%"):
            raise SearchInputError(str(_l("Typ minstens één letter om op %(field)s te zoeken.", field=self.label)))
        # `key || ''` is the same text but no longer an indexed column (see query.fetch_page).
        return text_condition(self.column if indexable else self.column + "", value, self.folder)


class LowerTextField(TextField):
    """A small table searched on lower(column): no stored key needed."""

    folder = staticmethod(lower)

    def __init__(self, key, label, column, sort_column=None):
        super().__init__(key, label, func.lower(column), sort_column if sort_column is not None else column)


class NumberField(SearchField):
    kind = "number"

    def condition(self, operator, value, indexable=True):
        text = value.strip().replace(".", "")
        if not text.lstrip("-").isdigit() or abs(int(text)) > MAX_NUMBER:
            raise SearchInputError(str(_l("%(field)s is een getal: typ alleen cijfers.", field=self.label)))
        return [OPERATORS[operator][1](self.column, int(text))]


class DateField(SearchField):
    kind = "date"

    def condition(self, operator, value, indexable=True):
        try:
            day = parse_date(value)
        except ValueError:
            raise SearchInputError(str(_l("%(value)s is geen geldige datum: typ dd-mm-jjjj, bijvoorbeeld "
                                          "01-01-2003.", value=value[:20]))) from None
        return [OPERATORS[operator][1](self.column, day)]

    def describe(self, operator, value):
        return f"{self.label} {OPERATORS[operator][0]} {value}"


class DayField(DateField):
    """A date typed as dd-mm-jjjj against a moment (a UTC column): the whole day on the fund's clock."""

    def condition(self, operator, value, indexable=True):
        super().condition("eq", value)  # the same check and Dutch message as every date field
        day = parse_date(value)
        start, end = start_of_local_day(day), start_of_local_day(day + dt.timedelta(days=1))
        column = self.column
        return [{"eq": and_(column >= start, column < end), "ne": or_(column < start, column >= end),
                 "lt": column < start, "le": column < end, "gt": column >= end, "ge": column >= start}[operator]]
