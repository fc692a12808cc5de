"""Downloading a stored file (part of app.core.uploads).

Only through /bestanden/<token> (app.core.upload_views), which checks that the owning row lies in the
user's scope (app.security.scoping) and answers 404 otherwise — or for an unknown token; images and
PDFs inline, everything else as an attachment, always with the sniffed type, nosniff and a
restrictive Content-Security-Policy.
"""
import logging

from flask import abort, send_file
from flask_appbuilder import Model
from sqlalchemy import select

from app.core.uploads.models import StoredFile
from app.core.uploads.storage import TOKEN_PATTERN, file_path
from app.security.scoping import SCOPE_KINDS, is_in_scope

log = logging.getLogger(__package__)  # the service's one logger, app.core.uploads


def owner_model(name):
    return next((m.class_ for m in Model.registry.mappers
                 if m.class_.__name__ == name and getattr(m.class_, "__scope__", None) is not None), None)


def downloadable(session, token, user):
    """The StoredFile with ``token`` if its owning row lies in ``user``'s scope, else None (also for an
    unknown token, an unknown owner model and a deleted owner: one answer, no oracle)."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    stored = session.execute(select(StoredFile).where(StoredFile.token == token)).scalar_one_or_none()
    if stored is None:
        return None
    model = owner_model(stored.owner_model)
    if model is None or not is_in_scope(session, user, model, stored.owner_id):
        return None
    return stored


def is_public(stored):
    """Files of reference data open to every kind of user (partner logos): not personal."""
    model = owner_model(stored.owner_model)
    rule = getattr(model, "__scope__", None)
    return rule is not None and set(SCOPE_KINDS) <= set(rule.open_to)


def send_stored(stored, *, public=False):
    """The file as a response: its sniffed type, inline only for images and PDF, nosniff, a CSP that
    lets nothing run, and no caching of personal files."""
    path = file_path(stored)
    if not path.is_file():
        log.error("stored file %s (id %s) is missing on disk", stored.token[:8], stored.id)
        abort(404)
    file_type = stored.file_type
    inline = file_type is not None and file_type.inline
    response = send_file(path, mimetype=stored.content_type, as_attachment=not inline,
                         download_name=stored.name, conditional=True, etag=stored.sha256)
    response.headers["Content-Type"] = stored.content_type  # as sniffed, charset included (never a second one)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if file_type is not None and file_type.key == "pdf":
        # The browser's PDF viewer needs to run; the PDF itself may not be framed by another page.
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    else:
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
