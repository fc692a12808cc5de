"""ScopedModelRestApi: FAB's REST API with the same scope, operations and Dutch refusals as the pages.

get and _info read within the user's read scope, put within the update scope, delete within the
delete scope; post and put write through app.core.datamodel (the domain's operations, the state
machine, the scope for the write), and a record outside the scope is a 404 on every path.
"""
from decimal import Decimal, InvalidOperation

from flask import request
from flask_appbuilder import ModelRestApi
from flask_appbuilder.const import API_RESULT_RES_KEY
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, inspect

from app.core.datamodel import SCOPE_FILTER, ConcurrentEdit, DomainError, write_filters
from app.core.errors import refuse
from app.core.versioning import Versioned, etag, if_match_version
from app.core.views import INTEGER_RANGE, relation_names, scoped_relation_filters
from app.security.scoping import DELETE, READ, UPDATE, OutOfScope, current_actor, is_in_scope


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


def unusable_filter_values(model, filters):
    """The first Dutch refusal for a ``?q=(filters:…)`` value FAB would hand the database as it is (and
    the database would answer with an error, not a message), or None. FAB converts a filter value only
    loosely: text to int for an integer column (unbounded), "y" to True for a boolean (anything else
    raw), and nothing for text or numeric columns; "in" iterates its value. Numbers for a text column
    are made text here (as a form would send them)."""
    relations = set(relation_names(model))
    columns = {column.key: column for column in inspect(model).columns}
    for item in filters if isinstance(filters, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("col"), str):
            continue
        name, value, many = item["col"], item.get("value"), item.get("opr") in ("in", "not_in")
        column = columns.get(name)
        if name not in relations and column is None:
            continue  # not a column: FAB refuses or ignores it
        if many != isinstance(value, list):
            return _l("De zoekopdracht (q) in het adres bevat een waarde die niet bij het veld “%(column)s” past.",
                      column=name)
        candidates = value if many else [value]
        for index, candidate in enumerate(candidates):
            refusal = _unusable_filter_value(name, column, name in relations, candidate)
            if refusal is AS_TEXT:
                candidates[index] = str(candidate)
            elif refusal is not None:
                return refusal
        if not many:
            item["value"] = candidates[0]
    return None


AS_TEXT = object()  # a number for a text column: compared as text


def _unusable_filter_value(name, column, is_relation, value):
    wrong = _l("De zoekopdracht (q) in het adres bevat een waarde die niet bij het veld “%(column)s” past.",
               column=name)
    out_of_range = _l("De zoekopdracht (q) in het adres bevat een getal dat te groot of te klein is.")
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return wrong
    kind = None if is_relation else column.type
    if is_relation or isinstance(kind, Integer):
        if isinstance(value, bool):
            return wrong
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            return wrong if is_relation else None  # FAB makes it None for an integer column
        return None if INTEGER_RANGE[0] <= number <= INTEGER_RANGE[1] else out_of_range
    if isinstance(kind, Boolean):
        return None if isinstance(value, bool) or value == "y" else wrong
    if isinstance(kind, Numeric):
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return wrong
        return None if number.is_finite() and not isinstance(value, bool) else wrong
    if isinstance(kind, (Date, DateTime)):
        return None  # FAB parses it, and makes it None if it cannot
    if isinstance(value, (int, float)):
        return AS_TEXT
    return None


def unreachable_relations(session, model, document):
    """Relation fields naming an id the user may not read, or that does not exist: the same thing to
    the client (a foreign company must not be told apart from a missing one)."""
    user = current_actor()
    mapper = inspect(model)
    unreachable = []
    for name in relation_names(model):
        value = document.get(name) if isinstance(document, dict) else None
        ids = value if isinstance(value, list) else [value]
        related = mapper.relationships[name].mapper.class_
        if getattr(related, "__scope__", None) is None:
            continue
        if any(isinstance(pk, int) and not is_in_scope(session, user, related, pk, READ) for pk in ids):
            unreachable.append(name)
    return unreachable


def fresh(schema):
    """A new instance of one of FAB's shared marshmallow schemas: loading into an instance keeps state
    on the schema object, so a shared one is not safe when two requests load at the same time."""
    return type(schema)()



class ScopedModelRestApi(ModelRestApi):
    """FAB's REST API with the same scope, validation and Dutch refusals as the pages."""

    allow_browser_login = False  # token only: a cookie must never authorise a write (CSRF)
    audit_views = False  # personal dossiers: every record read writes a "view" audit row

    def __init__(self):
        model = self.datamodel.obj
        own_filters = list(self.base_filters or [])
        self.base_filters = [SCOPE_FILTER] + own_filters
        self.add_query_rel_fields = scoped_relation_filters(model, self.add_query_rel_fields)
        self.edit_query_rel_fields = scoped_relation_filters(model, self.edit_query_rel_fields)
        super().__init__()
        self._write_filters = write_filters(self.datamodel, own_filters)

    def _handle_filters_args(self, rison_args):
        refusal = unusable_filter_values(self.datamodel.obj, rison_args.get("filters", []))
        if refusal is not None:
            refuse(refusal)
        return super()._handle_filters_args(rison_args)

    def _sanitize_page_args(self, page, page_size):
        """A negative page would be a negative OFFSET (PostgreSQL refuses it with a database error)."""
        if isinstance(page, (int, float)) and not isinstance(page, bool) and page < 0:
            refuse(_l("De zoekopdracht (q) in het adres kan niet worden uitgevoerd: het paginanummer moet 0 "
                      "of hoger zijn."))
        return super()._sanitize_page_args(page, page_size)

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
        item = self.datamodel.get(pk, self._write_filters[UPDATE])
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
        if unreachable_relations(self.datamodel.session, self.datamodel.obj, document):
            return self.response_404()  # one answer for a row outside the scope and one that does not exist
        return None

    def _save(self, item, is_new):
        try:
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
        item = self.datamodel.get(pk, self._write_filters[DELETE])
        if not item:
            return self.response_404()
        try:
            self.datamodel.delete(item)
        except OutOfScope:
            return self.response_404()
        except DomainError as error:
            return self.response_422(message=error.message)
        self.post_delete(item)
        return self.response(200, message="OK")
