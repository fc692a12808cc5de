"""Partner logo images: checked by content (not by name), size-limited, stored in the database and
served with nosniff, so an uploaded file can never become a page."""
from flask import Response, abort, current_app
from flask_appbuilder import BaseView, expose
from flask_babel import lazy_gettext as _l
from wtforms import FileField

from app.extensions import db
from app.shell.models import PartnerLogo

MAX_LOGO_BYTES = 512 * 1024
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def image_type(data):
    """The image type by its first bytes, or None (SVG is refused: it can carry script)."""
    for signature, mimetype in SIGNATURES.items():
        if data.startswith(signature):
            return mimetype
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


class LogoFileField(FileField):
    """Upload field for a partner logo: PNG, JPEG, GIF or WebP up to 512 kB."""

    def process_formdata(self, valuelist):
        self.data = None
        upload = valuelist[0] if valuelist else None
        if upload is None or not getattr(upload, "filename", ""):
            return
        content = upload.read(MAX_LOGO_BYTES + 1)
        if len(content) > MAX_LOGO_BYTES:
            raise ValueError(str(_l("Het logo is groter dan 512 kB.")))
        if image_type(content) is None:
            raise ValueError(str(_l("Alleen afbeeldingen (PNG, JPEG, GIF of WebP) zijn toegestaan.")))
        self.data = content

    def populate_obj(self, obj, name):
        if self.data:  # an empty upload keeps the current logo
            obj.image = self.data
            obj.image_type = image_type(self.data)


class PartnerLogoImageView(BaseView):
    """Serves logo images to every visitor: the footer shows them on the login page too."""

    route_base = "/partnerlogo"
    default_view = "image"

    @expose("/<int:pk>/image")
    def image(self, pk):
        logo = db.session.get(PartnerLogo, pk)
        if logo is None or not logo.active or not logo.image:
            abort(404)
        response = Response(logo.image, mimetype=logo.image_type)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response
