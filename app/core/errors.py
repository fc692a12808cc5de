"""Dutch error pages (and JSON for the API) with a request id that is also in the log; never a stack
trace or database text."""
import logging
import uuid

from flask import current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, HTTPException

from app.security.scoping import OutOfScope

log = logging.getLogger(__name__)

MESSAGES = {
    400: lambda: _("Het verzoek kon niet worden verwerkt: controleer uw invoer. Bevat die bijvoorbeeld "
                   "een ongeldig teken (zoals een NUL- of stuurteken)? Er is niets opgeslagen."),
    401: lambda: _("U bent niet ingelogd."),
    403: lambda: _("U heeft geen toegang tot deze pagina."),
    404: lambda: _("Deze pagina of dit gegeven bestaat niet, of u heeft er geen toegang toe."),
    405: lambda: _("Deze handeling is hier niet toegestaan."),
    413: lambda: _("Het bestand of formulier is te groot."),
    429: lambda: _("Te veel pogingen. Wacht even en probeer het opnieuw."),
    500: lambda: _("Er ging iets mis aan onze kant. Probeer het later opnieuw; noem bij vragen de "
                   "foutcode hieronder."),
}


class Refused(BadRequest):
    """A 400 with its own Dutch message (instead of the general one), for input the portal refuses
    before anything is read or written."""

    def __init__(self, message):
        super().__init__()
        self.dutch_message = message

    def __str__(self):  # FAB's API catches a BadRequest in its views and answers with str(error)
        return str(self.dutch_message)


def refuse(message):
    raise Refused(message)


def request_id():
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex[:12]
    return g.request_id


def register_error_handlers(app):
    @app.before_request
    def _assign_request_id():
        request_id()

    @app.after_request
    def _tag_response(response):
        response.headers["X-Request-Id"] = request_id()
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error):
        return _render(error.code or 500, getattr(error, "dutch_message", None))

    @app.errorhandler(OutOfScope)
    def _out_of_scope(error):
        # A row outside the scope is a 404 on every path, also where no view caught the refusal.
        from app.extensions import db

        db.session.rollback()
        return _render(404)

    @app.errorhandler(Exception)
    def _unexpected(error):
        log.exception("unhandled error, request id %s", request_id())
        from app.extensions import db

        db.session.rollback()
        return _render(500)


def _render(code, message=None):
    message = str(message) if message is not None else MESSAGES.get(code, MESSAGES[500])()
    if code >= 500:
        log.error("error %s for %s %s, request id %s", code, request.method, request.path, request_id())
    if request.path.startswith("/api/"):
        return jsonify(message=message, request_id=request_id()), code
    g.error_page = True  # its breadcrumbs name no record: the user may not see it, or it does not exist
    return render_template("shell/error.html", code=code, message=message, request_id=request_id(),
                           appbuilder=current_app.appbuilder, title=message), code
