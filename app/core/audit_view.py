"""Reading the audit trail: "Logboek" (a read-only list for staff) and "Wijzigingen" (a record's
history on its show page). Rows are written by app.core.audit only; no route here can change one."""
import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app, url_for
from flask_appbuilder import ModelView
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import Date, DateTime, inspect

from app.core.audit import CREATE, DELETE, REDACTED, UPDATE, VIEW, AuditLog, record_history
from app.core.datamodel import ScopedSQLAInterface
from app.core.formatting import display_value, format_date, label_of
from app.core.search.fields import DayField, LowerTextField, NumberField, SearchField, SearchInputError
from app.core.search.text import fold
from app.core.views import ScopedModelView
from app.security.permissions import AUDIT_LOG_VIEW

ACTIONS = {CREATE: _l("aangemaakt"), UPDATE: _l("gewijzigd"), DELETE: _l("verwijderd"), VIEW: _l("ingezien")}
SOURCES = {"web": _l("portaal"), "api": _l("API"), "cli": _l("systeem")}
MODEL_LABELS = {"FondsUser": _l("Gebruiker")}  # models whose page is not a ScopedModelView


def may_read_audit_log():
    return current_app.appbuilder.sm.has_access("can_list", AUDIT_LOG_VIEW)


def _page_of(model_name):
    """The registered page that shows this model, for its labels; None if there is none."""
    return next((view for view in current_app.appbuilder.baseviews
                 if isinstance(view, ModelView) and view.datamodel.obj.__name__ == model_name), None)


def model_label(model_name):
    if model_name in MODEL_LABELS:
        return str(MODEL_LABELS[model_name])
    view = _page_of(model_name)
    title = getattr(view, "show_title", None) if view is not None else None
    return str(title) if title else model_name


def model_labels():
    names = {view.datamodel.obj.__name__ for view in current_app.appbuilder.baseviews
             if isinstance(view, ModelView)} | set(MODEL_LABELS)
    return {name: model_label(name) for name in sorted(names - {AuditLog.__name__})}


# --- a change as a person reads it -----------------------------------------------------------------
class ChangeReader:
    """Labels and values of one model's changes, in the words of its page."""

    def __init__(self, model_name, session):
        self.session = session
        view = _page_of(model_name)
        self.labels = dict(getattr(view, "label_columns", {}) or {})
        model = next((m.class_ for m in AuditLog.registry.mappers if m.class_.__name__ == model_name), None)
        self.mapper = inspect(model) if model is not None else None

    def _column(self, key):
        if self.mapper is None or key not in self.mapper.columns:
            return None
        return self.mapper.columns[key]

    def _relationship(self, column):
        """The many-to-one relationship over a foreign-key column (region_id → region), if any."""
        for rel in self.mapper.relationships:
            if rel.direction.name == "MANYTOONE" and column in rel.local_columns:
                return rel
        return None

    def label(self, key):
        column = self._column(key)
        rel = self._relationship(column) if column is not None else None
        if rel is not None and rel.key in self.labels:
            return str(self.labels[rel.key])
        return str(self.labels.get(key, key))

    def value(self, key, value):
        if value is None or value == []:
            return ""
        if value == REDACTED:
            return str(_l("(verborgen)"))
        if isinstance(value, dict) and "bytes" in value:
            return str(_l("bestand van %(n)s bytes", n=value["bytes"]))
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        column = self._column(key)
        if column is not None and isinstance(value, str):
            if isinstance(column.type, DateTime):
                return format_date(dt.datetime.fromisoformat(value))
            if isinstance(column.type, Date):
                return format_date(dt.date.fromisoformat(value))
        rel = self._relationship(column) if column is not None else None
        if rel is not None and isinstance(value, int):
            related = self.session.get(rel.mapper.class_, value)
            return str(related) if related is not None else f"#{value}"
        return str(display_value(value))

    def changes(self, entry):
        """(label, old, new) per changed field, in the order the model declares its fields."""
        order = list(self.mapper.attrs.keys()) if self.mapper is not None else []
        changes = sorted(entry.changes_dict().items(),
                         key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        return [(self.label(key), self.value(key, old), self.value(key, new)) for key, (old, new) in changes]


def changes_text(entry, session):
    """The changes of a log row on its own page: one line per field, old → new."""
    reader = ChangeReader(entry.model, session)
    lines = [f"{label}: {old or '—'} → {new or '—'}" for label, old, new in reader.changes(entry)]
    return Markup("<br>").join(escape(line) for line in lines)


def history(session, item, view):
    """The "Wijzigingen" of a record for its show page: newest first, readable."""
    model_name = type(item).__name__
    reader = ChangeReader(model_name, session)
    reader.labels = {**reader.labels, **dict(view.label_columns)}
    entries = [{"at": format_date(entry.at), "who": entry.user_email or str(_l("systeem")),
                "action": str(ACTIONS.get(entry.action, entry.action)), "changes": reader.changes(entry)}
               for entry in record_history(session, model_name, item.id)]
    query = urlencode([("f0", "model"), ("v0", model_name), ("m1", "and"), ("f1", "record_id"),
                       ("v1", str(item.id)), ("sort", "at"), ("dir", "desc")])
    return {"entries": entries, "log_url": f"{url_for('AuditLogView.list')}?{query}"}


def status_history(item):
    """The moves of a record between its states, for its page: when, who, from, to, why."""
    labels = type(item).__states__.states.labels()
    return [{"at": format_date(change.at), "who": change.user_email or str(_l("systeem")),
             "from": label_of(labels, change.from_state) if change.from_state else "",
             "to": label_of(labels, change.to_state), "note": change.note or ""}
            for change in item.status_changes]


# --- the Logboek page ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LabelField(SearchField):
    """A coded column searched by the first letters of its Dutch label or of its code."""

    labels: object = dict  # () → {code: label}
    kind = "text"

    def condition(self, operator, value, indexable=True):
        typed = fold(value).replace("%", "")
        if not typed:
            raise SearchInputError(str(_l("Typ minstens één letter om op %(field)s te zoeken.", field=self.label)))
        return [self.column.in_([code for code, label in self.labels().items()
                                 if fold(str(label)).startswith(typed) or code.lower().startswith(typed)])]


class AuditLogView(ScopedModelView):
    datamodel = ScopedSQLAInterface(AuditLog)
    list_title = _l("Logboek")
    show_title = _l("Logboekregel")
    help_text = _l("Wie wat wanneer heeft aangemaakt, gewijzigd, verwijderd of ingezien, met de oude en de "
                   "nieuwe waarden. Het logboek kan niet worden gewijzigd. Tijden zijn Nederlandse tijd.")
    base_permissions = ["can_list", "can_show", "can_export_csv", "can_export_xlsx"]
    # Append-only: these routes do not exist at all on this page.
    exclude_route_methods = {"add", "edit", "delete", "action", "action_post", "download"}
    label_columns = {"at": _l("Tijdstip"), "user_email": _l("Gebruiker"), "roles": _l("Rollen"),
                     "action": _l("Handeling"), "model": _l("Soort gegeven"), "record_id": _l("Id"),
                     "changes": _l("Wijzigingen"), "request_id": _l("Verzoek-id"), "source": _l("Bron")}
    list_columns = ["at", "user_email", "action", "model", "record_id", "source"]
    show_columns = ["at", "user_email", "roles", "action", "model", "record_id", "changes", "request_id", "source"]
    search_fields = (
        DayField("at", _l("Datum"), AuditLog.at),
        NumberField("record_id", _l("Id"), AuditLog.record_id),
        LabelField("model", _l("Soort gegeven"), AuditLog.model, labels=model_labels),
        LabelField("action", _l("Handeling"), AuditLog.action, labels=lambda: ACTIONS),
        LowerTextField("user_email", _l("Gebruiker"), AuditLog.user_email),
    )
    default_sort = "at"
    default_descending = True

    def _init_properties(self):
        super()._init_properties()
        self.formatters_columns.update({
            "at": format_date, "model": model_label,
            "action": lambda code: str(ACTIONS.get(code, code)), "source": lambda code: str(SOURCES.get(code, code)),
        })

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        widgets = super()._get_show_widget(pk, item, widgets, actions, show_fieldsets)
        # A formatter sees only the value; the changes are read in the words of the row's own model.
        widgets["show"].template_args["formatters_columns"] = {
            **self.formatters_columns, "changes": lambda _value: changes_text(item, self.datamodel.session)}
        return widgets
