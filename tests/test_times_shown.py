"""Every time a user reads is on the fund's clock (Europe/Amsterdam), whatever the server's zone: a
moment is stored as UTC (app.core.clock) and shown local on the record's page, in lists, in its status
history, in "Wijzigingen" and in the Logboek."""
import datetime as dt

from sqlalchemy import select, text

from app.core import clock
from app.extensions import db
from app.registry.models import ErrorReport

SUMMER_MOMENT = dt.datetime(2026, 7, 1, 10, 5, tzinfo=dt.timezone.utc)  # 12:05 in Amsterdam
SHOWN = "01-07-2026 12:05"
UTC_SHOWN = "01-07-2026 10:05"


def test_a_report_filed_at_ten_utc_reads_twelve_in_amsterdam(app, clients, world):
    reporter, staff = clients("advisor"), clients("staff")
    with app.app_context():
        number = db.session.execute(text("SELECT number FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    with clock.frozen_at(SUMMER_MOMENT):
        response = reporter.post("/errorreportview/add", data={"company": str(number),
                                                               "description": "De tijd van deze melding."})
    assert response.status_code == 302
    report_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        stored = db.session.execute(text("SELECT reported_at FROM error_report WHERE id = :i"), {"i": report_id}).scalar()
        assert str(stored).startswith("2026-07-01 10:05")  # stored as UTC
    pages = {
        "show": staff.get(f"/errorreportview/show/{report_id}").get_data(as_text=True),
        "list": staff.get("/errorreportview/list/?f0=reported_at&o0=eq&v0=01-07-2026").get_data(as_text=True),
        "logboek": staff.get(f"/auditlogview/list/?f0=model&v0=ErrorReport&m1=and&f1=record_id&v1={report_id}"
                             ).get_data(as_text=True),
    }
    for name, html in pages.items():
        assert SHOWN in html, name
        assert UTC_SHOWN not in html, name
    status_section = pages["show"].split('id="fonds-status-history-title"', 1)[1]
    assert SHOWN in status_section
    with app.app_context():
        db.session.delete(db.session.get(ErrorReport, report_id))
        db.session.commit()


def test_a_day_search_on_a_moment_uses_the_funds_day(app, clients, world):
    """Filed at 23:30 UTC on 30 June is 1 July in Amsterdam: found under 01-07, not under 30-06."""
    with app.app_context():
        number = db.session.execute(text("SELECT number FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    with clock.frozen_at(dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.timezone.utc)):
        response = clients("advisor").post("/errorreportview/add", data={
            "company": str(number), "description": "Net na middernacht."})
    report_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    staff = clients("staff")
    july = staff.get("/errorreportview/list/?f0=reported_at&o0=eq&v0=01-07-2026").get_data(as_text=True)
    june = staff.get("/errorreportview/list/?f0=reported_at&o0=eq&v0=30-06-2026").get_data(as_text=True)
    assert "Net na middernacht." in july and "Net na middernacht." not in june
    with app.app_context():
        db.session.delete(db.session.get(ErrorReport, report_id))
        db.session.commit()


def test_a_lost_update_names_who_changed_it_at_what_local_time(app, clients, world):
    from app.registry.models import ContactPerson

    with app.app_context():
        contact = db.session.execute(select(ContactPerson).where(
            ContactPerson.company_id == world.zhn_company)).scalars().first()
        contact_id, version, surname = contact.id, contact.version, contact.surname
        number = db.session.execute(text("SELECT number FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    form = {"company": str(number), "surname": surname, "row_version": str(version)}
    with clock.frozen_at(SUMMER_MOMENT):
        saved = clients("staff").post(f"/contactpersonview/edit/{contact_id}", data={**form, "job_title": "Eerste"})
    assert saved.status_code == 302
    stale = clients("advisor").post(f"/contactpersonview/edit/{contact_id}", data={**form, "job_title": "Tweede"})
    html = stale.get_data(as_text=True)
    assert f"door staff@demo.fondsportaal.nl om {SHOWN}" in html
    assert UTC_SHOWN not in html


def test_the_last_login_is_kept_in_utc_and_shown_local(app, clients):
    from tests.helpers import DEMO_PASSWORD, Client

    with clock.frozen_at(SUMMER_MOMENT):
        Client.logged_in(app, "institute@demo.fondsportaal.nl", DEMO_PASSWORD)
    with app.app_context():
        user_id, stored = db.session.execute(text(
            "SELECT id, last_login FROM ab_user WHERE email = 'institute@demo.fondsportaal.nl'")).one()
    assert str(stored).startswith("2026-07-01 10:05")
    assert SHOWN in clients("staff").get(f"/users/show/{user_id}").get_data(as_text=True)
