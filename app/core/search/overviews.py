"""Mijn overzichten: saved search chains per user — save from any list, reopen, rename, delete."""
from flask import abort, current_app, g, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from urllib.parse import parse_qsl

from app.core.clock import now
from app.core.datamodel import DomainError, ScopedSQLAInterface
from app.core.errors import refuse
from app.core.messages import tell
from app.core.search.fields import LowerTextField
from app.core.search.models import SavedOverview
from app.core.views import ScopedModelView


def searchable_view(endpoint):
    """The registered list view with a search bar whose endpoint this is, or None."""
    return next((v for v in current_app.appbuilder.baseviews
                 if v.endpoint == endpoint and getattr(v, "search_fields", None)), None)


class SavedOverviewView(ScopedModelView):
    datamodel = ScopedSQLAInterface(SavedOverview)
    list_title = _l("Mijn overzichten")
    show_title = _l("Overzicht")
    edit_title = _l("Overzicht hernoemen")
    help_text = _l("Zoekopdrachten die u onder een naam heeft bewaard. Klik op een naam om het overzicht "
                   "opnieuw te openen; het toont steeds de actuele gegevens.")
    label_columns = {"name": _l("Naam"), "list_endpoint": _l("Lijst"), "created_at": _l("Bewaard op")}
    list_columns = ["name", "list_endpoint", "created_at"]
    edit_columns = ["name"]
    show_columns = ["name", "list_endpoint", "created_at"]
    search_fields = (LowerTextField("name", _l("Naam"), SavedOverview.name),)
    validators_columns = {}
    exclude_route_methods = {"add"}  # overviews are saved from a list (see save)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.formatters_columns["list_endpoint"] = self._list_title

    @staticmethod
    def _list_title(endpoint):
        view = searchable_view(endpoint)
        return str(view.list_title) if view else endpoint

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """Reopen: the saved chain on its list, within the user's current scope."""
        overview = self.datamodel.get(pk, self._base_filters)
        view = searchable_view(overview.list_endpoint) if overview else None
        if view is None or "\r" in overview.query or "\n" in overview.query:
            abort(404)
        return redirect(f"{url_for(view.endpoint + '.list')}?{overview.query}")

    @expose("/save", methods=["POST"])
    @has_access
    def save(self):
        view = searchable_view(request.form.get("list_endpoint", ""))
        if view is None:
            abort(404)
        query = request.form.get("query", "")[:2000]
        if "\r" in query or "\n" in query:  # it is sent back in a Location header: never a line break
            refuse(_l("Deze zoekopdracht bevat een regeleinde en is niet bewaard."))
        back = f"{url_for(view.endpoint + '.list')}?{query}"
        name = request.form.get("name", "").strip()
        if not name or len(name) > 100:
            tell(_l("Geef het overzicht een naam van 1 tot 100 tekens."), "danger")
            return redirect(back)
        if view.current_chain(MultiDict(parse_qsl(query))).errors:
            tell(_l("Deze zoekopdracht bevat fouten en is niet bewaard."), "danger")
            return redirect(back)
        overview = SavedOverview(user_id=g.user.id, name=name, list_endpoint=view.endpoint, query=query,
                                 created_at=now())
        try:
            self.datamodel.add(overview)
        except DomainError:
            tell(_l("U heeft al een overzicht met de naam “%(name)s”.", name=name), "danger")
            return redirect(back)
        tell(_l("Het overzicht “%(name)s” is bewaard onder Mijn overzichten.", name=name), "success")
        return redirect(back)
