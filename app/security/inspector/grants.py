"""The pages and the permissions of the user's roles, read through FAB's security manager (the tables
``has_access`` reads) and the views' own declarations."""
from flask import current_app
from flask_babel import gettext as _

from app.security.inspector.answers import Reason
from app.security.inspector.words import kind_label, permission_label, role_label, roles_text
from app.security.scoping import SCOPE_KINDS, kind_model


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


class Grants:
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
                                   roles=roles_text(roles), **values), True)
        if not self.roles:
            return roles, Reason(_("Recht “%(permission)s” (%(code)s) op %(page)s: deze gebruiker heeft geen "
                                   "rol; de pagina antwoordt 403.", **values), False)
        return roles, Reason(_("Recht “%(permission)s” (%(code)s) op %(page)s: geen van de rollen van deze "
                               "gebruiker (%(roles)s) geeft dit recht; de pagina antwoordt 403.",
                               roles=", ".join(role_label(r.name) for r in self.roles), **values), False)


def active_reason(user):
    if user.is_active:
        return None
    return Reason(_("Het account is niet actief: deze gebruiker kan niet inloggen."), False)


def model_label(model):
    """"bedrijf", or the title of the model's page ("Contactpersonen")."""
    for kind in SCOPE_KINDS:
        if model is kind_model(kind):
            return kind_label(kind)
    view = view_for_model(model)
    return str(view.show_title) if view is not None else model.__name__
