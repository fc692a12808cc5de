"""Payment notes with their lines, and other contributions: kept by staff, read by who sees the
company (MijnOOM 6.3.6, 6.3.7)."""
from flask_appbuilder.widgets import ShowWidget
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from app.core.datamodel import ScopedSQLAInterface
from app.core.fields import NumberLookupField
from app.core.formatting import label_of, money
from app.core.search.fields import DateField, LowerTextField, NumberField
from app.core.views import ScopedModelView, record_view
from app.payments.models import CONTRIBUTION_KINDS, OtherContribution, PaymentNote, PaymentNoteLine
from app.registry.fields import COMPANY_PARENT, company_fields, employee_field
from app.security import permissions as P


class PaymentNoteView(ScopedModelView):
    datamodel = ScopedSQLAInterface(PaymentNote)
    breadcrumb_parent = COMPANY_PARENT
    list_title = _l("Uitkeringsnota's")
    show_title = _l("Uitkeringsnota")
    add_title = _l("Uitkeringsnota toevoegen")
    edit_title = _l("Uitkeringsnota bewerken")
    show_widget = type("PaymentNoteShowWidget", (ShowWidget,), {"template": "payments/payment_note_widget.html"})
    help_text = _l("Wat het fonds aan bedrijven heeft uitgekeerd. Klik op een nummer om de nota met zijn "
                   "regels te zien.")
    label_columns = {"number": _l("Nummer"), "company": _l("Bedrijf"), "company.name": _l("Bedrijf"),
                     "note_date": _l("Datum"), "description": _l("Omschrijving"), "total": _l("Bedrag")}
    list_columns = ["number", "note_date", "company.name", "description"]
    show_columns = ["number", "company", "note_date", "description", "total"]
    add_columns = edit_columns = ["number", "company", "note_date", "description"]
    search_fields = (
        NumberField("number", _l("Nummer"), PaymentNote.number),
        DateField("note_date", _l("Datum"), PaymentNote.note_date),
    )
    add_form_extra_fields = edit_form_extra_fields = company_fields()
    validators_columns = {"number": [InputRequired()], "note_date": [InputRequired()]}
    formatters_columns = {"total": money}

    def _get_show_widget(self, pk, item, **kwargs):
        """The note with its lines (M6.3.6: "kunt u een nota inzien")."""
        widgets = super()._get_show_widget(pk, item, **kwargs)
        widgets["show"].template_args["lines"] = item.lines
        widgets["show"].template_args["money"] = money
        return widgets


class PaymentNoteLineView(ScopedModelView):
    datamodel = ScopedSQLAInterface(PaymentNoteLine)
    breadcrumb_parent = ("note", P.PAYMENT_NOTE_VIEW)
    list_title = show_title = _l("Notaregels")
    add_title = _l("Notaregel toevoegen")
    edit_title = _l("Notaregel bewerken")
    help_text = _l("De regels van een uitkeringsnota: waarvoor het fonds betaalde en hoeveel.")
    label_columns = {"note": _l("Nota"), "employee": _l("Werknemer"), "description": _l("Omschrijving"),
                     "amount": _l("Bedrag"), "note.number": _l("Nota")}
    list_columns = ["note.number", "description", "amount"]
    add_columns = edit_columns = show_columns = ["note", "employee", "description", "amount"]
    search_fields = (LowerTextField("description", _l("Omschrijving"), PaymentNoteLine.description),)
    add_form_extra_fields = edit_form_extra_fields = {
        "note": NumberLookupField(_l("Notanummer"), [InputRequired()], model=PaymentNote),
        "employee": employee_field(),
    }
    validators_columns = {"description": [InputRequired()], "amount": [InputRequired()]}
    formatters_columns = {"amount": money}


OtherContributionView = record_view(
    OtherContribution, P.OTHER_CONTRIBUTION_VIEW,
    titles=(_l("Overige bijdragen"), _l("Overige bijdrage"), _l("Bijdrage toevoegen"), _l("Bijdrage bewerken")),
    help_text=_l("Boekengeld, diplomageld en vergoedingen voor stages en projecten die het fonds uitkeert."),
    labels={"company": _l("Bedrijf"), "company.name": _l("Bedrijf"), "employee": _l("Werknemer"),
            "kind": _l("Soort"), "paid_on": _l("Betaald op"), "amount": _l("Bedrag"),
            "description": _l("Omschrijving")},
    columns=["company", "employee", "kind", "paid_on", "amount", "description"],
    list_columns=["paid_on", "company.name", "kind", "amount", "description"],
    search_fields=(DateField("paid_on", _l("Betaald op"), OtherContribution.paid_on),
                   LowerTextField("kind", _l("Soort"), OtherContribution.kind)),
    fields={**company_fields(employee=True),
            "kind": SelectField(_l("Soort"), choices=list(CONTRIBUTION_KINDS.items()))},
    formatters={"amount": money, "kind": lambda kind: label_of(CONTRIBUTION_KINDS, kind)},
    validators={"paid_on": [InputRequired()], "amount": [InputRequired()]}, breadcrumb_parent=COMPANY_PARENT)
