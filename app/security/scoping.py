"""The one place where (user, model, action) becomes a query filter: ``restrict``.

    restrict(select(Course), Course, user, UPDATE)   # the courses this user may change

Every model that a non-staff user can reach declares ``__scope__ = Scope(...)``: which of its columns
tie a row to a region, a company, an employee, an institute or an outplacement organisation, through
which foreign key it inherits the scope of a parent (and for which kinds), which kinds read every row,
who owns a row, and which time-bounded links grant access. The rules are per action (read, create,
update, delete), so "everyone reads the catalogue, an institute edits only its own courses" is data.
Views, APIs, exports, reports, dossier tabs, dropdowns, breadcrumbs and the inspector all ask this
module and never filter by role themselves (NetBox's ``restrict(user, action)``).

Outside a request the actor is ``SYSTEM`` (commands, scheduled jobs), which reaches every row; there
is no implicit "no user means everything".
"""
import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Optional

from flask import g, has_request_context
from sqlalchemy import false, or_, select

from app.core.clock import today
from app.security.roles import ALL, ROLE_SCOPE

READ, CREATE, UPDATE, DELETE = "read", "create", "update", "delete"
ACTIONS = (READ, CREATE, UPDATE, DELETE)

REGION = "region"
COMPANY = "company"
EMPLOYEE = "employee"
INSTITUTE = "institute"
OUTPLACEMENT_ORG = "outplacement_org"
SCOPE_KINDS = (REGION, COMPANY, EMPLOYEE, INSTITUTE, OUTPLACEMENT_ORG)

# The user's relationship that holds each kind's link (FondsUser.regions, .company, ...): the values
# a user has for a kind, and the model a kind stands for.
KIND_LINKS = {REGION: "regions", COMPANY: "company", EMPLOYEE: "employee", INSTITUTE: "institute",
              OUTPLACEMENT_ORG: "outplacement_org"}


class OutOfScope(Exception):
    """A row outside the user's scope: answered with 404, never 403."""


class _System:
    """The portal itself (commands, scheduled jobs): reaches every row, is nobody."""

    is_authenticated = True
    is_active = True
    id = None
    email = None
    roles = ()
    role_names = frozenset()

    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()


@dataclass(frozen=True)
class Grant:
    """A time-bounded link: a row of ``link`` ties a record (its id in ``record``) to a value of scope
    kind ``kind`` (in ``value``) from ``start`` until ``end`` inclusive (plus ``grace``), when ``when``
    holds (e.g. the attest was accepted). Open from its first day, closed the day after its last.

    ``link`` is the link model, or its class name when it is declared after the record's model."""

    link: object
    kind: str
    record: str
    value: str
    start: str = "start_date"
    end: str = "end_date"
    when: Optional[Callable] = None  # link model → extra condition
    grace: Optional[Callable] = None  # () → timedelta after ``end`` that access still lasts
    actions: tuple = (READ, CREATE, UPDATE)

    def link_model(self):
        if isinstance(self.link, str):
            from flask_appbuilder import Model

            return Model.registry._class_registry[self.link]
        return self.link

    def clause(self, model, values):
        link = self.link_model()
        day = today()
        last_day = day - (self.grace() if self.grace else dt.timedelta(0))
        end = getattr(link, self.end)
        conditions = [getattr(link, self.value).in_(values), getattr(link, self.start) <= day,
                      or_(end.is_(None), end >= last_day)]
        if self.when is not None:
            conditions.append(self.when(link))
        return model.id.in_(select(getattr(link, self.record)).where(*conditions))


@dataclass(frozen=True)
class Scope:
    """How a model's rows relate to the scopes.

    columns: scope kind → the column holding that kind's id (``region="region_id"``).
    via: (foreign key column, parent model): kinds not in ``columns`` reach a row through its parent,
      for the same action; ``via_kinds`` limits which kinds may (None: all).
    open_to: kinds that READ every row (reference data, the course catalogue); never a write.
    owner: column holding a user id; the owner reaches the row for ``owner_actions`` (read by default).
      An owner rule never grants create or update where the row has a parent in the scope: the row
      must then lie in the user's scope through ``columns``/``via`` (a report on a foreign company).
    private: only the owner reaches a row, for every action, staff included (saved overviews).
    grants: time-bounded links (``Grant``).
    """

    columns: dict = field(default_factory=dict)
    via: tuple = None
    via_kinds: tuple = None
    open_to: tuple = ()
    owner: str = None
    owner_actions: tuple = (READ,)
    private: bool = False
    grants: tuple = ()

    def __post_init__(self):
        if self.owner and {CREATE, UPDATE} & set(self.owner_actions) and (self.columns or self.via):
            raise TypeError("an owner rule cannot grant create or update on a row that has a parent in the scope")
        if self.private and not self.owner:
            raise TypeError("a private scope needs an owner column")

    @classmethod
    def public(cls):
        return cls(open_to=SCOPE_KINDS)


@dataclass(frozen=True)
class Reach:
    """One way a user reaches rows of a model for an action.

    how: "system", "all", "private", "open", "column", "via", "grant", "owner" or "nothing".
    clause: the rows it reaches; None means every row."""

    kind: str
    how: str
    clause: object
    column: str = None
    parent: type = None
    grant: Grant = None


def current_actor():
    """The user a request acts for (anonymous when nobody is signed in); SYSTEM outside requests."""
    if not has_request_context():
        return SYSTEM
    return getattr(g, "user", None) or _ANONYMOUS


class _Anonymous:
    is_authenticated = False
    id = None
    roles = ()
    role_names = frozenset()


_ANONYMOUS = _Anonymous()


def scope_kinds(user):
    """The scope kinds a user's roles give: {ALL} for staff and admin."""
    if user is SYSTEM:
        return {ALL}
    if not getattr(user, "is_authenticated", False):
        return set()
    return {ROLE_SCOPE[role.name] for role in user.roles if role.name in ROLE_SCOPE}


def scope_values(user, kind):
    """The ids a user has for a kind (their regions, their company, ...)."""
    if kind == REGION:
        return [region.id for region in user.regions]
    linked_id = getattr(user, f"{KIND_LINKS[kind]}_id", None)
    return [linked_id] if linked_id else []


def kind_model(kind):
    """The model a scope kind stands for (Region, Company, ...), read from the user's link to it."""
    from sqlalchemy import inspect

    from app.security.manager import FondsUser

    return inspect(FondsUser).relationships[KIND_LINKS[kind]].mapper.class_


def rule_of(model):
    rule = getattr(model, "__scope__", None)
    if rule is None:
        raise LookupError(f"{model.__name__} declares no __scope__; every scoped model must")
    return rule


def scope_explanation(user, model, action=READ):
    """Every way ``user`` reaches rows of ``model`` for ``action`` (``Reach``): what ``scope_clause``
    combines and the inspector explains."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None:
        raise TypeError("no actor: pass SYSTEM for work outside a request")
    rule = rule_of(model)
    if user is SYSTEM:
        return [Reach("system", "system", None)]
    user_id = getattr(user, "id", None)
    if rule.private:
        clause = getattr(model, rule.owner) == user_id if user_id else false()
        return [Reach("private", "private", clause, column=rule.owner)]
    kinds = scope_kinds(user)
    if ALL in kinds:
        return [Reach(ALL, "all", None)]
    items = []
    for kind in sorted(kinds):
        items += _kind_reaches(model, rule, kind, scope_values(user, kind), action)
    if rule.owner and action in rule.owner_actions and user_id:
        items.append(Reach("owner", "owner", getattr(model, rule.owner) == user_id, column=rule.owner))
    return items


def _kind_reaches(model, rule, kind, values, action):
    if action == READ and kind in rule.open_to:
        return [Reach(kind, "open", None)]
    if not values:
        return [Reach(kind, "nothing", false())]
    items = []
    if kind in rule.columns:
        items.append(Reach(kind, "column", getattr(model, rule.columns[kind]).in_(values), column=rule.columns[kind]))
    elif rule.via and (rule.via_kinds is None or kind in rule.via_kinds):
        fk_name, parent = rule.via
        parent_clause = combined(_kind_reaches(parent, rule_of(parent), kind, values, action))
        fk = getattr(model, fk_name)
        clause = fk.isnot(None) if parent_clause is None else fk.in_(select(parent.id).where(parent_clause))
        items.append(Reach(kind, "via", clause, column=fk_name, parent=parent))
    for grant in rule.grants:
        if grant.kind == kind and action in grant.actions:
            items.append(Reach(kind, "grant", grant.clause(model, values), grant=grant))
    return items or [Reach(kind, "nothing", false())]


def combined(items):
    """The OR of the reaches' clauses; None when one of them reaches every row."""
    if any(item.clause is None for item in items):
        return None
    return or_(*(item.clause for item in items)) if items else false()


def scope_clause(user, model, action=READ):
    """A WHERE clause limiting ``model`` to the rows ``user`` may ``action``; None means no limit."""
    return combined(scope_explanation(user, model, action))


def restrict(statement, model, user, action=READ):
    """``statement`` (a Select or a Query) limited to the rows of ``model`` that ``user`` may ``action``."""
    clause = scope_clause(user, model, action)
    return statement if clause is None else statement.where(clause)


def is_in_scope(session, user, model, pk, action=READ):
    """Whether row ``pk`` of ``model`` lies in the user's scope for ``action`` (asked of the database)."""
    # Select the id, not a bare EXISTS: a `false()` clause would drop the table, an error on SQLite.
    statement = restrict(select(model.id).where(model.id == pk), model, user, action)
    return session.execute(statement.limit(1)).scalar() is not None
