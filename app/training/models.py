"""Course institutes (M8), applications for contributions, vocational training (BBL), the personal
training plan (POP, M14), the fund's projects and extra training days. The course catalogue and
schemes extend this domain."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import UtcDateTime
from app.core.states import HasStatusHistory, State, StateMachine
from app.core.versioning import Versioned
from app.registry.models import Company, Employee
from app.security.roles import EMPLOYER, STAFF
from app.security.scoping import COMPANY, EMPLOYEE, INSTITUTE, REGION, Scope


class Institute(Versioned, Model):
    __tablename__ = "institute"
    # Everyone reads the institutes of the catalogue; an institute user changes only its own record.
    __scope__ = Scope(columns={INSTITUTE: "id"}, open_to=(REGION, COMPANY, EMPLOYEE, INSTITUTE))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    place: Mapped[Optional[str]] = mapped_column(String(100))
    email: Mapped[Optional[str]] = mapped_column(String(200))
    website: Mapped[Optional[str]] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self):
        return self.name


# --- Applications, vocational training and the personal training plan (M6.3.4–M6.3.7, M7, M14) -----

Money = Numeric(12, 2)

class ApplicationState(State):
    """SPEC §4: submitted → in review → granted/rejected → paid; cancelled while not yet processed."""

    SUBMITTED = "submitted", _l("Ingediend")
    IN_REVIEW = "in_review", _l("In behandeling")
    GRANTED = "granted", _l("Toegekend")
    REJECTED = "rejected", _l("Afgewezen")
    PAID = "paid", _l("Uitbetaald")
    CANCELLED = "cancelled", _l("Geannuleerd")


_S = ApplicationState
APPLICATION_STATES = StateMachine(ApplicationState, initial=_S.SUBMITTED, transitions={
    # The applicant (the employer) may cancel as long as nobody has started processing (M6.3.7).
    _S.SUBMITTED: {_S.IN_REVIEW: {STAFF}, _S.GRANTED: {STAFF}, _S.REJECTED: {STAFF},
                   _S.CANCELLED: {EMPLOYER, STAFF}},
    _S.IN_REVIEW: {_S.GRANTED: {STAFF}, _S.REJECTED: {STAFF}},
    _S.GRANTED: {_S.PAID: {STAFF}},
})

# The kinds of contribution an employer can apply for (M6.4.1), with their labels. The schemes module
# will make these configurable records; until then this is the choice.
PTT = "ptt"
SCHEMES = {
    PTT: _l("Persoonlijke TrainingsToelage"), "cursus": _l("Cursus"), "bbl": _l("Beroepsopleiding (BBL)"),
    "stagevergoeding": _l("Stagevergoeding"), "leerwerkbijdrage": _l("LeerWerkBijdrage"), "evc": _l("EVC-traject"),
}


class BblState(State):
    RUNNING = "running", _l("Loopt")
    COMPLETED = "completed", _l("Afgerond")
    STOPPED = "stopped", _l("Gestopt")


class PlanKind(State):
    SCHOOL = "school", _l("Schoolopleiding")
    TRAINING = "training", _l("Training of cursus")


class Application(HasStatusHistory, Versioned, Model):
    """An application for a contribution ("Aangevraagd", M6.3.7), by an employer, often for one of
    its employees. A minimal form: the training module adds schemes, amounts rules and payments."""

    __tablename__ = "application"
    __scope__ = Scope(columns={COMPANY: "company_id", EMPLOYEE: "employee_id"}, via=("company_id", Company))
    __states__ = APPLICATION_STATES
    __table_args__ = (Index("ix_application_company_submitted", "company_id", "submitted_on"),
                      Index("ix_application_employee_scheme", "employee_id", "scheme"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    employee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("employee.id"))
    scheme: Mapped[str] = mapped_column(String(30))
    course_title: Mapped[str] = mapped_column(String(200))
    institute_id: Mapped[Optional[int]] = mapped_column(ForeignKey("institute.id"), index=True)
    start_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    end_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=ApplicationState.SUBMITTED.value)
    amount_requested: Mapped[Optional[Decimal]] = mapped_column(Money)
    amount_granted: Mapped[Optional[Decimal]] = mapped_column(Money)
    paid_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    status_changed_at: Mapped[Optional[dt.datetime]] = mapped_column(UtcDateTime)

    company: Mapped[Company] = relationship()
    employee: Mapped[Optional[Employee]] = relationship()
    institute: Mapped[Optional[Institute]] = relationship()

    def __str__(self):
        return f"{self.number}"


class VocationalTraining(Versioned, Model):
    """A vocational training in the BBL track (Beroepsopleidingen, M6.3.5, M7.3.3)."""

    __tablename__ = "vocational_training"
    __scope__ = Scope(columns={COMPANY: "company_id", EMPLOYEE: "employee_id"}, via=("company_id", Company))
    __table_args__ = (Index("ix_vocational_training_company_start", "company_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    qualification: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    school: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=BblState.RUNNING.value)

    employee: Mapped[Employee] = relationship()
    company: Mapped[Company] = relationship()

    def __str__(self):
        return self.qualification


class TrainingPlanEntry(Versioned, Model):
    """A line of the Persoonlijk OpleidingsPlan (M14): the employee's school career and trainings.
    Entries that come from an application (``application_id``) are the fund's and read-only; the
    employee adds and edits the others. ``company_id`` is the employer at the time, so the entry shows
    on that company's Cursussen tab (M6.3.4)."""

    __tablename__ = "training_plan_entry"
    __scope__ = Scope(columns={EMPLOYEE: "employee_id", COMPANY: "company_id"}, via=("employee_id", Employee))
    __table_args__ = (Index("ix_training_plan_entry_employee_start", "employee_id", "start_date"),
                      Index("ix_training_plan_entry_company_start", "company_id", "start_date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    company_id: Mapped[Optional[int]] = mapped_column(ForeignKey("company.id"))
    application_id: Mapped[Optional[int]] = mapped_column(ForeignKey("application.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default=PlanKind.TRAINING.value)
    title: Mapped[str] = mapped_column(String(200))
    institute_name: Mapped[Optional[str]] = mapped_column(String(200))
    start_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    end_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    result: Mapped[Optional[str]] = mapped_column(String(100))

    employee: Mapped[Employee] = relationship()
    company: Mapped[Optional[Company]] = relationship()
    application: Mapped[Optional[Application]] = relationship()

    @property
    def funded(self):
        return self.application_id is not None

    def __str__(self):
        return self.title


class Project(Versioned, Model):
    """A project of the fund (M6.3.7, M7.3.5); which companies and employees took part is in
    ProjectParticipant. The project itself is public: its name and period are no secret."""

    __tablename__ = "project"
    __scope__ = Scope.public()

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[Optional[str]] = mapped_column(String(2000))
    start_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    end_date: Mapped[Optional[dt.date]] = mapped_column(Date)

    def __str__(self):
        return self.name


class ProjectParticipant(Versioned, Model):
    __tablename__ = "project_participant"
    __scope__ = Scope(columns={COMPANY: "company_id", EMPLOYEE: "employee_id"}, via=("company_id", Company))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    employee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("employee.id"), index=True)
    role: Mapped[Optional[str]] = mapped_column(String(100))

    project: Mapped[Project] = relationship(lazy="joined")
    company: Mapped[Company] = relationship()
    employee: Mapped[Optional[Employee]] = relationship()

    def __str__(self):
        return str(self.project)


class ExtraTrainingDay(Versioned, Model):
    """Extra bijscholingsdagen (M6.3.7): days of extra training a company claimed, per employee."""

    __tablename__ = "extra_training_day"
    __scope__ = Scope(columns={COMPANY: "company_id", EMPLOYEE: "employee_id"}, via=("company_id", Company))
    __table_args__ = (Index("ix_extra_training_day_company_date", "company_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    employee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("employee.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal(1))
    subject: Mapped[Optional[str]] = mapped_column(String(200))

    company: Mapped[Company] = relationship()
    employee: Mapped[Optional[Employee]] = relationship()

    def __str__(self):
        return f"{self.day:%d-%m-%Y}" if self.day else ""


from app.training import rules  # noqa: E402,F401  (registers the write rules; needs the models above)
