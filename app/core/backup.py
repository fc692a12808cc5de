"""Backup and restore of the database and the uploaded files (issue 6, item 11).

`flask --app run backup create --to DIR` writes a folder DIR/fondsportaal-<UTC time>/ with:

    database.sqlite3 or database.dump   SQLite's online backup API, or `pg_dump -Fc`
    uploads.tar                         every file under UPLOAD_FOLDER (the stored files of
                                        app.core.uploads), except files still being written
    manifest.json                       engine, alembic revision, rows and SHA-256 per table,
                                        SHA-256 per uploaded file and of the two files above, and
                                        the stored files whose row finds no file (missing_files)

`flask --app run backup restore --from FOLDER` restores only into an empty database and an empty
upload folder, then checks every table and file against the manifest, and that every stored_file
row of the restored database finds its file with the SHA-256 the row records. A failed restore
empties the target again, so it can never be mistaken for a good copy.
"""
import datetime
import decimal
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from contextlib import contextmanager
from glob import glob
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.core.uploads import INCOMING, relative_path
from app.extensions import db

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
UPLOADS_TAR = "uploads.tar"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
HASH_CHUNK = 1024 * 1024
_JSON_SCALARS = frozenset({str, int, bool, type(None)})


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message is for the operator (Dutch)."""


# --- Public functions ----------------------------------------------------------------------------

def create_backup(app, target_dir):
    """Write a new backup folder under target_dir and return its path."""
    with app.app_context():
        engine = db.engine
        engine_name = _engine_name(engine)
        uploads = Path(app.config["UPLOAD_FOLDER"]).resolve()
        target = Path(target_dir).resolve()
        if target == uploads or uploads in target.parents:
            raise BackupError(_("Zet de back-up niet in de uploadmap %(folder)s.", folder=uploads))
        partial = _new_partial_folder(target)
        try:
            _write_backup(engine, engine_name, uploads, partial)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)  # no half backup of personal data left behind
            raise
        final = partial.with_name(partial.name.removesuffix(".partial"))
        partial.rename(final)
        return final


def _write_backup(engine, engine_name, uploads, folder):
    database_file = folder / DATABASE_FILES[engine_name]
    revision, tables, stored = _DUMPERS[engine_name](engine, database_file)
    files = _archive_uploads(uploads, folder / UPLOADS_TAR)
    missing = sorted(path for path, sha256 in stored.items() if files.get(path) != sha256)
    if missing:
        log.warning("%d stored files have no file with their SHA-256 in UPLOAD_FOLDER: %s", len(missing),
                    ", ".join(missing))
    manifest = {
        "format": FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "engine": engine_name,
        "alembic_revision": revision,
        "database": {"file": database_file.name, "sha256": file_sha256(database_file)},
        "uploads": {"file": UPLOADS_TAR, "sha256": file_sha256(folder / UPLOADS_TAR)},
        "tables": tables,
        "files": files,
        "missing_files": missing,
    }
    _write_private(folder / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())


def restore_backup(app, source_dir):
    """Restore the backup in source_dir into the app's empty database and upload folder; return the
    manifest. Raises BackupError when refused or when the result differs from the manifest."""
    source = Path(source_dir)
    with app.app_context():
        engine = db.engine
        uploads = Path(app.config["UPLOAD_FOLDER"])
        manifest = _read_manifest(source)
        _check_target(manifest, engine, uploads)
        _check_backup_files(source, manifest)
        try:
            _RESTORERS[manifest["engine"]](source / DATABASE_FILES[manifest["engine"]], engine)
            _unpack_uploads(source / UPLOADS_TAR, uploads)
            _verify(manifest, engine, uploads)
        except BaseException:
            _discard(engine, uploads)
            raise
        return manifest


def table_checksums(bind):
    """{table: {"rows": n, "sha256": hex}} over every table, rows in primary-key order.

    bind is an Engine or a Connection (a Connection reads inside its own transaction/snapshot)."""
    with _connection(bind) as conn:
        inspector = sa.inspect(conn)
        columns = inspector.get_multi_columns()
        keys = inspector.get_multi_pk_constraint()
        return {name: _table_checksum(conn, name, [c["name"] for c in columns[schema, name]],
                                      keys[schema, name]["constrained_columns"])
                for schema, name in sorted(columns, key=lambda key: key[1])}


def alembic_revision(bind):
    with _connection(bind) as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
        return ",".join(sorted(versions)) or None


def stored_file_checksums(bind):
    """{path below UPLOAD_FOLDER: SHA-256} of every stored_file row (app.core.uploads)."""
    with _connection(bind) as conn:
        if not sa.inspect(conn).has_table("stored_file"):
            return {}
        table = sa.table("stored_file", sa.column("token"), sa.column("sha256"))
        return {_stored_path(token): sha256 for token, sha256 in conn.execute(sa.select(table.c.token, table.c.sha256))}


def _stored_path(token):
    try:
        return relative_path(token).as_posix()
    except ValueError:  # not a token the upload service made: it can never find its file
        return f"?{token}"


def database_is_empty(engine):
    """True when the database holds no table, index, view, sequence, routine or type of its own."""
    with engine.connect() as conn:
        return conn.execute(sa.text(_OBJECT_COUNT_SQL[_engine_name(engine)])).scalar_one() == 0


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- Checksums -----------------------------------------------------------------------------------

def _table_checksum(conn, table, columns, keys):
    quote = conn.dialect.identifier_preparer.quote
    sql = f"SELECT {', '.join(map(quote, sorted(columns)))} FROM {quote(table)}"
    if keys:
        sql += f" ORDER BY {', '.join(map(quote, keys))}"
    result = conn.execution_options(stream_results=True, yield_per=5000).execute(sa.text(sql))
    lines = (_encode_row(row) for row in result)
    if not keys:
        lines = iter(sorted(lines))
    digest = hashlib.sha256()
    rows = 0
    for line in lines:
        digest.update(line)
        rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def _encode_row(row):
    return json.dumps([_encode_value(value) for value in row], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), default=str).encode() + b"\n"


def _encode_value(value):
    if type(value) in _JSON_SCALARS:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, float)):
        return repr(value)
    return value


# --- Database dump and restore per engine ----------------------------------------------------------

def _dump_sqlite(engine, path):
    copy = sqlite3.connect(path)
    try:
        raw = engine.raw_connection()
        try:
            raw.driver_connection.backup(copy)
        finally:
            raw.close()
    finally:
        copy.close()
    os.chmod(path, 0o600)
    # The manifest describes the copy itself, which is consistent even while the portal keeps writing.
    reader = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(_read_only_uri(path), uri=True))
    try:
        with reader.connect() as conn:
            return alembic_revision(conn), table_checksums(conn), stored_file_checksums(conn)
    finally:
        reader.dispose()


def _dump_postgresql(engine, path):
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # pg_dump reads the snapshot of this transaction, so the checksums describe the dump.
            snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            _run_pg_tool(engine, "pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}")
            os.chmod(path, 0o600)
            return alembic_revision(conn), table_checksums(conn), stored_file_checksums(conn)


def _restore_sqlite(path, engine):
    source = sqlite3.connect(_read_only_uri(path), uri=True)
    try:
        raw = engine.raw_connection()
        try:
            source.backup(raw.driver_connection)
        finally:
            raw.close()
    finally:
        source.close()
    engine.dispose()


def _restore_postgresql(path, engine):
    _run_pg_tool(engine, "pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", str(path))
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))  # a dump holds no planner statistics


def _discard_sqlite(engine):
    engine.dispose()
    empty = sqlite3.connect(":memory:")
    try:
        raw = engine.raw_connection()
        try:
            empty.backup(raw.driver_connection)
        finally:
            raw.close()
    finally:
        empty.close()
    engine.dispose()


def _discard_postgresql(engine):
    engine.dispose()
    with engine.begin() as conn:
        for kind, name in conn.execute(sa.text(_PG_OBJECTS_SQL)).all():
            conn.execute(sa.text(f"DROP {kind} IF EXISTS {name} CASCADE"))  # names come quoted from regclass


_DUMPERS = {"sqlite": _dump_sqlite, "postgresql": _dump_postgresql}
_RESTORERS = {"sqlite": _restore_sqlite, "postgresql": _restore_postgresql}
_DISCARDERS = {"sqlite": _discard_sqlite, "postgresql": _discard_postgresql}
# Every object a restore could create in a PostgreSQL database: relations, routines and standalone
# types outside the system schemas, except those of an extension the template database brings along.
_PG_OBJECTS_SQL = """
WITH objects AS (
    SELECT 1 AS step, c.oid, c.relnamespace AS namespace, c.oid::regclass::text AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'c' THEN 'TYPE' WHEN 'i' THEN 'INDEX' WHEN 'I' THEN 'INDEX'
                ELSE 'TABLE' END AS kind
    FROM pg_class c
    UNION ALL
    SELECT 2, p.oid, p.pronamespace, p.oid::regprocedure::text,
           CASE p.prokind WHEN 'a' THEN 'AGGREGATE' ELSE 'ROUTINE' END
    FROM pg_proc p
    UNION ALL
    SELECT 3, t.oid, t.typnamespace, t.oid::regtype::text, 'TYPE'
    FROM pg_type t WHERE t.typrelid = 0 AND t.typelem = 0
)
SELECT o.kind, o.name FROM objects o JOIN pg_namespace n ON n.oid = o.namespace
WHERE n.nspname <> 'information_schema' AND left(n.nspname, 3) <> 'pg_'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = o.oid AND d.deptype = 'e')
ORDER BY o.step, o.name
"""
_OBJECT_COUNT_SQL = {
    "sqlite": "SELECT count(*) FROM sqlite_master",
    "postgresql": f"SELECT count(*) FROM ({_PG_OBJECTS_SQL}) AS objects",
}


def _engine_name(engine):
    name = engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(_("Back-up wordt niet ondersteund voor database %(engine)s.", engine=name))
    return name


def _read_only_uri(path):
    return Path(path).resolve().as_uri() + "?mode=ro"


def _run_pg_tool(engine, tool, *arguments):
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password  # not on the command line, where `ps` would show it
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    command = [_pg_tool_path(tool), "--no-password", f"--dbname={conninfo}", *arguments]
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise BackupError(_("%(tool)s is mislukt: %(error)s", tool=tool, error=completed.stderr.strip()))


def _pg_tool_path(tool):
    found = shutil.which(tool)
    if found:
        return found
    installed = sorted(glob(f"/usr/lib/postgresql/*/bin/{tool}"), key=lambda p: int(Path(p).parts[-3]))
    if installed:
        return installed[-1]
    raise BackupError(_("%(tool)s is niet gevonden; installeer de PostgreSQL-clientprogramma's.", tool=tool))


@contextmanager
def _connection(bind):
    if isinstance(bind, sa.engine.Connection):
        yield bind
    else:
        with bind.connect() as conn:
            yield conn


# --- Uploaded files ------------------------------------------------------------------------------

class _HashingReader:
    """Hashes exactly the bytes tarfile copies into the archive."""

    def __init__(self, handle, digest):
        self.handle = handle
        self.digest = digest

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _archive_uploads(folder, tar_path):
    files = {}
    with tarfile.open(tar_path, "w") as tar:
        for path in _files_under(folder):
            name = path.relative_to(folder).as_posix()
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                tar.addfile(tar.gettarinfo(str(path), name), _HashingReader(handle, digest))
            files[name] = digest.hexdigest()
    os.chmod(tar_path, 0o600)
    return files


def _unpack_uploads(tar_path, folder):
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tar_path) as tar:
        tar.extractall(folder, filter="data")  # refuses absolute paths, '..' and links leaving the folder


def _files_under(folder):
    """Every file under the upload folder, except those still being written (INCOMING)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.is_symlink()
                  and path.relative_to(folder).parts[0] != INCOMING)


def _file_checksums(folder):
    return {path.relative_to(folder).as_posix(): file_sha256(path) for path in _files_under(folder)}


def _folder_is_empty(folder):
    """No file or folder, but perhaps an empty INCOMING (a portal that never stored a file)."""
    if not folder.exists():
        return True
    return not any(child for child in folder.iterdir()
                   if not (child.name == INCOMING and child.is_dir() and not any(child.iterdir())))


def _empty_folder(folder):
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


# --- Backup folder, checks -----------------------------------------------------------------------

def _new_partial_folder(target):
    target.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(100):
        suffix = f"-{attempt}" if attempt else ""
        final = target / f"fondsportaal-{stamp}{suffix}"
        partial = final.with_name(final.name + ".partial")
        if final.exists():
            continue
        try:
            partial.mkdir(mode=0o700)  # personal data and password hashes: the owner only
            return partial
        except FileExistsError:
            continue
    raise BackupError(_("Kan geen nieuwe back-upmap maken in %(folder)s.", folder=target))


def _write_private(path, data):
    path.write_bytes(data)
    os.chmod(path, 0o600)


def _read_manifest(source):
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(_("Geen leesbare back-up in %(folder)s (manifest.json ontbreekt of is "
                            "beschadigd).", folder=source)) from None
    if manifest.get("format") != FORMAT_VERSION or manifest.get("engine") not in DATABASE_FILES:
        raise BackupError(_("Deze back-up heeft een onbekende indeling."))
    return manifest


def _check_target(manifest, engine, uploads):
    engine_name = _engine_name(engine)
    if manifest["engine"] != engine_name:
        raise BackupError(_("Deze back-up is van een %(source)s-database en kan niet worden teruggezet "
                            "in %(target)s.", source=manifest["engine"], target=engine_name))
    if not database_is_empty(engine):
        raise BackupError(_("De database is niet leeg. Terugzetten kan alleen in een lege database; "
                            "er is niets gewijzigd."))
    if not _folder_is_empty(uploads):
        raise BackupError(_("De uploadmap %(folder)s is niet leeg. Terugzetten kan alleen in een lege "
                            "map; er is niets gewijzigd.", folder=uploads))


def _check_backup_files(source, manifest):
    expected = {DATABASE_FILES[manifest["engine"]]: manifest["database"]["sha256"],
                UPLOADS_TAR: manifest["uploads"]["sha256"]}
    for name, sha256 in expected.items():
        path = source / name
        if not path.is_file() or file_sha256(path) != sha256:
            raise BackupError(_("Het bestand %(file)s van de back-up ontbreekt of is gewijzigd; er is "
                                "niets teruggezet.", file=path))


def _verify(manifest, engine, uploads):
    tables = table_checksums(engine)
    differing = sorted(name for name in set(tables) | set(manifest["tables"])
                       if tables.get(name) != manifest["tables"].get(name))
    if differing:
        raise BackupError(_("De teruggezette database wijkt af van de back-up (tabellen: %(tables)s); "
                            "de terugzetting is ongedaan gemaakt.", tables=", ".join(differing)))
    if alembic_revision(engine) != manifest["alembic_revision"]:
        raise BackupError(_("De migratieversie van de teruggezette database wijkt af van de back-up; "
                            "de terugzetting is ongedaan gemaakt."))
    if _file_checksums(uploads) != manifest["files"]:
        raise BackupError(_("De teruggezette bestanden wijken af van de back-up; de terugzetting is "
                            "ongedaan gemaakt."))
    known_missing = set(manifest.get("missing_files", []))
    unresolved = sorted(path for path, sha256 in stored_file_checksums(engine).items()
                        if path not in known_missing and manifest["files"].get(path) != sha256)
    if unresolved:
        raise BackupError(_("%(n)d opgeslagen bestanden van de teruggezette database ontbreken in de back-up of "
                            "wijken af; de terugzetting is ongedaan gemaakt.", n=len(unresolved)))


def _discard(engine, uploads):
    """Empty the target again after a failed restore (it was empty before we started)."""
    try:
        _DISCARDERS[_engine_name(engine)](engine)
        _empty_folder(uploads)
    except Exception:
        log.exception("emptying the target after a failed restore failed")


# --- CLI -----------------------------------------------------------------------------------------

backup_cli = AppGroup("backup", help="Back-up en terugzetten van de database en de geüploade bestanden.")


@backup_cli.command("create")
@click.option("--to", "target", required=True, type=click.Path(file_okay=False),
              help="Map waarin een nieuwe back-upmap wordt gemaakt.")
def backup_create(target):
    """Back up the database and UPLOAD_FOLDER into a new folder under --to."""
    started = time.monotonic()
    try:
        folder = create_backup(current_app._get_current_object(), target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    manifest = json.loads((folder / MANIFEST).read_text())
    if manifest["missing_files"]:
        click.echo(_("Let op: %(n)d opgeslagen bestanden hebben geen bestand in de uploadmap (zie missing_files "
                     "in manifest.json).", n=len(manifest["missing_files"])), err=True)
    click.echo(_("Back-up gemaakt in %(folder)s: %(tables)d tabellen, %(rows)d rijen, %(files)d "
                 "bestanden, %(seconds).1f s.", folder=folder, **_summary(manifest),
                 seconds=time.monotonic() - started))


@backup_cli.command("restore")
@click.option("--from", "source", required=True, type=click.Path(exists=True, file_okay=False),
              help="Back-upmap (met manifest.json).")
def backup_restore(source):
    """Restore a backup into the configured (empty) database and UPLOAD_FOLDER, then verify it."""
    started = time.monotonic()
    try:
        manifest = restore_backup(current_app._get_current_object(), source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(_("Back-up teruggezet en gecontroleerd: %(tables)d tabellen, %(rows)d rijen, %(files)d "
                 "bestanden, %(seconds).1f s.", **_summary(manifest), seconds=time.monotonic() - started))


def _summary(manifest):
    return {"tables": len(manifest["tables"]), "rows": sum(t["rows"] for t in manifest["tables"].values()),
            "files": len(manifest["files"])}
