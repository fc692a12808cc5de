"""The payments' tabs of the company and employee dossiers: Uitkeringsnota's (M6.3.6) and Overige
bijdragen (M6.3.7, M7.3.4)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.dossier import Column, Tab, register_tab, total
from app.core.formatting import label_of, money
from app.payments.models import CONTRIBUTION_KINDS, OtherContribution, PaymentNote, PaymentNoteLine
from app.registry.models import Company, Employee
from app.registry.tabs import EMPLOYEE_LINK, all_rows, employee_name, row_id, with_employee
from app.security import permissions as P



def company_payment_notes(session, company, user):
    return all_rows(session, select(PaymentNote).where(PaymentNote.company_id == company.id)
                    .options(selectinload(PaymentNote.lines).load_only(PaymentNoteLine.amount))
                    .order_by(PaymentNote.note_date.desc(), PaymentNote.id), PaymentNote, user)


def company_contributions(session, company, user):
    return all_rows(session, select(OtherContribution).where(OtherContribution.company_id == company.id)
                    .options(with_employee(OtherContribution))
                    .order_by(OtherContribution.paid_on.desc(), OtherContribution.id), OtherContribution, user)


def employee_contributions(session, employee, user):
    return all_rows(session, select(OtherContribution).where(OtherContribution.employee_id == employee.id)
                    .order_by(OtherContribution.paid_on.desc()), OtherContribution, user)


def contribution_kind(row):
    return label_of(CONTRIBUTION_KINDS, row.kind)


register_tab(Company, Tab(
    "uitkeringsnotas", _l("Uitkeringsnota's"), company_payment_notes, (
        Column(_l("Nummer"), lambda r: r.number, (P.PAYMENT_NOTE_VIEW, row_id)),
        Column(_l("Datum"), lambda r: r.note_date),
        Column(_l("Omschrijving"), lambda r: r.description),
        Column(_l("Bedrag"), lambda r: money(r.total), css="text-right"),
    ), footer=total("total"), period=lambda r: r.note_date,
    empty=_l("Het fonds heeft aan dit bedrijf nog niets uitgekeerd.")), order=60)
register_tab(Company, Tab(
    "overige-bijdragen", _l("Overige bijdragen"), company_contributions, (
        Column(_l("Datum"), lambda r: r.paid_on),
        Column(_l("Soort"), contribution_kind),
        Column(_l("Werknemer"), employee_name, EMPLOYEE_LINK),
        Column(_l("Omschrijving"), lambda r: r.description),
        Column(_l("Bedrag"), lambda r: money(r.amount), css="text-right"),
    ), more=True, footer=total("amount"), period=lambda r: r.paid_on,
    empty=_l("Er zijn geen overige bijdragen.")), order=70)
register_tab(Employee, Tab(
    "overige-bijdragen", _l("Overige bijdragen"), employee_contributions, (
        Column(_l("Datum"), lambda r: r.paid_on),
        Column(_l("Soort"), contribution_kind),
        Column(_l("Omschrijving"), lambda r: r.description),
        Column(_l("Bedrag"), lambda r: money(r.amount), css="text-right"),
    ), footer=total("amount"), empty=_l("Deze werknemer heeft geen overige bijdragen ontvangen.")), order=40)
