"""The tabs of the company and employee dossiers (MijnOOM 6.3, 7.3), declared as data.

A tab is a key (in the URL: ``?tab=bbl``), a label, whether it hangs under "Meer", one query for its
rows and the columns to show. Every query is limited to the dossier's owner AND to the user's scope
(app.security.scoping), and loads what its columns need in the same statement, so a tab costs a
fixed number of queries whatever the number of rows (no N+1).
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.dossier.models import (
    CompanyCode, ExtraTrainingDay, OtherContribution, PaymentNote, PaymentNoteLine, PostItem, ProjectParticipant,
)
from app.registry.models import Company, ContactPerson, Employee, Employment
from app.security.scoping import current_actor, scope_clause
from app.training.models import Application, PLAN_TRAINING, TrainingPlanEntry, VocationalTraining


@dataclass(frozen=True)
class Column:
    label: object
    value: Callable
    link: Optional[tuple] = None  # (view endpoint, row → pk): the cell links to that show page
    css: str = ""


@dataclass(frozen=True)
class Tab:
    key: str
    label: object
    rows: Optional[Callable] = None  # (session, owner) → rows; None: the tab renders its own template
    columns: tuple = ()
    more: bool = False  # listed under "Meer" (M6.3.7)
    empty: object = _l("Er zijn geen gegevens.")
    row_class: Optional[Callable] = None
    footer: Optional[Callable] = None  # rows → text under the table (a total)
    intro: object = None
    extra: dict = field(default_factory=dict)


def scoped(statement, model):
    clause = scope_clause(current_actor(), model)
    return statement if clause is None else statement.where(clause)


def all_rows(session, statement, model):
    return session.execute(scoped(statement, model)).unique().scalars().all()


def money(value):
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal("0.01"))
    whole, cents = f"{value:,.2f}".split(".")
    return f"€ {whole.replace(',', '.')},{cents}"


def employee_name(row):
    return row.employee.full_name if row.employee is not None else ""


def _pk(row):
    return row.id


def _employee_pk(row):
    return row.employee_id


# --- company tabs ---------------------------------------------------------------------------------
def company_employees(session, company):
    """Plain rows of the columns the tab shows: a company may have hundreds of employees, and ORM
    objects would cost more than the page needs."""
    statement = (select(Employee.id, Employee.number, Employee.initials, Employee.infix, Employee.surname,
                        Employee.birth_date, Employee.place, Employee.active)
                 .where(Employee.company_id == company.id)
                 .order_by(Employee.active.desc(), Employee.surname, Employee.id))
    return session.execute(scoped(statement, Employee)).all()


def full_name(row):
    return " ".join(part for part in (row.initials, row.infix, row.surname) if part)


def company_courses(session, company):
    return all_rows(session, select(TrainingPlanEntry).where(
        TrainingPlanEntry.company_id == company.id, TrainingPlanEntry.kind == PLAN_TRAINING)
        .options(joinedload(TrainingPlanEntry.employee).load_only(
            Employee.initials, Employee.infix, Employee.surname, Employee.company_id),
                 joinedload(TrainingPlanEntry.application).load_only(Application.status))
        .order_by(TrainingPlanEntry.start_date.desc(), TrainingPlanEntry.id), TrainingPlanEntry)


def _with_employee(model):
    return joinedload(model.employee).load_only(Employee.initials, Employee.infix, Employee.surname,
                                                Employee.company_id)


def company_bbl(session, company):
    return all_rows(session, select(VocationalTraining).where(VocationalTraining.company_id == company.id)
                    .options(_with_employee(VocationalTraining))
                    .order_by(VocationalTraining.start_date.desc(), VocationalTraining.id), VocationalTraining)


def company_payment_notes(session, company):
    return all_rows(session, select(PaymentNote).where(PaymentNote.company_id == company.id)
                    .options(selectinload(PaymentNote.lines).load_only(PaymentNoteLine.amount))
                    .order_by(PaymentNote.note_date.desc(), PaymentNote.id), PaymentNote)


def company_contributions(session, company):
    return all_rows(session, select(OtherContribution).where(OtherContribution.company_id == company.id)
                    .options(_with_employee(OtherContribution))
                    .order_by(OtherContribution.paid_on.desc(), OtherContribution.id), OtherContribution)


def company_projects(session, company):
    return all_rows(session, select(ProjectParticipant).where(ProjectParticipant.company_id == company.id)
                    .options(_with_employee(ProjectParticipant))
                    .order_by(ProjectParticipant.project_id, ProjectParticipant.id), ProjectParticipant)


def company_codes(session, company):
    return all_rows(session, select(CompanyCode).where(CompanyCode.company_id == company.id)
                    .order_by(CompanyCode.id), CompanyCode)


def company_training_days(session, company, year=None):
    """This year's extra training days (M6.3.7: "in het huidige jaar")."""
    year = year or dt.date.today().year
    return company_training_days_between(session, company, dt.date(year, 1, 1), dt.date(year, 12, 31))


def company_training_days_between(session, company, start=None, end=None):
    statement = select(ExtraTrainingDay).where(ExtraTrainingDay.company_id == company.id)
    if start is not None:
        statement = statement.where(ExtraTrainingDay.day >= start)
    if end is not None:
        statement = statement.where(ExtraTrainingDay.day <= end)
    return all_rows(session, statement.options(_with_employee(ExtraTrainingDay))
                    .order_by(ExtraTrainingDay.day, ExtraTrainingDay.id), ExtraTrainingDay)


def company_contacts(session, company):
    return all_rows(session, select(ContactPerson).where(ContactPerson.company_id == company.id)
                    .order_by(ContactPerson.is_main.desc(), ContactPerson.surname, ContactPerson.id),
                    ContactPerson)


def company_post(session, company):
    return all_rows(session, select(PostItem).where(PostItem.company_id == company.id)
                    .order_by(PostItem.received_on.desc(), PostItem.id), PostItem)


def company_applications(session, company):
    return all_rows(session, select(Application).where(Application.company_id == company.id)
                    .options(_with_employee(Application))
                    .order_by(Application.submitted_on.desc(), Application.id.desc()), Application)


# --- employee tabs --------------------------------------------------------------------------------
def employee_courses(session, employee):
    return all_rows(session, select(TrainingPlanEntry).where(
        TrainingPlanEntry.employee_id == employee.id, TrainingPlanEntry.kind == PLAN_TRAINING)
        .options(joinedload(TrainingPlanEntry.application).load_only(Application.status))
        .order_by(TrainingPlanEntry.start_date.desc(), TrainingPlanEntry.id), TrainingPlanEntry)


def employee_bbl(session, employee):
    return all_rows(session, select(VocationalTraining).where(VocationalTraining.employee_id == employee.id)
                    .options(joinedload(VocationalTraining.company).load_only(Company.name))
                    .order_by(VocationalTraining.start_date.desc()), VocationalTraining)


def employee_contributions(session, employee):
    return all_rows(session, select(OtherContribution).where(OtherContribution.employee_id == employee.id)
                    .order_by(OtherContribution.paid_on.desc()), OtherContribution)


def employee_projects(session, employee):
    return all_rows(session, select(ProjectParticipant).where(ProjectParticipant.employee_id == employee.id)
                    .order_by(ProjectParticipant.project_id), ProjectParticipant)


def employee_employments(session, employee):
    return all_rows(session, select(Employment).where(Employment.employee_id == employee.id)
                    .order_by(Employment.start_date.desc()), Employment)


def employee_ptt(session, employee):
    """Persoonlijke TrainingsToelage per year: what was paid, the budget, the rest (M7.3.6)."""
    from app.training.rules import ptt_years

    scope = scope_clause(current_actor(), Application)
    return ptt_years(session, employee.id, scope)


STATUS_LABELS = {
    "submitted": _l("Ingediend"), "in_review": _l("In behandeling"), "granted": _l("Toegekend"),
    "rejected": _l("Afgewezen"), "paid": _l("Uitbetaald"), "cancelled": _l("Geannuleerd"),
    "running": _l("Loopt"), "completed": _l("Afgerond"), "stopped": _l("Gestopt"),
}
SCHEME_LABELS = {
    "ptt": _l("Persoonlijke TrainingsToelage"), "cursus": _l("Cursus"), "bbl": _l("Beroepsopleiding (BBL)"),
    "stagevergoeding": _l("Stagevergoeding"), "leerwerkbijdrage": _l("LeerWerkBijdrage"),
    "evc": _l("EVC-traject"),
}
CONTRIBUTION_LABELS = {
    "boekengeld": _l("Boekengeld"), "diplomageld": _l("Diplomageld"),
    "stagevergoeding": _l("Stagevergoeding"), "projectbijdrage": _l("Projectbijdrage"),
}


def label_of(labels, value):
    return str(labels.get(value, value or ""))


def _status(row):
    return label_of(STATUS_LABELS, row.status)


def _active_class(row):
    return "fonds-active" if row.active else "fonds-inactive"


def _total(attribute, formatter=money):
    return lambda rows: formatter(sum((getattr(r, attribute) or 0 for r in rows), Decimal(0)))


EMPLOYEE_LINK = ("EmployeeView", _employee_pk)

COMPANY_TABS = (
    Tab("details", _l("Details")),
    Tab("werknemers", _l("Werknemers"), company_employees, (
        Column(_l("Nummer"), lambda r: r.number, ("EmployeeView", _pk)),
        Column(_l("Naam"), full_name, ("EmployeeView", _pk)),
        Column(_l("Geboortedatum"), lambda r: r.birth_date),
        Column(_l("Woonplaats"), lambda r: r.place),
        Column(_l("Actief"), lambda r: r.active),
    ), row_class=_active_class, intro=_l("Actieve werknemers staan in blauw, niet-actieve in grijs."),
        empty=_l("Er zijn geen werknemers bij dit bedrijf geregistreerd.")),
    Tab("werkrapporten", _l("Werkrapporten"), empty=_l(
        "Er zijn nog geen werkrapporten over dit bedrijf. Werkrapporten verschijnen hier zodra ze in de "
        "module Werkrapporten zijn aangemaakt.")),
    Tab("cursussen", _l("Cursussen"), company_courses, (
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Cursus"), lambda r: r.title),
        Column(_l("Instituut"), lambda r: r.institute_name),
        Column(_l("Begindatum"), lambda r: r.start_date),
        Column(_l("Einddatum"), lambda r: r.end_date),
        Column(_l("Status"), lambda r: _status(r.application) if r.application else r.result),
    ), empty=_l("Er zijn geen cursussen van werknemers van dit bedrijf.")),
    Tab("beroepsopleidingen", _l("Beroepsopleidingen"), company_bbl, (
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Kwalificatie"), lambda r: r.qualification, ("VocationalTrainingView", _pk)),
        Column(_l("Niveau"), lambda r: r.level),
        Column(_l("School"), lambda r: r.school),
        Column(_l("Begindatum"), lambda r: r.start_date),
        Column(_l("Einddatum"), lambda r: r.end_date),
        Column(_l("Status"), _status),
    ), empty=_l("Er volgen geen werknemers van dit bedrijf een beroepsopleiding (BBL).")),
    Tab("uitkeringsnotas", _l("Uitkeringsnota's"), company_payment_notes, (
        Column(_l("Nummer"), lambda r: r.number, ("PaymentNoteView", _pk)),
        Column(_l("Datum"), lambda r: r.note_date),
        Column(_l("Omschrijving"), lambda r: r.description),
        Column(_l("Bedrag"), lambda r: money(r.total), css="text-right"),
    ), footer=_total("total"), empty=_l("Het fonds heeft aan dit bedrijf nog niets uitgekeerd.")),
    Tab("overige-bijdragen", _l("Overige bijdragen"), company_contributions, (
        Column(_l("Datum"), lambda r: r.paid_on),
        Column(_l("Soort"), lambda r: label_of(CONTRIBUTION_LABELS, r.kind)),
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Omschrijving"), lambda r: r.description),
        Column(_l("Bedrag"), lambda r: money(r.amount), css="text-right"),
    ), more=True, footer=_total("amount"), empty=_l("Er zijn geen overige bijdragen.")),
    Tab("projecten", _l("Projecten"), company_projects, (
        Column(_l("Project"), lambda r: r.project.name),
        Column(_l("Begindatum"), lambda r: r.project.start_date),
        Column(_l("Einddatum"), lambda r: r.project.end_date),
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Rol"), lambda r: r.role),
    ), more=True, empty=_l("Er zijn geen projecten bij dit bedrijf uitgevoerd.")),
    Tab("codes", _l("Codes"), company_codes, (
        Column(_l("Code"), lambda r: r.code.code),
        Column(_l("Omschrijving"), lambda r: r.code.description),
        Column(_l("Sinds"), lambda r: r.since),
    ), more=True, empty=_l("Er zijn geen codes aan dit bedrijf toegekend.")),
    Tab("bijscholingsdagen", _l("Extra bijscholingsdagen"), company_training_days, (
        Column(_l("Datum"), lambda r: r.day),
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Dagen"), lambda r: r.days, css="text-right"),
        Column(_l("Onderwerp"), lambda r: r.subject),
    ), more=True, footer=_total("days", lambda total: str(total)),
        intro=_l("De extra bijscholingsdagen van dit jaar."), empty=_l("Er zijn dit jaar geen extra bijscholingsdagen.")),
    Tab("contactpersonen", _l("Contactpersonen"), company_contacts, (
        Column("", lambda r: "H" if r.is_main else "", css="fonds-main-contact"),
        Column(_l("Naam"), lambda r: str(r), ("ContactPersonView", _pk)),
        Column(_l("Functie"), lambda r: r.job_title),
        Column(_l("Telefoon"), lambda r: r.phone),
        Column(_l("E-mail"), lambda r: r.email),
    ), more=True, empty=_l("Er zijn nog geen contactpersonen."),
        intro=_l("Eén contactpersoon is de hoofdcontactpersoon (H). Is er maar één, dan is die het automatisch.")),
    Tab("bedrijfsomschrijving", _l("Bedrijfsomschrijving"), more=True),
    Tab("post", _l("Post"), company_post, (
        Column(_l("Ontvangen"), lambda r: r.received_on),
        Column(_l("Onderwerp"), lambda r: r.subject),
        Column(_l("Kenmerk"), lambda r: r.reference),
        Column(_l("Ontvangst bevestigd"), lambda r: r.confirmed_on),
    ), more=True, empty=_l("Er is geen post van dit bedrijf ontvangen.")),
    Tab("aangevraagd", _l("Aangevraagd"), company_applications, (
        Column(_l("Nummer"), lambda r: r.number, ("ApplicationView", _pk)),
        Column(_l("Ingediend"), lambda r: r.submitted_on),
        Column(_l("Regeling"), lambda r: label_of(SCHEME_LABELS, r.scheme)),
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Opleiding"), lambda r: r.course_title),
        Column(_l("Bedrag"), lambda r: money(r.amount_requested), css="text-right"),
        Column(_l("Status"), _status),
    ), more=True, empty=_l("Dit bedrijf heeft nog niets aangevraagd."), extra={"cancel": True}),
)

EMPLOYEE_TABS = (
    Tab("details", _l("Details")),
    Tab("cursussen", _l("Cursussen"), employee_courses, (
        Column(_l("Cursus"), lambda r: r.title),
        Column(_l("Instituut"), lambda r: r.institute_name),
        Column(_l("Begindatum"), lambda r: r.start_date),
        Column(_l("Einddatum"), lambda r: r.end_date),
        Column(_l("Status"), lambda r: _status(r.application) if r.application else r.result),
    ), empty=_l("Deze werknemer heeft geen cursussen.")),
    Tab("beroepsopleidingen", _l("Beroepsopleidingen"), employee_bbl, (
        Column(_l("Kwalificatie"), lambda r: r.qualification, ("VocationalTrainingView", _pk)),
        Column(_l("Niveau"), lambda r: r.level),
        Column(_l("School"), lambda r: r.school),
        Column(_l("Werkgever"), lambda r: r.company.name),
        Column(_l("Begindatum"), lambda r: r.start_date),
        Column(_l("Einddatum"), lambda r: r.end_date),
        Column(_l("Status"), _status),
    ), empty=_l("Deze werknemer volgt of volgde geen beroepsopleiding (BBL).")),
    Tab("overige-bijdragen", _l("Overige bijdragen"), employee_contributions, (
        Column(_l("Datum"), lambda r: r.paid_on),
        Column(_l("Soort"), lambda r: label_of(CONTRIBUTION_LABELS, r.kind)),
        Column(_l("Omschrijving"), lambda r: r.description),
        Column(_l("Bedrag"), lambda r: money(r.amount), css="text-right"),
    ), footer=_total("amount"), empty=_l("Deze werknemer heeft geen overige bijdragen ontvangen.")),
    Tab("projecten", _l("Projecten"), employee_projects, (
        Column(_l("Project"), lambda r: r.project.name),
        Column(_l("Begindatum"), lambda r: r.project.start_date),
        Column(_l("Einddatum"), lambda r: r.project.end_date),
        Column(_l("Rol"), lambda r: r.role),
    ), empty=_l("Deze werknemer nam niet deel aan projecten.")),
    Tab("ptt", _l("Persoonlijke TrainingsToelage"), employee_ptt, (
        Column(_l("Jaar"), lambda r: r.year),
        Column(_l("Budget"), lambda r: money(r.budget), css="text-right"),
        Column(_l("Uitbetaald"), lambda r: money(r.paid), css="text-right"),
        Column(_l("Resterend saldo"), lambda r: money(r.remaining), css="text-right"),
    ), empty=_l("Er is nog geen Persoonlijke TrainingsToelage uitbetaald."),
        intro=_l("De uitbetaalde vergoedingen per jaar en het saldo dat over is.")),
    Tab("dienstverbanden", _l("Dienstverbanden"), employee_employments, (
        Column(_l("Werkgever"), lambda r: r.company.name, ("CompanyView", lambda r: r.company_id)),
        Column(_l("Begindatum"), lambda r: r.start_date),
        Column(_l("Einddatum"), lambda r: r.end_date),
    ), empty=_l("Er zijn geen dienstverbanden vastgelegd.")),
)


def rendered_rows(tab, rows, links):
    """(row, its CSS class, its <td> cells) for every row: built here rather than cell by cell in
    Jinja, because a tab may have 500 rows of five columns. ``links`` maps a view endpoint to its
    show URL prefix, or to None when the user may not open that page."""
    from markupsafe import Markup, escape

    from app.core.views import display_value

    yes_no = {True: escape(display_value(True)), False: escape(display_value(False))}  # translated once

    def cell(column, row):
        value = column.value(row)
        text = yes_no[value] if isinstance(value, bool) else escape(display_value(value))
        prefix = links.get(column.link[0]) if column.link else None
        if prefix and text != "":
            text = f'<a href="{prefix}{int(column.link[1](row))}">{text}</a>'
        return f'<td class="{column.css}">{text}</td>' if column.css else f"<td>{text}</td>"

    return [(row, tab.row_class(row) if tab.row_class else "",
             Markup("".join(cell(column, row) for column in tab.columns))) for row in rows]


def tab_by_key(tabs, key):
    return next((tab for tab in tabs if tab.key == key), tabs[0])
