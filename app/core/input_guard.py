"""Refuse control characters (NUL first of all) in any form field, query argument or JSON value
before a view or validator sees them. PostgreSQL cannot store a NUL, and FAB's own validators
(uniqueness checks) query the database with the raw value, which would end in a database error."""
from flask import abort, request

from app.core.datamodel import CONTROL_CHARACTERS


def contains_control_characters(value):
    if isinstance(value, str):
        return bool(CONTROL_CHARACTERS.search(value))
    if isinstance(value, dict):
        return any(contains_control_characters(k) or contains_control_characters(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(contains_control_characters(v) for v in value)
    return False


def register_input_guard(app):
    @app.before_request
    def _refuse_control_characters():
        values = [*request.args.values(), *request.args.keys()]
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if request.is_json:
                values.append(request.get_json(silent=True))
            else:
                values.extend(v for _, v in request.form.items(multi=True))
        if contains_control_characters(values):
            abort(400, "control characters")
