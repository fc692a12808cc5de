"""Refuse unusable input in any form field, query argument or JSON value before a view or validator
sees it, with a Dutch 400 and nothing read or written:

- control characters (NUL first of all): PostgreSQL cannot store a NUL, and FAB's own validators
  (uniqueness checks) query the database with the raw value, which would end in a database error;
- lone surrogates (JSON ``"\\ud800"``): no database driver can encode them;
- JSON (a body, or the API's ``?q=`` argument) nested deeper than any real request: Python's parsers
  and every recursive check after them end in a RecursionError;
- an API ``?q=`` argument that is neither rison nor JSON, or carries a number no column or page
  offset can hold (``(page:10**30)`` would overflow in the database driver).

Every check walks the parsed value iteratively (no recursion), so a deep value cannot crash the check
itself.
"""
import json
import math
import re

import prison
from flask import abort, request
from flask_babel import gettext as _

from app.core.datamodel import CONTROL_CHARACTERS
from app.core.errors import refuse

LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")
MAX_DEPTH = 32  # no request body or rison argument of the portal nests deeper than a few levels
NUMBER_RANGE = (-(2 ** 31), 2 ** 31 - 1)  # PostgreSQL's INTEGER, also ample for a page number


class TooDeep(Exception):
    pass


def _walk(value, max_depth=MAX_DEPTH):
    """Every scalar in ``value`` (dict keys included), without recursion; TooDeep past ``max_depth``."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if depth >= max_depth:
                raise TooDeep
            stack.extend((k, depth + 1) for k in item.keys())
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, (list, tuple)):
            if depth >= max_depth:
                raise TooDeep
            stack.extend((v, depth + 1) for v in item)
        else:
            yield item


def contains_control_characters(value):
    return any(isinstance(s, str) and CONTROL_CHARACTERS.search(s) for s in _walk(value, max_depth=10 ** 6))


def contains_lone_surrogates(value):
    return any(isinstance(s, str) and LONE_SURROGATES.search(s) for s in _walk(value, max_depth=10 ** 6))


def has_unusable_number(value):
    """A number no INTEGER column (or page offset) can hold, or a float that is not finite."""
    for item in _walk(value, max_depth=10 ** 6):
        if isinstance(item, bool):
            continue
        if isinstance(item, int) and not NUMBER_RANGE[0] <= item <= NUMBER_RANGE[1]:
            return True
        if isinstance(item, float) and not math.isfinite(item):
            return True
    return False


def _refuse_too_deep():
    refuse(_("Het verzoek is te diep genest (te veel haakjes in elkaar) en is niet verwerkt. "
             "Er is niets opgeslagen."))


def _checked_depth(value):
    try:
        for _item in _walk(value):
            pass
    except TooDeep:
        _refuse_too_deep()
    return value


def _json_body():
    try:
        document = request.get_json(silent=True)
    except RecursionError:
        _refuse_too_deep()
    return _checked_depth(document)


def _rison_argument(value):
    """The API's ``?q=`` as FAB will read it (rison, else JSON), refused in Dutch where FAB would crash
    or answer in English."""
    try:
        try:
            parsed = prison.loads(value)
        except prison.decoder.ParserException:
            parsed = json.loads(value)
    except RecursionError:
        _refuse_too_deep()
    except Exception:  # noqa: BLE001 — any parser failure is the same refusal
        refuse(_("De zoekopdracht (q) in het adres is geen geldige rison of JSON."))
    _checked_depth(parsed)
    if has_unusable_number(parsed):
        refuse(_("De zoekopdracht (q) in het adres bevat een getal dat te groot of te klein is."))
    return parsed


def register_input_guard(app):
    @app.before_request
    def _refuse_unusable_input():
        values = [*request.args.values(), *request.args.keys()]
        if request.path.startswith("/api/"):
            for argument in request.args.getlist("q"):
                values.append(_rison_argument(argument))
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if request.is_json:
                values.append(_json_body())
            else:
                values.extend(v for _, v in request.form.items(multi=True))
        if contains_lone_surrogates(values):
            refuse(_("De invoer bevat een ongeldig teken (een losse surrogaat-code, geen geldige unicode). "
                     "Er is niets opgeslagen."))
        if contains_control_characters(values):
            abort(400, "control characters")
