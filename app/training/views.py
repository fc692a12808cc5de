"""Course institutes (M8)."""
from flask_babel import lazy_gettext as _l

from app.core.datamodel import ScopedSQLAInterface
from app.core.search.fields import LowerTextField, NumberField
from app.core.views import ScopedModelView
from app.training.models import Institute


class InstituteView(ScopedModelView):
    datamodel = ScopedSQLAInterface(Institute)
    list_title = _l("Cursusinstituten")
    show_title = _l("Cursusinstituut")
    add_title = _l("Cursusinstituut toevoegen")
    edit_title = _l("Cursusinstituut bewerken")
    help_text = _l("De cursusinstituten die cursussen in de cursuscatalogus aanbieden.")
    label_columns = {"number": _l("Nummer"), "name": _l("Naam"), "place": _l("Plaats"),
                     "email": _l("E-mail"), "website": _l("Website"), "active": _l("Actief")}
    list_columns = ["number", "name", "place", "active"]
    active_column = "active"
    search_fields = (
        NumberField("number", _l("Nummer"), Institute.number),
        LowerTextField("name", _l("Naam"), Institute.name),
        LowerTextField("place", _l("Plaats"), Institute.place),
    )
    add_columns = edit_columns = show_columns = ["number", "name", "place", "email", "website", "active"]
    search_columns = ["number", "name", "place", "active"]
    base_order = ("number", "asc")
