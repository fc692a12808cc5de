"""Partner logo images, through the one upload service (app.core.uploads): checked by content (not
by name), at most 512 kB, stored as a StoredFile of the PartnerLogo, and served to every visitor —
the footer shows them on the login page too — with their sniffed type and nosniff, so an uploaded
file can never become a page."""
from flask import abort
from flask_appbuilder import BaseView, expose
from flask_babel import lazy_gettext as _l
from wtforms import FileField

from app.core.uploads import IMAGE_TYPES, UploadRefused, check, send_stored, store
from app.extensions import db
from app.shell.models import PartnerLogo

MAX_LOGO_BYTES = 512 * 1024


class LogoFileField(FileField):
    """Upload field for a partner logo: PNG, JPEG, GIF or WebP up to 512 kB."""

    def process_formdata(self, valuelist):
        self.data = None
        upload = valuelist[0] if valuelist else None
        if upload is None or not getattr(upload, "filename", ""):
            return
        try:
            self.data = check(upload, allowed=IMAGE_TYPES, max_bytes=MAX_LOGO_BYTES)
        except UploadRefused as refusal:
            message = refusal.message
            if refusal.reason == "type":
                message = f"{message} {_l('Alleen afbeeldingen (PNG, JPEG, GIF of WebP) zijn toegestaan.')}"
            raise ValueError(message) from None

    def populate_obj(self, obj, name):
        if self.data is not None:  # an empty upload keeps the current logo
            replace_logo(obj, self.data)


def replace_logo(logo, upload):
    """Store ``upload`` as the logo's image; the previous image is deleted with the save."""
    with db.session.no_autoflush:
        previous = list(logo.stored_files)
        stored = store(upload, logo, allowed=IMAGE_TYPES, max_bytes=MAX_LOGO_BYTES)
        for old in previous:
            logo.stored_files.remove(old)  # delete-orphan: its file goes when the save commits
    logo.image_type = stored.content_type
    return stored


class PartnerLogoImageView(BaseView):
    """Serves logo images to every visitor, signed in or not: only of active logos."""

    route_base = "/partnerlogo"
    default_view = "image"

    @expose("/<int:pk>/image")
    def image(self, pk):
        logo = db.session.get(PartnerLogo, pk)
        if logo is None or not logo.active or logo.logo_file is None:
            abort(404)
        return send_stored(logo.logo_file, public=True)
