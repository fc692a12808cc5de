"""Course institutes (M8), applications for contributions, vocational training (BBL) and the personal
training plan (POP, M14). The course catalogue and schemes extend this domain."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.versioning import Versioned
from app.registry.models import Company, Employee
from app.security.scoping import COMPANY, EMPLOYEE, INSTITUTE, REGION, Scope


class Institute(Versioned, Model):
    __tablename__ = "institute"
    # Institutes are public in the catalogue; an institute user manages only its own record.
    __scope__ = Scope(columns={INSTITUTE: "id"}, open_to=(REGION, COMPANY, EMPLOYEE))

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

# Application states (SPEC §4): submitted → in review → granted/rejected → paid; cancelled while not
# yet processed. The transitions live in app/training/rules.py.
SUBMITTED, IN_REVIEW, GRANTED, REJECTED, PAID, CANCELLED = (
    "submitted", "in_review", "granted", "rejected", "paid", "cancelled")
APPLICATION_STATES = (SUBMITTED, IN_REVIEW, GRANTED, REJECTED, PAID, CANCELLED)

# The kinds of contribution an employer can apply for (M6.4.1). The schemes module will make these
# configurable records; until then this list is the choice.
PTT = "ptt"
SCHEMES = (PTT, "cursus", "bbl", "stagevergoeding", "leerwerkbijdrage", "evc")

BBL_RUNNING, BBL_COMPLETED, BBL_STOPPED = "running", "completed", "stopped"
BBL_STATES = (BBL_RUNNING, BBL_COMPLETED, BBL_STOPPED)

PLAN_SCHOOL, PLAN_TRAINING = "school", "training"
PLAN_KINDS = (PLAN_SCHOOL, PLAN_TRAINING)


class Application(Versioned, Model):
    """An application for a contribution ("Aangevraagd", M6.3.7), by an employer, often for one of
    its employees. A minimal form: the training module adds schemes, amounts rules and payments."""

    __tablename__ = "application"
    __scope__ = Scope(columns={COMPANY: "company_id", EMPLOYEE: "employee_id"}, via=("company_id", Company))
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
    status: Mapped[str] = mapped_column(String(12), default=SUBMITTED)
    amount_requested: Mapped[Optional[Decimal]] = mapped_column(Money)
    amount_granted: Mapped[Optional[Decimal]] = mapped_column(Money)
    paid_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    status_changed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

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
    status: Mapped[str] = mapped_column(String(10), default=BBL_RUNNING)

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
    kind: Mapped[str] = mapped_column(String(10), default=PLAN_TRAINING)
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
