"""Backup and restore (issue 6, item 11) on the engine the suite runs on: a round trip from the seeded
test database into a new empty one compares every table's row count and checksum, the alembic
revision and the uploaded files; a non-empty target and a tampered backup are refused."""
import json
import os
import time

import pytest
import sqlalchemy as sa

from app.core.backup import (BackupError, alembic_revision, create_backup, database_is_empty, restore_backup,
                             table_checksums)
from app.extensions import db
from tests.helpers import DEMO_PASSWORD, Client, app_config

UPLOADED = "backup-probe/rapport.pdf"
UPLOADED_BYTES = b"%PDF-1.4\n" + bytes(range(256)) + "vertrouwelijk é".encode()


@pytest.fixture()
def uploaded_file(app):
    path = os.path.join(app.config["UPLOAD_FOLDER"], UPLOADED)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(UPLOADED_BYTES)
    yield path
    os.remove(path)
    os.rmdir(os.path.dirname(path))


@pytest.fixture()
def backup(app, uploaded_file, tmp_path):
    started = time.monotonic()
    folder = create_backup(app, tmp_path / "backups")
    print(f"backup: {time.monotonic() - started:.2f} s")
    return folder


@pytest.fixture()
def empty_url(database_url, tmp_path, worker_id):
    """A new empty database: a new SQLite file, or a fresh PostgreSQL database dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = os.environ["TEST_DATABASE_URL"].rpartition("/")[2]
    restore_db = f"{name}_restore_{worker_id}"
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{restore_db}"'))
    yield f"{database_url.rpartition('/')[0]}/{restore_db}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture()
def empty_app(empty_url, tmp_path):
    from app import create_app

    instance = tmp_path / "restored-instance"
    restored = create_app(app_config(empty_url, instance))
    yield restored
    with restored.app_context():
        db.session.remove()
        db.engine.dispose()


def engine_of(app):
    with app.app_context():
        return db.engine


def upload_tree(app):
    root = app.config["UPLOAD_FOLDER"]
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, _, names in os.walk(root) for name in names)


def head_revision():
    from alembic.script import ScriptDirectory
    from app import MIGRATIONS_DIR

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def test_round_trip_restores_every_row_and_file(app, backup, empty_app):
    manifest = json.loads((backup / "manifest.json").read_text())
    source = table_checksums(engine_of(app))
    assert manifest["tables"] == source
    assert source["employee"]["rows"] > 0 and source["ab_user"]["rows"] > 0

    started = time.monotonic()
    restore_backup(empty_app, backup)
    print(f"restore: {time.monotonic() - started:.2f} s")

    assert table_checksums(engine_of(empty_app)) == source
    assert alembic_revision(engine_of(empty_app)) == alembic_revision(engine_of(app)) == head_revision()
    with open(os.path.join(empty_app.config["UPLOAD_FOLDER"], UPLOADED), "rb") as handle:
        assert handle.read() == UPLOADED_BYTES
    assert upload_tree(empty_app) == upload_tree(app)
    staff = Client.logged_in(empty_app, "staff@demo.fondsportaal.nl", DEMO_PASSWORD)
    assert staff.get("/companyview/list/").status_code == 200


def test_restore_into_a_non_empty_database_is_refused_and_changes_nothing(app, backup):
    before = table_checksums(engine_of(app)), upload_tree(app)
    with pytest.raises(BackupError, match="niet leeg"):
        restore_backup(app, backup)
    assert (table_checksums(engine_of(app)), upload_tree(app)) == before


def test_restore_into_a_non_empty_upload_folder_is_refused(backup, empty_app):
    stray = os.path.join(empty_app.config["UPLOAD_FOLDER"], "ander.pdf")
    os.makedirs(os.path.dirname(stray))
    with open(stray, "wb") as handle:
        handle.write(b"%PDF-1.4 ander")
    with pytest.raises(BackupError, match="uploadmap .* niet leeg"):
        restore_backup(empty_app, backup)
    assert database_is_empty(engine_of(empty_app))
    assert upload_tree(empty_app) == ["ander.pdf"]


def tamper_manifest(folder):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["tables"]["company"]["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))


def tamper_dump(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    with open(folder / manifest["database"]["file"], "r+b") as handle:
        handle.seek(-1, os.SEEK_END)
        last = handle.read(1)
        handle.seek(-1, os.SEEK_END)
        handle.write(bytes([last[0] ^ 1]))


@pytest.mark.parametrize("tamper, message", [
    (tamper_manifest, r"wijkt af van de back-up \(tabellen: company\)"),
    (tamper_dump, r"database\.\w+ van de back-up ontbreekt of is gewijzigd"),
])
def test_tampered_backup_is_refused_and_leaves_the_target_empty(backup, empty_app, tamper, message):
    tamper(backup)
    with pytest.raises(BackupError, match=message):
        restore_backup(empty_app, backup)
    assert database_is_empty(engine_of(empty_app))
    assert upload_tree(empty_app) == []


def test_checksums_see_one_changed_value(app):
    engine = engine_of(app)
    before = table_checksums(engine)
    with engine.connect() as conn, conn.begin() as transaction:
        conn.execute(sa.text("UPDATE company SET phone = 'x' || coalesce(phone, '') "
                             "WHERE id = (SELECT min(id) FROM company)"))
        changed = table_checksums(conn)
        transaction.rollback()
    assert changed["company"]["rows"] == before["company"]["rows"]
    assert changed["company"]["sha256"] != before["company"]["sha256"]
    assert {k: v for k, v in changed.items() if k != "company"} == \
        {k: v for k, v in before.items() if k != "company"}


# --- stored files (app.core.uploads) --------------------------------------------------------------

STORED_BYTES = b"%PDF-1.4\n" + "opgeslagen via de uploadservice é".encode() + b"\n%%EOF\n"


@pytest.fixture()
def stored_file(app, world):
    """A file stored through the upload service for a contact of the employer's company."""
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    from app.core.uploads import StoredFile, file_path, store
    from app.registry.models import ContactPerson

    with app.app_context():
        owner = db.session.get(ContactPerson, world.zhn_contact)
        stored = store(FileStorage(BytesIO(STORED_BYTES), filename="sep-rapport.pdf"), owner)
        db.session.commit()
        info = {"id": stored.id, "token": stored.token, "path": file_path(stored),
                "relative": file_path(stored).relative_to(app.config["UPLOAD_FOLDER"]).as_posix()}
    yield info
    with app.app_context():
        row = db.session.get(StoredFile, info["id"])
        if row is not None:
            db.session.delete(row)
            db.session.commit()


def test_round_trip_restores_stored_files_that_download_again(app, stored_file, tmp_path, empty_app):
    folder = create_backup(app, tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert stored_file["relative"] in manifest["files"] and manifest["missing_files"] == []
    restore_backup(empty_app, folder)
    with open(os.path.join(empty_app.config["UPLOAD_FOLDER"], stored_file["relative"]), "rb") as handle:
        assert handle.read() == STORED_BYTES
    employer = Client.logged_in(empty_app, "employer@demo.fondsportaal.nl", DEMO_PASSWORD)
    response = employer.get(f"/bestanden/{stored_file['token']}")
    assert response.status_code == 200 and response.data == STORED_BYTES
    assert response.headers["Content-Type"] == "application/pdf"


def test_files_being_written_are_not_backed_up(app, tmp_path):
    incoming = os.path.join(app.config["UPLOAD_FOLDER"], ".incoming")
    os.makedirs(incoming, exist_ok=True)
    partial = os.path.join(incoming, "half.part")
    with open(partial, "wb") as handle:
        handle.write(b"half geschreven")
    try:
        folder = create_backup(app, tmp_path / "backups")
    finally:
        os.remove(partial)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert not [name for name in manifest["files"] if name.startswith(".incoming")]


def test_a_stored_file_lost_before_the_backup_is_named_in_the_manifest(app, stored_file, tmp_path, empty_app):
    kept = stored_file["path"].read_bytes()
    os.remove(stored_file["path"])
    try:
        folder = create_backup(app, tmp_path / "backups")
    finally:
        stored_file["path"].write_bytes(kept)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["missing_files"] == [stored_file["relative"]]
    restore_backup(empty_app, folder)  # restores what there was; the loss was known and reported


def test_a_restore_whose_files_do_not_match_the_stored_file_rows_is_undone(app, stored_file, tmp_path, empty_app):
    """A backup folder whose archive and manifest agree, but lack a file a stored_file row needs."""
    import tarfile

    from app.core.backup import file_sha256

    folder = create_backup(app, tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    archive = folder / "uploads.tar"
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers() if m.name != stored_file["relative"]]
    with tarfile.open(archive, "w") as tar:
        import io

        for member, data in members:
            tar.addfile(member, io.BytesIO(data))
    del manifest["files"][stored_file["relative"]]
    manifest["uploads"]["sha256"] = file_sha256(archive)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="1 opgeslagen bestanden .* ontbreken"):
        restore_backup(empty_app, folder)
    assert database_is_empty(engine_of(empty_app))
    assert upload_tree(empty_app) == []
