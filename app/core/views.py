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
from wtforms import HiddenField
from wtforms.validators import StopValidation
from sqlalchemy import Date, DateTime, Integer, inspect

from app.core.datamodel import (
    SCOPE_FILTER, ConcurrentEdit, DomainError, ScopedSQLAInterface, fixed_fields, may_change_fixed_data,
)
from app.core.dates import DutchDateField, format_date
from app.core.export import csv_response
from app.core.search.view import SearchListMixin
from app.core.versioning import (
    VERSION_FIELD, Versioned, etag, if_match_version, refuse_stale, submitted_version,
)
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


def local_next_url():
    """Where a form asks to go back to (``fonds_next``), if it is a path on this site."""
    target = request.form.get("fonds_next", "") or request.args.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


INTEGER_RANGE = (-(2 ** 31), 2 ** 31 - 1)  # PostgreSQL's INTEGER


def fits_an_integer_column(form, field):
    """First in the chain: FAB's uniqueness check would otherwise query the database with a number
    the column cannot hold (a database error, not a message)."""
    if isinstance(field.data, int) and not INTEGER_RANGE[0] <= field.data <= INTEGER_RANGE[1]:
        raise StopValidation(str(_l("Dit getal is te groot of te klein.")))


def has_oversized_integer(value):
    """Any integer in a JSON document that no INTEGER column could hold (an id of 2**63 would reach
    the database through marshmallow's relation lookup and end in an overflow, not a message)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1]
    if isinstance(value, dict):
        return any(has_oversized_integer(v) for v in value.values())
    if isinstance(value, list):
        return any(has_oversized_integer(v) for v in value)
    return False


def bad_relation_values(model, document):
    """Relation fields whose value is not an id (an integer or null): FAB's schema would look the text
    up by primary key, which PostgreSQL answers with a database error."""
    if not isinstance(document, dict):
        return []

    def is_id(value):
        return value is None or (isinstance(value, int) and not isinstance(value, bool))

    bad = []
    for name in relation_names(model):
        if name in document:
            value = document[name]
            if not (is_id(value) or (isinstance(value, list) and all(is_id(v) for v in value))):
                bad.append(name)
    return bad


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
        self.validators_columns = {name: list(chain) for name, chain in self.validators_columns.items()}
        for column in inspect(model).columns:
            if isinstance(column.type, Integer):
                self.validators_columns[column.key] = [fits_an_integer_column] + self.validators_columns.get(column.key, [])
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
        if issubclass(self.datamodel.obj, Versioned):
            for form_class in (self.edit_form, self.variable_edit_form):
                setattr(form_class, VERSION_FIELD, HiddenField())  # rendered by form.hidden_tag()

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
        if request.method == "GET":
            self.prefill_add_form(form)
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

    prefill_from_args = {}  # add-form field → model: "?company=<id>" opens the form with that row, if in scope

    def prefill_add_form(self, form):
        """Values an add form opens with: the row a link came from ("Nieuwe contactpersoon" on a company's
        tab), only when it lies in the user's scope (the lookup checks it again when the form is posted)."""
        from app.security.scoping import is_in_scope

        for name, model in self.prefill_from_args.items():
            pk = request.args.get(name, type=int)
            if pk and INTEGER_RANGE[0] <= pk <= INTEGER_RANGE[1] and \
                    is_in_scope(self.datamodel.session, current_actor(), model, pk):
                form[name].data = self.datamodel.session.get(model, pk)

    def partial_edit_form(self, columns):
        """A form of only these editable columns (cached), for a dossier's in-place editing."""
        cache = self.__dict__.setdefault("_partial_forms", {})
        key = tuple(columns)
        if key not in cache:
            form_class = self._create_form(list(key), self.edit_form_extra_fields, self.edit_form_query_rel_fields)
            if issubclass(self.datamodel.obj, Versioned):
                setattr(form_class, VERSION_FIELD, HiddenField())
            # Rendered by hidden_tag(): a refused save shows the same partial form, which posts them again.
            form_class.fonds_only = HiddenField(default=",".join(key))
            form_class.fonds_next = HiddenField()
            cache[key] = form_class
        return cache[key]

    def _edit_form_class(self, staff):
        """The full edit form for staff, the variable fields for others; a POST that names its fields
        (``fonds_only``, the in-place forms of a dossier) gets just those of the allowed ones."""
        allowed = self.edit_columns if staff else self.variable_edit_columns
        only = request.form.get("fonds_only", "").split(",") if request.method == "POST" else []
        if only:
            columns = [c for c in allowed if c in only]
            if columns:
                return self.partial_edit_form(columns), columns
        return (self.edit_form if staff else self.variable_edit_form), list(allowed)

    def _edit(self, pk):
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        staff = may_change_fixed_data(current_actor())
        form_class, editable = self._edit_form_class(staff)
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
        if VERSION_FIELD in form:  # the version this form now shows: a stale save is refused
            form[VERSION_FIELD].data = item.version
        hidden = [c for c in self.edit_columns if c not in editable]
        widgets = {"edit": self.edit_widget(form=form, exclude_cols=exclude_cols, fieldsets=self.edit_fieldsets,
                                            include_cols=[c for c in self.edit_columns if c not in hidden])}
        widgets["fixed"] = [(self.label_columns.get(c, c), self._display(item, c)) for c in hidden]
        return self._get_related_views_widgets(item, orders=get_order_args(), pages=get_page_args(),
                                               page_sizes=get_page_size_args(), widgets=widgets)

    def _differences(self, form, item):
        """Field → "Nu opgeslagen: …" for every field where the stored value differs from the input."""
        differences = {}
        for field in form:
            if field.name in (VERSION_FIELD, "csrf_token") or not hasattr(item, field.name):
                continue
            stored = getattr(item, field.name)
            if str(display_value(stored)) != str(display_value(field.data) if field.data is not None else ""):
                differences[field.name] = str(_l("Nu opgeslagen: %(value)s", value=display_value(stored) or "—"))
        return differences

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
            if not is_new and VERSION_FIELD in form:
                refuse_stale(item, submitted_version(form[VERSION_FIELD].data), self._differences(form, item))
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
        abort(404)  # uploads are served only by /bestanden/<token> (app/core/upload_views.py), scoped by owner


def fresh(schema):
    """A new instance of one of FAB's shared marshmallow schemas: loading into an instance keeps state
    on the schema object, so a shared one is not safe when two requests load at the same time."""
    return type(schema)()


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

    def post_headless(self):
        if not request.is_json:
            return self.response_400(message=str(_l("Verwacht JSON.")))
        refusal = self._refuse_unusable_json(request.get_json(silent=True))
        if refusal is not None:
            return refusal
        try:
            item = fresh(self.add_model_schema).load(request.json)
        except ValidationError as err:
            return self.response_422(message=err.messages)
        return self._save(item, is_new=True)

    def get_headless(self, pk, **kwargs):
        """FAB's get, plus an ETag with the record's version for a later If-Match; a read of a personal
        dossier (``audit_views``) is logged."""
        response = super().get_headless(pk, **kwargs)
        if response.status_code == 200:
            item = self.datamodel.get(pk, self._base_filters)
            if isinstance(item, Versioned):
                response.headers["ETag"] = etag(item)
            if self.audit_views:
                from app.core.audit import record_view

                record_view(self.datamodel.session, item)
        return response

    def put_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            return self.response_404()
        if isinstance(item, Versioned) and request.headers.get("If-Match"):
            if if_match_version(request.headers["If-Match"]) != item.version:
                return self.response(412, message=str(_l(
                    "Dit gegeven is gewijzigd sinds u het ophaalde (If-Match klopt niet): haal het opnieuw op.")))
        if not request.is_json:
            return self.response_400(message=str(_l("Verwacht JSON.")))
        refusal = self._refuse_unusable_json(request.get_json(silent=True))
        if refusal is not None:
            return refusal
        try:
            data = self._merge_update_item(item, request.json)
            item = fresh(self.edit_model_schema).load(data, instance=item)
        except ValidationError as err:
            self.datamodel.session.rollback()
            return self.response_422(message=err.messages)
        return self._save(item, is_new=False)

    def _refuse_unusable_json(self, document):
        if has_oversized_integer(document):
            return self.response_422(message=str(_l("Dit getal is te groot of te klein.")))
        bad = bad_relation_values(self.datamodel.obj, document)
        if bad:
            return self.response_422(message={name: [str(_l("Geef het nummer (id) van een bestaand gegeven."))]
                                              for name in bad})
        return None

    def _save(self, item, is_new):
        try:
            (self.pre_add if is_new else self.pre_update)(item)
            (self.datamodel.add if is_new else self.datamodel.edit)(item)
        except OutOfScope:
            return self.response_404()
        except ConcurrentEdit as error:
            return self.response(409, message=error.message)
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
