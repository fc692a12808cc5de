"""The one upload service (issue 6, item 6; app/core/uploads/, app/core/upload_views.py).

Every refusal of the abuse list is asserted twice — through store() and through the one upload form
of the portal (the partner logo) — with its Dutch message and with nothing stored: no stored_file row
and no new file anywhere under UPLOAD_FOLDER. Accepted files are downloadable by users whose scope
holds the owning row and a 404 for everybody else; images and PDFs inline, the rest as attachment.
"""
import io
import os
import re
import zipfile

import pytest
from flask import g
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.core.audit import AuditLog
from app.core.uploads import (
    IMAGE_TYPES, OutOfScope, StoredFile, UploadRefused, check, clean_name, file_path, store, upload_root,
)
from app.extensions import db
from app.registry.models import ContactPerson
from app.security.manager import FondsUser
from app.shell.models import PartnerLogo
from tests.helpers import DEMO_PASSWORD, Client

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OOXML_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>')
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def image(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def zipped(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(main=DOCX_MAIN, extra=None):
    return zipped({"[Content_Types].xml": OOXML_TYPES.format(main=main),
                   "word/document.xml": "<w:document/>", **(extra or {})})


def xlsx():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "Cursusgeld"
    book.save(buffer)
    return buffer.getvalue()


def odt():
    return zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document/>"})


def upload(content, name):
    return FileStorage(stream=io.BytesIO(content), filename=name)


def snapshot(app):
    """Stored rows and every file under UPLOAD_FOLDER (temporary ones included)."""
    root = app.config["UPLOAD_FOLDER"]
    files = {os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names}
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(StoredFile)).scalar(), files


def user(local):
    return db.session.execute(select(FondsUser).where(FondsUser.email == f"{local}@demo.fondsportaal.nl")).scalar_one()


@pytest.fixture()
def cleanup(app):
    """Deletes (through the ORM, so audited, and with their files) the stored files a test made."""
    with app.app_context():
        first = db.session.execute(select(func.coalesce(func.max(StoredFile.id), 0))).scalar()
    yield
    with app.app_context():
        for stored in db.session.execute(select(StoredFile).where(StoredFile.id > first)).scalars():
            db.session.delete(stored)
        db.session.commit()


@pytest.fixture()
def contact_file(app, world, cleanup):
    """Store ``content`` as ``name`` for a contact of the employer's company (as the system)."""
    def make(content, name):
        with app.app_context():
            owner = db.session.get(ContactPerson, world.zhn_contact)
            stored = store(upload(content, name), owner)
            db.session.commit()
            return {"token": stored.token, "id": stored.id, "name": stored.name,
                    "content_type": stored.content_type, "path": str(file_path(stored))}
    return make


# --- the abuse list: refused with a Dutch message, nothing stored ------------------------------------
ZIP_BOMB = docx(extra={"word/media/bom.bin": bytes(20 * 1024 * 1024)})
ABUSE = {
    "oversize": (b"a" * (10 * 1024 * 1024 + 1), "groot.txt", "groter dan 10 MB"),
    "renamed_executable": (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "rapport.pdf", "programma"),
    "renamed_elf": (b"\x7fELF\x02\x01\x01" + bytes(200), "foto.png", "programma"),
    "script": (b"#!/bin/sh\nrm -rf /\n", "notities.txt", "programma"),
    "path_traversal": (PDF, "../../etc/passwd.pdf", "map of pad"),
    "backslash_traversal": (PDF, "..\\..\\boot.pdf", "map of pad"),
    "encoded_traversal": (PDF, "%2e%2e%2f%2e%2e%2fetc%2fpasswd.pdf", "map of pad"),
    "absolute_path": (PDF, "/etc/passwd.pdf", "map of pad"),
    "html": (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "pagina.html", "HTML"),
    "html_named_txt": (b"hallo\n<script>alert(document.cookie)</script>\n", "lijst.txt", "HTML"),
    "svg_with_script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg",
                        "SVG"),
    "svg_with_xml_prolog": (b'<?xml version="1.0"?>\n<svg onload="alert(1)"/>', "logo.png", "SVG"),
    "zip_bomb_office_file": (ZIP_BOMB, "verslag.docx", "zip-bom"),
    "office_with_macros": (docx(main=DOCM_MAIN, extra={"word/vbaProject.bin": b"x"}), "verslag.docx", "macro"),
    "old_office_file": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "begroting.xls", "Oude Office"),
    "other_archive": (zipped({"a.txt": "a"}), "map.zip", "archieven"),
    "nul_in_name": (PDF, "rapport\x00.exe.pdf", "ongeldige tekens"),
    "control_character_in_name": (PDF, "rapport\x1b[31m.pdf", "ongeldige tekens"),
    "right_to_left_override": (PDF, "factuur\u202efdp.exe", "ongeldige tekens"),
    "pdf_named_html": (PDF, "rapport.pdf.html", "past niet bij de inhoud"),
    "pdf_named_exe": (PDF, "setup.exe", "past niet bij de inhoud"),
    "empty": (b"", "leeg.pdf", "leeg"),
    "unknown_binary": (bytes(range(256)) * 4, "data.bin", "niet aangenomen"),
    "broken_image": (b"\x89PNG\r\n\x1a\n" + b"kapot" * 50, "logo.png", "beschadigd"),
}


@pytest.mark.parametrize("case", ABUSE)
def test_abuse_is_refused_in_dutch_and_nothing_is_stored(app, world, case):
    content, name, message = ABUSE[case]
    before = snapshot(app)
    with app.app_context():
        owner = db.session.get(ContactPerson, world.zhn_contact)
        with pytest.raises(UploadRefused) as refusal:
            store(upload(content, name), owner)
        db.session.rollback()
    assert message in refusal.value.message and "Er is niets opgeslagen" in refusal.value.message
    assert snapshot(app) == before


# Not through HTTP: the oversized file meets the logo's own smaller limit (tested below), and a quoted
# filename loses its backslashes in the multipart header before the app sees it.
LOGO_ABUSE = [case for case in ABUSE if case not in ("oversize", "backslash_traversal")]


@pytest.mark.parametrize("case", LOGO_ABUSE)
def test_abuse_through_the_logo_form_is_refused_in_dutch_and_nothing_is_stored(app, clients, case):
    content, name, message = ABUSE[case]
    before = snapshot(app)
    response = clients("staff").post("/partnerlogoview/add", content_type="multipart/form-data", data={
        "name": "Misbruik", "sort_order": "1", "active": "y", "logo": (io.BytesIO(content), name)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    assert message in html and "Er is niets opgeslagen" in html
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(PartnerLogo)
                                  .where(PartnerLogo.name == "Misbruik")).scalar() == 0
    assert snapshot(app) == before


def test_an_oversized_logo_gets_the_logo_limit(app, clients):
    before = snapshot(app)
    response = clients("staff").post("/partnerlogoview/add", content_type="multipart/form-data", data={
        "name": "Te groot", "sort_order": "1", "active": "y",
        "logo": (io.BytesIO(image("PNG") + bytes(600 * 1024)), "groot.png")})
    assert response.status_code == 200 and "groter dan 512 kB" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_request_beyond_max_content_length_gets_the_dutch_413_page(app, clients, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    before = snapshot(app)
    response = clients("staff").post("/partnerlogoview/add", content_type="multipart/form-data", data={
        "name": "Veel te groot", "sort_order": "1", "active": "y",
        "logo": (io.BytesIO(image("PNG") + bytes(8000)), "groot.png")})
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "te groot" in html and response.headers["X-Request-Id"] in html
    assert "Traceback" not in html and "RequestEntityTooLarge" not in html
    assert snapshot(app) == before


def test_the_default_request_cap_leaves_room_for_the_largest_file(app):
    assert app.config["UPLOAD_MAX_BYTES"] == 10 * 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] > app.config["UPLOAD_MAX_BYTES"]


def test_a_configured_smaller_limit_applies(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 2000)
    before = snapshot(app)
    with app.app_context():
        owner = db.session.get(ContactPerson, world.zhn_contact)
        with pytest.raises(UploadRefused, match="groter dan 1 kB"):
            store(upload(b"x" * 2001, "notitie.txt"), owner)
        db.session.rollback()
    assert snapshot(app) == before


def test_an_office_file_unpacking_beyond_the_limit_is_refused_without_a_suspicious_ratio(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_UNPACKED_BYTES", 1024 * 1024)
    content = docx(extra={"word/media/foto.bin": os.urandom(1024 * 1024)})
    with app.app_context(), pytest.raises(UploadRefused, match="zip-bom"):
        check(upload(content, "verslag.docx"))


def test_an_image_with_too_many_pixels_is_refused(app):
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, format="PNG")  # 48 megapixels in a few kB
    with app.app_context(), pytest.raises(UploadRefused, match="beeldpunten"):
        check(upload(buffer.getvalue(), "poster.png"))


def test_storing_for_a_row_outside_the_users_scope_is_refused(app, world):
    before = snapshot(app)
    with app.test_request_context():
        g.user = user("employer2")
        owner = db.session.get(ContactPerson, world.zhn_contact)
        with pytest.raises(OutOfScope):
            store(upload(PDF, "rapport.pdf"), owner)
        db.session.rollback()
    assert snapshot(app) == before


# --- names -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("rapport.pdf", ("rapport", "pdf")),
    ("Rapport.PDF", ("Rapport", "pdf")),
    ("  jaar   verslag.pdf. ", ("jaar verslag", "pdf")),
    (".htaccess", ("htaccess", "")),
    ('a<b>c:d"e|f?g*.pdf', ("a_b_c_d_e_f_g_", "pdf")),
    ("CON.pdf", ("_CON", "pdf")),
    ("nul.txt", ("_nul", "txt")),
    ("verslag v1.2", ("verslag v1.2", "")),
    ("", ("bestand", "")),
    (None, ("bestand", "")),
])
def test_names_are_sanitised(ctx, raw, expected):
    assert clean_name(raw) == expected


def test_a_long_name_is_shortened_and_keeps_its_extension(app, contact_file):
    stored = contact_file(PDF, "x" * 300 + ".pdf")
    assert len(stored["name"]) == 200 and stored["name"].endswith("xxx.pdf")


def test_a_name_without_extension_gets_the_one_of_its_content(app, contact_file):
    assert contact_file(PDF, "rapport")["name"] == "rapport.pdf"
    assert contact_file(PDF, "verslag v1.2")["name"] == "verslag v1.2.pdf"
    assert contact_file(b"naam;bedrag\n", "export")["name"] == "export.txt"


def test_the_name_never_reaches_the_disk(app, contact_file):
    stored = contact_file(PDF, "a.PHP.pdf")
    root = os.path.realpath(app.config["UPLOAD_FOLDER"])
    assert stored["name"] == "a.PHP.pdf"
    assert os.path.basename(stored["path"]) == stored["token"]
    assert os.path.realpath(stored["path"]).startswith(os.path.join(root, "files") + os.sep)
    assert oct(os.stat(stored["path"]).st_mode & 0o777) == "0o600"


# --- accepted types, downloads and scope ---------------------------------------------------------------
ACCEPTED = {  # name → (content, content type, inline)
    "rapport.pdf": (PDF, "application/pdf", True),
    "logo.png": (image("PNG"), "image/png", True),
    "foto.jpg": (image("JPEG"), "image/jpeg", True),
    "animatie.gif": (image("GIF"), "image/gif", True),
    "plaatje.webp": (image("WEBP"), "image/webp", True),
    "verslag.docx": (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    "begroting.xlsx": (xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    "notulen.odt": (odt(), "application/vnd.oasis.opendocument.text", False),
    "deelnemers.csv": ("naam;plaats\nJansen;Leiden\nÖzdemir;Delft\n".encode(), "text/csv; charset=utf-8", False),
    "excel-export.csv": ("naam;plaats\nMüller;Tilburg\n".encode("cp1252"), "text/csv; charset=windows-1252",
                         False),
    "leesmij.txt": ("Prijs < 100 euro en > 50 euro: a<b.\n".encode(), "text/plain; charset=utf-8", False),
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_types_are_stored_and_downloadable_in_scope(app, clients, contact_file, name):
    content, content_type, inline = ACCEPTED[name]
    stored = contact_file(content, name)
    assert stored["content_type"] == content_type and stored["name"] == name
    with open(stored["path"], "rb") as handle:
        assert handle.read() == content
    for role in ("employer", "advisor", "staff"):
        response = clients(role).get(f"/bestanden/{stored['token']}")
        assert response.status_code == 200, role
        assert response.data == content
        assert response.headers["Content-Type"] == content_type
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("inline;" if inline else "attachment;"), disposition
        assert name in disposition
        assert response.headers["Cache-Control"] == "private, no-store"
        if not content_type.startswith("application/pdf"):
            assert "sandbox" in response.headers["Content-Security-Policy"]


def test_content_decides_the_type_not_the_name(app, clients, contact_file):
    stored = contact_file(image("PNG"), "scan")
    response = clients("employer").get(f"/bestanden/{stored['token']}")
    assert stored["name"] == "scan.png" and response.headers["Content-Type"] == "image/png"


def test_a_user_outside_the_scope_gets_the_same_404_as_for_an_unknown_token(app, clients, contact_file):
    stored = contact_file(PDF, "vertrouwelijk.pdf")
    # advisor2 (another region) logs in afresh: tests/security/test_audit.py logs advisor2 out, which
    # would end a session cached by the clients fixture
    advisor2 = Client.logged_in(app, "advisor2@demo.fondsportaal.nl", DEMO_PASSWORD)
    for role in ("employer2", "employee", "institute", "outplacement_partner", "advisor2"):
        http = advisor2 if role == "advisor2" else clients(role)
        foreign = http.get(f"/bestanden/{stored['token']}")
        unknown = http.get("/bestanden/" + "A" * 43)
        assert foreign.status_code == unknown.status_code == 404, role
        assert PDF not in foreign.data
        assert page_without_nonces(foreign) == page_without_nonces(unknown)


def page_without_nonces(response):
    return re.sub(r'nonce="[^"]*"', "", response.get_data(as_text=True).replace(response.headers["X-Request-Id"], ""))


@pytest.mark.parametrize("path", ["/bestanden/kort", "/bestanden/..%2F..%2Fetc%2Fpasswd", "/bestanden/" + "x" * 65])
def test_malformed_tokens_are_404(clients, path):
    assert clients("staff").get(path).status_code == 404


def test_anonymous_gets_the_login_page_for_any_token(app, contact_file):
    stored = contact_file(PDF, "vertrouwelijk.pdf")
    for token in (stored["token"], "A" * 43):
        response = app.test_client().get(f"/bestanden/{token}")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert PDF not in response.data


def test_a_deleted_owner_leaves_its_file_unreachable(app, clients, world, cleanup):
    with app.app_context():
        owner = ContactPerson(company_id=world.zhn_company, surname="Tijdelijk", initials="T.")
        db.session.add(owner)
        db.session.commit()
        token = store(upload(PDF, "tijdelijk.pdf"), owner).token
        db.session.commit()
        assert clients("staff").get(f"/bestanden/{token}").status_code == 200
        db.session.delete(owner)
        db.session.commit()
    assert clients("staff").get(f"/bestanden/{token}").status_code == 404


def test_downloads_of_personal_files_are_logged_as_views(app, clients, contact_file):
    stored = contact_file(PDF, "dossier.pdf")
    with app.app_context():
        before = db.session.execute(select(func.max(AuditLog.id))).scalar()
    clients("employer").get(f"/bestanden/{stored['token']}")
    clients("employer2").get(f"/bestanden/{stored['token']}")  # refused: no view
    with app.app_context():
        views = db.session.execute(select(AuditLog).where(AuditLog.id > before)).scalars().all()
        assert [(v.action, v.model, v.record_id, v.user_email) for v in views] == \
            [("view", "StoredFile", stored["id"], "employer@demo.fondsportaal.nl")]


def test_storing_is_audited_as_a_create_without_the_token(app, contact_file):
    with app.app_context():
        before = db.session.execute(select(func.max(AuditLog.id))).scalar()
    stored = contact_file(PDF, "audit.pdf")
    with app.app_context():
        row = db.session.execute(select(AuditLog).where(AuditLog.id > before)).scalar_one()
        assert (row.action, row.model, row.record_id) == ("create", "StoredFile", stored["id"])
        changes = row.changes_dict()
        assert changes["owner_model"] == [None, "ContactPerson"] and changes["token"] == [None, "***"]


# --- the file belongs to the transaction ---------------------------------------------------------------
def test_a_rollback_removes_the_stored_file_again(app, world):
    before = snapshot(app)
    with app.app_context():
        owner = db.session.get(ContactPerson, world.zhn_contact)
        stored = store(upload(PDF, "teruggedraaid.pdf"), owner)
        path = file_path(stored)
        assert path.is_file()
        db.session.rollback()
        assert not path.exists()
    assert snapshot(app) == before


def test_a_session_closed_without_commit_removes_the_stored_file(app, world):
    before = snapshot(app)
    with app.app_context():
        owner = db.session.get(ContactPerson, world.zhn_contact)
        path = file_path(store(upload(PDF, "vergeten.pdf"), owner))
        db.session.remove()
        assert not path.exists()
    assert snapshot(app) == before


def test_a_deleted_stored_file_leaves_the_disk_when_the_delete_commits(app, contact_file):
    stored = contact_file(PDF, "weg.pdf")
    with app.app_context():
        row = db.session.get(StoredFile, stored["id"])
        db.session.delete(row)
        db.session.flush()
        db.session.rollback()  # not committed: the file stays
        assert os.path.exists(stored["path"])
        db.session.delete(db.session.get(StoredFile, stored["id"]))
        db.session.commit()
    assert not os.path.exists(stored["path"])


def test_the_upload_folder_may_not_lie_in_a_static_folder(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", os.path.join(app.static_folder, "uploads"))
    with app.app_context(), pytest.raises(RuntimeError, match="static"):
        upload_root()


# --- partner logos: the first user of the service -----------------------------------------------------
@pytest.fixture()
def logo(app, clients):
    png = image("PNG")
    response = clients("staff").post("/partnerlogoview/add", content_type="multipart/form-data", data={
        "name": "Servicepartner", "sort_order": "9", "active": "y", "logo": (io.BytesIO(png), "partner.png")})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.execute(select(PartnerLogo).where(PartnerLogo.name == "Servicepartner")).scalar_one()
        info = {"id": row.id, "token": row.logo_file.token, "path": str(file_path(row.logo_file)), "png": png,
                "version": row.version}
    yield info
    with app.app_context():
        row = db.session.get(PartnerLogo, info["id"])
        if row is not None:
            db.session.delete(row)
            db.session.commit()


def test_a_logo_is_a_stored_file_of_its_partner(app, logo):
    with app.app_context():
        stored = db.session.execute(select(StoredFile).where(StoredFile.token == logo["token"])).scalar_one()
        assert (stored.owner_model, stored.owner_id, stored.content_type, stored.name) == \
            ("PartnerLogo", logo["id"], "image/png", "partner.png")
        assert stored.uploaded_by_id == user("staff").id
        assert db.session.get(PartnerLogo, logo["id"]).image_type == "image/png"


def test_anonymous_sees_active_logos_only_through_the_logo_route(app, logo):
    anonymous = app.test_client()
    image_response = anonymous.get(f"/partnerlogo/{logo['id']}/image")
    assert image_response.status_code == 200 and image_response.data == logo["png"]
    assert image_response.headers["X-Content-Type-Options"] == "nosniff"
    assert image_response.headers["Content-Disposition"].startswith("inline;")
    bestanden = anonymous.get(f"/bestanden/{logo['token']}")
    assert bestanden.status_code == 302 and "/login" in bestanden.headers["Location"]
    with app.app_context():
        row = db.session.get(PartnerLogo, logo["id"])
        row.active = False
        db.session.commit()
    assert anonymous.get(f"/partnerlogo/{logo['id']}/image").status_code == 404


def test_every_signed_in_user_may_download_a_logo_and_it_is_not_logged(app, clients, logo):
    with app.app_context():
        before = db.session.execute(select(func.max(AuditLog.id))).scalar()
    for role in ("employee", "employer2", "institute"):
        response = clients(role).get(f"/bestanden/{logo['token']}")
        assert response.status_code == 200 and response.data == logo["png"], role
    with app.app_context():
        assert db.session.execute(select(func.max(AuditLog.id))).scalar() == before


def test_a_new_logo_replaces_the_old_file(app, clients, logo):
    gif = image("GIF")
    response = clients("staff").post(f"/partnerlogoview/edit/{logo['id']}", content_type="multipart/form-data",
                                     data={"name": "Servicepartner", "sort_order": "9", "active": "y",
                                           "row_version": str(logo["version"]),
                                           "logo": (io.BytesIO(gif), "nieuw.gif")})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(PartnerLogo, logo["id"])
        assert [f.name for f in row.stored_files] == ["nieuw.gif"] and row.image_type == "image/gif"
    assert not os.path.exists(logo["path"])
    assert app.test_client().get(f"/partnerlogo/{logo['id']}/image").data == gif


def test_deleting_a_partner_deletes_its_logo_file(app, clients, logo):
    assert clients("staff").post(f"/partnerlogoview/delete/{logo['id']}").status_code == 302
    with app.app_context():
        assert db.session.get(PartnerLogo, logo["id"]) is None
        assert db.session.execute(select(StoredFile).where(StoredFile.token == logo["token"])).first() is None
    assert not os.path.exists(logo["path"])


def test_a_logo_must_be_an_image(app):
    with app.app_context(), pytest.raises(UploadRefused, match="PDF wordt hier niet aangenomen"):
        check(upload(PDF, "logo.pdf"), allowed=IMAGE_TYPES)
