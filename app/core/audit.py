"""The audit trail (BIO2 8.15, AVG art. 32; issue 6 item 2): who changed what, when, old → new.

Every create, update and delete of an audited record writes one append-only AuditLog row — the user,
their e-mail address and roles, the time (UTC), model, record id, {field: [old, new]}, the request id
and the source (web, api, cli) — in the same transaction as the change. The rows come from the ORM's
flush (mapper events note each row the flush writes; after_flush inserts their audit rows on the
flush's own connection), so every path that saves through a Session is covered: forms, the API,
actions, CLI commands and scripts. A refused or rolled-back write leaves no audit row either.

Audited: every mapped class that declares ``__scope__`` (the domain) and the users (who may do what
is the first thing an auditor asks), except
- AuditLog itself, and private rows (``Scope(private=True)``): a user's saved overviews are their own
  search chains, not records of the fund, and logging them would show staff what a user searched for;
- derived and bookkeeping columns (search keys, the active-employee counter, login statistics, the
  session epoch): a change of only those is no change of the record;
- secrets (password, token, hash, ...): that one changed is recorded, its value never.

Bulk ``Query.update()/delete()`` and Core ``update()/delete()`` executed through a Session bypass the
flush. With AUDIT_FORBID_BULK set (the tests set it) they are refused when they change an audited
column; UPDATE and DELETE of audit rows are refused always (and by database triggers, see the
migration). Statements executed on a Connection do not pass the Session: the app's only one,
rules.recount_active_employees, maintains the derived counter, which is not audited.
"""
import datetime as dt
import enum
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from flask import current_app, has_app_context, has_request_context, request
from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Index, Integer, LargeBinary, String, Text, event, inspect, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session

from app.core.clock import UtcDateTime, now
from app.security.scoping import SYSTEM, Scope, current_actor

CREATE, UPDATE, DELETE, VIEW = "create", "update", "delete", "view"
CHANGES = (CREATE, UPDATE, DELETE)
REDACTED = "***"
SECRET = re.compile(r"passw|token|hash|secret|salt|(^|_)otp|api_?key", re.IGNORECASE)
# Derived or bookkeeping: recomputed by the app, written at every login or raised by every UPDATE
# (the row version of app.core.versioning), never a user's change.
IGNORED = frozenset({
    "active_employee_count", "last_login", "login_count", "fail_login_count", "created_on", "changed_on",
    "created_by_fk", "changed_by_fk", "session_epoch", "version",
})
_PENDING, _CONTEXT, _SNAPSHOTS = "audit_pending", "audit_context", "audit_snapshots"


class AuditBypassError(RuntimeError):
    """A write that would change audited data without an audit row."""


class AuditLog(Model):
    __tablename__ = "audit_log"
    __scope__ = Scope()  # no scope columns, open to no kind: only staff and admin (scope ALL) read it
    __table_args__ = (Index("ix_audit_log_record", "record_id", "model", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    # No foreign key: the trail outlives the users it names.
    user_id: Mapped[Optional[int]] = mapped_column(Integer)
    user_email: Mapped[Optional[str]] = mapped_column(String(320))
    roles: Mapped[Optional[str]] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(10))
    model: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[Optional[int]] = mapped_column(Integer)
    changes: Mapped[Optional[str]] = mapped_column(Text)  # JSON {field: [old, new]}
    request_id: Mapped[Optional[str]] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(10))

    def changes_dict(self):
        return json.loads(self.changes) if self.changes else {}

    def __str__(self):
        return f"{self.model} {self.record_id} {self.action}"


# --- what is audited -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditSpec:
    columns: tuple  # (attribute key, kind): kind "plain", "secret" or "binary"
    collections: tuple  # many-to-many relationships (a user's roles and regions)


_specs = {}


def is_audited(cls):
    if cls is AuditLog:
        return False
    rule = getattr(cls, "__scope__", None)
    if rule is not None:
        return not rule.private
    return issubclass(cls, User)


def audit_spec(cls):
    """The audited columns and collections of a mapped class; None when it is not audited."""
    if cls not in _specs:
        _specs[cls] = _build_spec(cls) if is_audited(cls) else None
    return _specs[cls]


def _build_spec(cls):
    mapper = inspect(cls)
    derived = set(getattr(cls, "__search_keys__", {}))
    columns = []
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column.primary_key or prop.key in IGNORED or prop.key in derived:
            continue
        if SECRET.search(prop.key):
            columns.append((prop.key, "secret"))
        else:
            columns.append((prop.key, "binary" if isinstance(column.type, LargeBinary) else "plain"))
    collections = tuple(rel.key for rel in mapper.relationships if rel.secondary is not None)
    return AuditSpec(tuple(columns), collections)


def audited_column_names(table_name):
    """Names of the audited columns of a table, or None when no audited class maps it."""
    names = None
    for mapper in Model.registry.mappers:
        spec = audit_spec(mapper.class_)
        if spec is not None and mapper.local_table.name == table_name:
            names = (names or set()) | {key for key, _kind in spec.columns}
    return names


# --- values as they are stored -----------------------------------------------------------------
def stored_value(kind, value):
    if value is None:
        return None
    if kind == "secret":
        return REDACTED
    if kind == "binary":
        return {"bytes": len(value)}
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.name
    return str(value)


def _names(items):
    return sorted(str(item) for item in items)


# --- capture: the flush notes every row it writes ------------------------------------------------
def _actor_context():
    """Who acts and from where; computed once per flush, before any row is written."""
    actor = current_actor()
    authenticated = actor is not SYSTEM and getattr(actor, "is_authenticated", False)
    context = {"at": now(), "user_id": None, "user_email": None, "roles": None, "request_id": None,
               "source": "cli"}
    if authenticated:
        context.update(user_id=actor.id, user_email=actor.email,
                       roles=",".join(sorted(role.name for role in actor.roles))[:200] or None)
    if has_request_context():
        from app.core.errors import request_id

        context.update(request_id=request_id(), source="api" if request.path.startswith("/api/") else "web")
    return context


def _row(context, action, model, record_id, changes):
    return {**context, "action": action, "model": model, "record_id": record_id,
            "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True) if changes else None}


def _record_id(state):
    if state.identity:
        return state.identity[0]
    return state.dict.get(state.mapper.primary_key[0].key)


def _queue(target, action, changes):
    state = inspect(target)
    session = object_session(target)
    context = session.info.get(_CONTEXT) or _actor_context()
    session.info.setdefault(_PENDING, []).append(
        _row(context, action, type(target).__name__, _record_id(state), changes))


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances):
    """Who acts, and the values the flush itself cannot tell afterwards: every field of a record to be
    deleted, and the old value of a field that was set while it was not loaded."""
    session.info[_PENDING] = []
    session.info[_CONTEXT] = None
    snapshots = {}
    for obj in session.deleted:
        spec = audit_spec(type(obj))
        if spec is not None:
            snapshots[inspect(obj)] = _snapshot(spec, lambda key, obj=obj: getattr(obj, key))
    for obj in session.dirty:
        spec = audit_spec(type(obj))
        if spec is not None:
            state = inspect(obj)
            unknown = [key for key, _kind in spec.columns if _old_value_unknown(state.attrs[key].history)]
            if unknown:
                snapshots[state] = _stored_row(session, state, unknown)
    session.info[_SNAPSHOTS] = snapshots
    if any(audit_spec(type(obj)) is not None for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CONTEXT] = _actor_context()


def _old_value_unknown(history):
    return bool(history.added) and not history.deleted and not history.unchanged


def _stored_row(session, state, keys):
    mapper = state.mapper
    columns = [mapper.attrs[key].columns[0] for key in keys]
    row = session.connection().execute(
        select(*columns).where(mapper.primary_key[0] == state.identity[0])).one_or_none()
    return dict(zip(keys, row)) if row is not None else {}


@event.listens_for(Model, "after_insert", propagate=True)
def _after_insert(mapper, connection, target):
    spec = audit_spec(type(target))
    if spec is None:
        return
    _queue(target, CREATE, _whole_record(spec, _snapshot(spec, inspect(target).dict.get), created=True))


@event.listens_for(Model, "after_update", propagate=True)
def _after_update(mapper, connection, target):
    spec = audit_spec(type(target))
    if spec is None:
        return
    state = inspect(target)
    looked_up = object_session(target).info.get(_SNAPSHOTS, {}).get(state, {})
    changes = {}
    for key, kind in spec.columns:
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else looked_up.get(key)
        new = history.added[0] if history.added else None
        if kind == "secret" or old != new:
            changes[key] = [stored_value(kind, old), stored_value(kind, new)]
    for key in spec.collections:
        history = state.attrs[key].history
        old, new = _names((*history.unchanged, *history.deleted)), _names((*history.unchanged, *history.added))
        if old != new:
            changes[key] = [old, new]
    if changes:  # the flush also visits objects whose only change is to ignored columns
        _queue(target, UPDATE, changes)


@event.listens_for(Model, "after_delete", propagate=True)
def _after_delete(mapper, connection, target):
    spec = audit_spec(type(target))
    if spec is None:
        return
    state = inspect(target)
    values = object_session(target).info.get(_SNAPSHOTS, {}).get(state)
    if values is None:  # deleted by a cascade at flush time (delete-orphan): its loaded values
        values = _snapshot(spec, state.dict.get)
    _queue(target, DELETE, _whole_record(spec, values, created=False))


def _whole_record(spec, values, created):
    """Every filled-in field of a record that appears ([None, value]) or disappears ([value, None])."""
    changes = {}
    for key, kind in spec.columns:
        if values[key] is not None:
            value = stored_value(kind, values[key])
            changes[key] = [None, value] if created else [value, None]
    for key in spec.collections:
        if values[key]:
            changes[key] = [[], values[key]] if created else [values[key], []]
    return changes


def _snapshot(spec, get):
    return {key: get(key) for key, _kind in spec.columns} | {key: _names(get(key) or ()) for key in spec.collections}


@event.listens_for(Session, "after_flush")
def _write_audit_rows(session, flush_context):
    rows = session.info.pop(_PENDING, None)
    session.info.pop(_SNAPSHOTS, None)
    session.info.pop(_CONTEXT, None)
    if rows:
        session.connection().execute(insert(AuditLog.__table__), rows)


# --- reads of personal dossiers ------------------------------------------------------------------
def record_view(session, item):
    """A "view" row for a dossier that was opened, committed at once (a read has no transaction)."""
    row = _row(_actor_context(), VIEW, type(item).__name__, _record_id(inspect(item)), None)
    session.add(AuditLog(**row))
    session.commit()


def record_history(session, model_name, record_id, limit=50):
    """The newest changes of one record (views are not changes)."""
    return session.execute(
        select(AuditLog).where(AuditLog.record_id == record_id, AuditLog.model == model_name,
                               AuditLog.action.in_(CHANGES))
        .order_by(AuditLog.id.desc()).limit(limit)).scalars().all()


# --- append-only ---------------------------------------------------------------------------------
@event.listens_for(AuditLog, "before_update")
@event.listens_for(AuditLog, "before_delete")
def _append_only(mapper, connection, target):
    raise AuditBypassError("audit_log is append-only: its rows are never changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_writes(state):
    """Bulk UPDATE/DELETE through the Session write no audit rows: refused for audited data when
    AUDIT_FORBID_BULK is set, and for the audit log itself always."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name == AuditLog.__tablename__:
        raise AuditBypassError("audit_log is append-only: its rows are never changed or deleted")
    if not (has_app_context() and current_app.config.get("AUDIT_FORBID_BULK")):
        return
    audited = audited_column_names(name)
    if audited is None:
        return
    if state.is_update:
        changed = _set_column_names(state)
        if changed is not None and not changed & audited:
            return  # only derived or bookkeeping columns, e.g. the session epoch at logout
    raise AuditBypassError(
        f"bulk {'UPDATE' if state.is_update else 'DELETE'} of {name} bypasses the audit trail: "
        "change the objects through the Session instead")


def _set_column_names(state):
    """The columns a bulk UPDATE sets, or None when that cannot be told."""
    statement = state.statement
    keys = list((getattr(statement, "_values", None) or {}).keys())
    keys += [key for key, _value in (getattr(statement, "_ordered_values", None) or ())]
    if not keys:
        parameters = state.parameters
        if isinstance(parameters, dict):
            keys = list(parameters)
        elif parameters:
            keys = list(parameters[0])
    names = {getattr(key, "key", None) or getattr(key, "name", None) or str(key) for key in keys}
    return names or None
