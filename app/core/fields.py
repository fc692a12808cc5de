"""Form fields shared by every domain."""
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import Field

from app.extensions import db
from app.security.scoping import current_actor, scope_clause


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
        self.model = model
        self._raw = None

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
        query = select(self.model).where(self.model.number == int(self._raw))
        clause = scope_clause(current_actor(), self.model)
        if clause is not None:
            query = query.where(clause)
        self.data = db.session.execute(query).scalar_one_or_none()
        if self.data is None:
            raise ValueError(str(_l("Onbekend nummer: %(number)s.", number=self._raw)))

    def pre_validate(self, form):
        pass
