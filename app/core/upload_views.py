"""The one download of uploaded files: /bestanden/<token> (app.core.uploads).

No permission of its own: any signed-in user may ask, and gets the file only when the row that owns
it lies in their scope (app.security.scoping, the one access-control mechanism); otherwise — and for
a token that does not exist — the same 404. Not signed in: the login page, whatever the token.
Every download of a file that is not public reference data (a partner logo) is logged as a view in
the audit trail, like the opening of a dossier.
"""
from flask import abort, redirect, request, url_for
from flask_appbuilder import BaseView, expose

from app.core.audit import record_view
from app.core.uploads import downloadable, is_public, send_stored
from app.extensions import db
from app.security.scoping import current_actor


class StoredFileView(BaseView):
    route_base = "/bestanden"
    default_view = "download"

    @expose("/<string:token>")
    def download(self, token):
        user = current_actor()
        if not getattr(user, "is_authenticated", False):
            login = f"{type(self.appbuilder.sm.auth_view).__name__}.login"
            return redirect(url_for(login, next=request.path))
        stored = downloadable(db.session, token, user)
        if stored is None:
            abort(404)
        public = is_public(stored)
        if not public:
            record_view(db.session, stored)
        return send_stored(stored)
