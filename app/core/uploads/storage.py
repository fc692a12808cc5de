"""Storing a checked upload (part of app.core.uploads).

UPLOAD_FOLDER/files/<2 characters>/<random token>, outside any static folder (checked), owner-only
permissions. A file is written under UPLOAD_FOLDER/.incoming and moved into place only after every
check; it belongs to the caller's transaction: a rollback removes it, and a deleted StoredFile's file
is removed when the delete commits (the session event hooks below). A refusal writes nothing at all.
"""
import logging
import os
import re
import secrets
import tempfile
from contextlib import suppress
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, object_session

from app.core.clock import now
from app.core.uploads.models import HasFiles, StoredFile
from app.core.uploads.sniffing import CheckedUpload, check
from app.core.uploads.types import UploadRefused
from app.security.scoping import UPDATE, OutOfScope, current_actor, is_in_scope

log = logging.getLogger(__package__)  # the service's one logger, app.core.uploads

FILES = "files"  # UPLOAD_FOLDER/files/<token[:2]>/<token>
INCOMING = ".incoming"  # files being written; never part of a backup
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def upload_root():
    """UPLOAD_FOLDER, refused when it lies inside a folder the app serves as static files."""
    root = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    static = [current_app.static_folder, *(bp.static_folder for bp in current_app.blueprints.values())]
    for folder in filter(None, static):
        folder = Path(folder).resolve()
        if root == folder or folder in root.parents:
            raise RuntimeError(f"UPLOAD_FOLDER {root} lies in the static folder {folder}; move it outside")
    return root


def relative_path(token):
    """Where a stored file lives below UPLOAD_FOLDER (also used by backup and the migration)."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        raise ValueError("not a stored-file token")
    return Path(FILES, token[:2], token)


def file_path(stored):
    return upload_root() / relative_path(stored.token)


def store(upload, owner, *, allowed=None, max_bytes=None, session=None):
    """Check ``upload`` (a FileStorage or a CheckedUpload) and store it for ``owner``, a row of a model
    with ``__scope__``: persistent and in the acting user's scope, or new and a HasFiles model.

    Returns the new StoredFile, added to the owner's session; the caller commits (or rolls back, which
    removes the file again). Raises UploadRefused (a DomainError, Dutch message) and stores nothing;
    OutOfScope when the user may not change the owner (a file added is a change of its row)."""
    checked = upload if isinstance(upload, CheckedUpload) else check(upload, allowed=allowed, max_bytes=max_bytes)
    if allowed is not None and checked.file_type.key not in allowed:
        raise UploadRefused(_("Een bestand van het soort %(type)s wordt hier niet aangenomen.",
                              type=checked.file_type.label), "type")
    model = type(owner)
    if getattr(model, "__scope__", None) is None:
        raise TypeError(f"{model.__name__} declares no __scope__: no file can belong to it")
    from app.extensions import db

    session = session or object_session(owner) or db.session
    actor = current_actor()
    with session.no_autoflush:
        persistent = inspect(owner).has_identity
        if persistent and not is_in_scope(session, actor, model, owner.id, UPDATE):
            raise OutOfScope()
        if not persistent and not isinstance(owner, HasFiles):
            raise TypeError(f"save the {model.__name__} first, or give {model.__name__} the HasFiles mixin")
        session.connection()  # the transaction the file belongs to
        token = secrets.token_urlsafe(32)
        path = _place(checked, token)
        checked.close()
        session.info.setdefault(_PLACED, []).append(path)
        stored = StoredFile(
            token=token, name=checked.name, content_type=checked.content_type, size=checked.size,
            sha256=checked.sha256, owner_model=model.__name__,
            uploaded_by_id=actor.id if getattr(actor, "is_authenticated", False) else None,
            uploaded_at=now())
        if isinstance(owner, HasFiles):
            owner.stored_files.append(stored)
        else:
            stored.owner_id = owner.id
        session.add(stored)
    log.info("stored %s (%s, %d bytes) for %s %s", token[:8], checked.file_type.key, checked.size,
             model.__name__, getattr(owner, "id", "new"))
    return stored


def _place(checked, token):
    root = upload_root()
    target = root / relative_path(token)
    incoming = root / INCOMING
    for folder in (root, root / FILES, target.parent, incoming):
        folder.mkdir(mode=0o700, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=incoming, suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as out:
            checked.copy_to(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return target


# A file belongs to the transaction of its row: removed again when that transaction does not commit;
# the file of a deleted row is removed only when the delete commits.
_PLACED, _DOOMED = "uploads_placed", "uploads_doomed"


@event.listens_for(StoredFile, "after_delete")
def _doom_file(mapper, connection, target):
    session = object_session(target)
    if session is not None and has_app_context():
        session.info.setdefault(_DOOMED, []).append(file_path(target))


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop(_PLACED, None)
    for path in session.info.pop(_DOOMED, []):
        _remove(path)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    for path in session.info.pop(_PLACED, []):
        _remove(path)
    session.info.pop(_DOOMED, None)


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        log.exception("could not remove the uploaded file %s", path)
