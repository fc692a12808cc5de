"""Rules of applications and the personal training plan, tested without HTTP.

Applications move submitted → in review → granted/rejected → paid; the applicant may cancel one that
is not yet processed (M6.3.7 "Zolang een aanvraag niet is verwerkt, kan deze worden geannuleerd"). A
granted training lands in the employee's Persoonlijk OpleidingsPlan by itself (M14), read-only there.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import extract, func, select

from app.core.datamodel import DomainError
from app.training.models import (
    CANCELLED, GRANTED, IN_REVIEW, PAID, PLAN_TRAINING, PTT, REJECTED, SUBMITTED, Application, TrainingPlanEntry,
)

TRANSITIONS = {
    SUBMITTED: {IN_REVIEW, GRANTED, REJECTED, CANCELLED},
    IN_REVIEW: {GRANTED, REJECTED},
    GRANTED: {PAID},
    REJECTED: set(),
    PAID: set(),
    CANCELLED: set(),
}

DEFAULT_PTT_BUDGET = Decimal("1000.00")


def may_cancel(application):
    """Only an application nobody has started processing can be cancelled."""
    return application.status == SUBMITTED


def change_status(session, application, new_status, when=None):
    if new_status not in TRANSITIONS.get(application.status, set()):
        raise DomainError(_("Een aanvraag met status %(old)s kan niet naar %(new)s.",
                            old=status_label(application.status), new=status_label(new_status)))
    application.status = new_status
    application.status_changed_at = when or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    if new_status == GRANTED:
        add_to_training_plan(session, application)
    if new_status == PAID and application.paid_on is None:
        application.paid_on = dt.date.today()


def cancel(session, application):
    if not may_cancel(application):
        raise DomainError(_("Deze aanvraag wordt al verwerkt en kan niet meer worden geannuleerd."))
    change_status(session, application, CANCELLED)


def add_to_training_plan(session, application):
    """The funded training in the employee's POP (once), as an entry the employee cannot change."""
    if application.employee_id is None:
        return None
    existing = session.execute(select(TrainingPlanEntry).where(
        TrainingPlanEntry.application_id == application.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    entry = TrainingPlanEntry(employee_id=application.employee_id, company_id=application.company_id,
                              application_id=application.id, kind=PLAN_TRAINING, title=application.course_title,
                              institute_name=application.institute.name if application.institute else None,
                              start_date=application.start_date, end_date=application.end_date)
    session.add(entry)
    return entry


def next_application_number(session, today=None):
    """Number series per year: 2026000001, 2026000002, … (the year in front, as the fund's notes do)."""
    year = (today or dt.date.today()).year
    base = year * 1_000_000
    highest = session.execute(select(func.max(Application.number)).where(
        Application.number > base, Application.number < base + 1_000_000)).scalar()
    return (highest or base) + 1


@dataclass(frozen=True)
class PttYear:
    year: int
    budget: Decimal
    paid: Decimal

    @property
    def remaining(self):
        return max(self.budget - self.paid, Decimal(0))


def ptt_budget():
    if has_app_context():
        return Decimal(str(current_app.config.get("PTT_YEARLY_BUDGET", DEFAULT_PTT_BUDGET)))
    return DEFAULT_PTT_BUDGET


def ptt_years(session, employee_id, scope=None, this_year=None):
    """Per year the PTT paid to this employee and what is left of that year's budget; the current year
    is always listed (its remaining balance is what the employee can still use)."""
    year = extract("year", Application.paid_on)
    statement = (select(year, func.sum(Application.amount_granted))
                 .where(Application.employee_id == employee_id, Application.scheme == PTT,
                        Application.status == PAID, Application.paid_on.isnot(None))
                 .group_by(year))
    if scope is not None:
        statement = statement.where(scope)
    paid = {int(y): Decimal(total or 0) for y, total in session.execute(statement)}
    paid.setdefault(this_year or dt.date.today().year, Decimal(0))
    budget = ptt_budget()
    return [PttYear(y, budget, paid[y]) for y in sorted(paid, reverse=True)]


def status_label(status):
    from app.dossier.tabs import STATUS_LABELS

    return str(STATUS_LABELS.get(status, status))
