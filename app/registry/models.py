"""The register: regions, sub-branches, companies (werkgevers), their contacts, employees and their
employment history, codes, and what the fund keeps about a company besides (MijnOOM chapters 6 and
7): error reports ("Gegevens kloppen niet"), the company's codes and its post."""
import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import UtcDateTime
from app.core.search.keys import active_only_indexes, key_column
from app.core.states import HasStatusHistory, State, StateMachine
from app.core.versioning import Versioned
from app.security.manager import FondsUser
from app.security.roles import STAFF
from app.security.scoping import COMPANY, EMPLOYEE, REGION, Scope


class Region(Versioned, Model):
    __tablename__ = "region"
    __scope__ = Scope.public()

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    def __str__(self):
        return self.name


class SubBranch(Versioned, Model):
    __tablename__ = "sub_branch"
    __scope__ = Scope.public()

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    def __str__(self):
        return self.name


class Code(Versioned, Model):
    """A code the fund attaches to companies (M6.3.7 "Codes"), configured by staff."""

    __tablename__ = "code"
    __scope__ = Scope.public()

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    description: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self):
        return f"{self.code} – {self.description}"


class Company(Versioned, Model):
    """A company registered with the fund (werkgever)."""

    __tablename__ = "company"
    __scope__ = Scope(columns={REGION: "region_id", COMPANY: "id"})
    # Managed by the fund; only staff may change them (M6.1). All other columns are variable (M6.2).
    __fixed_fields__ = ("number", "name", "address", "postcode", "place", "region", "region_id",
                        "sub_branch", "sub_branch_id", "registered_from", "registered_until", "active")
    __search_keys__ = {"name_key": "name", "place_key": "place", "postcode_key": "postcode"}
    __phone_fields__ = ("phone", "fax")
    # Lists open with "Actief" ticked, so the search and sort keys also have partial indexes over the
    # active rows alone; the plain ones serve searches with history included.
    __table_args__ = (
        Index("ix_company_name_key_id", "name_key", "id"),
        Index("ix_company_place_key_id", "place_key", "id"),
        Index("ix_company_postcode_key_id", "postcode_key", "id"),
        Index("ix_company_active_employee_count", "active_employee_count"),
        *active_only_indexes("company", ("number",), ("name_key", "id"), ("place_key", "id")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(7))
    place: Mapped[str] = mapped_column(String(100))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    sub_branch_id: Mapped[Optional[int]] = mapped_column(ForeignKey("sub_branch.id"), index=True)
    registered_from: Mapped[dt.date] = mapped_column(Date)
    registered_until: Mapped[Optional[dt.date]] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    advisor_address: Mapped[Optional[str]] = mapped_column(String(200))
    advisor_postcode: Mapped[Optional[str]] = mapped_column(String(7))
    advisor_place: Mapped[Optional[str]] = mapped_column(String(100))
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    fax: Mapped[Optional[str]] = mapped_column(String(20))
    email: Mapped[Optional[str]] = mapped_column(String(200))
    website: Mapped[Optional[str]] = mapped_column(String(200))
    description: Mapped[Optional[str]] = mapped_column(Text)
    last_visit_date: Mapped[Optional[dt.date]] = mapped_column(Date, index=True)
    # Derived, kept up to date by app.registry.rules: searched as "aantal actieve werknemers" (M4.5.1).
    active_employee_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    name_key: Mapped[Optional[str]] = key_column(200)
    place_key: Mapped[Optional[str]] = key_column(100)
    postcode_key: Mapped[Optional[str]] = key_column(7)

    region: Mapped[Region] = relationship()
    sub_branch: Mapped[Optional[SubBranch]] = relationship()
    contacts: Mapped[list["ContactPerson"]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="ContactPerson.surname")

    def __str__(self):
        return f"{self.number} {self.name}"


class ContactPerson(Versioned, Model):
    """A contact person at a company (M6.3.7 "Contactpersonen"); one of them is the main contact."""

    __tablename__ = "contact_person"
    __scope__ = Scope(via=("company_id", Company))
    __search_keys__ = {"surname_key": "surname"}
    __phone_fields__ = ("phone",)
    __table_args__ = (
        Index("ix_contact_person_surname_key_id", "surname_key", "id"),
        # At most one main contact per company, also when two users switch it at the same moment.
        Index("uq_contact_person_one_main", "company_id", unique=True,
              sqlite_where=text("is_main = 1"), postgresql_where=text("is_main")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    initials: Mapped[Optional[str]] = mapped_column(String(20))
    surname: Mapped[str] = mapped_column(String(100))
    job_title: Mapped[Optional[str]] = mapped_column(String(100))
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    email: Mapped[Optional[str]] = mapped_column(String(200))
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)
    surname_key: Mapped[Optional[str]] = key_column(100)

    company: Mapped[Company] = relationship(back_populates="contacts")

    def __str__(self):
        return " ".join(part for part in (self.initials, self.surname) if part)


class Employee(Versioned, Model):
    """An employee in the sector (werknemer), linked to their current employer."""

    __tablename__ = "employee"
    __scope__ = Scope(columns={EMPLOYEE: "id", COMPANY: "company_id"}, via=("company_id", Company))
    __fixed_fields__ = ("number", "initials", "first_name", "infix", "surname", "birth_date", "active",
                        "company", "company_id")
    __search_keys__ = {"surname_key": "surname", "place_key": "place"}
    __phone_fields__ = ("phone",)
    __table_args__ = (
        Index("ix_employee_surname_key_id", "surname_key", "id"),
        Index("ix_employee_place_key_id", "place_key", "id"),
        Index("ix_employee_birth_date", "birth_date"),
        Index("ix_employee_company_id_number", "company_id", "number"),  # a company's employees, by number
        *active_only_indexes("employee", ("number",), ("surname_key", "id"), ("place_key", "id")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    initials: Mapped[Optional[str]] = mapped_column(String(20))
    first_name: Mapped[Optional[str]] = mapped_column(String(60))
    infix: Mapped[Optional[str]] = mapped_column(String(20))
    surname: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    company_id: Mapped[Optional[int]] = mapped_column(ForeignKey("company.id"))

    phone: Mapped[Optional[str]] = mapped_column(String(20))
    email: Mapped[Optional[str]] = mapped_column(String(200))
    address: Mapped[Optional[str]] = mapped_column(String(200))
    postcode: Mapped[Optional[str]] = mapped_column(String(7))
    place: Mapped[Optional[str]] = mapped_column(String(100))
    surname_key: Mapped[Optional[str]] = key_column(100)
    place_key: Mapped[Optional[str]] = key_column(100)

    company: Mapped[Optional[Company]] = relationship(lazy="joined")
    employments: Mapped[list["Employment"]] = relationship(
        back_populates="employee", cascade="all, delete-orphan", order_by="Employment.start_date.desc()")

    @property
    def full_name(self):
        return " ".join(part for part in (self.initials, self.infix, self.surname) if part)

    def __str__(self):
        return f"{self.number} {self.full_name}"


class Employment(Versioned, Model):
    """A period in which an employee worked for a company (the employment history)."""

    __tablename__ = "employment"
    __scope__ = Scope(columns={COMPANY: "company_id", EMPLOYEE: "employee_id"}, via=("company_id", Company))
    __table_args__ = (Index("ix_employment_employee_start", "employee_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[Optional[dt.date]] = mapped_column(Date)

    employee: Mapped[Employee] = relationship(back_populates="employments")
    company: Mapped[Company] = relationship(lazy="joined")

    def __str__(self):
        return f"{self.company} {self.start_date:%d-%m-%Y}"


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


class ReportState(State):
    """Error report states (M6.1): staff either correct the fixed data or explain why not."""

    OPEN = "open", _l("Open")
    RESOLVED = "resolved", _l("Aangepast")
    REJECTED = "rejected", _l("Niet aangepast")


class ErrorReport(HasStatusHistory, Versioned, Model):
    """"Gegevens kloppen niet" (M6.1): what is wrong in a company's fixed data, by whom; staff resolve it
    and the reporter sees the outcome."""

    __tablename__ = "error_report"
    # The reporter keeps reading their report; filing one needs the company in the reporter's scope.
    __scope__ = Scope(via=("company_id", Company), owner="reporter_id")
    __states__ = StateMachine(ReportState, initial=ReportState.OPEN, transitions={
        ReportState.OPEN: {ReportState.RESOLVED: {STAFF}, ReportState.REJECTED: {STAFF}},
        ReportState.RESOLVED: {ReportState.OPEN: {STAFF}},
        ReportState.REJECTED: {ReportState.OPEN: {STAFF}},
    })
    __table_args__ = (Index("ix_error_report_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    reporter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"), index=True)
    reported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    description: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(10), default=ReportState.OPEN.value)
    resolution: Mapped[Optional[str]] = mapped_column(String(2000))
    resolved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    resolved_at: Mapped[Optional[dt.datetime]] = mapped_column(UtcDateTime)

    company: Mapped[Company] = relationship()
    reporter = relationship(FondsUser, foreign_keys=[reporter_id])
    resolved_by = relationship(FondsUser, foreign_keys=[resolved_by_id])

    def __str__(self):
        return f"{self.company} – {self.reported_at:%d-%m-%Y}" if self.reported_at else str(self.company)


from app.registry.rules import register_count_maintenance  # noqa: E402  (needs the models above)

register_count_maintenance()
