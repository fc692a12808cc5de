"""Training's tabs of the company and employee dossiers (MijnOOM 6.3.4, 6.3.5, 6.3.7, 7.3): courses
in the employees' training plans, vocational training (BBL), projects, extra training days and the
applications (with "Annuleren"); an employee's PTT balance."""
import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.clock import today
from app.core.dossier import Column, Tab, register_tab, total
from app.core.formatting import label_of, money, number
from app.registry.models import Company, Employee
from app.registry.tabs import EMPLOYEE_LINK, all_rows, employee_name, row_id, with_employee
from app.security import permissions as P
from app.security.scoping import current_actor
from app.training.models import (
    APPLICATION_STATES, Application, ApplicationState, BblState, ExtraTrainingDay, PlanKind, ProjectParticipant,
    SCHEMES, TrainingPlanEntry, VocationalTraining,
)
from app.training.rules import ptt_years


def application_status(row):
    return label_of(ApplicationState.labels(), row.status)


def course_status(entry):
    """A funded course shows its application's state; another one the result the employee noted."""
    return application_status(entry.application) if entry.application else entry.result


# --- company tabs ---------------------------------------------------------------------------------
def company_courses(session, company, user):
    return all_rows(session, select(TrainingPlanEntry).where(
        TrainingPlanEntry.company_id == company.id, TrainingPlanEntry.kind == PlanKind.TRAINING.value)
        .options(with_employee(TrainingPlanEntry),
                 joinedload(TrainingPlanEntry.application).load_only(Application.status))
        .order_by(TrainingPlanEntry.start_date.desc(), TrainingPlanEntry.id), TrainingPlanEntry, user)


def company_bbl(session, company, user):
    return all_rows(session, select(VocationalTraining).where(VocationalTraining.company_id == company.id)
                    .options(with_employee(VocationalTraining))
                    .order_by(VocationalTraining.start_date.desc(), VocationalTraining.id), VocationalTraining, user)


def company_projects(session, company, user):
    return all_rows(session, select(ProjectParticipant).where(ProjectParticipant.company_id == company.id)
                    .options(with_employee(ProjectParticipant))
                    .order_by(ProjectParticipant.project_id, ProjectParticipant.id), ProjectParticipant, user)


def company_training_days(session, company, user):
    """This year's extra training days (M6.3.7: "in het huidige jaar")."""
    year = today().year
    return company_training_days_between(session, company, user, dt.date(year, 1, 1), dt.date(year, 12, 31))


def company_training_days_between(session, company, user, start=None, end=None):
    statement = select(ExtraTrainingDay).where(ExtraTrainingDay.company_id == company.id)
    if start is not None:
        statement = statement.where(ExtraTrainingDay.day >= start)
    if end is not None:
        statement = statement.where(ExtraTrainingDay.day <= end)
    return all_rows(session, statement.options(with_employee(ExtraTrainingDay))
                    .order_by(ExtraTrainingDay.day, ExtraTrainingDay.id), ExtraTrainingDay, user)


def company_applications(session, company, user):
    return all_rows(session, select(Application).where(Application.company_id == company.id)
                    .options(with_employee(Application))
                    .order_by(Application.submitted_on.desc(), Application.id.desc()), Application, user)


def applications_context(view, company):
    """"Annuleren" (the red cross) where the state machine lets this user cancel."""
    user = current_actor()
    allowed = view.may("cancel", P.APPLICATION_VIEW)
    return {"may_cancel": lambda row: allowed and APPLICATION_STATES.may(row, ApplicationState.CANCELLED, user)}


register_tab(Company, Tab(
    "cursussen", _l("Cursussen"), company_courses, (
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Cursus"), lambda r: r.title),
        Column(_l("Instituut"), lambda r: r.institute_name),
        Column(_l("Begindatum"), lambda r: r.start_date),
        Column(_l("Einddatum"), lambda r: r.end_date),
        Column(_l("Status"), course_status),
    ), period=lambda r: r.start_date, empty=_l("Er zijn geen cursussen van werknemers van dit bedrijf.")),
    order=40)
register_tab(Company, Tab(
    "beroepsopleidingen", _l("Beroepsopleidingen"), company_bbl, (
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Kwalificatie"), lambda r: r.qualification, (P.VOCATIONAL_TRAINING_VIEW, row_id)),
        Column(_l("Niveau"), lambda r: r.level),
        Column(_l("School"), lambda r: r.school),
        Column(_l("Begindatum"), lambda r: r.start_date),
        Column(_l("Einddatum"), lambda r: r.end_date),
        Column(_l("Status"), lambda r: label_of(BblState.labels(), r.status)),
    ), period=lambda r: r.start_date,
    empty=_l("Er volgen geen werknemers van dit bedrijf een beroepsopleiding (BBL).")), order=50)
register_tab(Company, Tab(
    "projecten", _l("Projecten"), company_projects, (
        Column(_l("Project"), lambda r: r.project.name),
        Column(_l("Begindatum"), lambda r: r.project.start_date),
        Column(_l("Einddatum"), lambda r: r.project.end_date),
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Rol"), lambda r: r.role),
    ), more=True, period=lambda r: r.project.start_date,
    empty=_l("Er zijn geen projecten bij dit bedrijf uitgevoerd.")), order=80)
register_tab(Company, Tab(
    "bijscholingsdagen", _l("Extra bijscholingsdagen"), company_training_days, (
        Column(_l("Datum"), lambda r: r.day),
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Dagen"), lambda r: r.days, css="text-right"),
        Column(_l("Onderwerp"), lambda r: r.subject),
    ), more=True, footer=total("days", number), period=lambda r: r.day,
    # the tab shows this year; the report the chosen period
    report_rows=lambda session, company, user, start, end: company_training_days_between(
        session, company, user, start, end),
    intro=_l("De extra bijscholingsdagen van dit jaar."),
    empty=_l("Er zijn dit jaar geen extra bijscholingsdagen.")), order=100)
register_tab(Company, Tab(
    "aangevraagd", _l("Aangevraagd"), company_applications, (
        Column(_l("Nummer"), lambda r: r.number, (P.APPLICATION_VIEW, row_id)),
        Column(_l("Ingediend"), lambda r: r.submitted_on),
        Column(_l("Regeling"), lambda r: label_of(SCHEMES, r.scheme)),
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Opleiding"), lambda r: r.course_title),
        Column(_l("Bedrag"), lambda r: money(r.amount_requested), css="text-right"),
        Column(_l("Status"), application_status),
    ), more=True, period=lambda r: r.submitted_on, empty=_l("Dit bedrijf heeft nog niets aangevraagd."),
    template="training/applications_tab.html", context=applications_context), order=140)


# --- employee tabs --------------------------------------------------------------------------------
def employee_courses(session, employee, user):
    return all_rows(session, select(TrainingPlanEntry).where(
        TrainingPlanEntry.employee_id == employee.id, TrainingPlanEntry.kind == PlanKind.TRAINING.value)
        .options(joinedload(TrainingPlanEntry.application).load_only(Application.status))
        .order_by(TrainingPlanEntry.start_date.desc(), TrainingPlanEntry.id), TrainingPlanEntry, user)


def employee_bbl(session, employee, user):
    return all_rows(session, select(VocationalTraining).where(VocationalTraining.employee_id == employee.id)
                    .options(joinedload(VocationalTraining.company).load_only(Company.name))
                    .order_by(VocationalTraining.start_date.desc()), VocationalTraining, user)


def employee_projects(session, employee, user):
    return all_rows(session, select(ProjectParticipant).where(ProjectParticipant.employee_id == employee.id)
                    .order_by(ProjectParticipant.project_id), ProjectParticipant, user)


def employee_ptt(session, employee, user):
    """Persoonlijke TrainingsToelage per year: what was paid, the budget, the rest (M7.3.6)."""
    return ptt_years(session, employee.id, user, today().year)


register_tab(Employee, Tab(
    "cursussen", _l("Cursussen"), employee_courses, (
        Column(_l("Cursus"), lambda r: r.title),
        Column(_l("Instituut"), lambda r: r.institute_name),
        Column(_l("Begindatum"), lambda r: r.start_date),
        Column(_l("Einddatum"), lambda r: r.end_date),
        Column(_l("Status"), course_status),
    ), empty=_l("Deze werknemer heeft geen cursussen.")), order=20)
register_tab(Employee, Tab(
    "beroepsopleidingen", _l("Beroepsopleidingen"), employee_bbl, (
        Column(_l("Kwalificatie"), lambda r: r.qualification, (P.VOCATIONAL_TRAINING_VIEW, row_id)),
        Column(_l("Niveau"), lambda r: r.level),
        Column(_l("School"), lambda r: r.school),
        Column(_l("Werkgever"), lambda r: r.company.name),
        Column(_l("Begindatum"), lambda r: r.start_date),
        Column(_l("Einddatum"), lambda r: r.end_date),
        Column(_l("Status"), lambda r: label_of(BblState.labels(), r.status)),
    ), empty=_l("Deze werknemer volgt of volgde geen beroepsopleiding (BBL).")), order=30)
register_tab(Employee, Tab(
    "projecten", _l("Projecten"), employee_projects, (
        Column(_l("Project"), lambda r: r.project.name),
        Column(_l("Begindatum"), lambda r: r.project.start_date),
        Column(_l("Einddatum"), lambda r: r.project.end_date),
        Column(_l("Rol"), lambda r: r.role),
    ), empty=_l("Deze werknemer nam niet deel aan projecten.")), order=50)
register_tab(Employee, Tab(
    "ptt", _l("Persoonlijke TrainingsToelage"), employee_ptt, (
        Column(_l("Jaar"), lambda r: r.year),
        Column(_l("Budget"), lambda r: money(r.budget), css="text-right"),
        Column(_l("Uitbetaald"), lambda r: money(r.paid), css="text-right"),
        Column(_l("Resterend saldo"), lambda r: money(r.remaining), css="text-right"),
    ), empty=_l("Er is nog geen Persoonlijke TrainingsToelage uitbetaald."),
    intro=_l("De uitbetaalde vergoedingen per jaar en het saldo dat over is.")), order=60)
