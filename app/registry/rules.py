"""Register rules, tested without HTTP: the main contact, error reports, the active-employee count.

The operations take (session, record, actor, clock) and are run by the data layer for every path
(app.core.operations)."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.operations import DomainError, on_create, on_update, previous
from app.registry.models import ContactPerson, ErrorReport, ReportState


def make_main_contact(session, contact, actor=None, clock=None):
    """"Maak hoofdcontactpersoon" (M6.3.7): this contact becomes the company's only main contact.

    The old main contact is demoted and flushed first: a partial unique index allows one main contact
    per company at any moment, also inside a transaction. Two users switching at the same moment both
    change the old main contact; its version makes the second one fail (ConcurrentEdit)."""
    others = session.execute(select(ContactPerson).where(
        ContactPerson.company_id == contact.company_id, ContactPerson.id != contact.id,
        ContactPerson.is_main.is_(True))).scalars().all()
    for other in others:
        other.is_main = False
    if others:
        session.flush()
    contact.is_main = True


@on_create(ErrorReport)
def file_error_report(session, report, actor, clock):
    """"Gegevens kloppen niet": the reporter is who files it, now; it starts open (the state machine)."""
    report.reporter_id = actor.id
    report.reported_at = clock.now()
    report.resolution = None


@on_update(ErrorReport)
def resolve_error_report(session, report, actor, clock):
    """Staff close a report with an outcome the reporter can read (the move is recorded with it);
    reopening makes it nobody's resolution again."""
    new = report.status
    old = previous(report, "status")
    if new == old:
        return
    states = ErrorReport.__states__
    target = states.known(new)
    if target != ReportState.OPEN and not (report.resolution or "").strip():
        message = _("Schrijf de uitkomst op: de melder leest die.")
        raise DomainError(message, {"resolution": message})
    report.status = old
    states.transition(report, target, actor, clock.now(), note=report.resolution)
    if target == ReportState.OPEN:
        report.resolved_by_id = report.resolved_at = None
    else:
        report.resolved_by_id = actor.id
        report.resolved_at = clock.now()


def _contact_companies(session):
    """Companies whose set of contacts changes in this flush (added, deleted or moved contacts)."""
    from sqlalchemy import inspect

    ids = set()
    for contact in (*session.new, *session.deleted):
        if isinstance(contact, ContactPerson) and contact.company_id:
            ids.add(contact.company_id)
    for contact in session.dirty:  # a contact moved to another company leaves its old one
        if isinstance(contact, ContactPerson):
            history = inspect(contact).attrs.company_id.history
            ids.update(i for i in (*history.added, *history.deleted) if i)
    return ids


def first_contacts_become_main(session):
    """A company's first contact is its main contact from the moment it is saved; a main contact moved
    to a company that has one already is an ordinary contact there (its old company gets another)."""
    from sqlalchemy import exists, inspect

    def has_main(company_id):
        with session.no_autoflush:
            return session.execute(select(exists().where(
                ContactPerson.company_id == company_id, ContactPerson.is_main.is_(True)))).scalar()

    claimed = set()
    for contact in session.new:
        if not isinstance(contact, ContactPerson) or not contact.company_id or contact.company_id in claimed:
            continue
        if not has_main(contact.company_id):
            contact.is_main = True
        claimed.add(contact.company_id)
    for contact in session.dirty:
        if isinstance(contact, ContactPerson) and contact.is_main and \
                inspect(contact).attrs.company_id.history.has_changes() and has_main(contact.company_id):
            contact.is_main = False


def keep_one_main_contact(session, company_ids):
    """A company with contacts always has a main one (M6.3.7: "Als er slechts één contactpersoon is, dan
    wordt deze automatisch tot hoofdcontactpersoon benoemd"): the first contact when the main one was
    deleted or when the first contact is added. Changed through the ORM, so the audit trail has it."""
    for company_id in sorted(company_ids):
        contacts = session.execute(select(ContactPerson).where(ContactPerson.company_id == company_id)
                                   .order_by(ContactPerson.id)).scalars().all()
        if contacts and not any(c.is_main for c in contacts):
            contacts[0].is_main = True


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
        session.info.setdefault("contact_companies", set()).update(_contact_companies(session))
        first_contacts_become_main(session)

    @event.listens_for(Session, "after_flush_postexec")
    def _main_contact(session, flush_context):
        # Changes made here are written by the next pass of the flush loop (commit flushes until clean).
        ids = session.info.pop("contact_companies", set())
        if ids:
            keep_one_main_contact(session, ids)

    @event.listens_for(Session, "after_flush_postexec")
    def _recount(session, flush_context):
        ids = session.info.pop("recount_companies", set())
        if ids:
            recount_active_employees(session.connection(), ids)
            from app.registry.models import Company

            for company in session.identity_map.values():
                if isinstance(company, Company) and company.id in ids:
                    session.expire(company, ["active_employee_count"])
