"""What every page shows around its content: the two-block menu, breadcrumbs, help text, campaign
banner and partner logos (M2–M3)."""
from flask import current_app, g, request, url_for
from flask_babel import get_locale
from werkzeug.routing import BuildError
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import load_only

from app.core.dossier import rendered_rows
from app.core.formatting import display_value, format_date
from app.extensions import db
from app.shell.models import CampaignBanner, PartnerLogo

_MENU_CACHE = {}

# The lower menu block (M2.1): account functions, always present for a signed-in user.
ACCOUNT_MENU_NAMES = ("Settings", "Contact")


def register_shell(app):
    app.context_processor(_shell_context)
    app.jinja_env.filters["nl_date"] = format_date
    app.jinja_env.globals["nl_value"] = display_value
    app.jinja_env.globals["rendered_rows"] = rendered_rows


def _shell_context():
    if request.endpoint in ("static", "appbuilder.static"):
        return {}
    return {"shell": ShellContext()}


class ShellContext:
    """Computed lazily: a template only pays for what it shows."""

    @property
    def banner(self):
        return db.session.execute(
            select(CampaignBanner).where(CampaignBanner.active.is_(True)).order_by(CampaignBanner.id.desc())
        ).scalars().first()

    @property
    def partner_logos(self):
        return db.session.execute(
            select(PartnerLogo).options(load_only(PartnerLogo.name, PartnerLogo.website, PartnerLogo.image_type))
            .where(PartnerLogo.active.is_(True)).order_by(PartnerLogo.sort_order, PartnerLogo.name)
        ).scalars().all()

    @property
    def menu_html(self):
        """The menu for this user's permissions and language: the same for everyone with the same
        permission set, so it is rendered once and kept (a page otherwise asks for every item's
        access and translates every label). A change of permissions makes a new set, so a new key."""
        from flask import render_template
        from markupsafe import Markup

        permissions = current_app.appbuilder.sm._permission_set(self.user)
        key = (permissions, self.locale, request.script_root)
        html = _MENU_CACHE.get(key)
        if html is None:
            if len(_MENU_CACHE) > 200:  # old permission sets
                _MENU_CACHE.clear()
            html = _MENU_CACHE[key] = Markup(render_template(
                "shell/menu.html", shell=self, appbuilder=current_app.appbuilder))
        return html

    def menu_blocks(self, menu):
        """(work items, account items) visible to the current user, in registration order."""
        work, account = [], []
        for item in menu.get_list():
            (account if item.name in ACCOUNT_MENU_NAMES else work).append(item)
        return work, account

    @property
    def locale(self):
        return str(get_locale())

    @property
    def view(self):
        """The FAB view serving this request (endpoint "CompanyView.show" → the CompanyView)."""
        name = (request.endpoint or "").split(".")[0]
        return next((v for v in current_app.appbuilder.baseviews if v.endpoint == name), None)

    @property
    def help_text(self):
        return getattr(self.view, "help_text", None)

    def breadcrumbs(self, title):
        """Home › list › parent › item (M3.2): every level but the last is a link."""
        home = (HOME_LABEL, url_for("HomeView.index"))
        view = self.view
        if g.get("error_page"):
            return [home, (title, None)] if self.user else [(title, None)]
        if view is None or request.endpoint == "HomeView.index":
            return [home] if self.user else [(title, None)]
        crumbs = [home]
        method = request.endpoint.split(".")[1]
        list_title = getattr(view, "list_title", None)
        if list_title and method != "list" and current_app.appbuilder.sm.has_access("can_list", view.class_permission_name):
            crumbs.append((list_title, _url(f"{view.endpoint}.list")))
        pk = (request.view_args or {}).get("pk")
        item = self._item(view, pk)
        if item is not None:
            crumbs[1:] = self._parent_crumbs(view, item) or crumbs[1:]
            crumbs.append((str(item), _url(f"{view.endpoint}.show", pk=pk) if method != "show" else None))
        crumbs.append((title, None))
        return _without_repeats(crumbs)

    @staticmethod
    def _item(view, pk):
        """The record the page is about: the one the view already loaded (a dossier), else loaded here
        through the view's scope."""
        if pk is None or not hasattr(view, "datamodel"):
            return None
        shown = getattr(g, "shown_item", None)
        if shown is not None and shown[0] == view.endpoint and str(shown[1]) == str(pk):
            return shown[2]
        return view.datamodel.get(pk, view._base_filters)

    def _parent_crumbs(self, view, item):
        parent = getattr(view, "breadcrumb_parent", None)
        if not parent:
            return []
        relation, parent_view_name = parent
        parent_item = getattr(item, relation, None)
        parent_view = next((v for v in current_app.appbuilder.baseviews if v.endpoint == parent_view_name), None)
        if parent_item is None or parent_view is None:
            return []
        if parent_view.datamodel.get(parent_item.id, parent_view._base_filters) is None:
            return []  # the parent lies outside the user's scope: do not reveal it
        return [(parent_view.list_title, url_for(f"{parent_view.endpoint}.list")),
                (str(parent_item), url_for(f"{parent_view.endpoint}.show", pk=parent_item.id))]

    @property
    def user(self):
        user = getattr(g, "user", None)
        return user if user is not None and user.is_authenticated else None


def _url(endpoint, **values):
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _without_repeats(crumbs):
    result = []
    for label, url in crumbs:
        if result and str(result[-1][0]) == str(label):
            continue
        result.append((label, url))
    return result


HOME_LABEL = _l("Home")
