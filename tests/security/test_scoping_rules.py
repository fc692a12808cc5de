"""The scoping module on its own, without HTTP: which clause each kind of user gets."""
from types import SimpleNamespace

from sqlalchemy import select

from app.extensions import db
from app.registry.models import Company, ContactPerson, Employee, Region
from app.security.scoping import SYSTEM, UPDATE, scope_clause, scope_kinds
from app.shell.models import ContactMessage
from app.training.models import Institute


def user(role, **links):
    fields = dict(id=9999, is_authenticated=True, roles=[SimpleNamespace(name=role)], regions=[],
                  company_id=None, employee_id=None, institute_id=None, outplacement_org_id=None)
    fields.update(links)
    return SimpleNamespace(**fields)


def ids(model, clause):
    query = select(model.id)
    if clause is not None:
        query = query.where(clause)
    return set(db.session.execute(query).scalars())


def test_staff_and_system_are_unrestricted(ctx):
    assert scope_clause(user("staff"), Company) is None
    assert scope_clause(SYSTEM, Company) is None  # CLI and scheduled jobs act as the system


def test_anonymous_sees_nothing(ctx):
    anonymous = SimpleNamespace(is_authenticated=False, roles=[])
    assert scope_kinds(anonymous) == set()
    assert ids(Company, scope_clause(anonymous, Company)) == set()


def test_advisor_without_regions_sees_nothing(ctx):
    assert ids(Company, scope_clause(user("advisor"), Company)) == set()


def test_advisor_sees_companies_and_their_children_of_own_region(ctx):
    zhn = db.session.execute(select(Region).where(Region.code == "ZHN")).scalar_one()
    advisor = user("advisor", regions=[zhn])
    companies = ids(Company, scope_clause(advisor, Company))
    assert companies == set(db.session.execute(select(Company.id).where(Company.region_id == zhn.id)).scalars())
    contacts = ids(ContactPerson, scope_clause(advisor, ContactPerson))
    assert contacts == set(db.session.execute(
        select(ContactPerson.id).where(ContactPerson.company_id.in_(companies))).scalars())
    employees = ids(Employee, scope_clause(advisor, Employee))
    assert employees == set(db.session.execute(
        select(Employee.id).where(Employee.company_id.in_(companies))).scalars())


def test_employee_sees_only_own_record(ctx, world):
    assert ids(Employee, scope_clause(user("employee", employee_id=world.own_employee), Employee)) == {world.own_employee}


def test_reference_data_is_open_and_owned_rows_are_private(ctx):
    assert scope_clause(user("employer", company_id=1), Region) is None
    assert scope_clause(user("employer", company_id=1), Institute) is None
    assert scope_clause(user("institute", institute_id=1), Institute) is None  # reads every institute
    assert scope_clause(user("institute", institute_id=1), Institute, UPDATE) is not None  # changes its own
    assert ids(ContactMessage, scope_clause(user("employer", company_id=1), ContactMessage)) == set(
        db.session.execute(select(ContactMessage.id).where(ContactMessage.sender_id == 9999)).scalars())


def test_every_model_declares_a_scope():
    from flask_appbuilder import Model

    undeclared = [mapper.class_.__name__ for mapper in Model.registry.mappers
                  if not mapper.class_.__tablename__.startswith("ab_") and not hasattr(mapper.class_, "__scope__")]
    assert undeclared == []


def test_in_scope_check_works_when_the_scope_is_empty(ctx, world):
    """An advisor without regions reaches nothing; the check must answer "no", not fail (SQLite)."""
    from app.registry.models import Company
    from app.security.scoping import is_in_scope

    assert is_in_scope(db.session, user("advisor"), Company, world.zhn_company) is False
    assert is_in_scope(db.session, SYSTEM, Company, world.zhn_company) is True
