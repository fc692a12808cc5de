"""Rules of applications and the personal training plan, tested without HTTP.

Applications move submitted → in review → granted/rejected → paid (APPLICATION_STATES); the applicant
may cancel one that is not yet processed (M6.3.7 "Zolang een aanvraag niet is verwerkt, kan deze worden
geannuleerd"). A granted training lands in the employee's Persoonlijk OpleidingsPlan by itself (M14),
read-only there. The operations take (session, record, actor, clock) and the data layer runs them for
every path (app.core.operations): a form, the API, an action, a command.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import extract, func, select

from app.core.numbering import Series
from app.core.operations import DomainError, on_create, on_delete, on_update, previous
from app.registry.models import Employee
from app.security.scoping import restrict
from app.training.models import (
    APPLICATION_STATES, PTT, Application, ApplicationState, PlanKind, TrainingPlanEntry,
)

DEFAULT_PTT_BUDGET = Decimal("1000.00")


# --- applications ----------------------------------------------------------------------------------
def _highest_number_of_the_year(session, period):
    """Where the series continues when a year's counter is new: above the numbers already given."""
    base = period["year"] * 1_000_000
    highest = session.execute(select(func.max(Application.number)).where(
        Application.number > base, Application.number < base + 1_000_000)).scalar()
    return highest - base if highest else None


# Per year: 2026000001, 2026000002, … (the year in front, as the fund's notes do).
APPLICATION_NUMBERS = Series("application", "{year}{seq:06}", start=_highest_number_of_the_year)


@on_create(Application)
def submit_application(session, application, actor, clock):
    """A new application gets its number and date; the state machine starts it as "Ingediend"."""
    application.number = int(APPLICATION_NUMBERS.next(session, clock.today()))
    application.submitted_on = clock.today()
    application.status_changed_at = clock.now()
    application.amount_granted = None
    application.paid_on = None


@on_update(Application)
def apply_application_change(session, application, actor, clock):
    """A processed application (paid, rejected, cancelled) is closed; a decision has its consequences:
    granted → in the employee's plan, paid → the payment date."""
    old = previous(application, "status")
    if APPLICATION_STATES.is_final(old):
        raise DomainError(_("Een afgehandelde aanvraag kan niet meer worden gewijzigd."))
    new = application.status
    if new == old:
        return
    application.status_changed_at = clock.now()
    if new == ApplicationState.GRANTED:
        add_to_training_plan(session, application)
    if new == ApplicationState.PAID and application.paid_on is None:
        application.paid_on = clock.today()


@on_delete(Application)
def refuse_application_delete(session, application, actor, clock):
    raise DomainError(_("Een aanvraag wordt niet verwijderd; annuleer haar zolang dat kan."))


def cancel_application(session, application, actor, clock):
    """"Annuleren": only while nobody has started processing the application."""
    if not APPLICATION_STATES.may(application, ApplicationState.CANCELLED, actor):
        raise DomainError(_("Deze aanvraag wordt al verwerkt en kan niet meer worden geannuleerd."))
    APPLICATION_STATES.transition(application, ApplicationState.CANCELLED, actor, clock.now())


def move_application(session, application, actor, clock, to, note=None):
    """Staff's decisions (in review, granted, rejected, paid) as an operation; the consequences follow
    from the save (apply_application_change)."""
    APPLICATION_STATES.transition(application, to, actor, clock.now(), note)


def add_to_training_plan(session, application):
    """The funded training in the employee's POP (once), as an entry the employee cannot change."""
    if application.employee_id is None:
        return None
    existing = session.execute(select(TrainingPlanEntry).where(
        TrainingPlanEntry.application_id == application.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    entry = TrainingPlanEntry(employee_id=application.employee_id, company_id=application.company_id,
                              application=application, kind=PlanKind.TRAINING.value, title=application.course_title,
                              institute_name=application.institute.name if application.institute else None,
                              start_date=application.start_date, end_date=application.end_date)
    session.add(entry)
    return entry


# --- the personal training plan (M14) -----------------------------------------------------------------
@on_create(TrainingPlanEntry)
def add_plan_entry(session, entry, actor, clock):
    """An entry the employee adds is theirs when no employee is given; it shows on the employer's
    Cursussen tab through the employer at the time."""
    if entry.employee is None and getattr(actor, "employee_id", None):
        entry.employee = session.get(Employee, actor.employee_id)
    if entry.employee is None:
        message = _("Kies de werknemer (werknemernummer).")
        raise DomainError(message, {"employee": message})
    entry.company_id = entry.employee.company_id


@on_update(TrainingPlanEntry)
@on_delete(TrainingPlanEntry)
def refuse_funded_change(session, entry, actor, clock):
    if entry.application_id is not None:
        raise DomainError(_("Deze training komt uit een aanvraag bij het fonds en kan hier niet worden "
                            "gewijzigd of verwijderd."))


# --- Persoonlijke TrainingsToelage ---------------------------------------------------------------------
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


def ptt_years(session, employee_id, user, this_year):
    """Per year the PTT paid to this employee (as far as ``user`` may read the applications) and what
    is left of that year's budget; the current year is always listed (its remaining balance is what
    the employee can still use)."""
    year = extract("year", Application.paid_on)
    statement = (select(year, func.sum(Application.amount_granted))
                 .where(Application.employee_id == employee_id, Application.scheme == PTT,
                        Application.status == ApplicationState.PAID.value, Application.paid_on.isnot(None))
                 .group_by(year))
    paid = {int(y): Decimal(total or 0) for y, total in session.execute(restrict(statement, Application, user))}
    paid.setdefault(this_year, Decimal(0))
    budget = ptt_budget()
    return [PttYear(y, budget, paid[y]) for y in sorted(paid, reverse=True)]
