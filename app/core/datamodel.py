"""The data layer every view and API goes through: scoped reads, scoped and validated writes.

ScopedSQLAInterface.add/edit validate the item, flush it, ask the database whether the flushed row
still lies in the actor's scope, and only then commit. Anything wrong rolls back the whole
transaction, so a refused request never leaves a half-saved record.
"""
import logging
import re

from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from sqlalchemy import String, Text, inspect
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from app.security.roles import MANAGES_FIXED_DATA
from app.security.scoping import OutOfScope, apply_scope, current_actor, is_in_scope

log = logging.getLogger(__name__)

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DomainError(Exception):
    """A refusal with a Dutch message for the user: ``errors`` maps field names to messages."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ConcurrentEdit(DomainError):
    """Two saves of one record at the same moment: the second finds the version already raised."""


class ScopeFilter(BaseFilter):
    """FAB filter that limits a query to the current user's scope (see app.security.scoping)."""

    name = "scope"
    arg_name = "scope"

    def apply(self, query, value):
        return apply_scope(query, current_actor(), self.model)


SCOPE_FILTER = ["id", ScopeFilter, None]


def may_change_fixed_data(user):
    return user is None or bool(user.role_names & MANAGES_FIXED_DATA)


def fixed_fields(model):
    return getattr(model, "__fixed_fields__", ())


def text_errors(item):
    """Control characters (NUL included) and over-long values in the item's text columns."""
    errors = {}
    for column in inspect(type(item)).columns:
        if not isinstance(column.type, (String, Text)) or column.key not in inspect(type(item)).attrs:
            continue
        value = getattr(item, column.key, None)
        if not isinstance(value, str):
            continue
        if CONTROL_CHARACTERS.search(value):
            errors[column.key] = _("Dit veld bevat ongeldige tekens (zoals een NUL- of stuurteken).")
        elif column.type.length and len(value) > column.type.length:
            errors[column.key] = _("Maximaal %(max)d tekens toegestaan.", max=column.type.length)
    return errors


def normalise_phone_fields(item):
    """Phone and fax numbers in the fund's form (M6.3.1), normalised where possible; the refusals."""
    from app.core.phone import InvalidPhone, normalise_phone

    errors = {}
    for name in getattr(type(item), "__phone_fields__", ()):
        value = getattr(item, name, None)
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            normalised = normalise_phone(value)
        except InvalidPhone as error:
            errors[name] = error.message
            continue
        if normalised != value:
            setattr(item, name, normalised)
    return errors


def changed_fixed_fields(item):
    state = inspect(item)
    return [name for name in fixed_fields(type(item))
            if name in state.attrs and state.attrs[name].history.has_changes()]


class ScopedSQLAInterface(SQLAInterface):
    def add(self, item, commit=True):
        self._save(item, is_new=True, commit=commit)

    def edit(self, item, commit=True):
        self._save(item, is_new=False, commit=commit)

    def _save(self, item, is_new, commit):
        # Read the pending changes before anything can autoflush them away (loading the actor's
        # roles, for one, is a query).
        with self.session.no_autoflush:
            changed = [] if is_new else changed_fixed_fields(item)
            errors = text_errors(item)
            if not errors:
                errors = normalise_phone_fields(item)
            actor = current_actor()
            fixed_allowed = may_change_fixed_data(actor)
        try:
            if errors:
                raise DomainError(_("Controleer de gemarkeerde velden."), errors)
            if not fixed_allowed:
                if changed:
                    raise DomainError(
                        _("Vaste gegevens worden door het fonds beheerd en kunnen hier niet worden "
                          "gewijzigd. Klopt er iets niet? Gebruik \"Gegevens kloppen niet\"."),
                        {name: _("Vast gegeven: niet te wijzigen.") for name in changed})
            self.session.add(item)
            self.session.flush()
            if not is_in_scope(self.session, actor, type(item), item.id):
                raise OutOfScope()
            if commit:
                self.session.commit()
        except (DomainError, OutOfScope):
            self.session.rollback()
            raise
        except StaleDataError:
            self.session.rollback()
            raise ConcurrentEdit(_("Iemand anders heeft dit gegeven op hetzelfde moment gewijzigd. Er is niets "
                                "opgeslagen: open het opnieuw en probeer het nog eens."))
        except IntegrityError:
            self.session.rollback()
            log.warning("integrity error saving %s", type(item).__name__, exc_info=True)
            raise DomainError(_("Dit gegeven bestaat al of verwijst naar iets dat niet bestaat."))
        except SQLAlchemyError:
            self.session.rollback()
            log.exception("database error saving %s", type(item).__name__)
            raise DomainError(_("De gegevens konden niet worden opgeslagen. Controleer uw invoer."))

    def edit_with(self, item, change):
        """``change()`` (a domain rule that may flush, such as switching the main contact), then the
        usual checked save; a concurrent edit or a broken constraint becomes a Dutch refusal."""
        try:
            change()
        except StaleDataError:
            self.session.rollback()
            raise ConcurrentEdit(_("Iemand anders heeft dit gegeven op hetzelfde moment gewijzigd. Er is niets "
                                   "opgeslagen: open het opnieuw en probeer het nog eens."))
        except IntegrityError:
            self.session.rollback()
            raise DomainError(_("Dit kon niet worden opgeslagen omdat iemand anders tegelijk iets wijzigde. "
                                "Probeer het nog eens."))
        self.edit(item)

    def delete(self, item, commit=True):
        try:
            self.session.delete(item)
            if commit:
                self.session.commit()
        except IntegrityError:
            self.session.rollback()
            raise DomainError(_("Dit gegeven is nog in gebruik en kan niet worden verwijderd."))
        except SQLAlchemyError:
            self.session.rollback()
            log.exception("database error deleting %s", type(item).__name__)
            raise DomainError(_("Het gegeven kon niet worden verwijderd."))

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):
        """None for a key that is not an integer (instead of a database type error)."""
        try:
            id = int(id)
        except (TypeError, ValueError):
            return None
        if not -2**63 <= id < 2**63:
            return None
        return super().get(id, filters, select_columns, outer_default_load)
