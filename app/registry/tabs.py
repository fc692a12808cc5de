"""The register's tabs of the company and employee dossiers (MijnOOM 6.3, 7.3): Details, Werknemers,
Codes, Contactpersonen, Bedrijfsomschrijving and Post of a company; Details and Dienstverbanden of an
employee. Each tab is one query, limited to the dossier's owner and to the user's scope; the helpers
at the top serve the tabs other domains register too."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.dossier import DETAILS, Column, Tab, register_tab
from app.registry.models import Company, CompanyCode, ContactPerson, Employee, Employment, PostItem
from app.security import permissions as P
from app.security.scoping import restrict


def all_rows(session, statement, model, user):
    """The ORM rows of ``statement`` that ``user`` may read."""
    return session.execute(restrict(statement, model, user)).unique().scalars().all()


def with_employee(model):
    """Load a row's employee name in the same statement."""
    return joinedload(model.employee).load_only(Employee.initials, Employee.infix, Employee.surname,
                                                Employee.company_id)


def employee_name(row):
    return row.employee.full_name if row.employee is not None else ""


def row_id(row):
    return row.id


EMPLOYEE_LINK = (P.EMPLOYEE_VIEW, lambda row: row.employee_id)


# --- company tabs ---------------------------------------------------------------------------------
def company_employees(session, company, user):
    """Plain rows of the columns the tab shows: a company may have hundreds of employees, and ORM
    objects would cost more than the page needs."""
    statement = (select(Employee.id, Employee.number, Employee.initials, Employee.infix, Employee.surname,
                        Employee.birth_date, Employee.place, Employee.active)
                 .where(Employee.company_id == company.id)
                 .order_by(Employee.active.desc(), Employee.surname, Employee.id))
    return session.execute(restrict(statement, Employee, user)).all()


def full_name(row):
    return " ".join(part for part in (row.initials, row.infix, row.surname) if part)


def company_codes(session, company, user):
    return all_rows(session, select(CompanyCode).where(CompanyCode.company_id == company.id)
                    .order_by(CompanyCode.id), CompanyCode, user)


def company_contacts(session, company, user):
    return all_rows(session, select(ContactPerson).where(ContactPerson.company_id == company.id)
                    .order_by(ContactPerson.is_main.desc(), ContactPerson.surname, ContactPerson.id),
                    ContactPerson, user)


def company_post(session, company, user):
    return all_rows(session, select(PostItem).where(PostItem.company_id == company.id)
                    .order_by(PostItem.received_on.desc(), PostItem.id), PostItem, user)


def contacts_context(view, company):
    """What the contacts tab offers: add, change, make main."""
    return {"may_add_contact": view.may("can_add", P.CONTACT_VIEW),
            "may_edit_contact": view.may("can_edit", P.CONTACT_VIEW),
            "may_make_main": view.may("make_main", P.CONTACT_VIEW)}


def description_context(view, company):
    return {"description_form": view.inline_form(company, ("description",))}


def active_class(row):
    return "fonds-active" if row.active else "fonds-inactive"


register_tab(Company, Tab(DETAILS, _l("Details")), order=10)
register_tab(Company, Tab(
    "werknemers", _l("Werknemers"), company_employees, (
        Column(_l("Nummer"), lambda r: r.number, (P.EMPLOYEE_VIEW, row_id)),
        Column(_l("Naam"), full_name, (P.EMPLOYEE_VIEW, row_id)),
        Column(_l("Geboortedatum"), lambda r: r.birth_date),
        Column(_l("Woonplaats"), lambda r: r.place),
        Column(_l("Actief"), lambda r: r.active),
    ), row_class=active_class, intro=_l("Actieve werknemers staan in blauw, niet-actieve in grijs."),
    empty=_l("Er zijn geen werknemers bij dit bedrijf geregistreerd.")), order=20)
register_tab(Company, Tab(
    "codes", _l("Codes"), company_codes, (
        Column(_l("Code"), lambda r: r.code.code),
        Column(_l("Omschrijving"), lambda r: r.code.description),
        Column(_l("Sinds"), lambda r: r.since),
    ), more=True, empty=_l("Er zijn geen codes aan dit bedrijf toegekend.")), order=90)
register_tab(Company, Tab(
    "contactpersonen", _l("Contactpersonen"), company_contacts, (
        Column("", lambda r: "H" if r.is_main else "", css="fonds-main-contact"),
        Column(_l("Naam"), lambda r: str(r), (P.CONTACT_VIEW, row_id)),
        Column(_l("Functie"), lambda r: r.job_title),
        Column(_l("Telefoon"), lambda r: r.phone),
        Column(_l("E-mail"), lambda r: r.email),
    ), more=True, empty=_l("Er zijn nog geen contactpersonen."),
    intro=_l("Eén contactpersoon is de hoofdcontactpersoon (H). Is er maar één, dan is die het automatisch."),
    template="registry/contacts_tab.html", context=contacts_context), order=110)
register_tab(Company, Tab(
    "bedrijfsomschrijving", _l("Bedrijfsomschrijving"), more=True,
    template="registry/description_tab.html", context=description_context), order=120)
register_tab(Company, Tab(
    "post", _l("Post"), company_post, (
        Column(_l("Ontvangen"), lambda r: r.received_on),
        Column(_l("Onderwerp"), lambda r: r.subject),
        Column(_l("Kenmerk"), lambda r: r.reference),
        Column(_l("Ontvangst bevestigd"), lambda r: r.confirmed_on),
    ), more=True, period=lambda r: r.received_on, empty=_l("Er is geen post van dit bedrijf ontvangen.")),
    order=130)


# --- employee tabs --------------------------------------------------------------------------------
def employee_employments(session, employee, user):
    return all_rows(session, select(Employment).where(Employment.employee_id == employee.id)
                    .order_by(Employment.start_date.desc()), Employment, user)


register_tab(Employee, Tab(DETAILS, _l("Details")), order=10)
register_tab(Employee, Tab(
    "dienstverbanden", _l("Dienstverbanden"), employee_employments, (
        Column(_l("Werkgever"), lambda r: r.company.name, (P.COMPANY_VIEW, lambda r: r.company_id)),
        Column(_l("Begindatum"), lambda r: r.start_date),
        Column(_l("Einddatum"), lambda r: r.end_date),
    ), empty=_l("Er zijn geen dienstverbanden vastgelegd.")), order=70)
