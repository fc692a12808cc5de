"""The search-and-sort bar on a list page (M3–M5), as a mixin of ScopedModelView.

A view declares ``search_fields`` (the first one is the default, "Nummer"), ``active_column`` and
``list_columns`` ('rel.attr' for a related value); everything else — the bar, the chain in the URL,
paging, sorting, CSV/Excel export of the selection, saving the chain as an overview — comes from here.
Rows are always limited by app.security.scoping, exactly as in the rest of the view.
"""
from dataclasses import replace
from urllib.parse import parse_qsl

from flask import abort, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from werkzeug.datastructures import MultiDict

from app.core.export import xlsx_response
from app.core.messages import tell
from app.core.search.chain import Chain, parse_chain, parse_step, REFINE, EXTEND
from app.core.search.fields import OPERATORS
from app.core.search.query import all_rows, fetch_page, where_clauses
from app.security.permissions import SAVED_OVERVIEW_VIEW
from app.security.scoping import current_actor

EXPORT_LIMIT = 100_000
NEW = "new"


class SearchListMixin:
    search_fields = ()
    default_sort = None
    default_descending = False
    active_column = None
    search_list_template = "search/list.html"

    # --- set-up ---------------------------------------------------------------------------------
    # Plain methods, not properties: FAB inspects every attribute of a view when it starts.
    def field_map(self):
        return {f.key: f for f in self.search_fields}

    def sort_key(self):
        return self.default_sort or self.search_fields[0].key

    def current_chain(self, args=None):
        return parse_chain(request.args if args is None else args, self.field_map(), self.sort_key(),
                           self.default_descending)

    def selection_where(self, chain, indexable=True):
        model = self.datamodel.obj
        active = getattr(model, self.active_column) if self.active_column else None
        return where_clauses(chain, self.field_map(), active, indexable)

    def _unindexed_where(self, chain):
        """See query.fetch_page: only SQLite needs it, and only when sorting on something else than a
        text field that is searched."""
        fields = self.field_map()
        searched_text = {s.field for s in chain.steps if fields[s.field].kind == "text"}
        if self.datamodel.session.get_bind().dialect.name != "sqlite" or not searched_text - {chain.sort}:
            return None
        return self.selection_where(chain, indexable=False)

    def list_url(self, chain=None, **changes):
        base = url_for(f"{self.endpoint}.list")
        query = (chain or Chain(sort=self.sort_key(), descending=self.default_descending)).to_args(**changes)
        return f"{base}?{query}" if query else base

    # --- the list page --------------------------------------------------------------------------
    def search_list(self):
        if "nm" in request.args or "bar" in request.args:
            return self._apply_bar()
        chain = self.current_chain()
        for error in chain.errors:
            tell(error, "danger")
        field = self.field_map()[chain.sort]
        page = fetch_page(self.datamodel.session, self.datamodel.obj, current_actor(), self.list_columns,
                          self.selection_where(chain),
                          field.order_by, chain.descending, chain.page, chain.page_size, self._unindexed_where(chain))
        self.update_redirect()
        return self.render_template(self.search_list_template, title=self.list_title, view=self, chain=chain,
                                    page=page, fields=self.search_fields, operators=OPERATORS,
                                    can_show=self._can("can_show"), can_edit=self._can("can_edit"),
                                    can_add=self._can("can_add"), can_export=self._can("can_export_csv"),
                                    can_save=self.appbuilder.sm.has_access("can_save", SAVED_OVERVIEW_VIEW))

    def _apply_bar(self):
        """The bar's form (GET): add a search to the chain, or change Actief/sort; then redirect, so
        the URL always holds the whole chain."""
        args = request.args
        chain = self.current_chain(MultiDict(parse_qsl(args.get("c", ""))))
        chain = replace(chain, active_only=args.get("actief") == "1", page=1)
        if "sort" in args and args["sort"] in self.field_map():
            chain = replace(chain, sort=args["sort"], descending=args.get("dir") == "desc")
        value, mode = args.get("nv", "").strip(), args.get("nm", NEW)
        if value:
            step, error = parse_step(args.get("nf", ""), args.get("no", "eq"), value,
                                     REFINE if mode == NEW else mode, self.field_map())
            if error:
                tell(error, "danger")
            elif mode == NEW or not chain.steps:
                chain = replace(chain, steps=(step,))
            elif mode in (REFINE, EXTEND):
                chain = chain.with_step(step)
        return redirect(self.list_url(chain))

    def check_list_columns(self):
        """Every listed column is a column of the model or 'relation.column': a bare relation would
        silently become a cross join."""
        from sqlalchemy import inspect

        relations = {r.key for r in inspect(self.datamodel.obj).relationships}
        wrong = [c for c in self.list_columns if c in relations]
        if wrong:
            raise TypeError(f"{type(self).__name__}.list_columns: use 'relation.column' for {wrong}")

    def row_class(self, row):
        """Active rows in blue, inactive ones in grey (M6.3.2)."""
        if "active" not in row:
            return ""
        return "fonds-active" if row["active"] else "fonds-inactive"

    def _can(self, permission):
        return self.appbuilder.sm.has_access(permission, self.class_permission_name)

    # --- exports of the current selection -------------------------------------------------------
    def _export_rows(self):
        chain = self.current_chain()
        if chain.errors:
            abort(400)
        field = self.field_map()[chain.sort]
        rows = all_rows(self.datamodel.session, self.datamodel.obj, current_actor(), self.list_columns,
                        self.selection_where(chain),
                        field.order_by, chain.descending, EXPORT_LIMIT)
        headers = [str(self.label_columns.get(c, c)) for c in self.list_columns]
        formatter = self.formatters_columns.get
        return headers, ([formatter(c, _identity)(row[c]) for c in self.list_columns] for row in rows)

    @expose("/export_xlsx/")
    @has_access
    def export_xlsx(self):
        headers, rows = self._export_rows()
        return xlsx_response(f"{self.endpoint.lower()}.xlsx", str(self.list_title), headers, rows)


def _identity(value):
    return value
