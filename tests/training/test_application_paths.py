"""Applications on every path (issue 10): a form, the REST API, an action and the data layer (an import
or a command) number and start an application the same way, and refuse every move the state machine
does not hold, in Dutch, changing nothing."""
import itertools
import re
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from app.core.clock import today
from app.core.datamodel import DomainError, save
from app.core.states import StatusChange
from app.extensions import db
from app.security.manager import FondsUser
from app.security.scoping import SYSTEM
from app.training.models import APPLICATION_STATES, Application, ApplicationState

S = ApplicationState
DUTCH_REFUSAL = re.compile(r"kan het niet naar|U mag de status niet|kan niet meer worden gewijzigd")


def demo_user(local):
    return db.session.execute(select(FondsUser).where(FondsUser.email == f"{local}@demo.fondsportaal.nl")).scalar_one()


def newest_application():
    return db.session.execute(select(Application).order_by(Application.id.desc())).scalars().first()


def history(application_id):
    return db.session.execute(select(StatusChange.from_state, StatusChange.to_state, StatusChange.user_email).where(
        StatusChange.record_model == "Application", StatusChange.record_id == application_id)
        .order_by(StatusChange.id)).all()


def test_an_application_through_the_api_is_numbered_and_started_like_one_through_the_form(app, clients, world):
    staff = clients("staff")
    with app.app_context():
        number = db.session.execute(text("SELECT number FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    form = staff.post("/applicationview/add", data={
        "company": str(number), "scheme": "cursus", "course_title": "Lassen via het formulier",
        "amount_requested": "400"})
    assert form.status_code == 302, form.get_data(as_text=True)[:500]
    with app.app_context():
        by_form = newest_application()
        form_number, form_id = by_form.number, by_form.id
    api = staff.api("post", "/api/v1/application/", json={
        "company": world.zhn_company, "scheme": "cursus", "course_title": "Lassen via de API", "amount_requested": 400})
    assert api.status_code == 201, api.get_data(as_text=True)
    with app.app_context():
        by_api = db.session.get(Application, api.json["id"])
        for application in (by_form, by_api):
            application = db.session.get(Application, application.id)
            assert re.fullmatch(rf"{today().year}\d{{6}}", str(application.number))
            assert application.status == S.SUBMITTED and application.submitted_on == today()
            assert history(application.id) == [(None, "submitted", "staff@demo.fondsportaal.nl")]
        assert by_api.number == form_number + 1  # one series, whichever path
        for application_id in (form_id, by_api.id):
            db.session.execute(text("DELETE FROM status_change WHERE record_model = 'Application' AND record_id = :i"),
                               {"i": application_id})
            db.session.execute(text("DELETE FROM application WHERE id = :i"), {"i": application_id})
        db.session.commit()


def test_the_api_cannot_choose_a_number_or_a_state_on_creation(app, clients, world):
    with app.app_context():
        before = db.session.execute(text("SELECT count(*) FROM application")).scalar()
    for extra in ({"number": 1}, {"status": "paid"}):
        response = clients("staff").api("post", "/api/v1/application/", json={
            "company": world.zhn_company, "scheme": "cursus", "course_title": "Voorgekookt", **extra})
        assert response.status_code == 422
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM application")).scalar() == before


# --- every forbidden move, on every path ---------------------------------------------------------------
def staff_may(old, new):
    return "staff" in {role for role in APPLICATION_STATES.transitions.get(old, {}).get(new, ())}


FORBIDDEN_FOR_STAFF = [(old, new) for old, new in itertools.product(S, S) if old != new and not staff_may(old, new)]


@pytest.fixture()
def application_in(app, world):
    """An application put straight into a state (as if it had got there earlier), removed afterwards."""
    made = []

    def make(state):
        with app.app_context():
            item = Application(company_id=world.zhn_company, employee_id=world.own_employee, scheme="cursus",
                               course_title="Overgangstest", amount_requested=Decimal("100"))
            save(db.session, item, SYSTEM)
            db.session.execute(text("UPDATE application SET status = :s WHERE id = :i"), {"s": state.value, "i": item.id})
            db.session.commit()
            made.append(item.id)
            return item.id

    yield make
    with app.app_context():
        for application_id in made:
            db.session.execute(text("DELETE FROM training_plan_entry WHERE application_id = :i"), {"i": application_id})
            db.session.execute(text("DELETE FROM status_change WHERE record_model = 'Application' AND record_id = :i"),
                               {"i": application_id})
            db.session.execute(text("DELETE FROM application WHERE id = :i"), {"i": application_id})
        db.session.commit()


def status_of(application_id):
    db.session.expire_all()
    return db.session.get(Application, application_id).status


@pytest.mark.parametrize("old,new", FORBIDDEN_FOR_STAFF, ids=lambda state: state.value)
def test_a_forbidden_move_is_refused_by_the_api_and_the_data_layer(app, clients, application_in, old, new):
    application_id = application_in(old)
    response = clients("staff").api("put", f"/api/v1/application/{application_id}", json={"status": new.value})
    assert response.status_code == 422 and DUTCH_REFUSAL.search(str(response.json["message"])), response.json
    with app.app_context():
        assert status_of(application_id) == old
        staff = demo_user("staff")
        item = db.session.get(Application, application_id)
        item.status = new.value
        with pytest.raises(DomainError) as refused:
            save(db.session, item, staff)
        assert DUTCH_REFUSAL.search(refused.value.message)
        assert status_of(application_id) == old and history(application_id) == [(None, "submitted", None)]


@pytest.mark.parametrize("new", [S.IN_REVIEW, S.GRANTED, S.REJECTED])
def test_the_employer_may_not_make_staffs_decisions(app, application_in, new):
    application_id = application_in(S.SUBMITTED)
    with app.app_context():
        employer = demo_user("employer")
        item = db.session.get(Application, application_id)
        item.status = new.value
        with pytest.raises(DomainError) as refused:
            save(db.session, item, employer)
        assert "U mag de status niet" in refused.value.message
        assert status_of(application_id) == S.SUBMITTED


@pytest.mark.parametrize("old", [S.IN_REVIEW, S.GRANTED, S.REJECTED, S.PAID, S.CANCELLED])
def test_the_cancel_action_is_refused_once_processing_started(app, clients, world, application_in, old):
    application_id = application_in(old)
    back = f"/companyview/show/{world.zhn_company}?tab=aangevraagd"
    html = clients("employer").get(back).get_data(as_text=True)
    assert f"/applicationview/action/cancel/{application_id}" not in html  # the red cross asks the machine
    response = clients("employer").post(f"/applicationview/action/cancel/{application_id}", data={"fonds_next": back},
                                        follow_redirects=True)
    assert "kan niet meer worden geannuleerd" in response.get_data(as_text=True)
    with app.app_context():
        assert status_of(application_id) == old


def test_code_that_sets_a_state_past_the_data_layer_is_stopped_at_the_flush(app, application_in):
    application_id = application_in(S.SUBMITTED)
    with app.app_context():
        db.session.get(Application, application_id).status = S.PAID.value
        with pytest.raises(DomainError) as refused:
            db.session.commit()
        assert "toegestane overgang" in refused.value.message
        db.session.rollback()
        assert status_of(application_id) == S.SUBMITTED


def test_a_tampered_form_cannot_set_a_state(app, clients, application_in):
    application_id = application_in(S.SUBMITTED)
    with app.app_context():
        version = db.session.get(Application, application_id).version
    clients("staff").post(f"/applicationview/edit/{application_id}", data={
        "course_title": "Overgangstest", "scheme": "cursus", "status": "paid", "row_version": str(version)})
    with app.app_context():
        assert status_of(application_id) == S.SUBMITTED  # the form has no state; the API's moves are checked


def test_an_allowed_move_through_the_api_is_recorded_with_its_consequences(app, clients, application_in):
    application_id = application_in(S.SUBMITTED)
    staff = clients("staff")
    assert staff.api("put", f"/api/v1/application/{application_id}", json={"status": "granted"}).status_code == 200
    assert staff.api("put", f"/api/v1/application/{application_id}", json={"status": "paid"}).status_code == 200
    with app.app_context():
        item = db.session.get(Application, application_id)
        assert item.status == S.PAID and item.paid_on == today()
        assert [row[:2] for row in history(application_id)] == [(None, "submitted"), ("submitted", "granted"),
                                                                 ("granted", "paid")]
        assert db.session.execute(text("SELECT count(*) FROM training_plan_entry WHERE application_id = :i"),
                                  {"i": application_id}).scalar() == 1


def test_the_page_shows_the_status_history(app, clients, application_in):
    application_id = application_in(S.SUBMITTED)
    clients("staff").api("put", f"/api/v1/application/{application_id}", json={"status": "in_review"})
    html = clients("staff").get(f"/applicationview/show/{application_id}").get_data(as_text=True)
    section = html.split('id="fonds-status-history-title"', 1)[1]
    assert "Ingediend" in section and "In behandeling" in section and "staff@demo.fondsportaal.nl" in section


# --- error reports: the form offers the machine's moves and refuses the others --------------------------
def test_the_error_report_form_offers_the_allowed_moves_and_refuses_a_forbidden_one(app, clients, world):
    import re as regex

    from app.registry.models import ErrorReport

    with app.app_context():
        report = ErrorReport(company_id=world.zhn_company, description="Postcode klopt niet.")
        save(db.session, report, SYSTEM)
        db.session.execute(text("UPDATE error_report SET status = 'resolved', resolution = 'Klaar' WHERE id = :i"),
                           {"i": report.id})
        db.session.commit()
        report_id, version = report.id, db.session.get(ErrorReport, report.id).version
    staff = clients("staff")
    form = staff.get(f"/errorreportview/edit/{report_id}").get_data(as_text=True)
    offered = regex.findall(r'<option[^>]*value="(\w+)"', form.split('name="status"', 1)[1].split("</select>", 1)[0])
    assert offered == ["resolved", "open"]  # from Aangepast only back to Open
    refused = staff.post(f"/errorreportview/edit/{report_id}", data={
        "status": "rejected", "resolution": "Toch niet", "row_version": str(version)})
    assert "kan het niet naar" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ErrorReport, report_id).status == "resolved"
        db.session.delete(db.session.get(ErrorReport, report_id))
        db.session.commit()


def test_twenty_applications_at_once_get_twenty_distinct_consecutive_numbers(app, world):
    """Twenty users submit at the same moment, each in their own session and transaction: the series
    gives every one its own number, none twice, none skipped (on PostgreSQL really in parallel)."""
    import threading

    barrier, numbers, errors = threading.Barrier(20), [], []

    def submit():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                item = Application(company_id=world.zhn_company, scheme="cursus", course_title="Tegelijk")
                save(db.session, item, SYSTEM)
                numbers.append(item.number)
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == [] and len(numbers) == 20
        assert sorted(numbers) == list(range(min(numbers), min(numbers) + 20))
    finally:
        with app.app_context():
            for number in numbers:
                application_id = db.session.execute(select(Application.id).where(Application.number == number)).scalar()
                db.session.execute(text("DELETE FROM status_change WHERE record_model = 'Application' "
                                        "AND record_id = :i"), {"i": application_id})
                db.session.execute(text("DELETE FROM application WHERE id = :i"), {"i": application_id})
            db.session.commit()


def test_the_cancel_button_is_offered_only_where_the_machine_allows_it(clients, application_in):
    submitted, paid = application_in(S.SUBMITTED), application_in(S.PAID)
    staff = clients("staff")
    assert f"/applicationview/action/cancel/{submitted}" in staff.get(f"/applicationview/show/{submitted}").get_data(
        as_text=True)
    assert "/applicationview/action/cancel/" not in staff.get(f"/applicationview/show/{paid}").get_data(as_text=True)
