"""Form fields shared by every domain: a record chosen by its number, a date typed as dd-mm-jjjj."""
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import String, inspect, select
from wtforms import DateField, Field
from wtforms.validators import Length

from app.core.formatting import DATE_FORMAT, parse_date
from app.extensions import db
from app.security.scoping import current_actor, restrict


class NumberLookupInput:
    def __call__(self, field, **kwargs):
        return Markup(
            f'<input class="form-control" type="text" inputmode="numeric" maxlength="12" '
            f'name="{escape(field.name)}" id="{escape(field.id)}" value="{escape(field._value())}">'
        )


class NumberLookupField(Field):
    """Pick a company or employee by its number, within the user's scope.

    A dropdown of every company (14,000; 140,000 at ten times scale) is what makes stock FAB pages
    take seconds, so large registers are chosen by number instead.
    """

    widget = NumberLookupInput()

    def __init__(self, label=None, validators=None, model=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self._model = model  # a model, or a function giving it (for a model this package may not import)
        self._raw = None

    @property
    def model(self):
        return self._model if isinstance(self._model, type) else self._model()

    def _value(self):
        if self._raw is not None:
            return self._raw
        return str(self.data.number) if self.data is not None else ""

    def process_formdata(self, valuelist):
        self._raw = (valuelist[0] if valuelist else "").strip()
        if not self._raw:
            self.data = None
            return
        if not self._raw.isdigit() or int(self._raw) > 2 ** 31 - 1:  # PostgreSQL binds it as INTEGER
            self.data = None
            raise ValueError(str(_l("Typ een nummer (alleen cijfers).")))
        model = self.model
        query = restrict(select(model).where(model.number == int(self._raw)), model, current_actor())
        self.data = db.session.execute(query).scalar_one_or_none()
        if self.data is None:
            raise ValueError(str(_l("Onbekend nummer: %(number)s.", number=self._raw)))

    def pre_validate(self, form):
        pass


class DutchDateInput:
    """A plain text input with the dd-mm-jjjj hint; no script needed."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        value = field._value()
        return Markup(
            f'<input class="form-control fonds-date" type="text" inputmode="numeric" '
            f'placeholder="dd-mm-jjjj" maxlength="10" autocomplete="off" '
            f'name="{escape(field.name)}" id="{escape(kwargs["id"])}" value="{escape(value)}">'
        )


class DutchDateField(DateField):
    widget = DutchDateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=DATE_FORMAT, **kwargs)

    def validate(self, form, extra_validators=()):
        valid = super().validate(form, extra_validators)
        if self.process_errors:  # DataRequired would replace "Ongeldige datum" by "required"
            self.errors = list(self.process_errors)
            return False
        return valid

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_date(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Ongeldige datum: typ dd-mm-jjjj, bijvoorbeeld 31-01-2025.")))


def column_length(model, name):
    """The length of a text column (String(64) → 64), or None for another kind of column."""
    column = inspect(model).columns.get(name)
    if column is None or not isinstance(column.type, String) or not column.type.length:
        return None
    return column.type.length


def length_validator(length):
    # WTForms fills in %(max)d when the message is shown (a lazy string: translated per request)
    return Length(max=length, message=_l("Maximaal %(max)d tekens toegestaan."))


def with_column_lengths(model, validators_columns, columns):
    """Every form field on a text column limited to the column's length, in one place: the form says so
    in Dutch before the database would refuse (or, on SQLite, silently store more)."""
    result = {name: list(chain) for name, chain in (validators_columns or {}).items()}
    for name in columns:
        length = column_length(model, name)
        if length and not any(isinstance(v, Length) for v in result.get(name, [])):
            result[name] = result.get(name, []) + [length_validator(length)]
    return result
