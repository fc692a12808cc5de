"""The home page (M2): a welcome for the role, with the role's work items as tiles."""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_babel import lazy_gettext as _l

from app.security.roles import ROLE_LABELS


class HomeView(IndexView):
    index_template = "shell/index.html"
    help_text = _l("Dit is de homepagina. Kies links in het menu waar u aan wilt werken. Via Home "
                   "keert u altijd hier terug.")

    @expose("/")
    def index(self):
        if g.user is None or not g.user.is_authenticated:
            return redirect(url_for("FondsAuthDBView.login"))
        roles = [ROLE_LABELS.get(role.name, role.name) for role in g.user.roles]
        return self.render_template(self.index_template, title=_l("Home"), role_labels=roles,
                                    appbuilder=self.appbuilder)
