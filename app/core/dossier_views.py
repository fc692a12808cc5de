"""The dossier page: a record (a company, an employee) with the tabs its domains registered
(app.core.dossier), one page per tab (``?tab=<key>``)."""
from flask import abort, g, redirect, request, url_for
from flask_appbuilder.baseviews import expose as expose_view
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from app.core.dossier import DETAILS, tab_named, tabs_for
from app.core.versioning import VERSION_FIELD
from app.core.views import INTEGER_RANGE, local_next_url
from app.security.scoping import current_actor, restrict


class DossierMixin:
    """A ScopedModelView whose show page is a dossier with tabs (``?tab=<key>``). The Details tab is
    FAB's show widget (fixed data in bold) with the variable data editable in place; every other tab
    is one scoped query, registered by its domain (app.core.dossier). A tab the user may not see, or
    one that does not exist, answers 404."""

    show_template = "dossier/dossier.html"
    inline_columns = ()  # variable fields edited in place on the Details tab

    @expose_view("/show/<pk>")
    @has_access
    def show(self, pk):
        item = self.dossier_item(pk)
        if item is None:
            abort(404)
        user = current_actor()
        tabs = tabs_for(self.datamodel.obj, user)
        tab = tab_named(tabs, request.args.get("tab"))
        if tab is None:
            abort(404)
        g.shown_item = (self.endpoint, item.id, item)  # the breadcrumbs reuse it instead of loading it again
        context = {"tab": tab, "tabs": tabs, "item": item, "rows": None, "widgets": None}
        if tab.key == DETAILS:
            context["inline_form"] = form = self.inline_form(item, self.inline_columns)
            context["widgets"] = self._get_show_widget(item.id, item, show_fieldsets=self._read_only_fieldsets(form))
            context["inline_groups"] = self._inline_groups()
        else:
            if self.audit_views:
                from app.core.audit import record_view

                record_view(self.datamodel.session, item)
            context["rows"] = tab.rows(self.datamodel.session, item, user) if tab.rows else []
            context["links"] = self._allowed_links(tab)
            if tab.context is not None:
                context.update(tab.context(self, item))
        context.update(self.dossier_context(item))
        self.update_redirect()
        return self.render_template(self.show_template, pk=item.id, title=self.show_title,
                                    view=self, **context)

    dossier_options = ()  # loader options for the record itself (its relations on the Details tab)

    def dossier_item(self, pk):
        """The record, in the user's scope, with the relations the Details tab shows loaded at once."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        if not INTEGER_RANGE[0] <= pk <= INTEGER_RANGE[1]:
            return None
        model = self.datamodel.obj
        statement = restrict(select(model).where(model.id == pk), model, current_actor())
        if self.dossier_options:
            statement = statement.options(*self.dossier_options)
        return self.datamodel.session.execute(statement).unique().scalar_one_or_none()

    def _read_only_fieldsets(self, inline_form):
        """The show page's groups, without the fields the in-place form below already shows."""
        if inline_form is None or not self.show_fieldsets:
            return self.show_fieldsets
        edited = set(self.inline_columns)
        kept = [(title, {**spec, "fields": [f for f in spec["fields"] if f not in edited]})
                for title, spec in self.show_fieldsets]
        return [group for group in kept if group[1]["fields"]]

    def _inline_groups(self):
        """The in-place form under the show page's own headings ("Adres voor bedrijfstakvoorlichter")."""
        edited = set(self.inline_columns)
        groups = [(title, [f for f in spec["fields"] if f in edited]) for title, spec in (self.show_fieldsets or [])]
        return [group for group in groups if group[1]] or None

    def dossier_context(self, item):
        """More for the template of a particular dossier (its header's buttons)."""
        return {}

    def may(self, permission, view_name=None):
        return self.appbuilder.sm.has_access(permission, view_name or self.class_permission_name)

    def _allowed_links(self, tab):
        """Endpoint → its show URL without the id (one url_for per endpoint, not per row), or None."""
        endpoints = {column.link[0] for column in tab.columns if column.link}
        return {endpoint: url_for(f"{endpoint}.show", pk=0)[:-1] if self.may("can_show", endpoint) else None
                for endpoint in endpoints}

    def inline_form(self, item, columns):
        """The variable fields as a form posting to this view's edit page (only those fields), or None
        when the user may not edit."""
        if not columns or not self.may("can_edit"):
            return None
        form = self.partial_edit_form(columns).refresh(obj=item)
        form.fonds_only.data = ",".join(columns)
        form.fonds_next.data = request.full_path
        if VERSION_FIELD in form:
            form[VERSION_FIELD].data = item.version
        return form

    def post_edit_redirect(self):
        """Back to the dossier tab the in-place form was posted from."""
        target = local_next_url()
        if target and target.startswith(f"{self.route_base}/show/"):
            return redirect(target)
        return super().post_edit_redirect()
