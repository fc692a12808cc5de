"""How the inspector names things: roles, scope kinds, permissions, records, in the user's language."""
from flask_babel import gettext as _, ngettext
from sqlalchemy import select

from app.extensions import db
from app.security.roles import ALL, ROLE_LABELS
from app.security.scoping import (
    COMPANY, EMPLOYEE, INSTITUTE, OUTPLACEMENT_ORG, REGION, SCOPE_KINDS, kind_model,
)


def role_label(name):
    return str(ROLE_LABELS.get(name, name))


def roles_text(names):
    labels = [role_label(name) for name in names]
    return ngettext("rol %(names)s", "rollen %(names)s", len(labels), names=", ".join(labels))


def kind_label(kind):
    return {
        ALL: _("alles"), REGION: _("regio"), COMPANY: _("bedrijf"), EMPLOYEE: _("werknemer"),
        INSTITUTE: _("cursusinstituut"), OUTPLACEMENT_ORG: _("outplacementkantoor"),
        "owner": _("eigenaar"), "private": _("privé"), "none": _("geen"),
    }.get(kind, kind)


def permission_label(permission):
    labels = {
        "can_list": _("lijst openen"), "can_show": _("gegevens bekijken"), "can_add": _("toevoegen"),
        "can_edit": _("wijzigen"), "can_delete": _("verwijderen"), "can_export_csv": _("exporteren (CSV)"),
        "can_export_xlsx": _("exporteren (Excel)"), "can_this_form_get": _("formulier openen"),
        "can_this_form_post": _("formulier versturen"), "menu_access": _("in het menu"),
        "make_main": _("hoofdcontactpersoon maken"), "can_save": _("overzicht bewaren"),
        "can_userinfo": _("eigen gegevens bekijken"), "can_check": _("rechten controleren"),
    }
    return labels.get(permission, permission)


def describe_values(kind, ids):
    """"regio's Zuid-Holland Noord, Zuid-Holland Zuid", "bedrijf 100004 Naam"; empty when no ids."""
    ids = [i for i in ids if i is not None]
    if not ids:
        return ""
    model = kind_model(kind)
    names = sorted(str(row) for row in db.session.execute(select(model).where(model.id.in_(ids))).scalars())
    text, count = ", ".join(names), len(names)
    if kind == REGION:
        return ngettext("regio %(names)s", "regio's %(names)s", count, names=text)
    if kind == COMPANY:
        return ngettext("bedrijf %(names)s", "bedrijven %(names)s", count, names=text)
    if kind == EMPLOYEE:
        return ngettext("werknemer %(names)s", "werknemers %(names)s", count, names=text)
    if kind == INSTITUTE:
        return ngettext("cursusinstituut %(names)s", "cursusinstituten %(names)s", count, names=text)
    return ngettext("outplacementkantoor %(names)s", "outplacementkantoren %(names)s", count, names=text)


def row_label(row):
    """A parent row as a user reads it: "bedrijf 100004 Naam"."""
    for kind in SCOPE_KINDS:
        if isinstance(row, kind_model(kind)):
            return describe_values(kind, [row.id])
    return str(row)
