"""What the fund keeps about a company besides the register (MijnOOM chapter 6): error reports
("Gegevens kloppen niet"), payment notes and their lines, other contributions, projects, codes,
extra training days and post. The dossier pages (app/dossier/views.py) show them as tabs."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.versioning import Versioned
from app.registry.models import Code, Company, Employee
from app.security.manager import FondsUser
from app.security.scoping import COMPANY, EMPLOYEE, Scope

Money = Numeric(12, 2)

# Error report states (M6.1): staff either correct the fixed data or explain why not.
REPORT_OPEN = "open"
REPORT_RESOLVED = "resolved"
REPORT_REJECTED = "rejected"
REPORT_STATES = (REPORT_OPEN, REPORT_RESOLVED, REPORT_REJECTED)

# Kinds of "overige bijdragen" (M6.3.7): book money, diploma money, internship and project contributions.
CONTRIBUTION_KINDS = ("boekengeld", "diplomageld", "stagevergoeding", "projectbijdrage")


class ErrorReport(Versioned, Model):
    """"Gegevens kloppen niet" (M6.1): what is wrong in a company's fixed data, by whom; staff resolve it
    and the reporter sees the outcome."""

    __tablename__ = "error_report"
    __scope__ = Scope(via=("company_id", Company), owner="reporter_id")
    __table_args__ = (Index("ix_error_report_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    reporter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"), index=True)
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    description: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(10), default=REPORT_OPEN)
    resolution: Mapped[Optional[str]] = mapped_column(String(2000))
    resolved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    resolved_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    company: Mapped[Company] = relationship()
    reporter = relationship(FondsUser, foreign_keys=[reporter_id])
    resolved_by = relationship(FondsUser, foreign_keys=[resolved_by_id])

    def __str__(self):
        return f"{self.company} – {self.reported_at:%d-%m-%Y}" if self.reported_at else str(self.company)


class PaymentNote(Versioned, Model):
    """An "uitkeringsnota" (M6.3.6): what the fund paid a company, with its lines."""

    __tablename__ = "payment_note"
    __scope__ = Scope(columns={COMPANY: "company_id"}, via=("company_id", Company))
    __table_args__ = (Index("ix_payment_note_company_date", "company_id", "note_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    note_date: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[Optional[str]] = mapped_column(String(200))

    company: Mapped[Company] = relationship()
    lines: Mapped[list["PaymentNoteLine"]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="PaymentNoteLine.id")

    @property
    def total(self):
        return sum((line.amount or Decimal(0) for line in self.lines), Decimal(0))

    def __str__(self):
        return f"{self.number}"


class PaymentNoteLine(Versioned, Model):
    __tablename__ = "payment_note_line"
    __scope__ = Scope(via=("note_id", PaymentNote))

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("payment_note.id"), index=True)
    employee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("employee.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money)

    note: Mapped[PaymentNote] = relationship(back_populates="lines")
    employee: Mapped[Optional[Employee]] = relationship()

    def __str__(self):
        return self.description


class OtherContribution(Versioned, Model):
    """"Overige bijdragen" (M6.3.7, M7.3.4): book money, diploma money, internship and project
    contributions the fund pays to a company, for one of its employees or for the company."""

    __tablename__ = "other_contribution"
    __scope__ = Scope(columns={COMPANY: "company_id", EMPLOYEE: "employee_id"}, via=("company_id", Company))
    __table_args__ = (Index("ix_other_contribution_company_date", "company_id", "paid_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    employee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("employee.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[Optional[str]] = mapped_column(String(200))

    company: Mapped[Company] = relationship()
    employee: Mapped[Optional[Employee]] = relationship()

    def __str__(self):
        return f"{self.kind} {self.paid_on:%d-%m-%Y}" if self.paid_on else self.kind


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


class CompanyCode(Versioned, Model):
    """A code the fund characterises a company with (M6.3.7 "Codes")."""

    __tablename__ = "company_code"
    __scope__ = Scope(columns={COMPANY: "company_id"}, via=("company_id", Company))
    __table_args__ = (UniqueConstraint("company_id", "code_id", name="uq_company_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id"), index=True)
    since: Mapped[Optional[dt.date]] = mapped_column(Date)

    company: Mapped[Company] = relationship()
    code: Mapped[Code] = relationship(lazy="joined")

    def __str__(self):
        return str(self.code)


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


class PostItem(Versioned, Model):
    """Post (M6.3.7): mail the company sent to the fund, and when the fund confirmed receiving it."""

    __tablename__ = "post_item"
    __scope__ = Scope(columns={COMPANY: "company_id"}, via=("company_id", Company))
    __table_args__ = (Index("ix_post_item_company_received", "company_id", "received_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    received_on: Mapped[dt.date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(200))
    reference: Mapped[Optional[str]] = mapped_column(String(50))
    confirmed_on: Mapped[Optional[dt.date]] = mapped_column(Date)

    company: Mapped[Company] = relationship()

    def __str__(self):
        return self.subject
