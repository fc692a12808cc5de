"""Domain rules of the dossiers without HTTP (contacts' main-contact invariant, applications, the
training plan, the PTT balance) and through the pages where the rule has a button."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from app.core.clock import today
from app.core.datamodel import ConcurrentEdit, DomainError, ScopedSQLAInterface, perform
from app.extensions import db
from app.registry.models import Company, ContactPerson
from app.registry.rules import make_main_contact
from app.security.manager import FondsUser
from app.security.scoping import SYSTEM
from app.training.models import PTT, Application, ApplicationState, TrainingPlanEntry
from app.training.rules import APPLICATION_NUMBERS, cancel_application, move_application, ptt_years

GRANTED, PAID = ApplicationState.GRANTED, ApplicationState.PAID


def demo_user(local):
    return db.session.execute(select(FondsUser).where(FondsUser.email == f"{local}@demo.fondsportaal.nl")).scalar_one()


@pytest.fixture()
def company(app):
    """A fresh company without contacts (removed afterwards)."""
    with app.app_context():
        region_id = db.session.execute(text("SELECT min(id) FROM region")).scalar()
        number = db.session.execute(select(func.max(Company.number))).scalar() + 1
        item = Company(number=number, name="Contacttest B.V.", address="Dorpsstraat 1", postcode="2211 AA",
                       place="Noordwijkerhout", region_id=region_id, registered_from=dt.date(2020, 1, 1))
        db.session.add(item)
        db.session.commit()
        company_id = item.id
    yield company_id
    with app.app_context():
        db.session.execute(text("DELETE FROM contact_person WHERE company_id = :c"), {"c": company_id})
        db.session.execute(text("DELETE FROM company WHERE id = :c"), {"c": company_id})
        db.session.commit()


def add_contact(company_id, surname):
    contact = ContactPerson(company_id=company_id, surname=surname)
    ScopedSQLAInterface(ContactPerson).add(contact)
    return contact.id


def mains(company_id):
    db.session.expire_all()
    return db.session.execute(select(ContactPerson.surname).where(
        ContactPerson.company_id == company_id, ContactPerson.is_main.is_(True))).scalars().all()


def test_the_only_contact_is_main_and_a_second_is_not(app, company):
    with app.app_context():
        add_contact(company, "Eerste")
        assert mains(company) == ["Eerste"]
        add_contact(company, "Tweede")
        assert mains(company) == ["Eerste"]


def test_deleting_the_main_contact_makes_another_main(app, company):
    with app.app_context():
        first = add_contact(company, "Eerste")
        add_contact(company, "Tweede")
        ScopedSQLAInterface(ContactPerson).delete(db.session.get(ContactPerson, first))
        assert mains(company) == ["Tweede"]
        last = db.session.execute(select(ContactPerson).where(ContactPerson.company_id == company)).scalar_one()
        ScopedSQLAInterface(ContactPerson).delete(last)
        assert mains(company) == []  # no contacts, no main contact


def test_switching_keeps_exactly_one_main(app, company):
    with app.app_context():
        add_contact(company, "Eerste")
        second = add_contact(company, "Tweede")
        third = add_contact(company, "Derde")
        interface = ScopedSQLAInterface(ContactPerson)
        for contact_id, name in ((third, "Derde"), (second, "Tweede"), (third, "Derde")):
            contact = db.session.get(ContactPerson, contact_id)
            interface.perform(make_main_contact, contact)
            assert mains(company) == [name]


def test_two_concurrent_switches_leave_one_main(app, company):
    """Two users each make another contact main at the same time (two sessions, interleaved): the
    later switch wins and there is still exactly one main contact; the partial unique index guards
    the moment in between, and a stale copy of the old main contact is refused (next test)."""
    with app.app_context():
        add_contact(company, "Eerste")
        second = add_contact(company, "Tweede")
        third = add_contact(company, "Derde")
        from sqlalchemy.orm import Session

        a, b = Session(db.engine), Session(db.engine)
        try:
            contact_a, contact_b = a.get(ContactPerson, second), b.get(ContactPerson, third)
            make_main_contact(a, contact_a)
            make_main_contact(b, contact_b) if db.engine.dialect.name == "sqlite" else None
            a.commit()
            if db.engine.dialect.name != "sqlite":  # PostgreSQL: b waits for a's row locks, then re-reads
                make_main_contact(b, contact_b)
            b.commit()
        except Exception:  # one of the two may be refused; then nothing of it is saved
            a.rollback()
            b.rollback()
        finally:
            a.close()
            b.close()
        assert len(mains(company)) == 1


def test_concurrent_switch_through_the_interface_is_a_dutch_conflict(app, company, monkeypatch):
    with app.app_context():
        add_contact(company, "Eerste")
        second = add_contact(company, "Tweede")
        contact = db.session.get(ContactPerson, second)
        old = db.session.execute(select(ContactPerson).where(ContactPerson.company_id == company,
                                                             ContactPerson.is_main.is_(True))).scalar_one()
        # Someone else changes the old main contact after we read it.
        with db.engine.begin() as other:
            other.execute(text("UPDATE contact_person SET job_title = 'X', version = version + 1 WHERE id = :i"),
                          {"i": old.id})
        with pytest.raises(ConcurrentEdit) as refused:
            ScopedSQLAInterface(ContactPerson).perform(make_main_contact, contact)
        assert "tegelijk" in refused.value.message or "hetzelfde moment" in refused.value.message
        assert mains(company) == ["Eerste"]


def test_new_contact_and_make_main_button_in_the_dossier(app, clients, world):
    back = f"/companyview/show/{world.zhn_company}?tab=contactpersonen"
    employer = clients("employer")
    with app.app_context():
        number = db.session.get(Company, world.zhn_company).number
    added = employer.post(f"/contactpersonview/add?company={world.zhn_company}&next={back}", data={
        "company": str(number), "surname": "Nieuwkomer", "phone": "0252 123456"})
    assert added.status_code == 302 and added.headers["Location"].endswith(back)
    with app.app_context():
        new = db.session.execute(select(ContactPerson).where(ContactPerson.surname == "Nieuwkomer")).scalar_one()
        new_id, phone, is_main = new.id, new.phone, new.is_main
    assert phone == "(0252) 12 34 56" and not is_main  # normalised; the company already had a main contact
    response = employer.post(f"/contactpersonview/action/make_main/{new_id}", data={"fonds_next": back})
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    html = employer.get(back).get_data(as_text=True)
    assert len(re.findall(r'fonds-main-contact">\s*H\s*<', html)) == 1
    with app.app_context():
        assert mains(world.zhn_company) == ["Nieuwkomer"]
        ScopedSQLAInterface(ContactPerson).delete(db.session.get(ContactPerson, new_id))
        assert len(mains(world.zhn_company)) == 1  # the main one deleted: another took over


# --- applications and the training plan -------------------------------------------------------------
@pytest.fixture()
def application(app, world):
    with app.app_context():
        item = Application(company_id=world.zhn_company, employee_id=world.own_employee, scheme=PTT,
                           course_title="Lassen voor gevorderden", amount_requested=Decimal("400.00"))
        ScopedSQLAInterface(Application).add(item)
        app_id = item.id
    yield app_id
    with app.app_context():
        db.session.execute(text("DELETE FROM training_plan_entry WHERE application_id = :a"), {"a": app_id})
        db.session.execute(text("DELETE FROM status_change WHERE record_model = 'Application' AND record_id = :a"),
                           {"a": app_id})
        db.session.execute(text("DELETE FROM application WHERE id = :a"), {"a": app_id})
        db.session.commit()


def test_granting_puts_the_training_in_the_plan_once(app, application):
    with app.app_context():
        item = db.session.get(Application, application)
        perform(db.session, move_application, item, demo_user("staff"), to=GRANTED)
        entries = db.session.execute(select(TrainingPlanEntry).where(
            TrainingPlanEntry.application_id == application)).scalars().all()
        assert [e.title for e in entries] == ["Lassen voor gevorderden"] and entries[0].funded


def test_status_machine_refuses_jumps_and_late_cancellation(app, application):
    with app.app_context():
        staff = demo_user("staff")
        item = db.session.get(Application, application)
        with pytest.raises(DomainError):
            perform(db.session, move_application, item, staff, to=PAID)  # not granted yet
        item = db.session.get(Application, application)
        perform(db.session, move_application, item, staff, to=ApplicationState.IN_REVIEW)
        with pytest.raises(DomainError) as refused:
            perform(db.session, cancel_application, db.session.get(Application, application), demo_user("employer"))
        assert "kan niet meer worden geannuleerd" in refused.value.message
        assert db.session.get(Application, application).status == ApplicationState.IN_REVIEW


def test_employer_cancels_a_submitted_application_with_the_red_cross(app, clients, world, application):
    back = f"/companyview/show/{world.zhn_company}?tab=aangevraagd"
    html = clients("employer").get(back).get_data(as_text=True)
    assert f"/applicationview/action/cancel/{application}" in html
    response = clients("employer").post(f"/applicationview/action/cancel/{application}", data={"fonds_next": back})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Application, application).status == "cancelled"
    assert f"/applicationview/action/cancel/{application}" not in clients("employer").get(back).get_data(as_text=True)
    assert clients("employer2").post(f"/applicationview/action/cancel/{application}").status_code == 404
    assert clients("advisor").post(f"/applicationview/action/cancel/{application}").status_code in (302, 403)


def test_funded_plan_entries_are_read_only_for_the_employee(app, clients, application):
    with app.app_context():
        item = db.session.get(Application, application)
        perform(db.session, move_application, item, demo_user("staff"), to=GRANTED)
        entry = db.session.execute(select(TrainingPlanEntry).where(
            TrainingPlanEntry.application_id == application)).scalar_one()
        entry_id, version = entry.id, entry.version
    response = clients("employee").post(f"/trainingplanentryview/edit/{entry_id}", data={
        "title": "Anders", "kind": "training", "row_version": str(version)})
    assert "kan hier niet worden gewijzigd" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TrainingPlanEntry, entry_id).title == "Lassen voor gevorderden"


def test_employee_adds_own_plan_entry_and_employer_and_advisor_read_it(app, clients, world):
    response = clients("employee").post("/trainingplanentryview/add", data={
        "employee": "", "kind": "school", "title": "mbo 3 Technicus", "institute_name": "ROC Leiden"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        entry = db.session.execute(select(TrainingPlanEntry).where(
            TrainingPlanEntry.title == "mbo 3 Technicus")).scalar_one()
        assert entry.employee_id == world.own_employee
        entry_id = entry.id
    for role in ("employer", "advisor"):
        assert clients(role).get(f"/trainingplanentryview/show/{entry_id}").status_code == 200
        assert clients(role).post(f"/trainingplanentryview/delete/{entry_id}").status_code == 403
    for role in ("employer2", "advisor2"):
        assert clients(role).get(f"/trainingplanentryview/show/{entry_id}").status_code == 404
    assert clients("employee").post(f"/trainingplanentryview/delete/{entry_id}").status_code == 302
    with app.app_context():
        assert db.session.get(TrainingPlanEntry, entry_id) is None


def test_ptt_years_sum_paid_amounts_and_show_the_remaining_balance(app, world):
    with app.app_context():
        numbers = APPLICATION_NUMBERS.reserve(db.session, today(), 3)
        rows = [Application(number=int(numbers[i]), company_id=world.zhn_company,
                            employee_id=world.zhn_employee, scheme=PTT, course_title="PTT", status=PAID.value,
                            submitted_on=dt.date(2025, 1, 1), paid_on=paid_on, amount_granted=amount)
                for i, (paid_on, amount) in enumerate([(dt.date(2025, 3, 1), Decimal("300")),
                                                        (dt.date(2025, 9, 1), Decimal("250.50")),
                                                        (dt.date(2026, 2, 1), Decimal("1200"))])]
        db.session.add_all(rows)
        db.session.commit()
        try:
            years = {y.year: y for y in ptt_years(db.session, world.zhn_employee, SYSTEM, 2026)}
            own_paid_2025 = Decimal("550.50")
            assert years[2025].paid >= own_paid_2025 and years[2025].remaining == max(
                Decimal("1000") - years[2025].paid, Decimal(0))
            assert years[2026].remaining == Decimal(0)  # more paid than the budget: nothing left, never negative
        finally:
            for row in rows:
                db.session.delete(row)
            db.session.commit()


def test_a_main_contact_moved_to_a_company_with_one_is_an_ordinary_contact_there(app, company, world):
    with app.app_context():
        moved = add_contact(company, "Verhuizer")
        stays = add_contact(company, "Blijver")
        contact = db.session.get(ContactPerson, moved)
        assert contact.is_main
        contact.company_id = world.zhn_company
        ScopedSQLAInterface(ContactPerson).edit(contact)
        assert len(mains(world.zhn_company)) == 1 and "Verhuizer" not in mains(world.zhn_company)
        assert mains(company) == ["Blijver"]  # the old company got another main contact
        db.session.get(ContactPerson, moved).company_id = company
        ScopedSQLAInterface(ContactPerson).edit(db.session.get(ContactPerson, moved))
        assert stays and mains(company) == ["Blijver"]
