"""ScopedModelView: FAB's CRUD pages with the portal's rules (the REST API's twin is app.core.api).

Every domain view subclasses it and declares only columns and labels. The base class:
- limits every list, show, edit, delete and action to what the user may do there (app.security.scoping:
  read for list and show, update for edit and actions, delete for delete) and every relation dropdown
  and ``?_flt_`` pre-fill to what the user may read;
- loads actions' rows through the scope (stock FAB loads them unfiltered) and refuses downloads of
  arbitrary uploaded files (stock FAB serves any file in UPLOAD_FOLDER);
- writes through app.core.datamodel, so the domain's operations and state machine run, and a row
  outside the scope, a changed fixed field, a NUL byte or an over-long text is refused with a Dutch
  message and nothing is saved;
- shows and accepts dates as dd-mm-jjjj;
- shows staff a record's changes ("Wijzigingen", app.core.audit) and its status history, and, with
  ``audit_views``, logs every opening of a personal dossier.
"""
from flask import abort, current_app, redirect, request
from flask_appbuilder import MasterDetailView, ModelView
from flask_appbuilder.baseviews import expose as expose_view
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import StopValidation
from sqlalchemy import Date, DateTime, Integer, inspect, select

from app.core.datamodel import (
    SCOPE_FILTER, DomainError, ScopedSQLAInterface, fixed_fields, may_change_fixed_data, write_filters,
)
from app.core.errors import refuse
from app.core.export import csv_response
from app.core.fields import DutchDateField, with_column_lengths
from app.core.formatting import display_value
from app.core.messages import tell
from app.core.redirects import local_path
from app.core.search.view import SearchListMixin
from app.core.versioning import VERSION_FIELD, Versioned, refuse_stale, submitted_version
from app.security.scoping import DELETE, READ, UPDATE, OutOfScope, current_actor, is_in_scope, restrict


INTEGER_RANGE = (-(2 ** 31), 2 ** 31 - 1)  # PostgreSQL's INTEGER


def _as_key(value):
    try:
        key = int(value)
    except (TypeError, ValueError):
        return None
    return key if INTEGER_RANGE[0] <= key <= INTEGER_RANGE[1] else None


def apply_filter_args(filters):
    """FAB's ``?_flt_<n>_<column>=`` arguments on ``filters``; an ``n`` beyond that column's filter list
    (an IndexError in FAB) is a Dutch 400."""
    try:
        get_filter_args(filters, disallow_if_not_in_search=False)
    except IndexError:
        filters.clear_filters()
        refuse(_l("Het adres bevat een filter (_flt_) dat niet bestaat. Er is niets opgeslagen."))


def local_next_url():
    """Where a form asks to go back to (``fonds_next``, ``?next=``), if it is a path on this site."""
    return local_path(request.form.get("fonds_next", "") or request.args.get("next", ""))


def fits_an_integer_column(form, field):
    """First in the chain: FAB's uniqueness check would otherwise query the database with a number
    the column cannot hold (a database error, not a message)."""
    if isinstance(field.data, int) and not INTEGER_RANGE[0] <= field.data <= INTEGER_RANGE[1]:
        raise StopValidation(str(_l("Dit getal is te groot of te klein.")))


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
    action_moves = {}  # action name → the state it moves a record to: offered only when the machine allows

    add_row_message = _l("Het gegeven is toegevoegd.")
    edit_row_message = _l("De wijzigingen zijn opgeslagen.")
    delete_row_message = _l("Het gegeven is verwijderd.")

    def __init__(self, **kwargs):
        model = self.datamodel.obj
        own_filters = list(self.base_filters or [])
        self.base_filters = [SCOPE_FILTER] + own_filters
        self._write_filters = write_filters(self.datamodel, own_filters)
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
        self.validators_columns = with_column_lengths(model, self.validators_columns,
                                                      set(self.add_columns) | set(self.edit_columns))
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

    def _item_for(self, action, pk):
        """The record ``pk`` if the user may ``action`` it, else None (a 404 for the caller)."""
        filters = self._base_filters if action == READ else self._write_filters[action]
        return self.datamodel.get(self._deserialize_pk_if_composite(pk), filters)

    def _fill_form_exclude_cols(self, exclude_cols, form):
        """FAB fills a form field from ``?_flt_<n>_<relation>=<id>`` with the related row loaded
        unscoped; here only a row the user may read, and any other id is a 404."""
        for name in exclude_cols:
            related = self.datamodel.get_related_model(name)
            value = self._filters.get_filter_value(name)
            if isinstance(value, list):  # FAB keeps the values of an argument as a list
                value = value[0] if len(value) == 1 else None
            row = self.datamodel.session.execute(restrict(
                select(related).where(related.id == _as_key(value)), related, current_actor(), READ)).scalar_one_or_none()
            if row is None:
                abort(404)
            if hasattr(form, name):
                getattr(form, name).data = row

    # --- add / edit: refusals re-render the form with the user's input and a Dutch message -----
    def _add(self):
        apply_filter_args(self._filters)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        if request.method == "GET":
            self.prefill_add_form(form)
        self._fill_form_exclude_cols(exclude_cols, form)
        if request.method == "POST":
            if form.validate():
                self.process_form(form, True)
                item = self.datamodel.obj()
                if self._save(form, item, is_new=True):
                    tell(self.add_row_message, "success")
                    return None
            else:
                tell(_l("Controleer de gemarkeerde velden."), "danger")
        else:
            self.update_redirect()
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    prefill_from_args = {}  # add-form field → model: "?company=<id>" opens the form with that row, if in scope

    def prefill_add_form(self, form):
        """Values an add form opens with: the row a link came from ("Nieuwe contactpersoon" on a company's
        tab), only when it lies in the user's scope (the lookup checks it again when the form is posted)."""
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
        apply_filter_args(self._filters)
        exclude_cols = self._filters.get_relation_cols()
        item = self._item_for(UPDATE, pk)
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
                    tell(self.edit_row_message, "success")
                    return None
            else:
                tell(_l("Controleer de gemarkeerde velden."), "danger")
        else:
            form = form_class.refresh(obj=item)
            self.prefill_form(form, pk)
            self.update_redirect()
        self._offer_moves(form, item)
        if VERSION_FIELD in form:  # the version this form now shows: a stale save is refused
            form[VERSION_FIELD].data = item.version
        hidden = [c for c in self.edit_columns if c not in editable]
        widgets = {"edit": self.edit_widget(form=form, exclude_cols=exclude_cols, fieldsets=self.edit_fieldsets,
                                            include_cols=[c for c in self.edit_columns if c not in hidden])}
        widgets["fixed"] = [(self.label_columns.get(c, c), self._display(item, c)) for c in hidden]
        return self._get_related_views_widgets(item, orders=get_order_args(), pages=get_page_args(),
                                               page_sizes=get_page_size_args(), widgets=widgets)

    def actions_for(self, item):
        """The record's action buttons: an action that moves it to another state only where its state
        machine allows this user that move now."""
        machine = getattr(self.datamodel.obj, "__states__", None)
        if machine is None:
            return self.actions
        user = current_actor()
        return {name: action for name, action in self.actions.items()
                if name not in self.action_moves or machine.may(item, self.action_moves[name], user)}

    def _offer_moves(self, form, item):
        """A state field offers the current state and the moves the machine allows this user; what is
        posted is decided by the machine all the same (app.core.states)."""
        machine = getattr(self.datamodel.obj, "__states__", None)
        if machine is None or machine.column not in form:
            return
        current = machine.state_of(item)
        form[machine.column].choices = [(state.value, state.title)
                                        for state in (current, *machine.targets(item, current_actor()))]

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
        from app.core.audit_view import history, may_read_audit_log, status_history

        widgets = super()._get_show_widget(pk, item, widgets, actions, show_fieldsets)
        widgets["show"].template_args["actions"] = self.actions_for(item)
        widgets["show"].template_args["fixed_columns"] = fixed_fields(self.datamodel.obj)
        if getattr(self.datamodel.obj, "__states__", None) is not None:
            widgets["show"].template_args["status_history"] = status_history(item)
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
            (self.datamodel.add if is_new else self.datamodel.edit)(item)
        except OutOfScope:
            self.datamodel.session.rollback()
            abort(404)
        except DomainError as error:
            self.datamodel.session.rollback()
            for name, message in error.errors.items():
                if name in form:
                    form[name].errors = list(form[name].errors or []) + [message]
            tell(error.message, "danger")
            return False
        (self.post_add if is_new else self.post_update)(item)
        return True

    def _delete(self, pk):
        item = self._item_for(DELETE, pk)
        if not item:
            abort(404)
        try:
            self.datamodel.delete(item)
        except DomainError as error:
            tell(error.message, "danger")
        else:
            self.post_delete(item)
            tell(self.delete_row_message, "success")
        self.update_redirect()

    # --- FAB holes: actions load rows unfiltered; download serves any uploaded file -------------
    def _scoped_item(self, pk):
        """An action changes its row: the row must be one the user may update."""
        item = self._item_for(UPDATE, pk)
        if item is None:
            abort(404)
        return item

    def perform(self, operation, item, success_message):
        """Run a domain operation on ``item`` as an action (flash the outcome, back to where the user
        came from); a row outside the scope is a 404."""
        try:
            self.datamodel.perform(operation, item)
        except OutOfScope:
            abort(404)
        except DomainError as error:
            tell(error.message, "danger")
        else:
            tell(success_message, "success")
        return redirect(local_next_url() or self.get_redirect())

    @expose_view("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        if name not in self.actions:
            abort(404)
        self._scoped_item(pk)
        return super().action(name, pk)

    @expose_view("/action_post", methods=["POST"])
    def action_post(self):
        action = self.actions.get(request.form.get("action"))
        if action is None:
            abort(404)
        for pk in request.form.getlist("rowid"):
            self._scoped_item(pk)
        if not action.multiple:
            # FAB offers a single-row action only on a record (/action/<name>/<pk>), and calls it with one
            # item; action_post would hand it a list.
            refuse(_l("De handeling “%(action)s” werkt op één gegeven tegelijk: kies die op de pagina van "
                      "het gegeven. Er is niets gewijzigd.", action=action.text))
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




def record_view(model, name, *, titles, help_text, labels, columns, list_columns, search_fields,
                fields=None, formatters=None, validators=None, breadcrumb_parent=None):
    """The records staff keep behind a dossier tab share one shape: listed with the search bar, added
    and changed by staff, read by the others within their scope. ``titles``: (list, show, add, edit)."""
    return type(name, (ScopedModelView,), {
        "datamodel": ScopedSQLAInterface(model), "breadcrumb_parent": breadcrumb_parent,
        "list_title": titles[0], "show_title": titles[1], "add_title": titles[2], "edit_title": titles[3],
        "help_text": help_text, "label_columns": labels, "list_columns": list_columns,
        "show_columns": columns, "add_columns": columns, "edit_columns": columns, "search_fields": search_fields,
        "add_form_extra_fields": fields or {}, "edit_form_extra_fields": fields or {},
        "formatters_columns": formatters or {}, "validators_columns": validators or {},
    })
