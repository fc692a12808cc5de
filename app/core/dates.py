"""Dates are shown and typed as dd-mm-jjjj everywhere (FAB's pickers use yyyy-mm-dd)."""
import datetime as dt

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import DateField

DATE_FORMAT = "%d-%m-%Y"


def format_date(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    return value.strftime(DATE_FORMAT)


def parse_date(text):
    """dd-mm-jjjj → date; raises ValueError for anything else (31-02-2003 included)."""
    return dt.datetime.strptime(text.strip(), DATE_FORMAT).date()


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
