"""What the fund paid (MijnOOM 6.3.6, 6.3.7, 7.3.4): payment notes ("uitkeringsnota's") with their
lines, and other contributions (book money, diploma money, internship and project contributions)."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.versioning import Versioned
from app.registry.models import Company, Employee
from app.security.scoping import COMPANY, EMPLOYEE, Scope

Money = Numeric(12, 2)

# Kinds of "overige bijdragen" (M6.3.7), with their labels.
CONTRIBUTION_KINDS = {
    "boekengeld": _l("Boekengeld"), "diplomageld": _l("Diplomageld"),
    "stagevergoeding": _l("Stagevergoeding"), "projectbijdrage": _l("Projectbijdrage"),
}


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
