"""Course institutes (M8), applications ("Aangevraagd"), vocational training (BBL) and the personal
training plan (M14)."""
import datetime as dt

from flask import flash, redirect
from flask_appbuilder.actions import action
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired, NumberRange, Optional as OptionalValidator

from app.core.datamodel import DomainError, ScopedSQLAInterface
from app.core.fields import NumberLookupField
from app.core.search.fields import DateField, LowerTextField, NumberField
from app.core.views import ScopedModelView, local_next_url
from app.dossier.tabs import SCHEME_LABELS, STATUS_LABELS, label_of, money
from app.extensions import db
from app.registry.models import Company, Employee
from app.security.scoping import current_actor
from app.training.models import (
    BBL_STATES, CANCELLED, PAID, REJECTED, SCHEMES, SUBMITTED, Application, Institute, TrainingPlanEntry,
    VocationalTraining,
)
from app.training.rules import cancel, next_application_number


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


class ApplicationView(ScopedModelView):
    """"Aangevraagd" (M6.3.7): applications with their status; one not yet processed can be cancelled.
    A minimal form: the training module adds schemes, amounts and payment."""

    datamodel = ScopedSQLAInterface(Application)
    breadcrumb_parent = ("company", "CompanyView")
    list_title = _l("Aanvragen")
    show_title = _l("Aanvraag")
    add_title = _l("Aanvraag registreren")
    edit_title = _l("Aanvraag bewerken")
    help_text = _l("Aanvragen voor bijdragen met hun status. Zolang een aanvraag niet in behandeling is, "
                   "kan de aanvrager haar annuleren.")
    label_columns = {"number": _l("Nummer"), "company": _l("Bedrijf"), "company.name": _l("Bedrijf"),
                     "employee": _l("Werknemer"), "scheme": _l("Regeling"), "course_title": _l("Opleiding"),
                     "institute": _l("Instituut"), "start_date": _l("Begindatum"), "end_date": _l("Einddatum"),
                     "submitted_on": _l("Ingediend"), "status": _l("Status"),
                     "amount_requested": _l("Gevraagd bedrag"), "amount_granted": _l("Toegekend bedrag"),
                     "paid_on": _l("Betaald op")}
    list_columns = ["number", "submitted_on", "company.name", "scheme", "course_title", "status"]
    show_columns = ["number", "company", "employee", "scheme", "course_title", "institute", "start_date",
                    "end_date", "submitted_on", "status", "amount_requested", "amount_granted", "paid_on"]
    add_columns = ["company", "employee", "scheme", "course_title", "institute", "start_date", "end_date",
                   "amount_requested"]
    edit_columns = add_columns + ["amount_granted"]
    search_fields = (
        NumberField("number", _l("Nummer"), Application.number),
        DateField("submitted_on", _l("Ingediend"), Application.submitted_on),
        LowerTextField("status", _l("Status"), Application.status),
    )
    search_columns = ["number", "submitted_on", "status"]
    base_order = ("number", "desc")
    order_columns = ["number", "submitted_on"]
    add_form_extra_fields = edit_form_extra_fields = {
        "company": NumberLookupField(_l("Bedrijfsnummer"), [InputRequired()], model=Company),
        "employee": NumberLookupField(_l("Werknemernummer"), [OptionalValidator()], model=Employee),
        "scheme": SelectField(_l("Regeling"), choices=[(s, SCHEME_LABELS[s]) for s in SCHEMES]),
    }
    validators_columns = {"course_title": [InputRequired()]}
    formatters_columns = {"status": lambda s: label_of(STATUS_LABELS, s),
                          "scheme": lambda s: label_of(SCHEME_LABELS, s),
                          "amount_requested": money, "amount_granted": money}

    def pre_add(self, item):
        item.number = next_application_number(self.datamodel.session)
        item.submitted_on = dt.date.today()
        item.status = SUBMITTED

    def pre_update(self, item):
        if item.status in (PAID, CANCELLED, REJECTED):
            raise DomainError(str(_l("Een afgehandelde aanvraag kan niet meer worden gewijzigd.")))

    def pre_delete(self, item):
        raise DomainError(str(_l("Een aanvraag wordt niet verwijderd; annuleer haar zolang dat kan.")))

    @action("cancel", _l("Annuleren"), _l("Deze aanvraag annuleren?"), "fa-times", multiple=False)
    def cancel(self, item):
        try:
            cancel(self.datamodel.session, item)
            self.datamodel.edit(item)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_l("De aanvraag is geannuleerd."), "success")
        return redirect(local_next_url() or self.get_redirect())


class VocationalTrainingView(ScopedModelView):
    datamodel = ScopedSQLAInterface(VocationalTraining)
    breadcrumb_parent = ("company", "CompanyView")
    list_title = _l("Beroepsopleidingen")
    show_title = _l("Beroepsopleiding")
    add_title = _l("Beroepsopleiding toevoegen")
    edit_title = _l("Beroepsopleiding bewerken")
    help_text = _l("Welke werknemers welke beroepsopleiding volgen in de Beroepsbegeleidende Leerweg (BBL).")
    label_columns = {"employee": _l("Werknemer"), "employee.surname": _l("Werknemer"), "company": _l("Bedrijf"),
                     "company.name": _l("Bedrijf"), "qualification": _l("Kwalificatie"), "level": _l("Niveau"),
                     "school": _l("School"), "start_date": _l("Begindatum"), "end_date": _l("Einddatum"),
                     "status": _l("Status")}
    list_columns = ["employee.surname", "company.name", "qualification", "level", "start_date", "status"]
    add_columns = edit_columns = show_columns = ["employee", "company", "qualification", "level", "school",
                                                 "start_date", "end_date", "status"]
    search_fields = (
        LowerTextField("qualification", _l("Kwalificatie"), VocationalTraining.qualification),
        DateField("start_date", _l("Begindatum"), VocationalTraining.start_date),
        NumberField("level", _l("Niveau"), VocationalTraining.level),
    )
    search_columns = ["qualification", "start_date", "level"]
    base_order = ("start_date", "desc")
    add_form_extra_fields = edit_form_extra_fields = {
        "employee": NumberLookupField(_l("Werknemernummer"), [InputRequired()], model=Employee),
        "company": NumberLookupField(_l("Bedrijfsnummer"), [InputRequired()], model=Company),
        "status": SelectField(_l("Status"), choices=[(s, STATUS_LABELS[s]) for s in BBL_STATES]),
    }
    validators_columns = {"qualification": [InputRequired()], "school": [InputRequired()],
                          "level": [InputRequired(), NumberRange(1, 4)], "start_date": [InputRequired()]}
    formatters_columns = {"status": lambda s: label_of(STATUS_LABELS, s)}


class TrainingPlanEntryView(ScopedModelView):
    """Persoonlijk OpleidingsPlan (M14): the employee keeps their own school career and trainings;
    trainings funded through the fund appear by themselves and cannot be changed here."""

    datamodel = ScopedSQLAInterface(TrainingPlanEntry)
    breadcrumb_parent = ("employee", "EmployeeView")
    list_title = _l("Persoonlijk OpleidingsPlan")
    show_title = _l("Opleiding")
    add_title = _l("Opleiding toevoegen")
    edit_title = _l("Opleiding bewerken")
    help_text = _l("Uw schoolcarrière en trainingen. Trainingen waarvoor via het fonds een bijdrage is "
                   "aangevraagd, komen er vanzelf in; andere opleidingen voegt u zelf toe.")
    label_columns = {"employee": _l("Werknemer"), "employee.surname": _l("Werknemer"), "kind": _l("Soort"),
                     "title": _l("Opleiding"), "institute_name": _l("School of instituut"),
                     "start_date": _l("Begindatum"), "end_date": _l("Einddatum"), "result": _l("Resultaat"),
                     "funded": _l("Via het fonds")}
    list_columns = ["employee.surname", "kind", "title", "institute_name", "start_date", "end_date"]
    show_columns = ["employee", "kind", "title", "institute_name", "start_date", "end_date", "result", "funded"]
    add_columns = edit_columns = ["employee", "kind", "title", "institute_name", "start_date", "end_date", "result"]
    search_fields = (
        LowerTextField("title", _l("Opleiding"), TrainingPlanEntry.title),
        DateField("start_date", _l("Begindatum"), TrainingPlanEntry.start_date),
    )
    search_columns = ["title", "start_date"]
    base_order = ("start_date", "desc")
    add_form_extra_fields = edit_form_extra_fields = {
        "employee": NumberLookupField(_l("Werknemernummer"), [OptionalValidator()], model=Employee,
                                      description=_l("Leeg laten voor uw eigen plan.")),
        "kind": SelectField(_l("Soort"), choices=[("school", _l("Schoolopleiding")), ("training", _l("Training of cursus"))]),
    }
    validators_columns = {"title": [InputRequired()]}
    formatters_columns = {"kind": lambda k: str(_l("Schoolopleiding") if k == "school" else _l("Training of cursus"))}

    def prefill_add_form(self, form):
        employee = _own_employee()
        if employee is not None:
            form.employee.data = employee

    def pre_add(self, item):
        if item.employee is None:
            item.employee = _own_employee()
        if item.employee is None:
            raise DomainError(str(_l("Kies de werknemer (werknemernummer).")),
                              {"employee": str(_l("Kies de werknemer (werknemernummer)."))})
        item.company_id = item.employee.company_id

    def pre_update(self, item):
        _refuse_funded(item)

    def pre_delete(self, item):
        _refuse_funded(item)


def _own_employee():
    actor = current_actor()
    employee_id = getattr(actor, "employee_id", None)
    return db.session.get(Employee, employee_id) if employee_id else None


def _refuse_funded(entry):
    if entry.application_id is not None:
        raise DomainError(str(_l("Deze training komt uit een aanvraag bij het fonds en kan hier niet "
                                 "worden gewijzigd of verwijderd.")))
