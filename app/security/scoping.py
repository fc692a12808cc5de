"""The one place where (user, model) becomes a query filter.

Every model that a non-staff user can reach declares ``__scope__ = Scope(...)``: which of its columns
ties a row to a region, a company, an employee, an institute or an outplacement organisation, or
through which foreign key it inherits the scope of a parent model. Views, APIs, exports, reports and
dropdowns all ask ``scope_clause`` and never filter by role themselves.
"""
from dataclasses import dataclass, field

from flask import g, has_request_context
from sqlalchemy import false, or_, select

from app.security.roles import ALL, ROLE_SCOPE

REGION = "region"
COMPANY = "company"
EMPLOYEE = "employee"
INSTITUTE = "institute"
OUTPLACEMENT_ORG = "outplacement_org"
SCOPE_KINDS = (REGION, COMPANY, EMPLOYEE, INSTITUTE, OUTPLACEMENT_ORG)


class OutOfScope(Exception):
    """A row outside the user's scope: answered with 404, never 403."""


@dataclass(frozen=True)
class Scope:
    """How a model's rows relate to the scopes.

    columns: scope kind → name of the column holding that kind's id (``region="region_id"``).
    via: (foreign key column name, parent model) for kinds not listed in ``columns``.
    open_to: kinds that see every row (reference data such as regions or institutes).
    owner: column holding a user id; a user always sees the rows they own.
    private: only the owner sees a row, staff included (a user's saved overviews).
    """

    columns: dict = field(default_factory=dict)
    via: tuple = None
    open_to: tuple = ()
    owner: str = None
    private: bool = False

    @classmethod
    def public(cls):
        return cls(open_to=SCOPE_KINDS)


def current_actor():
    """The user a request acts for; None outside requests (CLI, scheduled jobs act as the system)."""
    if not has_request_context():
        return None
    return getattr(g, "user", None) or _anonymous()


class _Anonymous:
    is_authenticated = False
    roles = ()


def _anonymous():
    return _Anonymous()


def scope_kinds(user):
    """The scope kinds a user's roles give: {ALL} for staff and admin."""
    if user is None:
        return {ALL}
    if not getattr(user, "is_authenticated", False):
        return set()
    return {ROLE_SCOPE[role.name] for role in user.roles if role.name in ROLE_SCOPE}


def scope_values(user, kind):
    if kind == REGION:
        return [region.id for region in user.regions]
    if kind == COMPANY:
        return [user.company_id] if user.company_id else []
    if kind == EMPLOYEE:
        return [user.employee_id] if user.employee_id else []
    if kind == INSTITUTE:
        return [user.institute_id] if user.institute_id else []
    if kind == OUTPLACEMENT_ORG:
        return [user.outplacement_org_id] if user.outplacement_org_id else []
    raise ValueError(kind)


def scope_clause(user, model):
    """A WHERE clause limiting ``model`` to what ``user`` may see; None means no limit."""
    rule = _rule(model)
    if rule.private:
        return None if user is None else getattr(model, rule.owner) == getattr(user, "id", None)
    kinds = scope_kinds(user)
    if ALL in kinds:
        return None
    if any(kind in rule.open_to for kind in kinds):
        return None
    clauses = [_kind_clause(model, rule, kind, scope_values(user, kind)) for kind in sorted(kinds)]
    if rule.owner and getattr(user, "id", None):
        clauses.append(getattr(model, rule.owner) == user.id)
    return or_(*clauses) if clauses else false()


def apply_scope(query, user, model):
    clause = scope_clause(user, model)
    return query if clause is None else query.filter(clause)


def is_in_scope(session, user, model, pk):
    """Whether the row ``pk`` of ``model`` lies in the user's scope (asked of the database)."""
    clause = scope_clause(user, model)
    query = select(model.id).where(model.id == pk)
    if clause is not None:
        query = query.where(clause)  # select the id, not a bare EXISTS: a `false()` clause would drop the table
    return session.execute(query.limit(1)).scalar() is not None


def _rule(model):
    rule = getattr(model, "__scope__", None)
    if rule is None:
        raise LookupError(f"{model.__name__} declares no __scope__; every scoped model must")
    return rule


def _kind_clause(model, rule, kind, values):
    if not values:
        return false()
    if kind in rule.open_to:
        return None
    if kind in rule.columns:
        return getattr(model, rule.columns[kind]).in_(values)
    if rule.via:
        fk_name, parent = rule.via
        parent_clause = _kind_clause(parent, _rule(parent), kind, values)
        if parent_clause is None:
            return getattr(model, fk_name).isnot(None)
        return getattr(model, fk_name).in_(select(parent.id).where(parent_clause))
    return false()
