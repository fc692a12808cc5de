"""A page and the menu: may this user open it, is it in their menu, what may they do there, and which
rows does it show them (explain_page, explain_menu)."""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.security.inspector.answers import COUNT_CAP, MenuLine, PageAccess, PermissionLine, Reason, Verdict
from app.security.inspector.grants import Grants, active_reason, has_route, required_permission, view_named
from app.security.inspector.records import summarize_user
from app.security.inspector.scope import scope_rules
from app.security.inspector.words import permission_label, role_label
from app.security.scoping import restrict


def page_title(view):
    for attribute in ("list_title", "form_title", "title"):
        title = getattr(view, attribute, None)
        if title:
            return str(title)
    entry = _menu_item_of(view, getattr(view, "default_view", None))
    return str(entry[1].label) if entry else view.endpoint


def _menu_items():
    """(category item or None, item) for every entry of the menu, in order."""
    for item in current_app.appbuilder.menu.get_list():
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
    inactive = active_reason(user)
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
    reasons = [r for r in [active_reason(user)] if r]
    allowed = bool(user.is_active)
    for entry in ([category] if category is not None else []) + [item]:
        roles, reason = grants.reason("menu_access", entry.name, str(entry.label))
        reasons.append(reason)
        allowed = allowed and bool(roles)
    return Verdict("menu", _("staat in het menu"), allowed, reasons)


def explain_menu(user):
    """Every menu item: does the user see it in the menu, may they open the page behind it, and why."""
    grants = Grants(user)
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
    for view in current_app.appbuilder.baseviews:
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
    grants = Grants(user)
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
        page.scope = scope_rules(user, model)
        page.rows, page.rows_capped = _count_rows(user, model)
    return page


def _count_rows(user, model):
    rows = restrict(select(model.id), model, user)
    counted = db.session.execute(select(func.count()).select_from(rows.limit(COUNT_CAP + 1).subquery())).scalar()
    return min(counted, COUNT_CAP), counted > COUNT_CAP


