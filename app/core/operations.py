"""Domain operations, shared by every path.

A domain declares in its ``rules.py`` what must happen when one of its records is created, changed or
deleted — numbering an application, refusing a change to a funded plan entry, recording who filed
an error report — as plain functions of (session, item, actor, clock):

    @on_create(Application)
    def submit_application(session, application, actor, clock): ...

The data layer (``app.core.datamodel.save`` and ``delete``) runs them for every write, whichever way
it comes in: a form, the REST API, an action, an import, a command or a job. A view never decides a
rule. An operation refuses with ``DomainError`` (a Dutch message); nothing is then saved.
"""
from dataclasses import dataclass, field

from sqlalchemy import inspect

CREATE, UPDATE, DELETE = "create", "update", "delete"


class DomainError(Exception):
    """A refusal with a Dutch message for the user: ``errors`` maps field names to messages."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


@dataclass
class _Rules:
    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    delete: list = field(default_factory=list)


_RULES = {}


def _register(model, when):
    def decorator(operation):
        getattr(_RULES.setdefault(model, _Rules()), when).append(operation)
        return operation
    return decorator


def on_create(model):
    """Run ``operation(session, item, actor, clock)`` before a new ``model`` row is first saved."""
    return _register(model, CREATE)


def on_update(model):
    """Run ``operation(session, item, actor, clock)`` before a change of a ``model`` row is saved."""
    return _register(model, UPDATE)


def on_delete(model):
    """Run ``operation(session, item, actor, clock)`` before a ``model`` row is deleted."""
    return _register(model, DELETE)


def apply_rules(when, session, item, actor, clock):
    rules = _RULES.get(type(item))
    for operation in getattr(rules, when, ()):
        operation(session, item, actor, clock)


def previous(item, name):
    """The value ``name`` had before the pending change (the current value when unchanged)."""
    history = inspect(item).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return getattr(item, name)


def changed(item, name):
    return inspect(item).attrs[name].history.has_changes()
