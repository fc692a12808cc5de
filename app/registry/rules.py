"""Register rules, tested without HTTP."""
from sqlalchemy import select

from app.registry.models import ContactPerson


def make_main_contact(session, contact):
    """"Maak hoofdcontactpersoon" (M6.3.7): this contact becomes the company's only main contact."""
    others = session.execute(select(ContactPerson).where(
        ContactPerson.company_id == contact.company_id, ContactPerson.id != contact.id,
        ContactPerson.is_main.is_(True))).scalars()
    for other in others:
        other.is_main = False
    contact.is_main = True


def recount_active_employees(connection, company_ids=None):
    """Company.active_employee_count recomputed in the current transaction: for these companies, or
    for all of them (after a bulk load)."""
    from sqlalchemy import and_, func, update

    from app.registry.models import Company, Employee

    if company_ids is not None and not company_ids:
        return
    count = (select(func.count(Employee.id))
             .where(and_(Employee.company_id == Company.id, Employee.active.is_(True)))
             .scalar_subquery())
    statement = update(Company).values(active_employee_count=count)
    if company_ids is not None:
        statement = statement.where(Company.id.in_(sorted(company_ids)))
    connection.execute(statement)


def _touched_companies(session):
    from sqlalchemy import inspect

    from app.registry.models import Employee

    ids = set()
    for employee in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(employee, Employee):
            continue
        history = inspect(employee).attrs.company_id.history
        ids.update(i for i in (*history.added, *history.deleted, *history.unchanged, employee.company_id) if i)
    return ids


def register_count_maintenance():
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    @event.listens_for(Session, "before_flush")
    def _remember(session, flush_context, instances):
        session.info.setdefault("recount_companies", set()).update(_touched_companies(session))

    @event.listens_for(Session, "after_flush_postexec")
    def _recount(session, flush_context):
        ids = session.info.pop("recount_companies", set())
        if ids:
            recount_active_employees(session.connection(), ids)
            from app.registry.models import Company

            for company in session.identity_map.values():
                if isinstance(company, Company) and company.id in ids:
                    session.expire(company, ["active_employee_count"])
