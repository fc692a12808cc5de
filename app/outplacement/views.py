"""Outplacement organisations (003)."""
from flask_babel import lazy_gettext as _l

from app.core.datamodel import ScopedSQLAInterface
from app.core.search.fields import LowerTextField, NumberField
from app.core.views import ScopedModelView
from app.outplacement.models import OutplacementOrganisation


class OutplacementOrganisationView(ScopedModelView):
    datamodel = ScopedSQLAInterface(OutplacementOrganisation)
    list_title = _l("Outplacementkantoren")
    show_title = _l("Outplacementkantoor")
    add_title = _l("Outplacementkantoor toevoegen")
    edit_title = _l("Outplacementkantoor bewerken")
    help_text = _l("De outplacementkantoren die cliënten begeleiden.")
    label_columns = {"number": _l("Nummer"), "name": _l("Naam"), "region": _l("Regio"), "region.name": _l("Regio")}
    list_columns = ["number", "name", "region.name"]
    search_fields = (
        NumberField("number", _l("Nummer"), OutplacementOrganisation.number),
        LowerTextField("name", _l("Naam"), OutplacementOrganisation.name),
    )
    add_columns = edit_columns = show_columns = ["number", "name", "region"]
