"""Rechtencontrole (issue 6, item 10): may this user see or change this record or open this page,
and why — which role, which scope rule?

Every answer comes from what the app itself enforces, never from a second copy of the rules:

- page permissions: the user's roles as stored in the database (synced from roles.py) through FAB's
  security manager (``get_user_roles``, ``get_role_permissions``: the tables ``has_access`` reads),
  and the view's own declaration (its routes, ``base_permissions`` and the permission name FAB
  derives for each method);
- rows: app.security.scoping. Whether a record lies in the user's scope for an action is asked of the
  database with ``restrict``, the filter every page applies; the explanation lists the ``Reach`` items
  of ``scope_explanation`` — the very objects ``scope_clause`` combines — and asks the database with
  each one's own clause;
- fixed data: ``may_change_fixed_data`` and ``fixed_fields`` of the data layer.

The parts: ``answers`` (what an answer holds), ``words`` (how users, roles, kinds and records are
named), ``grants`` (pages and the permissions of the user's roles), ``scope`` (which rows, and why),
``records`` (one record: explain_access), ``pages`` (a page and the menu: explain_page, explain_menu).

Plain Python, usable without HTTP: ``explain_access(user, model, record_id)``,
``explain_page(user, view_name)`` and ``explain_menu(user)``. The texts are Dutch (translated with
flask_babel when a request asks for English).
"""
from app.security.inspector.answers import FIXED, RECORD_ACTIONS, RecordNotFound  # noqa: F401
from app.security.inspector.grants import record_views  # noqa: F401
from app.security.inspector.pages import explain_menu, explain_page, pages  # noqa: F401
from app.security.inspector.records import (  # noqa: F401
    RECORD_NUMBER, explain_access, find_record, find_user, summarize_user,
)
