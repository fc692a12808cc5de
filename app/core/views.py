"""ScopedModelView and ScopedModelRestApi: FAB's CRUD view and REST API with the portal's rules.

Every domain view subclasses these and declares only columns and labels. The base classes:
- add the scope filter (app.security.scoping) to every list, show, edit, delete and API call;
- scope every relation dropdown and the API's _info, so no foreign row is offered;
- load actions' rows through the scope (stock FAB loads them unfiltered) and refuse downloads of
  arbitrary uploaded files (stock FAB serves any file in UPLOAD_FOLDER);
- write through ScopedSQLAInterface, so a new or edited row outside the scope, a changed fixed
  field, a NUL byte or an over-long text is refused with a Dutch message and nothing is saved;
- show and accept dates as dd-mm-jjjj;
- show staff a record's changes ("Wijzigingen", app.core.audit) and, with ``audit_views``, log
  every opening of a personal dossier.
"""
import datetime as dt

from flask import abort, current_app, flash, redirect, request
from flask_appbuilder import MasterDetailView, ModelRestApi, ModelView
from flask_appbuilder.baseviews import expose as expose_view
from flask_appbuilder.const import API_RESULT_RES_KEY
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import Date, DateTime, inspect

from app.core.datamodel import (
    SCOPE_FILTER, DomainError, ScopedSQLAInterface, fixed_fields, may_change_fixed_data,
)
from app.core.dates import DutchDateField, format_date
from app.core.export import csv_response
from app.core.search.view import SearchListMixin
from app.security.scoping import OutOfScope, current_actor


def display_value(value):
    """How a value reads on a page or in an export: dates dd-mm-jjjj, Ja/Nee, nothing for empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_l("Ja") if value else _l("Nee"))
    if isinstance(value, (dt.date, dt.datetime)):
        return format_date(value)
    return value


def relation_names(model):
    return [rel.key for rel in inspect(model).relationships]


def scoped_relation_filters(model, declared):
    """Every relation dropdown of ``model`` limited to the user's scope, unless a view declares more."""
    filters = {name: [SCOPE_FILTER] for name in relation_names(model)}
    for name, extra in (declared or {}).items():
        filters[name] = [SCOPE_FILTER] + list(extra)
    return filters


class ScopedModelView(SearchListMixin, ModelView):
    edit_template = "shell/edit.html"
    help_text = None  # shown behind the help button of every page (Inleiding, point 2)
    breadcrumb_parent = None  # (label, endpoint) of the level above this list, if any
    audit_views = False  # personal dossiers: every opened show page writes a "view" audit row

    add_row_message = _l("Het gegeven is toegevoegd.")
    edit_row_message = _l("De wijzigingen zijn opgeslagen.")
    delete_row_message = _l("Het gegeven is verwijderd.")

    def __init__(self, **kwargs):
        model = self.datamodel.obj
        self.base_filters = [SCOPE_FILTER] + list(self.base_filters or [])
        self.add_form_query_rel_fields = scoped_relation_filters(model, self.add_form_query_rel_fields)
        self.edit_form_query_rel_fields = scoped_relation_filters(model, self.edit_form_query_rel_fields)
        self.search_form_query_rel_fields = scoped_relation_filters(model, self.search_form_query_rel_fields)
        self.page_size = current_app.config.get("PAGE_SIZE", self.page_size)
        super().__init__(**kwargs)
        self.check_list_columns()

    def _init_properties(self):
        super()._init_properties()
        model = self.datamodel.obj
        self.formatters_columns = dict(self.formatters_columns)
        self.add_form_extra_fields = dict(self.add_form_extra_fields)
        self.edit_form_extra_fields = dict(self.edit_form_extra_fields)
        for name in set(self.list_columns) | set(self.show_columns):
            self.formatters_columns.setdefault(name, display_value)
        for column in inspect(model).columns:
            if isinstance(column.type, Date) and not isinstance(column.type, DateTime):
                label = self.label_columns.get(column.key, column.key)
                description = self.description_columns.get(column.key, "")
                for columns, extra in ((self.add_columns, self.add_form_extra_fields),
                                       (self.edit_columns, self.edit_form_extra_fields)):
                    if column.key in columns:
                        extra.setdefault(column.key, DutchDateField(
                            label, validators=self.validators_columns.get(column.key, []),
                            description=description))

    def _init_forms(self):
        super()._init_forms()
        variable = [c for c in self.edit_columns if c not in fixed_fields(self.datamodel.obj)]
        self.variable_edit_columns = variable
        self.variable_edit_form = self._create_form(variable, self.edit_form_extra_fields,
                                                    self.edit_form_query_rel_fields)

    def _create_form(self, columns, extra_fields, rel_fields):
        from flask_appbuilder.forms import GeneralModelConverter

        return GeneralModelConverter(self.datamodel).create_form(
            self.label_columns, columns, self.description_columns, self.validators_columns,
            {k: v for k, v in extra_fields.items() if k in columns}, rel_fields)

    # --- add / edit: refusals re-render the form with the user's input and a Dutch message -----
    def _add(self):
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        if request.method == "POST":
            self._fill_form_exclude_cols(exclude_cols, form)
            if form.validate():
                self.process_form(form, True)
                item = self.datamodel.obj()
                if self._save(form, item, is_new=True):
                    flash(self.add_row_message, "success")
                    return None
            else:
                flash(_l("Controleer de gemarkeerde velden."), "danger")
        else:
            self.update_redirect()
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    def _edit(self, pk):
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        staff = may_change_fixed_data(current_actor())
        form_class = self.edit_form if staff else self.variable_edit_form
        if request.method == "POST":
            form = form_class.refresh(request.form)
            self._fill_form_exclude_cols(exclude_cols, form)
            form._id = pk
            if form.validate():
                self.process_form(form, False)
                if self._save(form, item, is_new=False):
                    flash(self.edit_row_message, "success")
                    return None
            else:
                flash(_l("Controleer de gemarkeerde velden."), "danger")
        else:
            form = form_class.refresh(obj=item)
            self.prefill_form(form, pk)
            self.update_redirect()
        hidden = [] if staff else [c for c in self.edit_columns if c not in self.variable_edit_columns]
        widgets = {"edit": self.edit_widget(form=form, exclude_cols=exclude_cols, fieldsets=self.edit_fieldsets,
                                            include_cols=[c for c in self.edit_columns if c not in hidden])}
        widgets["fixed"] = [(self.label_columns.get(c, c), self._display(item, c)) for c in hidden]
        return self._get_related_views_widgets(item, orders=get_order_args(), pages=get_page_args(),
                                               page_sizes=get_page_size_args(), widgets=widgets)

    def _display(self, item, column):
        return self.formatters_columns.get(column, display_value)(getattr(item, column, None))

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        from app.core.audit import audit_spec, record_view
        from app.core.audit_view import history, may_read_audit_log

        widgets = super()._get_show_widget(pk, item, widgets, actions, show_fieldsets)
        widgets["show"].template_args["fixed_columns"] = fixed_fields(self.datamodel.obj)
        if audit_spec(self.datamodel.obj) is not None and may_read_audit_log():
            widgets["show"].template_args["history"] = history(self.datamodel.session, item, self)
        if self.audit_views:
            record_view(self.datamodel.session, item)
        return widgets

    def _save(self, form, item, is_new):
        try:
            form.populate_obj(item)
            (self.pre_add if is_new else self.pre_update)(item)
            (self.datamodel.add if is_new else self.datamodel.edit)(item)
        except OutOfScope:
            self.datamodel.session.rollback()
            abort(404)
        except DomainError as error:
            self.datamodel.session.rollback()
            for name, message in error.errors.items():
                if name in form:
                    form[name].errors = list(form[name].errors or []) + [message]
            flash(error.message, "danger")
            return False
        (self.post_add if is_new else self.post_update)(item)
        return True

    def _delete(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        try:
            self.pre_delete(item)
            self.datamodel.delete(item)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            self.post_delete(item)
            flash(self.delete_row_message, "success")
        self.update_redirect()

    # --- FAB holes: actions load rows unfiltered; download serves any uploaded file -------------
    def _scoped_item(self, pk):
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        return item

    @expose_view("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        if name not in self.actions:
            abort(404)
        self._scoped_item(pk)
        return super().action(name, pk)

    @expose_view("/action_post", methods=["POST"])
    def action_post(self):
        if request.form.get("action") not in self.actions:
            abort(404)
        for pk in request.form.getlist("rowid"):
            self._scoped_item(pk)
        return super().action_post()

    @expose_view("/list/")
    @has_access
    def list(self):
        return self.search_list()

    @expose_view("/export_csv/")
    @has_access
    def export_csv(self):
        """The current selection (the chain, Actief and sort of the list) as CSV with Dutch headers."""
        headers, rows = self._export_rows()
        return csv_response(f"{self.endpoint.lower()}.csv", headers, rows)

    @expose_view("/download/<string:filename>")
    def download(self, filename):
        abort(404)  # uploads are served only through the scoped download of their own module


class ScopedMasterDetailView(MasterDetailView):
    """FAB's master/detail list with the master row loaded through the scope (stock FAB does not)."""

    def __init__(self, **kwargs):
        self.base_filters = [SCOPE_FILTER] + list(self.base_filters or [])
        super().__init__(**kwargs)

    @expose_view("/list/")
    @expose_view("/list/<pk>")
    @has_access
    def list(self, pk=None):
        if pk is not None and self.datamodel.get(pk, self._base_filters) is None:
            abort(404)
        return super().list(pk)


class ScopedModelRestApi(ModelRestApi):
    """FAB's REST API with the same scope, validation and Dutch refusals as the pages."""

    allow_browser_login = False  # token only: a cookie must never authorise a write (CSRF)
    audit_views = False  # personal dossiers: every record read writes a "view" audit row

    def __init__(self):
        model = self.datamodel.obj
        self.base_filters = [SCOPE_FILTER] + list(self.base_filters or [])
        self.add_query_rel_fields = scoped_relation_filters(model, self.add_query_rel_fields)
        self.edit_query_rel_fields = scoped_relation_filters(model, self.edit_query_rel_fields)
        super().__init__()

    def get_headless(self, pk, **kwargs):
        """FAB's get; a read of a personal dossier (``audit_views``) is logged."""
        response = super().get_headless(pk, **kwargs)
        if response.status_code == 200 and self.audit_views:
            from app.core.audit import record_view

            record_view(self.datamodel.session, self.datamodel.get(pk, self._base_filters))
        return response

    def post_headless(self):
        if not request.is_json:
            return self.response_400(message=str(_l("Verwacht JSON.")))
        try:
            item = self.add_model_schema.load(request.json)
        except ValidationError as err:
            return self.response_422(message=err.messages)
        return self._save(item, is_new=True)

    def put_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            return self.response_404()
        if not request.is_json:
            return self.response_400(message=str(_l("Verwacht JSON.")))
        try:
            data = self._merge_update_item(item, request.json)
            item = self.edit_model_schema.load(data, instance=item)
        except ValidationError as err:
            self.datamodel.session.rollback()
            return self.response_422(message=err.messages)
        return self._save(item, is_new=False)

    def _save(self, item, is_new):
        try:
            (self.pre_add if is_new else self.pre_update)(item)
            (self.datamodel.add if is_new else self.datamodel.edit)(item)
        except OutOfScope:
            return self.response_404()
        except DomainError as error:
            return self.response_422(message=error.errors or error.message)
        (self.post_add if is_new else self.post_update)(item)
        schema = self.add_model_schema if is_new else self.edit_model_schema
        body = {API_RESULT_RES_KEY: schema.dump(item, many=False)}
        if is_new:
            body["id"] = item.id
            return self.response(201, **body)
        return self.response(200, **body)

    def delete_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            return self.response_404()
        try:
            self.pre_delete(item)
            self.datamodel.delete(item)
        except DomainError as error:
            return self.response_422(message=error.message)
        self.post_delete(item)
        return self.response(200, message="OK")
