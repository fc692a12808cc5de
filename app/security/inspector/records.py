"""One record: may this user see, change and delete it, and why (explain_access); and finding the
user and the record a staff member asks about."""
import re

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, inspect as sa_inspect, select

from app.core.datamodel import fixed_fields, may_change_fixed_data
from app.extensions import db
from app.security.inspector.answers import FIXED, RECORD_ACTIONS, Access, Reason, RecordNotFound, UserSummary, Verdict
from app.security.inspector.grants import Grants, active_reason, has_route, required_permission, view_for_model
from app.security.inspector.scope import scope_rules, user_scope
from app.security.inspector.words import kind_label, role_label, roles_text
from app.security.manager import FondsUser
from app.security.roles import ALL, MANAGES_FIXED_DATA
from app.security.scoping import DELETE, READ, UPDATE, is_in_scope, restrict

# The page behind each verdict and the scope action it loads its record with (app.core.views).
SCOPE_ACTIONS = {"show": READ, "edit": UPDATE, "delete": DELETE}
SCOPE_WORDS = {READ: lambda: _l("zien"), UPDATE: lambda: _l("wijzigen"), DELETE: lambda: _l("verwijderen")}


def summarize_user(user):
    grants = Grants(user)
    return UserSummary(
        email=user.email, name=user.get_full_name(), active=bool(user.is_active),
        roles=[role_label(role.name) for role in grants.roles],
        scope=user_scope(user),
    )


def _action_label(action, model):
    if action == "show":
        return _("mag zien")
    if action == "edit":
        return _("mag variabele gegevens wijzigen") if fixed_fields(model) else _("mag wijzigen")
    if action == "delete":
        return _("mag verwijderen")
    return _("mag vaste gegevens wijzigen")


def _scope_reason(in_scope, scope, action):
    if in_scope:
        applied = [kind_label(rule.kind) for rule in scope if rule.matches]
        return Reason(_("Het gegeven valt binnen de scope van de gebruiker om te %(action)s (%(rules)s).",
                        action=SCOPE_WORDS[action](), rules=", ".join(applied) or kind_label(ALL)), True)
    return Reason(_("Het gegeven valt buiten de scope van de gebruiker om te %(action)s: de pagina antwoordt 404, "
                    "alsof het niet bestaat.", action=SCOPE_WORDS[action]()), False)


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
    grants = Grants(user)
    page_label = str(getattr(view, "list_title", None) or view.endpoint)
    scope = scope_rules(user, model, READ, record.id)
    inactive = active_reason(user)

    verdicts = []
    for action in RECORD_ACTIONS:
        scope_action = SCOPE_ACTIONS[action]
        in_scope = is_in_scope(db.session, user, model, record.id, scope_action)
        scope_reason = _scope_reason(in_scope, scope if scope_action == READ else
                                     scope_rules(user, model, scope_action, record.id), scope_action)
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
                              fields=fields, roles=roles_text(managers)), True)
        else:
            reason = Reason(_("Vaste gegevens (%(fields)s) beheert het fonds: alleen %(roles)s mogen ze wijzigen; "
                              "deze gebruiker heeft geen van die rollen. Het bewerkscherm toont ze alleen ter "
                              "informatie en de opslaglaag weigert elke wijziging.", fields=fields,
                              roles=", ".join(role_label(r) for r in sorted(MANAGES_FIXED_DATA))), False)
        verdicts.append(Verdict(FIXED, _action_label(FIXED, model), edit.allowed and may_change_fixed_data(user),
                                edit.reasons + [reason], edit.roles, edit.in_scope))

    return Access(user=summarize_user(user), view=view.endpoint, kind_label=str(view.show_title),
                  record_id=record.id, record_label=str(record),
                  in_scope=is_in_scope(db.session, user, model, record.id, READ), scope=scope, verdicts=verdicts)


RECORD_NUMBER = re.compile(r"[0-9]{1,18}")


def find_user(email):
    """The user with this e-mail address (case-insensitive), or None."""
    email = (email or "").strip().lower()
    if not email:
        return None
    return db.session.execute(select(FondsUser).where(func.lower(FondsUser.email) == email)).scalars().first()


def find_record(view, text, asker):
    """(record, "number" or "id") for a number or id typed by ``asker``, or (None, None).

    Only records that exist *and* that the asker may see are found (restrict with the asker's own
    scope), so the inspector never tells anyone more than their own pages would: a private row of
    another user (a saved overview) is "not found", just like an id that does not exist."""
    text = (text or "").strip()
    if not RECORD_NUMBER.fullmatch(text):
        return None, None
    value = int(text)
    model = view.datamodel.obj
    visible = restrict(select(model), model, asker)
    if "number" in sa_inspect(model).columns:
        row = db.session.execute(visible.where(model.number == value).limit(1)).scalars().first()
        if row is not None:
            return row, "number"
    row = db.session.execute(visible.where(model.id == value).limit(1)).scalars().first()
    return (row, "id") if row is not None else (None, None)
