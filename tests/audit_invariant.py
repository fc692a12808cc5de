"""The audit trail's session-wide invariant (issue 6): every committed change of an audited record has
exactly one audit row, whatever code made it.

The watcher reads the SQL the database receives (engine events), not the ORM hooks the audit trail
itself uses, so a write that bypasses the trail — Core or raw SQL on a Connection, a bulk statement —
shows up as a change without an audit row. For each test it compares what was committed:
- changes: (action, table, record id) per row an INSERT, UPDATE or DELETE touched (id None for an
  insert, "?" when the statement does not name its rows);
- audit rows: (action, table, record id) of the rows written to audit_log.
Not counted: text() statements (the tests' own fixtures and clean-up; the app issues none that write),
UPDATEs that set only derived or bookkeeping columns (app.core.audit.IGNORED, search keys), and the
audit row of a change to a many-to-many collection alone (a user's roles), which writes no row in the
record's own table.
"""
import json
from collections import Counter

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from app.core.audit import audit_spec, audited_column_names

ROW_ID = "id"


class AuditWatcher:
    def __init__(self, engine):
        from flask_appbuilder import Model

        self.engine = engine
        self.tables = {}  # audited table → its audited column names
        self.models = {}  # audited class name → (table, collection names)
        for mapper in Model.registry.mappers:
            spec = audit_spec(mapper.class_)
            if spec is not None:
                table = mapper.local_table.name
                self.tables[table] = audited_column_names(table)
                self.models[mapper.class_.__name__] = (table, set(spec.collections))
        self.pending = {}  # DBAPI connection → changes of its open transaction
        self.savepoints = {}
        self.committed = Counter()
        self.last_audit_id = 0
        # Every engine on this database: tests that build a second app (other settings) write to it too.
        self.url = engine.url.render_as_string(hide_password=False)
        for name in ("after_cursor_execute", "commit", "rollback", "savepoint", "rollback_savepoint",
                     "release_savepoint"):
            event.listen(Engine, name, self._for_this_database(getattr(self, f"_on_{name}")))
        event.listen(Pool, "checkin", self._on_checkin)

    # --- per test -------------------------------------------------------------------------------
    def start(self):
        self.committed = Counter()
        with self.engine.connect() as conn:
            self.last_audit_id = conn.execute(text("SELECT coalesce(max(id), 0) FROM audit_log")).scalar()

    def differences(self):
        """(changes without an audit row, audit rows without a change) since start()."""
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT action, model, record_id, changes FROM audit_log "
                                     "WHERE id > :last AND action != 'view'"), {"last": self.last_audit_id}).all()
        logged = Counter()
        for action, model, record_id, changes in rows:
            table, collections = self.models[model]
            if action == "update" and set(json.loads(changes or "{}")) <= collections:
                continue
            logged[(action, table, None if action == "create" else record_id)] += 1
        return self.committed - logged, logged - self.committed

    # --- engine events ---------------------------------------------------------------------------
    def _for_this_database(self, handler):
        def handle(conn, *args):
            if conn.engine.url.render_as_string(hide_password=False) == self.url:
                handler(conn, *args)
        return handle

    def _on_after_cursor_execute(self, conn, cursor, statement, parameters, context, executemany):
        changes = self._changes(context, cursor, statement)
        if changes:
            self.pending.setdefault(_key(conn), []).extend(changes)

    def _changes(self, context, cursor, statement):
        if context is None or context.compiled is None or not (context.isinsert or context.isupdate
                                                               or context.isdelete):
            return []  # text() and driver-level SQL are not compiled DML
        table = context.compiled.statement.table.name
        audited = self.tables.get(table)
        if audited is None:
            return []
        params = context.compiled_parameters
        if context.isinsert:
            if getattr(context, "_audit_watched", False):  # a multi-row INSERT runs in batches
                return []
            context._audit_watched = True
            return [("create", table, None)] * len(params)
        if context.isupdate:
            if not set_columns(statement) & audited:
                return []
            action, key = "update", f"{table}_{ROW_ID}"  # how the ORM's flush names the row's key
        else:
            action, key = "delete", ROW_ID
        if params and all(key in p for p in params) and key not in audited:
            return [(action, table, p[key]) for p in params]
        return [(action, table, "?")] * max(cursor.rowcount, 0)

    def _on_commit(self, conn):
        self.committed.update(self.pending.pop(_key(conn), []))

    def _on_rollback(self, conn):
        self.pending.pop(_key(conn), None)

    def _on_savepoint(self, conn, name):
        self.savepoints[(_key(conn), name)] = len(self.pending.get(_key(conn), []))

    def _on_rollback_savepoint(self, conn, name, context):
        kept = self.savepoints.pop((_key(conn), name), 0)
        del self.pending.get(_key(conn), [])[kept:]

    def _on_release_savepoint(self, conn, name, context):
        self.savepoints.pop((_key(conn), name), None)

    def _on_checkin(self, dbapi_connection, connection_record):
        self.pending.pop(id(dbapi_connection), None)


def _key(conn):
    return id(conn.connection.dbapi_connection)


def set_columns(sql):
    """The column names an UPDATE statement sets (top-level assignments of its SET clause)."""
    upper = sql.upper()
    start = upper.index(" SET ") + 5
    pieces, depth, current = [], 0, []
    for position in range(start, len(sql)):
        char = sql[position]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and (char == "," or upper.startswith((" WHERE ", " RETURNING ", " FROM "), position)):
            pieces.append("".join(current))
            current = []
            if char != ",":
                break
            continue
        current.append(char)
    else:
        pieces.append("".join(current))
    return {piece.split("=", 1)[0].strip().strip('"') for piece in pieces if "=" in piece}
