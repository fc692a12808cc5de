"""Rechtencontrole (issue 6, item 10): may this user see or change this record or open this page,
and why — which role, which scope rule?

Every answer comes from what the app itself enforces, never from a second copy of the rules:

- page permissions: the user's roles as stored in the database (synced from roles.py) through FAB's
  security manager (``get_user_roles``, ``get_role_permissions``: the tables ``has_access`` reads),
  and the view's own declaration (its routes, ``base_permissions`` and the permission name FAB
  derives for each method);
- rows: app.security.scoping. Whether a record lies in the user's scope is asked of the database with
  ``scope_clause``, the filter every page applies; the explanation per scope kind asks the database
  with the per-kind clause ``scope_clause`` itself is built from (``_kind_clause``);
- fixed data: ``may_change_fixed_data`` and ``fixed_fields`` of the data layer.

Plain Python, usable without HTTP: ``explain_access(user, model, record_id)``,
``explain_page(user, view_name)`` and ``explain_menu(user)``. The texts are Dutch (translated with
flask_babel when a request asks for English).
"""
import re
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _, ngettext
from sqlalchemy import func, inspect as sa_inspect, select
from werkzeug.exceptions import HTTPException

from app.core.datamodel import fixed_fields, may_change_fixed_data
from app.extensions import db
from app.security.roles import ALL, MANAGES_FIXED_DATA, ROLE_SCOPE
from app.security.scoping import (
    COMPANY, EMPLOYEE, INSTITUTE, OUTPLACEMENT_ORG, REGION, _kind_clause, _rule, apply_scope,
    scope_clause, scope_kinds, scope_values,
)

RECORD_ACTIONS = ("show", "edit", "delete")  # the ModelView methods behind "zien", "wijzigen", "verwijderen"
FIXED = "fixed"
COUNT_CAP = 10_000


class RecordNotFound(LookupError):
    """The record asked about does not exist."""


@dataclass
class Reason:
    text: str
    ok: bool | None = None  # True: grants, False: refuses, None: for information


@dataclass
class Verdict:
    action: str           # show, edit, delete, fixed; open or menu for pages
    label: str            # "mag zien"
    allowed: bool
    reasons: list = field(default_factory=list)
    roles: list = field(default_factory=list)  # names of the user's roles granting the page permission
    in_scope: bool | None = None               # the record lies in the user's scope (None: no record)
    status: int | None = None                  # what the page answers this user: 200, 403 or 404

    @property
    def answer(self):
        return _("ja") if self.allowed else _("nee")

    @property
    def summary(self):
        """"mag zien: ja" """
        return f"{self.label}: {self.answer}"


@dataclass
class ScopeRule:
    """One way the user's roles reach rows of a model, and whether the record asked about matches."""

    kind: str             # ALL, a scope kind (region, company, ...), "owner", "private" or "none"
    text: str
    matches: bool | None = None  # None: no record asked (a page)


@dataclass
class UserSummary:
    email: str
    name: str
    active: bool
    roles: list           # Dutch role names
    scope: list           # Dutch sentences: "regio (rol Bedrijfstakvoorlichter): regio Zuid-Holland Noord"


@dataclass
class Access:
    """The answer for one user and one record."""

    user: UserSummary
    view: str             # the page (endpoint) whose rules apply, e.g. CompanyView
    kind_label: str       # "Bedrijf"
    record_id: int
    record_label: str     # "100004 Metaalbewerking De Vries B.V."
    in_scope: bool
    scope: list           # ScopeRule
    verdicts: list        # Verdict, in RECORD_ACTIONS order, then FIXED for models with fixed data

    def verdict(self, action):
        return next(v for v in self.verdicts if v.action == action)

    @property
    def summary(self):
        return [v.summary for v in self.verdicts]


@dataclass
class PermissionLine:
    permission: str
    label: str
    allowed: bool
    roles: list           # Dutch names of the roles granting it


@dataclass
class PageAccess:
    """The answer for one user and one page (a view), without a record."""

    user: UserSummary
    view: str
    title: str
    opens: Verdict
    menu: Verdict | None  # None: the page has no menu entry
    permissions: list     # PermissionLine for every permission the page declares
    scope: list           # ScopeRule (matches None); empty for pages without rows
    rows: int | None = None   # rows of the page's model the user reaches (capped at COUNT_CAP)
    rows_capped: bool = False


@dataclass
class MenuLine:
    category: str         # label of the menu block ("Instellingen fonds"), empty at the top level
    label: str
    name: str             # FAB's menu name (menu_access resource)
    url: str
    view: str | None      # endpoint of the page the item opens
    in_menu: Verdict
    opens: Verdict


# --- labels ---------------------------------------------------------------------------------------

def role_label(name):
    from app.shell.index import ROLE_LABELS

    return str(ROLE_LABELS.get(name, name))


def _roles_text(names):
    labels = [role_label(name) for name in names]
    return ngettext("rol %(names)s", "rollen %(names)s", len(labels), names=", ".join(labels))


def kind_label(kind):
    return {
        ALL: _("alles"), REGION: _("regio"), COMPANY: _("bedrijf"), EMPLOYEE: _("werknemer"),
        INSTITUTE: _("cursusinstituut"), OUTPLACEMENT_ORG: _("outplacementkantoor"),
        "owner": _("eigenaar"), "private": _("privé"), "none": _("geen"),
    }.get(kind, kind)


def permission_label(permission):
    labels = {
        "can_list": _("lijst openen"), "can_show": _("gegevens bekijken"), "can_add": _("toevoegen"),
        "can_edit": _("wijzigen"), "can_delete": _("verwijderen"), "can_export_csv": _("exporteren (CSV)"),
        "can_export_xlsx": _("exporteren (Excel)"), "can_this_form_get": _("formulier openen"),
        "can_this_form_post": _("formulier versturen"), "menu_access": _("in het menu"),
        "make_main": _("hoofdcontactpersoon maken"), "can_save": _("overzicht bewaren"),
        "can_userinfo": _("eigen gegevens bekijken"), "can_check": _("rechten controleren"),
    }
    return labels.get(permission, permission)


def _kind_models():
    from app.outplacement.models import OutplacementOrganisation
    from app.registry.models import Company, Employee, Region
    from app.training.models import Institute

    return {REGION: Region, COMPANY: Company, EMPLOYEE: Employee, INSTITUTE: Institute,
            OUTPLACEMENT_ORG: OutplacementOrganisation}


def describe_values(kind, ids):
    """"regio's Zuid-Holland Noord, Zuid-Holland Zuid", "bedrijf 100004 Naam"; empty when no ids."""
    ids = [i for i in ids if i is not None]
    if not ids:
        return ""
    model = _kind_models()[kind]
    names = sorted(str(row) for row in db.session.execute(select(model).where(model.id.in_(ids))).scalars())
    text, count = ", ".join(names), len(names)
    if kind == REGION:
        return ngettext("regio %(names)s", "regio's %(names)s", count, names=text)
    if kind == COMPANY:
        return ngettext("bedrijf %(names)s", "bedrijven %(names)s", count, names=text)
    if kind == EMPLOYEE:
        return ngettext("werknemer %(names)s", "werknemers %(names)s", count, names=text)
    if kind == INSTITUTE:
        return ngettext("cursusinstituut %(names)s", "cursusinstituten %(names)s", count, names=text)
    return ngettext("outplacementkantoor %(names)s", "outplacementkantoren %(names)s", count, names=text)


def _row_label(row):
    """A parent row as a user reads it: "bedrijf 100004 Naam"."""
    for kind, model in _kind_models().items():
        if isinstance(row, model):
            return describe_values(kind, [row.id])
    return str(row)


def _model_label(model):
    for kind, kind_model in _kind_models().items():
        if model is kind_model:
            return kind_label(kind)
    view = view_for_model(model)
    return str(view.show_title) if view is not None else model.__name__


# --- views and permissions -------------------------------------------------------------------------

def _appbuilder():
    return current_app.appbuilder


def record_views():
    """The page per model whose rules apply to its records: the first ScopedModelView registered."""
    from app.core.views import ScopedModelView

    views = {}
    for view in _appbuilder().baseviews:
        if isinstance(view, ScopedModelView) and not view.endpoint.startswith("_"):
            views.setdefault(view.datamodel.obj, view)
    return list(views.values())


def view_for_model(model):
    return next((view for view in record_views() if view.datamodel.obj is model), None)


def view_named(name):
    return next((view for view in _appbuilder().baseviews
                 if name in (view.endpoint, view.class_permission_name)), None)


def required_permission(view, method):
    """The permission FAB's @has_access asks for ``view.method``; None when the method is not
    protected (any signed-in user) or has no route."""
    if f"{view.endpoint}.{method}" not in current_app.view_functions:
        return None
    if not hasattr(getattr(view, method, None), "_permission_name"):
        return None
    return f"can_{view.get_method_permission(method)}"


def has_route(view, method):
    return f"{view.endpoint}.{method}" in current_app.view_functions


class _Grants:
    """The user's roles and what each grants, read once through FAB's security manager."""

    def __init__(self, user):
        sm = _appbuilder().sm
        self.roles = list(sm.get_user_roles(user))
        self.by_role = {role.name: sm.get_role_permissions(role) for role in self.roles}

    def granting(self, permission, resource):
        return [name for name, pairs in self.by_role.items() if (permission, resource) in pairs]

    def reason(self, permission, resource, page_label):
        """A Reason naming the roles that grant (permission, resource), or that none does."""
        roles = self.granting(permission, resource)
        values = dict(permission=permission_label(permission), code=permission, page=page_label)
        if roles:
            return roles, Reason(_("Recht “%(permission)s” (%(code)s) op %(page)s: gegeven door %(roles)s.",
                                   roles=_roles_text(roles), **values), True)
        if not self.roles:
            return roles, Reason(_("Recht “%(permission)s” (%(code)s) op %(page)s: deze gebruiker heeft geen "
                                   "rol; de pagina antwoordt 403.", **values), False)
        return roles, Reason(_("Recht “%(permission)s” (%(code)s) op %(page)s: geen van de rollen van deze "
                               "gebruiker (%(roles)s) geeft dit recht; de pagina antwoordt 403.",
                               roles=", ".join(role_label(r.name) for r in self.roles), **values), False)


def _active_reason(user):
    if user.is_active:
        return None
    return Reason(_("Het account is niet actief: deze gebruiker kan niet inloggen."), False)


def summarize_user(user):
    grants = _Grants(user)
    return UserSummary(
        email=user.email, name=user.get_full_name(), active=bool(user.is_active),
        roles=[role_label(role.name) for role in grants.roles],
        scope=[rule.text for rule in _scope_rules(user, None)],
    )


# --- scope -----------------------------------------------------------------------------------------

def _roles_by_kind(user):
    """Scope kind → names of the user's roles that give it (ROLE_SCOPE, as scope_kinds reads it)."""
    result = defaultdict(list)
    for role in user.roles:
        if role.name in ROLE_SCOPE:
            result[ROLE_SCOPE[role.name]].append(role.name)
    return result


def _position(model, row, kind):
    """Where ``row`` lies for ``kind``, in words: "regio Zuid-Holland Noord", or through its parent:
    "via bedrijf 100004 Naam (company_id): regio Zuid-Holland Noord"."""
    rule = _rule(model)
    if kind in rule.open_to:
        return _("open voor iedereen met scope %(kind)s", kind=kind_label(kind))
    if kind in rule.columns:
        value = getattr(row, rule.columns[kind])
        return describe_values(kind, [value]) or _("geen %(kind)s", kind=kind_label(kind))
    if rule.via:
        fk_name, parent = rule.via
        parent_id = getattr(row, fk_name)
        parent_row = db.session.get(parent, parent_id) if parent_id is not None else None
        if parent_row is None:
            return _("via %(column)s: geen %(parent)s", column=fk_name, parent=_model_label(parent))
        return _("via %(parent)s (%(column)s): %(position)s", parent=_row_label(parent_row), column=fk_name,
                 position=_position(parent, parent_row, kind))
    return _("niet gekoppeld aan een %(kind)s", kind=kind_label(kind))


def _reach(model, kind):
    """Which rows of ``model`` a kind reaches, without a record: "(geërfd via bedrijf, company_id)"."""
    rule = _rule(model)
    if kind in rule.columns:
        return ""
    if rule.via:
        fk_name, parent = rule.via
        return _(" (geërfd via %(parent)s, %(column)s)", parent=_model_label(parent), column=fk_name)
    return ""


def row_matches(model, pk, clause):
    """Whether row ``pk`` satisfies ``clause`` (None: no limit), asked of the database.

    Selects from the model's table explicitly: a clause that is plainly false (a role without scope
    values) folds ``id = pk AND false`` into ``false``, and an EXISTS without a table is an error on
    SQLite."""
    query = select(model.id).where(model.id == pk)
    if clause is not None:
        query = query.where(clause)
    return db.session.execute(query.limit(1)).first() is not None


def record_in_scope(user, model, pk):
    """scoping.is_in_scope, asked with the same scope_clause, but safe for a plainly false clause
    (is_in_scope's EXISTS has no table then, an error on SQLite)."""
    return row_matches(model, pk, scope_clause(user, model))


def _scope_rules(user, model, pk=None):
    """How the user's roles reach rows of ``model`` (or rows in general when model is None).

    Mirrors the order in which scope_clause decides (private, all, open, kinds, owner); each match is
    asked of the database with the clause scope_clause uses for that kind."""
    session = db.session
    row = session.get(model, pk) if model is not None and pk is not None else None

    def matches(clause):
        return None if row is None else row_matches(model, pk, clause)

    rule = _rule(model) if model is not None else None
    roles_by_kind = _roles_by_kind(user)
    kinds = scope_kinds(user)

    if rule is not None and rule.private:
        owner_clause = getattr(model, rule.owner) == user.id
        if row is None:
            text = _("Privé: alleen de eigenaar (%(column)s) ziet deze gegevens, ook medewerkers van het fonds "
                     "en beheerders niet.", column=rule.owner)
        elif matches(owner_clause):
            text = _("Privé: alleen de eigenaar (%(column)s) ziet dit gegeven, ook medewerkers van het fonds "
                     "en beheerders niet. Deze gebruiker is de eigenaar.", column=rule.owner)
        else:
            text = _("Privé: alleen de eigenaar (%(column)s) ziet dit gegeven, ook medewerkers van het fonds "
                     "en beheerders niet. Deze gebruiker is niet de eigenaar.", column=rule.owner)
        return [ScopeRule("private", text, matches(owner_clause))]

    if ALL in kinds:
        return [ScopeRule(ALL, _("Scope alles (%(roles)s): ziet alle gegevens, zonder beperking.",
                                 roles=_roles_text(roles_by_kind[ALL])), matches(None))]

    rules = []
    for kind in sorted(kinds):
        roles = _roles_text(roles_by_kind[kind])
        have = describe_values(kind, scope_values(user, kind))
        have_text = have or _("geen %(kind)s gekoppeld", kind=kind_label(kind))
        if model is None:
            rules.append(ScopeRule(kind, _("Scope %(kind)s (%(roles)s): %(values)s", kind=kind_label(kind),
                                           roles=roles, values=have_text)))
            continue
        if kind in rule.open_to:
            rules.append(ScopeRule(kind, _("Scope %(kind)s (%(roles)s): dit soort gegeven is open voor iedereen "
                                           "met scope %(kind)s; alle rijen zijn zichtbaar.",
                                           kind=kind_label(kind), roles=roles), matches(None)))
            continue
        clause = _kind_clause(model, rule, kind, scope_values(user, kind))
        if row is None:
            if kind not in rule.columns and not rule.via:
                text = _("Scope %(kind)s (%(roles)s): dit soort gegeven is niet aan een %(kind)s gekoppeld; "
                         "geen rijen via deze scope.", kind=kind_label(kind), roles=roles)
            else:
                text = _("Scope %(kind)s (%(roles)s): de rijen van %(values)s%(via)s", kind=kind_label(kind),
                         roles=roles, values=have_text, via=_reach(model, kind))
            rules.append(ScopeRule(kind, text))
            continue
        hit = matches(clause)
        text = _("Scope %(kind)s (%(roles)s): de gebruiker heeft %(values)s; dit gegeven: %(position)s — %(verdict)s.",
                 kind=kind_label(kind), roles=roles, values=have_text, position=_position(model, row, kind),
                 verdict=_("past") if hit else _("past niet"))
        rules.append(ScopeRule(kind, text, hit))

    if model is not None and rule.owner and getattr(user, "id", None):
        owner_clause = getattr(model, rule.owner) == user.id
        if row is None:
            text = _("Eigenaar (%(column)s): ook de eigen gegevens van de gebruiker zijn zichtbaar.",
                     column=rule.owner)
        elif matches(owner_clause):
            text = _("Eigenaar (%(column)s): dit gegeven is van de gebruiker zelf.", column=rule.owner)
        else:
            text = _("Eigenaar (%(column)s): dit gegeven is van iemand anders.", column=rule.owner)
        rules.append(ScopeRule("owner", text, matches(owner_clause)))

    if not rules:
        rules.append(ScopeRule("none", _("Geen van de rollen van deze gebruiker geeft toegang tot rijen."),
                               False if row is not None else None))
    return rules


# --- one record ------------------------------------------------------------------------------------

def _action_label(action, model):
    if action == "show":
        return _("mag zien")
    if action == "edit":
        return _("mag variabele gegevens wijzigen") if fixed_fields(model) else _("mag wijzigen")
    if action == "delete":
        return _("mag verwijderen")
    return _("mag vaste gegevens wijzigen")


def _scope_reason(in_scope, scope):
    if in_scope:
        applied = [kind_label(rule.kind) for rule in scope if rule.matches]
        return Reason(_("Het gegeven valt binnen de scope van de gebruiker (%(rules)s).",
                        rules=", ".join(applied) or kind_label(ALL)), True)
    return Reason(_("Het gegeven valt buiten de scope van de gebruiker: de pagina antwoordt 404, alsof het "
                    "niet bestaat."), False)


def _fixed_field_labels(view, model):
    labels = view.label_columns
    return [str(labels.get(name, name)) for name in fixed_fields(model)
            if name in view.edit_columns]


def explain_access(user, model, record_id, view=None):
    """May ``user`` see, change and delete record ``record_id`` of ``model``, and why.

    ``view`` is the page whose rules apply (default: the model's page). Raises RecordNotFound for a
    record that does not exist."""
    view = view or view_for_model(model)
    if view is None:
        raise LookupError(f"{model.__name__} has no page")
    record = db.session.get(model, record_id)
    if record is None:
        raise RecordNotFound(record_id)
    grants = _Grants(user)
    page_label = str(getattr(view, "list_title", None) or view.endpoint)
    in_scope = record_in_scope(user, model, record.id)
    scope = _scope_rules(user, model, record.id)
    scope_reason = _scope_reason(in_scope, scope)
    inactive = _active_reason(user)

    verdicts = []
    for action in RECORD_ACTIONS:
        reasons = [inactive] if inactive else []
        permission = required_permission(view, action)
        if not has_route(view, action):
            reasons.append(Reason(_("Deze pagina heeft geen scherm voor deze handeling."), False))
            verdicts.append(Verdict(action, _action_label(action, model), False, reasons, [], in_scope, 404))
            continue
        if permission is None:  # not behind @has_access: every signed-in user
            roles, permitted = [], True
            reason = Reason(_("%(page)s vraagt geen apart recht: elke ingelogde gebruiker mag deze pagina "
                              "openen.", page=page_label), True)
        else:
            roles, reason = grants.reason(permission, view.class_permission_name, page_label)
            permitted = bool(roles) and permission in view.base_permissions
        reasons += [reason, scope_reason]
        allowed = not inactive and permitted and in_scope
        # has_access refuses first (403), then the scoped read answers 404 (ScopedModelView)
        status = None if inactive else 403 if not permitted else 404 if not in_scope else 200
        verdicts.append(Verdict(action, _action_label(action, model), allowed, reasons, roles, in_scope, status))

    if fixed_fields(model):
        edit = next(v for v in verdicts if v.action == "edit")
        managers = sorted(user.role_names & MANAGES_FIXED_DATA)
        fields = ", ".join(_fixed_field_labels(view, model))
        if may_change_fixed_data(user):
            reason = Reason(_("Vaste gegevens (%(fields)s): %(roles)s beheert de vaste gegevens van het fonds.",
                              fields=fields, roles=_roles_text(managers)), True)
        else:
            reason = Reason(_("Vaste gegevens (%(fields)s) beheert het fonds: alleen %(roles)s mogen ze wijzigen; "
                              "deze gebruiker heeft geen van die rollen. Het bewerkscherm toont ze alleen ter "
                              "informatie en de opslaglaag weigert elke wijziging.", fields=fields,
                              roles=", ".join(role_label(r) for r in sorted(MANAGES_FIXED_DATA))), False)
        verdicts.append(Verdict(FIXED, _action_label(FIXED, model), edit.allowed and may_change_fixed_data(user),
                                edit.reasons + [reason], edit.roles, in_scope))

    return Access(user=summarize_user(user), view=view.endpoint, kind_label=str(view.show_title),
                  record_id=record.id, record_label=str(record), in_scope=in_scope, scope=scope,
                  verdicts=verdicts)


# --- pages -----------------------------------------------------------------------------------------

def page_title(view):
    for attribute in ("list_title", "form_title", "title"):
        title = getattr(view, attribute, None)
        if title:
            return str(title)
    entry = _menu_item_of(view, getattr(view, "default_view", None))
    return str(entry[1].label) if entry else view.endpoint


def _menu_items():
    """(category item or None, item) for every entry of the menu, in order."""
    for item in _appbuilder().menu.get_list():
        if item.childs:
            for child in item.childs:
                if child.name != "-":
                    yield item, child
        elif item.name != "-":
            yield None, item


def _target(item):
    """(view, method) a menu item opens: its view's default page, or the page its link points to."""
    if item.baseview is not None:
        return item.baseview, item.baseview.default_view
    try:
        endpoint, _args = current_app.url_map.bind("localhost").match(item.href.split("?")[0], method="GET")
    except HTTPException:
        return None, None
    name, _sep, method = endpoint.partition(".")
    return view_named(name), method


def _menu_item_of(view, method=None):
    """(category, item) of the menu entry that opens ``view`` (at ``method``), or None."""
    for category, item in _menu_items():
        target, target_method = _target(item)
        if target is view and method in (None, target_method):
            return category, item
    return None


def _open_verdict(user, grants, view, method, title=None):
    inactive = _active_reason(user)
    reasons = [inactive] if inactive else []
    label = _("mag openen")
    if view is None or not has_route(view, method):
        return Verdict("open", label, False, reasons + [Reason(_("Deze pagina bestaat niet."), False)], status=404)
    title = title or page_title(view)
    permission = required_permission(view, method)
    if permission is None:
        reasons.append(Reason(_("%(page)s vraagt geen apart recht: elke ingelogde gebruiker mag deze pagina "
                                "openen.", page=title), True))
        return Verdict("open", label, not inactive, reasons, status=None if inactive else 200)
    roles, reason = grants.reason(permission, view.class_permission_name, title)
    reasons.append(reason)
    if permission not in view.base_permissions:
        roles = []
    allowed = bool(roles) and not inactive
    return Verdict("open", label, allowed, reasons, roles, status=None if inactive else 200 if roles else 403)


def _menu_verdict(user, grants, category, item):
    reasons = [r for r in [_active_reason(user)] if r]
    allowed = bool(user.is_active)
    for entry in ([category] if category is not None else []) + [item]:
        roles, reason = grants.reason("menu_access", entry.name, str(entry.label))
        reasons.append(reason)
        allowed = allowed and bool(roles)
    return Verdict("menu", _("staat in het menu"), allowed, reasons)


def explain_menu(user):
    """Every menu item: does the user see it in the menu, may they open the page behind it, and why."""
    grants = _Grants(user)
    lines = []
    for category, item in _menu_items():
        view, method = _target(item)
        try:
            url = item.get_url()
        except Exception:  # a link that cannot be built is reported as a page that does not exist
            url = item.href
        lines.append(MenuLine(category=str(category.label) if category is not None else "", label=str(item.label),
                              name=item.name, url=url, view=view.endpoint if view is not None else None,
                              in_menu=_menu_verdict(user, grants, category, item),
                              opens=_open_verdict(user, grants, view, method, str(item.label))))
    return lines


def pages():
    """Every page a staff member can ask about: name → (title, view, method, menu entry or None).

    First each menu item, under its menu name (what the item opens: "Settings" is the user's own
    details, not the user administration), then every other page by its endpoint."""
    result = {}
    for category, item in _menu_items():
        view, method = _target(item)
        if view is not None:
            result[item.name] = (str(item.label), view, method, (category, item))
    in_menu = {view.endpoint for _title, view, _method, _entry in result.values()}
    for view in _appbuilder().baseviews:
        if view.endpoint in in_menu or view.endpoint in result or view.endpoint.startswith("_"):
            continue
        method = getattr(view, "default_view", None)
        if method and has_route(view, method) and view.base_permissions:
            result[view.endpoint] = (page_title(view), view, method, None)
    return result


def explain_page(user, view_name):
    """May ``user`` open the page ``view_name`` (a view's endpoint or permission name, or a menu name),
    what may they do on it, is it in their menu, and which rows does it show them."""
    known = pages()
    if view_name in known:
        title, view, method, menu_entry = known[view_name]
    else:
        view = view_named(view_name)
        if view is None or not getattr(view, "default_view", None):
            raise LookupError(view_name)
        method = view.default_view
        menu_entry = _menu_item_of(view, method)
        title = str(menu_entry[1].label) if menu_entry else page_title(view)
    grants = _Grants(user)
    permissions = []
    for permission in sorted(view.base_permissions or ()):
        roles = grants.granting(permission, view.class_permission_name)
        permissions.append(PermissionLine(permission, permission_label(permission),
                                          bool(roles) and bool(user.is_active), [role_label(r) for r in roles]))
    menu = _menu_verdict(user, grants, *menu_entry) if menu_entry else None
    page = PageAccess(user=summarize_user(user), view=view.endpoint, title=title,
                      opens=_open_verdict(user, grants, view, method, title), menu=menu,
                      permissions=permissions, scope=[])
    model = getattr(getattr(view, "datamodel", None), "obj", None)
    if model is not None and getattr(model, "__scope__", None) is not None:
        page.scope = _scope_rules(user, model)
        page.rows, page.rows_capped = _count_rows(user, model)
    return page


def _count_rows(user, model):
    clause = scope_clause(user, model)
    rows = select(model.id)
    if clause is not None:
        rows = rows.where(clause)
    counted = db.session.execute(select(func.count()).select_from(rows.limit(COUNT_CAP + 1).subquery())).scalar()
    return min(counted, COUNT_CAP), counted > COUNT_CAP


# --- looking up what a staff member asks about -----------------------------------------------------

RECORD_NUMBER = re.compile(r"[0-9]{1,18}")


def find_user(email):
    """The user with this e-mail address (case-insensitive), or None."""
    from app.security.manager import FondsUser

    email = (email or "").strip().lower()
    if not email:
        return None
    return db.session.execute(select(FondsUser).where(func.lower(FondsUser.email) == email)).scalars().first()


def find_record(view, text, asker):
    """(record, "number" or "id") for a number or id typed by ``asker``, or (None, None).

    Only records that exist *and* that the asker may see are found (apply_scope with the asker's own
    scope), so the inspector never tells anyone more than their own pages would: a private row of
    another user (a saved overview) is "not found", just like an id that does not exist."""
    text = (text or "").strip()
    if not RECORD_NUMBER.fullmatch(text):
        return None, None
    value = int(text)
    model = view.datamodel.obj
    visible = apply_scope(select(model), asker, model)
    if "number" in sa_inspect(model).columns:
        row = db.session.execute(visible.where(model.number == value).limit(1)).scalars().first()
        if row is not None:
            return row, "number"
    row = db.session.execute(visible.where(model.id == value).limit(1)).scalars().first()
    return (row, "id") if row is not None else (None, None)
