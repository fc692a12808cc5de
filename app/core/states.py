"""State machines as data (Oscar's ``pipeline`` and ``set_status``; Indico's translated states).

    class ApplicationState(State):
        SUBMITTED = "submitted", _l("Ingediend")
        ...
    APPLICATION_STATES = StateMachine(ApplicationState, initial=ApplicationState.SUBMITTED, transitions={
        ApplicationState.SUBMITTED: {ApplicationState.CANCELLED: {EMPLOYER, STAFF}, ...}, ...})

One ``transition(obj, to, actor, now, note)`` refuses a move the table does not hold for the actor's
roles with a Dutch message, and otherwise sets the state and writes a ``StatusChange`` row (who, when,
from, to, note) that the record's page shows. The data layer (app.core.datamodel) sends every other
change of the state column — a form, the API, an import — through the same check, and starts every
new record in the initial state. Templates and views ask ``may(obj, to, actor)``; nothing else compares
states by hand. Which rows an actor may touch at all is the scope's business (app.security.scoping).
"""
import datetime as dt
import enum
from typing import Optional

from flask_appbuilder import Model
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, Integer, String, and_, event, inspect
from sqlalchemy.orm import Mapped, Session, declared_attr, foreign, mapped_column, relationship

from app.core.clock import UtcDateTime
from app.core.operations import DomainError, previous
from app.security.roles import ADMIN
from app.security.scoping import SYSTEM, Scope

SYSTEM_ROLE = "system"  # in a transition's roles: the portal itself (a scheduled job) may make the move
_RECORDED = "_fonds_state_recorded"


class State(str, enum.Enum):
    """A state with its translated title: ``NAME = "code", _l("Titel")``. Stored as its code."""

    def __new__(cls, value, title):
        member = str.__new__(cls, value)
        member._value_ = value
        member.title = title
        return member

    def __str__(self):
        return str(self.title)

    @classmethod
    def labels(cls):
        return {member.value: member.title for member in cls}


class StatusChange(Model):
    """One move of a record from one state to another: who, when, and why."""

    __tablename__ = "status_change"
    # Read on the record's own page, which is scoped; as a list only staff reach them.
    __scope__ = Scope()
    __table_args__ = (Index("ix_status_change_record", "record_model", "record_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_model: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[int] = mapped_column(Integer)  # no foreign key: records live in many tables
    from_state: Mapped[Optional[str]] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    user_email: Mapped[Optional[str]] = mapped_column(String(320))
    note: Mapped[Optional[str]] = mapped_column(String(2000))

    def __str__(self):
        return f"{self.from_state or '—'} → {self.to_state}"


class HasStatusHistory:
    """Mixin for a model with a state machine: its StatusChange rows, oldest first, saved with it."""

    @declared_attr
    def status_changes(cls):
        return relationship(
            StatusChange,
            primaryjoin=lambda: and_(foreign(StatusChange.record_id) == cls.id, StatusChange.record_model == cls.__name__),
            cascade="all, delete-orphan", order_by=StatusChange.id, overlaps="status_changes")


class StateMachine:
    def __init__(self, states, initial, transitions, column="status"):
        self.states = states
        self.initial = states(initial)
        self.column = column
        self.transitions = {states(old): {states(new): frozenset(roles) for new, roles in moves.items()}
                            for old, moves in transitions.items()}

    # --- questions ---------------------------------------------------------------------------------
    def state_of(self, obj):
        return self.states(getattr(obj, self.column))

    def known(self, value):
        """The state with this code; a Dutch refusal for a code that is no state."""
        try:
            return self.states(value)
        except ValueError:
            message = _("Kies een geldige status.")
            raise DomainError(message, {self.column: message}) from None

    def may(self, obj, to, actor):
        """May ``actor`` move ``obj`` to ``to`` now?"""
        return self._allowed(self.state_of(obj), self.states(to), actor)

    def targets(self, obj, actor):
        """The states ``actor`` may move ``obj`` to, in the order the states are declared."""
        current = self.state_of(obj)
        return [state for state in self.states if self._allowed(current, state, actor)]

    def is_final(self, state):
        return not self.transitions.get(self.states(state))

    def _allowed(self, old, new, actor):
        roles = self.transitions.get(old, {}).get(new)
        if not roles:
            return False
        if actor is SYSTEM:
            return SYSTEM_ROLE in roles
        names = set(getattr(actor, "role_names", ()))
        return bool(names & roles) or (ADMIN in names and bool(roles - {SYSTEM_ROLE}))

    # --- moves -------------------------------------------------------------------------------------
    def start(self, obj, actor, now, note=None):
        """A new record begins in the initial state, whatever it was given."""
        setattr(obj, self.column, self.initial.value)
        self._record(obj, None, self.initial, actor, now, note)

    def transition(self, obj, to, actor, now, note=None):
        """Move ``obj`` to ``to``, or refuse with a Dutch message; the move is recorded."""
        old, new = self.state_of(obj), self.known(to)
        self._check(old, new, actor)
        setattr(obj, self.column, new.value)
        self._record(obj, old, new, actor, now, note)

    def check_pending_change(self, obj, actor, now):
        """The data layer's check of a state set directly (a form, the API, an import): the same rules
        as ``transition``; a move ``transition`` already recorded passes."""
        new = self.known(getattr(obj, self.column))
        old = self.states(previous(obj, self.column))
        if old == new or obj.__dict__.get(_RECORDED) == new:
            return
        self._check(old, new, actor)
        self._record(obj, old, new, actor, now, None)

    def _check(self, old, new, actor):
        if self._allowed(old, new, actor):
            return
        if new not in self.transitions.get(old, {}):
            message = _("Van de status “%(old)s” kan het niet naar “%(new)s”.", old=old.title, new=new.title)
        else:
            message = _("U mag de status niet van “%(old)s” naar “%(new)s” zetten.", old=old.title, new=new.title)
        raise DomainError(message, {self.column: message})

    def _record(self, obj, old, new, actor, now, note):
        obj.__dict__[_RECORDED] = new
        obj.status_changes.append(StatusChange(
            record_model=type(obj).__name__, from_state=old.value if old is not None else None, to_state=new.value,
            at=now, user_id=getattr(actor, "id", None), user_email=getattr(actor, "email", None),
            note=(note or None) and str(note)[:2000]))


@event.listens_for(Session, "before_flush")
def _refuse_unchecked_moves(session, flush_context, instances):
    """The last line: a stored record's state changes only through its machine (``transition``, or the
    data layer's check), whatever code touched the column."""
    for obj in session.dirty:
        machine = getattr(type(obj), "__states__", None)
        if machine is None or not inspect(obj).attrs[machine.column].history.has_changes():
            continue
        if obj.__dict__.get(_RECORDED) != getattr(obj, machine.column):
            message = _("De status verandert alleen via een toegestane overgang.")
            raise DomainError(message, {machine.column: message})
