"""Course institutes (M8), applications ("Aangevraagd"), vocational training (BBL), the personal
training plan (M14), the fund's projects and extra training days. The rules are the domain's
(app.training.rules); these pages only show and collect."""
from flask_appbuilder.actions import action
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired, NumberRange

from app.core.api import ScopedModelRestApi
from app.core.datamodel import ScopedSQLAInterface
from app.core.formatting import label_of, money
from app.core.search.fields import DateField, LowerTextField, NumberField
from app.core.views import ScopedModelView, record_view
from app.extensions import db
from app.registry.fields import COMPANY_PARENT, EMPLOYEE_PARENT, company_field, company_fields, employee_field
from app.registry.models import Employee
from app.security import permissions as P
from app.security.scoping import current_actor
from app.training.models import (
    SCHEMES, Application, ApplicationState, BblState, ExtraTrainingDay, Institute, PlanKind, Project,
    ProjectParticipant, TrainingPlanEntry, VocationalTraining,
)
from app.training.rules import cancel_application


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


class ApplicationView(ScopedModelView):
    """"Aangevraagd" (M6.3.7): applications with their status; one not yet processed can be cancelled.
    A minimal form: the training module adds schemes, amounts and payment."""

    datamodel = ScopedSQLAInterface(Application)
    breadcrumb_parent = COMPANY_PARENT
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
    add_form_extra_fields = edit_form_extra_fields = {
        **company_fields(employee=True),
        "scheme": SelectField(_l("Regeling"), choices=list(SCHEMES.items())),
    }
    validators_columns = {"course_title": [InputRequired()]}
    formatters_columns = {"status": lambda s: label_of(ApplicationState.labels(), s),
                          "scheme": lambda s: label_of(SCHEMES, s),
                          "amount_requested": money, "amount_granted": money}

    action_moves = {"cancel": ApplicationState.CANCELLED}

    @action("cancel", _l("Annuleren"), _l("Deze aanvraag annuleren?"), "fa-times", multiple=False)
    def cancel(self, item):
        return self.perform(cancel_application, item, _l("De aanvraag is geannuleerd."))


class VocationalTrainingView(ScopedModelView):
    datamodel = ScopedSQLAInterface(VocationalTraining)
    breadcrumb_parent = COMPANY_PARENT
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
    add_form_extra_fields = edit_form_extra_fields = {
        "employee": employee_field(required=True), "company": company_field(),
        "status": SelectField(_l("Status"), choices=[(state.value, state.title) for state in BblState]),
    }
    validators_columns = {"qualification": [InputRequired()], "school": [InputRequired()],
                          "level": [InputRequired(), NumberRange(1, 4)], "start_date": [InputRequired()]}
    formatters_columns = {"status": lambda s: label_of(BblState.labels(), s)}


class TrainingPlanEntryView(ScopedModelView):
    """Persoonlijk OpleidingsPlan (M14): the employee keeps their own school career and trainings;
    trainings funded through the fund appear by themselves and cannot be changed here."""

    datamodel = ScopedSQLAInterface(TrainingPlanEntry)
    breadcrumb_parent = EMPLOYEE_PARENT
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
    add_form_extra_fields = edit_form_extra_fields = {
        "employee": employee_field(description=_l("Leeg laten voor uw eigen plan.")),
        "kind": SelectField(_l("Soort"), choices=[(kind.value, kind.title) for kind in PlanKind]),
    }
    validators_columns = {"title": [InputRequired()]}
    formatters_columns = {"kind": lambda kind: label_of(PlanKind.labels(), kind)}

    def prefill_add_form(self, form):
        """The employee's own plan: their employee number is filled in."""
        employee_id = getattr(current_actor(), "employee_id", None)
        if employee_id:
            form.employee.data = db.session.get(Employee, employee_id)


class ProjectView(ScopedModelView):
    datamodel = ScopedSQLAInterface(Project)
    list_title = _l("Projecten")
    show_title = _l("Project")
    add_title = _l("Project toevoegen")
    edit_title = _l("Project bewerken")
    help_text = _l("De projecten van het fonds. Welke bedrijven en werknemers deelnemen staat bij de deelnemers.")
    label_columns = {"name": _l("Naam"), "description": _l("Omschrijving"), "start_date": _l("Begindatum"),
                     "end_date": _l("Einddatum")}
    list_columns = ["name", "start_date", "end_date"]
    add_columns = edit_columns = show_columns = ["name", "description", "start_date", "end_date"]
    search_fields = (LowerTextField("name", _l("Naam"), Project.name),
                     DateField("start_date", _l("Begindatum"), Project.start_date))
    validators_columns = {"name": [InputRequired()]}


ProjectParticipantView = record_view(
    ProjectParticipant, P.PROJECT_PARTICIPANT_VIEW,
    titles=(_l("Projectdeelnemers"), _l("Projectdeelnemer"), _l("Deelnemer toevoegen"), _l("Deelnemer bewerken")),
    help_text=_l("Welke bedrijven en werknemers aan een project deelnemen."),
    labels={"company": _l("Bedrijf"), "company.name": _l("Bedrijf"), "employee": _l("Werknemer"),
            "project": _l("Project"), "project.name": _l("Project"), "role": _l("Rol")},
    columns=["project", "company", "employee", "role"], list_columns=["project.name", "company.name", "role"],
    search_fields=(LowerTextField("role", _l("Rol"), ProjectParticipant.role),),
    fields=company_fields(employee=True), breadcrumb_parent=COMPANY_PARENT)

ExtraTrainingDayView = record_view(
    ExtraTrainingDay, P.EXTRA_TRAINING_DAY_VIEW,
    titles=(_l("Extra bijscholingsdagen"), _l("Extra bijscholingsdag"), _l("Bijscholingsdag toevoegen"),
            _l("Bijscholingsdag bewerken")),
    help_text=_l("Extra bijscholingsdagen van bedrijven en hun werknemers."),
    labels={"company": _l("Bedrijf"), "company.name": _l("Bedrijf"), "employee": _l("Werknemer"),
            "day": _l("Datum"), "days": _l("Dagen"), "subject": _l("Onderwerp")},
    columns=["company", "employee", "day", "days", "subject"], list_columns=["day", "company.name", "days", "subject"],
    search_fields=(DateField("day", _l("Datum"), ExtraTrainingDay.day),),
    fields=company_fields(employee=True), breadcrumb_parent=COMPANY_PARENT,
    validators={"day": [InputRequired()], "days": [InputRequired()]})


class ApplicationApi(ScopedModelRestApi):
    """Applications through the API: numbered, dated and started as "Ingediend" exactly like through
    the form (the domain's operations); a change of status follows the state machine."""

    resource_name = "application"
    datamodel = ScopedSQLAInterface(Application)
    list_columns = ["id", "number", "company.id", "employee.id", "scheme", "course_title", "submitted_on", "status"]
    show_columns = ["id", "number", "company.id", "employee.id", "scheme", "course_title", "institute.id",
                    "start_date", "end_date", "submitted_on", "status", "amount_requested", "amount_granted",
                    "paid_on"]
    add_columns = ["company", "employee", "scheme", "course_title", "institute", "start_date", "end_date",
                   "amount_requested"]
    edit_columns = add_columns + ["amount_granted", "status"]
    search_columns = ["number", "status", "submitted_on"]
    order_columns = ["number", "submitted_on"]
