"""One upload service for every module (issue 6, item 6; ASVS 12.1–12.5).

    stored = store(request.files["bestand"], owner)   # owner: any row of a model with __scope__
    db.session.commit()                               # the row and the file belong to this transaction

The parts, each with the rules it keeps in its own docstring:

- **types**: the accepted file types (PDF, images, Office, text) and what they look like; UploadRefused.
- **sniffing**: check(): size, type by content never by the name, images and zip bombs; a refusal
  writes nothing but an anonymous temporary file.
- **names**: refused (control, bidi, path) or sanitised file names; the extension must fit the content.
- **models**: StoredFile, one row per file owned by a row of any scoped model; the HasFiles mixin.
- **storage**: store(): UPLOAD_FOLDER/files/<2 characters>/<random token>, outside any static
  folder; the file follows the caller's transaction (removed on rollback, and when a delete commits).
- **download**: only through /bestanden/<token> (app.core.upload_views), scoped by the owning row
  (app.security.scoping), 404 otherwise; sniffed type, nosniff, a restrictive CSP.

Import from here; the parts are the service's inside.
"""
from app.core.uploads.download import downloadable, is_public, owner_model, send_stored  # noqa: F401
from app.core.uploads.models import HasFiles, StoredFile  # noqa: F401
from app.core.uploads.names import MAX_NAME_LENGTH, clean_name  # noqa: F401
from app.core.uploads.sniffing import (  # noqa: F401
    DEFAULT_MAX_BYTES, DEFAULT_MAX_UNPACKED_BYTES, MAX_PIXELS, CheckedUpload, check,
)
# OutOfScope is what store() raises for an owner outside the acting user's scope.
from app.core.uploads.storage import (  # noqa: F401
    FILES, INCOMING, TOKEN_PATTERN, OutOfScope, file_path, relative_path, store, upload_root,
)
from app.core.uploads.types import (  # noqa: F401
    ALL_TYPES, IMAGE_TYPES, TYPES, FileType, UploadRefused, format_size, type_labels, type_of,
)
