"""The data layer every write goes through: validated, ruled, scoped, all or nothing.

``save(session, item, actor)`` checks the item's text and phone fields and the fixed data, runs the
domain's operations (app.core.operations) and its state machine (app.core.states), flushes, asks the
database whether the flushed row lies in the actor's scope for the write (app.security.scoping), and
only then commits. Anything wrong rolls back the whole transaction, so a refused write never leaves a
half-saved record. ``ScopedSQLAInterface`` is FAB's data interface on top of it, for pages and the
REST API; commands, imports and jobs call ``save``/``delete``/``perform`` with their own actor.
"""
import logging
import re
from contextlib import contextmanager

from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from sqlalchemy import Boolean, String, Text, inspect
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from app.core import clock as clocks
from app.core.operations import CREATE, DELETE, UPDATE, DomainError, apply_rules
from app.security.roles import MANAGES_FIXED_DATA
from app.security.scoping import READ, SYSTEM, OutOfScope, current_actor, is_in_scope, restrict

log = logging.getLogger(__name__)

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ConcurrentEdit(DomainError):
    """Two saves of one record at the same moment: the second finds the version already raised."""


def concurrent_edit():
    return ConcurrentEdit(_("Iemand anders heeft dit gegeven op hetzelfde moment gewijzigd. Er is niets "
                            "opgeslagen: open het opnieuw en probeer het nog eens."))


class ScopeFilter(BaseFilter):
    """FAB filter that limits a query to what the current user may do (its value: the action)."""

    name = "scope"
    arg_name = "scope"

    def apply(self, query, action):
        return restrict(query, self.model, current_actor(), action or READ)


def scope_filter(action=READ):
    """A FAB base filter: the rows the current user may ``action``."""
    return ["id", ScopeFilter, action]


SCOPE_FILTER = scope_filter(READ)


def write_filters(datamodel, own_filters):
    """The filters a view or API loads a record with before changing it: action → FAB filters."""
    return {action: datamodel.get_filters().add_filter_list([scope_filter(action)] + own_filters)
            for action in (UPDATE, DELETE)}


def may_change_fixed_data(user):
    return user is SYSTEM or bool(user.role_names & MANAGES_FIXED_DATA)


def fixed_fields(model):
    return getattr(model, "__fixed_fields__", ())


def text_errors(item):
    """Control characters (NUL included) and over-long values in the item's text columns."""
    errors = {}
    mapper = inspect(type(item))
    for column in mapper.columns:
        if not isinstance(column.type, (String, Text)) or column.key not in mapper.attrs:
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


def _validate(item, is_new, actor):
    """Every problem of the item at once (STYLE example 7), as one Dutch DomainError."""
    errors = text_errors(item)
    if not errors:
        errors = normalise_phone_fields(item)
    if errors:
        raise DomainError(_("Controleer de gemarkeerde velden."), errors)
    changed = [] if is_new else changed_fixed_fields(item)
    if changed and not may_change_fixed_data(actor):
        raise DomainError(
            _("Vaste gegevens worden door het fonds beheerd en kunnen hier niet worden gewijzigd. Klopt er "
              "iets niet? Gebruik \"Gegevens kloppen niet\"."),
            {name: _("Vast gegeven: niet te wijzigen.") for name in changed})


def _apply_domain(session, item, is_new, actor, clock):
    apply_rules(CREATE if is_new else UPDATE, session, item, actor, clock)
    machine = getattr(type(item), "__states__", None)
    if machine is not None:
        if is_new:
            machine.start(item, actor, clock.now())
        else:
            machine.check_pending_change(item, actor, clock.now())


@contextmanager
def all_or_nothing(session, what, conflict, failure):
    """Everything in the block is saved together or not at all; a refusal leaves the session clean and
    says in Dutch what went wrong (``conflict``: a broken constraint, ``failure``: any other database
    error)."""
    try:
        yield
    except (DomainError, OutOfScope):
        session.rollback()
        raise
    except StaleDataError:
        session.rollback()
        raise concurrent_edit() from None
    except IntegrityError:
        session.rollback()
        log.warning("integrity error %s", what, exc_info=True)
        raise DomainError(conflict) from None
    except SQLAlchemyError:
        session.rollback()
        log.exception("database error %s", what)
        raise DomainError(failure) from None


def save(session, item, actor, is_new=None, commit=True, clock=None):
    """Validate, apply the domain's rules, flush, check the scope, commit; or roll back and raise
    DomainError (Dutch), ConcurrentEdit or OutOfScope."""
    clock = clock or clocks.current()
    if is_new is None:
        is_new = not inspect(item).has_identity
    with all_or_nothing(session, f"saving {type(item).__name__}",
                        _("Dit gegeven bestaat al of verwijst naar iets dat niet bestaat."),
                        _("De gegevens konden niet worden opgeslagen. Controleer uw invoer.")):
        # The pending changes are read before anything can autoflush them away (loading the actor's
        # roles, for one, is a query).
        with session.no_autoflush:
            _validate(item, is_new, actor)
            _apply_domain(session, item, is_new, actor, clock)
        session.add(item)
        session.flush()
        if not is_in_scope(session, actor, type(item), item.id, CREATE if is_new else UPDATE):
            raise OutOfScope()
        if commit:
            session.commit()


def perform(session, operation, item, actor, clock=None, **arguments):
    """An explicit operation on a stored record ("Maak hoofdcontactpersoon", "Annuleren"), then the
    checked save: the same refusals, scope and audit as any other change."""
    clock = clock or clocks.current()
    with all_or_nothing(session, f"{operation.__name__} on {type(item).__name__}",
                        _("Dit kon niet worden opgeslagen omdat iemand anders tegelijk iets wijzigde. "
                          "Probeer het nog eens."),
                        _("De gegevens konden niet worden opgeslagen. Controleer uw invoer.")):
        with session.no_autoflush:  # the save below must still see what the operation changed
            operation(session, item, actor, clock, **arguments)
    save(session, item, actor, is_new=False, clock=clock)


def delete(session, item, actor, commit=True, clock=None):
    """The domain's delete rules, the scope for deleting, then the delete; or roll back and raise."""
    clock = clock or clocks.current()
    with all_or_nothing(session, f"deleting {type(item).__name__}",
                        _("Dit gegeven is nog in gebruik en kan niet worden verwijderd."),
                        _("Het gegeven kon niet worden verwijderd.")):
        if not is_in_scope(session, actor, type(item), item.id, DELETE):
            raise OutOfScope()
        apply_rules(DELETE, session, item, actor, clock)
        session.delete(item)
        if commit:
            session.commit()


class ScopedSQLAInterface(SQLAInterface):
    """FAB's data interface, writing through ``save``/``delete`` as the request's user."""

    def add(self, item, commit=True):
        save(self.session, item, current_actor(), is_new=True, commit=commit)

    def edit(self, item, commit=True):
        save(self.session, item, current_actor(), is_new=False, commit=commit)

    def delete(self, item, commit=True):
        delete(self.session, item, current_actor(), commit=commit)

    def perform(self, operation, item, **arguments):
        perform(self.session, operation, item, current_actor(), **arguments)

    def is_nullable(self, col_name):
        """An unticked checkbox sends nothing, which for a yes/no column means No: FAB would make the
        field required (the column is NOT NULL) and no record could ever be saved as inactive."""
        column = self.list_columns.get(col_name)
        if column is not None and isinstance(column.type, Boolean):
            return True
        return super().is_nullable(col_name)

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):
        """None for a key that is not an integer (instead of a database type error)."""
        try:
            id = int(id)
        except (TypeError, ValueError):
            return None
        if not -2**63 <= id < 2**63:
            return None
        return super().get(id, filters, select_columns, outer_default_load)
