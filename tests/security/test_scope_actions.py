"""The scope verb with actions (issue 10): ``restrict(statement, model, user, action)``.

Per-action rules as data (everyone reads the institutes, an institute changes only its own), an owner
rule that never lets a row be created or moved onto a parent outside the user's scope (by a form, a
``?_flt_`` pre-fill, the API, an action or the data layer), a via that only some kinds may follow, and a
time-bounded link that grants a kind while the clock is inside its period.
"""
import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import Boolean, Date, Integer, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.core import clock
from app.core.datamodel import save
from app.extensions import db
from app.registry.models import Company, ContactPerson, ErrorReport, Region
from app.security.manager import FondsUser
from app.security.scoping import (
    COMPANY, CREATE, OUTPLACEMENT_ORG, READ, REGION, SYSTEM, UPDATE, Grant, OutOfScope, Scope, is_in_scope, restrict,
    scope_explanation,
)
from app.training.models import Institute


def someone(role, **links):
    fields = dict(id=9999, is_authenticated=True, roles=[SimpleNamespace(name=role)], regions=[], company_id=None,
                  employee_id=None, institute_id=None, outplacement_org_id=None)
    fields.update(links)
    return SimpleNamespace(**fields)


def demo_user(local):
    return db.session.execute(select(FondsUser).where(FondsUser.email == f"{local}@demo.fondsportaal.nl")).scalar_one()


def ids(model, user, action=READ):
    return set(db.session.execute(restrict(select(model.id), model, user, action)).scalars())


# --- the rules as data -------------------------------------------------------------------------------
def test_an_owner_rule_cannot_grant_create_or_update_on_a_row_with_a_parent():
    with pytest.raises(TypeError):
        Scope(via=("company_id", Company), owner="reporter_id", owner_actions=(READ, CREATE))
    with pytest.raises(TypeError):
        Scope(columns={COMPANY: "company_id"}, owner="reporter_id", owner_actions=(UPDATE,))
    Scope(owner="sender_id", owner_actions=(READ, CREATE))  # no parent: the owner may create (a message)


def test_open_to_is_for_reading_only(ctx):
    employer = someone("employer", company_id=1)
    assert ids(Region, employer) == set(db.session.execute(select(Region.id)).scalars())
    assert ids(Region, employer, UPDATE) == set()


def test_unknown_action_and_missing_actor_are_refused(ctx):
    with pytest.raises(ValueError):
        restrict(select(Company.id), Company, someone("advisor"), "steal")
    with pytest.raises(TypeError):
        restrict(select(Company.id), Company, None)  # outside a request the actor is SYSTEM, never None


# --- an institute reads every institute but changes only its own --------------------------------------
@pytest.fixture()
def institutes(app):
    with app.app_context():
        own = demo_user("institute").institute_id
        other = db.session.execute(select(Institute.id).where(Institute.id != own).order_by(Institute.id)).scalar()
    return own, other


def test_an_institute_reads_another_institute_but_cannot_edit_it(app, clients, institutes):
    own, other = institutes
    client = clients("institute")
    assert client.get(f"/instituteview/show/{other}").status_code == 200
    assert client.get(f"/instituteview/edit/{other}").status_code == 404
    with app.app_context():
        before = db.session.execute(text("SELECT name, version FROM institute WHERE id = :i"), {"i": other}).one()
    response = client.post(f"/instituteview/edit/{other}", data={
        "number": "1", "name": "Overgenomen", "row_version": str(before.version)})
    assert response.status_code == 404
    assert client.get(f"/instituteview/edit/{own}").status_code == 200
    with app.app_context():
        assert db.session.execute(text("SELECT name FROM institute WHERE id = :i"), {"i": other}).scalar() == before.name
        user = demo_user("institute")
        assert is_in_scope(db.session, user, Institute, other, READ)
        assert not is_in_scope(db.session, user, Institute, other, UPDATE)
        assert is_in_scope(db.session, user, Institute, own, UPDATE)


def test_the_data_layer_refuses_an_institute_changing_another(app, institutes):
    own, other = institutes
    with app.app_context():
        institute = db.session.get(Institute, other)
        institute.name = "Overgenomen"
        with pytest.raises(OutOfScope):
            save(db.session, institute, demo_user("institute"))
        assert db.session.get(Institute, other).name != "Overgenomen"


def test_the_inspector_says_it_too(app, institutes):
    from app.security.inspector import explain_access

    own, other = institutes
    with app.app_context():
        access = explain_access(demo_user("institute"), Institute, other)
        assert access.verdict("show").allowed and not access.verdict("edit").allowed
        assert access.verdict("edit").status == 404


# --- an owner never creates or moves a row onto a parent outside their scope --------------------------
def error_reports():
    return db.session.execute(text("SELECT count(*) FROM error_report")).scalar()


def test_a_filter_prefill_cannot_put_a_report_on_a_foreign_company(app, clients, world):
    """``?_flt_0_company=<id>`` used to load the company unscoped and the owner rule let the report through."""
    with app.app_context():
        before = error_reports()
    client = clients("employer")
    assert client.get(f"/errorreportview/add?_flt_0_company={world.employer2_company}").status_code == 404
    response = client.post(f"/errorreportview/add?_flt_0_company={world.employer2_company}",
                           data={"description": "Dit bedrijf is niet van mij"})
    assert response.status_code == 404
    with app.app_context():
        assert error_reports() == before


def test_a_filter_prefill_of_an_own_company_opens_the_form(clients, world):
    assert clients("employer").get(f"/errorreportview/add?_flt_0_company={world.zhn_company}").status_code == 200


def test_the_data_layer_refuses_a_report_on_a_foreign_company_whoever_owns_it(app, world):
    """An import or command acting for a user goes through the same check: the reporter owns the row,
    but owning never grants creating it on a company outside the reporter's scope."""
    with app.app_context():
        before = error_reports()
        report = ErrorReport(company_id=world.employer2_company, description="x")
        with pytest.raises(OutOfScope):
            save(db.session, report, demo_user("employer"))
        assert error_reports() == before


def test_the_reporter_keeps_reading_a_report_but_may_not_change_it(app, world):
    """A report filed on a company that is no longer in the reporter's scope (another company now):
    owning it still lets them read it, never change it or file another there."""
    with app.app_context():
        employer = demo_user("employer")
        report = ErrorReport(company_id=world.employer2_company, description="Het huisnummer ontbreekt.")
        save(db.session, report, SYSTEM)
        report.reporter_id = employer.id
        save(db.session, report, SYSTEM)
        try:
            assert is_in_scope(db.session, employer, ErrorReport, report.id, READ)
            assert not is_in_scope(db.session, employer, ErrorReport, report.id, UPDATE)
            owner = [reach for reach in scope_explanation(employer, ErrorReport, READ) if reach.how == "owner"]
            assert owner and not [r for r in scope_explanation(employer, ErrorReport, CREATE) if r.how == "owner"]
        finally:
            db.session.delete(db.session.get(ErrorReport, report.id))
            db.session.commit()


def test_the_api_cannot_move_a_contact_onto_a_foreign_company(app, clients, world):
    with app.app_context():
        contact = db.session.execute(select(ContactPerson).where(ContactPerson.company_id == world.zhn_company)
                                     .order_by(ContactPerson.is_main, ContactPerson.id)).scalars().first()
        contact_id, before = contact.id, contact.company_id
    client = clients("employer")
    moved = client.api("put", f"/api/v1/contact/{contact_id}", json={"company": world.employer2_company})
    assert moved.status_code == 404
    created = client.api("post", "/api/v1/contact/", json={"company": world.employer2_company, "surname": "Indringer"})
    assert created.status_code == 404
    with app.app_context():
        assert db.session.get(ContactPerson, contact_id).company_id == before
        assert db.session.execute(select(ContactPerson).where(ContactPerson.surname == "Indringer")).first() is None


def test_an_action_on_a_foreign_row_is_a_404(clients, world):
    assert clients("employer").post(f"/contactpersonview/action/make_main/{world.foreign_contact}").status_code == 404


# --- a via that only some kinds follow; a time-bounded link --------------------------------------------
class Tables(DeclarativeBase):
    """Tables that exist only in these tests (created and dropped here, outside the migrations)."""


class WorkNote(Tables):
    """Like a work report: reaches advisors through the company's region, never the employer."""

    __tablename__ = "test_work_note"
    __scope__ = Scope(via=("company_id", Company), via_kinds=(REGION,))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(Integer)


class Client(Tables):
    """Like an outplacement client: its region's advisors see it; an organisation only through an
    accepted attest whose period has started and not yet ended."""

    __tablename__ = "test_client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer)


class Attest(Tables):
    __tablename__ = "test_attest"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    accepted: Mapped[bool] = mapped_column(Boolean)


Client.__scope__ = Scope(columns={REGION: "region_id"}, grants=(
    Grant(Attest, OUTPLACEMENT_ORG, record="client_id", value="organisation_id",
          when=lambda attest: attest.accepted.is_(True)),))

FIRST_DAY, LAST_DAY = dt.date(2026, 3, 1), dt.date(2026, 6, 30)


@pytest.fixture()
def test_tables(app, world):
    with app.app_context():
        Tables.metadata.create_all(db.engine)
        db.session.add_all([WorkNote(id=1, company_id=world.zhn_company), WorkNote(id=2, company_id=world.nbo_company),
                            Client(id=1, region_id=1), Client(id=2, region_id=1),
                            Attest(client_id=1, organisation_id=7, start_date=FIRST_DAY, end_date=LAST_DAY,
                                   accepted=True),
                            Attest(client_id=2, organisation_id=7, start_date=FIRST_DAY, end_date=LAST_DAY,
                                   accepted=False)])
        db.session.commit()
    yield
    with app.app_context():
        db.session.remove()
        Tables.metadata.drop_all(db.engine)


def test_a_via_restricted_model_is_invisible_to_the_kinds_it_excludes(app, world, test_tables):
    with app.app_context():
        zhn = db.session.execute(select(Region).where(Region.code == "ZHN")).scalar_one()
        assert ids(WorkNote, someone("advisor", regions=[zhn])) == {1}  # through the company's region
        assert ids(WorkNote, someone("employer", company_id=world.zhn_company)) == set()  # not through its company
        assert ids(WorkNote, someone("employee", employee_id=world.own_employee)) == set()
        assert ids(WorkNote, demo_user("staff")) == {1, 2}


@pytest.mark.parametrize("day,visible", [
    (FIRST_DAY - dt.timedelta(days=1), False),  # the day before its first day: closed
    (FIRST_DAY, True),                          # opens on its first day
    (LAST_DAY, True),                           # still open on its last day
    (LAST_DAY + dt.timedelta(days=1), False),   # closed the day after its last
])
def test_a_time_bounded_grant_opens_on_its_first_day_and_closes_the_day_after_its_last(app, test_tables, day,
                                                                                       visible):
    partner, other = someone("outplacement_partner", outplacement_org_id=7), \
        someone("outplacement_partner", outplacement_org_id=8)
    with app.app_context(), clock.frozen_at(day):
        assert ids(Client, partner) == ({1} if visible else set())  # client 2's attest is not accepted
        assert ids(Client, other) == set()  # another organisation never
        assert ids(Client, partner, UPDATE) == ({1} if visible else set())


def test_a_grant_can_last_longer_than_its_period(app, test_tables):
    grace = Scope(grants=(Grant(Attest, OUTPLACEMENT_ORG, record="client_id", value="organisation_id",
                                grace=lambda: dt.timedelta(days=14)),))
    partner = someone("outplacement_partner", outplacement_org_id=7)
    with app.app_context():
        saved = Client.__scope__
        Client.__scope__ = grace
        try:
            with clock.frozen_at(LAST_DAY + dt.timedelta(days=14)):
                assert ids(Client, partner) == {1, 2}
            with clock.frozen_at(LAST_DAY + dt.timedelta(days=15)):
                assert ids(Client, partner) == set()
        finally:
            Client.__scope__ = saved


def test_the_api_answers_a_foreign_and_a_missing_company_alike(app, clients, world):
    with app.app_context():
        contact = db.session.execute(select(ContactPerson).where(ContactPerson.company_id == world.zhn_company)
                                     .order_by(ContactPerson.is_main, ContactPerson.id)).scalars().first()
        missing = db.session.execute(text("SELECT max(id) + 1000 FROM company")).scalar()
    client = clients("employer")
    foreign = client.api("put", f"/api/v1/contact/{contact.id}", json={"company": world.employer2_company})
    absent = client.api("put", f"/api/v1/contact/{contact.id}", json={"company": missing})
    assert (foreign.status_code, absent.status_code) == (404, 404)
    assert foreign.json == absent.json
