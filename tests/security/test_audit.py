"""The audit trail (issue 6, item 2): every create, update and delete of a domain record leaves exactly
one append-only audit row — who, roles, when, model, id, old → new, request id, source — in the same
transaction, through forms, the API and the ORM alike; refused writes leave none; no secret is ever
logged; staff read a record's "Wijzigingen" and the Logboek, and nobody can change either. The
session-wide invariant itself runs after every test (tests/conftest.py, tests/audit_invariant.py)."""
import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import g
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError

from app.core.audit import AuditBypassError, AuditLog
from app.core.datamodel import ScopedSQLAInterface
from app.extensions import db
from app.registry.models import Code, Company, ContactPerson, Employee, Region
from app.registry.rules import recount_active_employees
from app.security.manager import FondsUser
from app.security.scoping import OutOfScope
from tests.helpers import Client

PASSWORD = "een lange zin als wachtwoord"
NEW_PASSWORD = "fietsen langs de Vecht in mei"


def last_id(app):
    with app.app_context():
        return db.session.execute(select(func.coalesce(func.max(AuditLog.id), 0))).scalar()


def rows_since(app, first_excluded):
    with app.app_context():
        rows = db.session.execute(select(AuditLog).where(AuditLog.id > first_excluded)
                                  .order_by(AuditLog.id)).scalars().all()
        db.session.expunge_all()
        return rows


def only_row(app, since, action, model):
    rows = [r for r in rows_since(app, since) if r.action == action and r.model == model]
    assert len(rows) == 1, [(r.action, r.model, r.record_id) for r in rows_since(app, since)]
    return rows[0]


def user_id(app, local):
    with app.app_context():
        return db.session.execute(select(FondsUser.id).where(
            FondsUser.email == f"{local}@demo.fondsportaal.nl")).scalar()


# --- one row per change, whatever the path -------------------------------------------------------

def test_form_create_update_delete_each_leave_one_row_with_actor_and_diff(app, clients):
    staff = clients("staff")
    start = last_id(app)
    assert staff.post("/codeview/add", data={"code": "AUD", "description": "Audit via formulier",
                                              "active": "y"}).status_code == 302
    created = only_row(app, start, "create", "Code")
    assert (created.user_id, created.user_email, created.roles, created.source) == (
        user_id(app, "staff"), "staff@demo.fondsportaal.nl", "staff", "web")
    assert re.fullmatch(r"[0-9a-f]{12}", created.request_id)
    assert created.changes_dict() == {"code": [None, "AUD"], "description": [None, "Audit via formulier"],
                                      "active": [None, True]}
    assert abs(created.at - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)  # stored as UTC
    code_id = created.record_id

    start = last_id(app)
    assert staff.post(f"/codeview/edit/{code_id}", data={"code": "AUD", "description": "Gewijzigd",
                                                         "active": "y"}).status_code == 302
    updated = only_row(app, start, "update", "Code")
    assert updated.record_id == code_id
    assert updated.changes_dict() == {"description": ["Audit via formulier", "Gewijzigd"]}

    start = last_id(app)
    assert staff.post(f"/codeview/delete/{code_id}").status_code == 302
    deleted = only_row(app, start, "delete", "Code")
    assert deleted.record_id == code_id
    assert deleted.changes_dict() == {"code": ["AUD", None], "description": ["Gewijzigd", None],
                                      "active": [True, None]}
    assert len(rows_since(app, start)) == 1


def test_api_create_update_delete_each_leave_one_row(app, clients, world):
    employer = clients("employer")
    start = last_id(app)
    response = employer.api("post", "/api/v1/contact/", json={
        "company": world.zhn_company, "surname": "Auditcollega", "phone": "(071) 111 22 33"})
    assert response.status_code == 201
    contact_id = response.json["id"]
    created = only_row(app, start, "create", "ContactPerson")
    assert (created.record_id, created.user_email, created.roles, created.source) == (
        contact_id, "employer@demo.fondsportaal.nl", "employer", "api")
    assert created.changes_dict()["company_id"] == [None, world.zhn_company]
    assert created.changes_dict()["surname"] == [None, "Auditcollega"]
    assert "surname_key" not in created.changes_dict()  # derived search key

    start = last_id(app)
    assert employer.api("put", f"/api/v1/contact/{contact_id}", json={"job_title": "Planner"}).status_code == 200
    assert only_row(app, start, "update", "ContactPerson").changes_dict() == {"job_title": [None, "Planner"]}

    start = last_id(app)
    assert employer.api("delete", f"/api/v1/contact/{contact_id}").status_code == 200
    deleted = only_row(app, start, "delete", "ContactPerson")
    assert deleted.record_id == contact_id and deleted.changes_dict()["job_title"] == ["Planner", None]


def test_orm_outside_http_is_logged_as_the_system(app):
    start = last_id(app)
    with app.app_context():
        region = Region(code="AUD", name="Auditregio")
        db.session.add(region)
        db.session.commit()
        region_id = region.id
        region.name = "Auditregio West"
        db.session.commit()
        db.session.delete(region)
        db.session.commit()
    rows = rows_since(app, start)
    assert [(r.action, r.model, r.record_id) for r in rows] == [
        ("create", "Region", region_id), ("update", "Region", region_id), ("delete", "Region", region_id)]
    assert all((r.user_id, r.user_email, r.roles, r.request_id, r.source) == (None, None, None, None, "cli")
               for r in rows)
    assert rows[1].changes_dict() == {"name": ["Auditregio", "Auditregio West"]}


def test_action_and_relation_changes_are_logged_with_foreign_keys(app, clients, world):
    """"Maak hoofdcontactpersoon" changes two contacts: one row each."""
    with app.app_context():
        contacts = db.session.execute(select(ContactPerson.id, ContactPerson.is_main).where(
            ContactPerson.company_id == world.zhn_company)).all()
    if len(contacts) < 2:
        pytest.skip("the seeded company has one contact")
    other = next(c.id for c in contacts if not c.is_main)
    main = next(c.id for c in contacts if c.is_main)
    start = last_id(app)
    assert clients("advisor").post(f"/contactpersonview/action/make_main/{other}").status_code == 302
    changed = {(r.record_id, json.dumps(r.changes_dict())) for r in rows_since(app, start)}
    assert changed == {(other, json.dumps({"is_main": [False, True]})),
                       (main, json.dumps({"is_main": [True, False]}))}
    clients("advisor").post(f"/contactpersonview/action/make_main/{main}")


def test_a_dossier_moved_to_another_employer_logs_the_foreign_key(app, clients, world):
    with app.app_context():
        company_number = db.session.get(Employee, world.zhn_employee).company.number
        target = db.session.get(Company, world.nbo_company).number
    start = last_id(app)
    response = clients("staff").api("put", f"/api/v1/employee/{world.zhn_employee}",
                                    json={"company": world.nbo_company})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert only_row(app, start, "update", "Employee").changes_dict() == {
        "company_id": [world.zhn_company, world.nbo_company]}
    html = clients("staff").get(f"/employeeview/show/{world.zhn_employee}").get_data(as_text=True)
    history = html.split('id="fonds-history-title"')[1]
    assert f"<strong>Werkgever</strong>: {company_number} " in history and f"→ {target} " in history
    clients("staff").api("put", f"/api/v1/employee/{world.zhn_employee}", json={"company": world.zhn_company})


# --- refused writes leave nothing ----------------------------------------------------------------

def test_refused_writes_leave_no_audit_row(app, clients, world):
    start = last_id(app)
    # a validation error in a form
    assert clients("staff").post("/codeview/add", data={"code": "", "description": ""}).status_code == 200
    # a fixed field refused by the data layer
    assert clients("employer").api("put", f"/api/v1/company/{world.zhn_company}",
                                   json={"name": "Gekaapt B.V."}).status_code == 422
    # a row outside the scope
    assert clients("employer").api("put", f"/api/v1/contact/{world.foreign_contact}",
                                   json={"surname": "Indringer"}).status_code == 404
    assert clients("employer").api("post", "/api/v1/contact/", json={
        "company": world.employer2_company, "surname": "Indringer"}).status_code == 404
    # bad input
    assert clients("staff").api("post", "/api/v1/contact/", json={"surname": "x\x00"}).status_code in (400, 422)
    assert rows_since(app, start) == []


def test_a_write_refused_after_its_flush_takes_its_audit_row_with_it(app, world):
    """The data layer flushes, asks the database whether the row is in scope, and rolls back: the
    audit row was written in that same transaction and is gone too."""
    start = last_id(app)
    with app.test_request_context():
        g.user = db.session.execute(select(FondsUser).where(
            FondsUser.email == "employer@demo.fondsportaal.nl")).scalar_one()
        with pytest.raises(OutOfScope):
            ScopedSQLAInterface(ContactPerson).add(ContactPerson(company_id=world.employer2_company,
                                                                 surname="Buiten bereik"))
    assert rows_since(app, start) == []


# --- secrets -------------------------------------------------------------------------------------

def test_no_password_or_hash_in_any_audit_row(app, clients):
    address = "audit.wachtwoord@example.nl"
    with app.app_context():
        advisor_role = db.session.execute(text("SELECT id FROM ab_role WHERE name = 'advisor'")).scalar()
        region = db.session.execute(text("SELECT id FROM region WHERE code = 'ZHN'")).scalar()
    start = last_id(app)
    assert clients("staff").post("/users/add", data={
        "first_name": "Audit", "last_name": "Wachtwoord", "email": address, "active": "y",
        "roles": [str(advisor_role)], "regions": [str(region)],
        "password": PASSWORD, "conf_password": PASSWORD}).status_code == 302
    created = only_row(app, start, "create", "FondsUser")
    assert created.changes_dict()["password"] == [None, "***"]
    assert created.changes_dict()["roles"] == [[], ["advisor"]]
    user = Client.logged_in(app, address, PASSWORD)
    assert user.post("/resetmypassword/form", data={
        "old_password": PASSWORD, "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD}).status_code == 302
    changed = only_row(app, created.id, "update", "FondsUser")
    assert changed.changes_dict() == {"password": ["***", "***"]}
    with app.app_context():
        hashes = db.session.execute(text("SELECT password FROM ab_user WHERE password IS NOT NULL")).scalars().all()
        every_row = db.session.execute(text("SELECT * FROM audit_log")).all()
    logged = "\n".join(" ".join(str(value) for value in row) for row in every_row)
    for secret in (PASSWORD, NEW_PASSWORD, *hashes, "scrypt:", "pbkdf2:"):
        assert secret not in logged


def test_logins_and_logouts_are_no_changes_of_the_user(app):
    start = last_id(app)
    client = Client.logged_in(app, "advisor2@demo.fondsportaal.nl", "test-wachtwoord-123")
    client.get("/logout/", headers={"Sec-Fetch-Site": "same-origin"})
    assert rows_since(app, start) == []


# --- append-only ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "staff"])
def test_no_route_changes_or_deletes_an_audit_row(app, clients, role):
    entry = last_id(app)
    client = clients(role)
    assert client.get("/auditlogview/list/").status_code == 200
    assert client.get(f"/auditlogview/show/{entry}").status_code == 200
    for method, url in [("get", "/auditlogview/add"), ("post", "/auditlogview/add"),
                        ("get", f"/auditlogview/edit/{entry}"), ("post", f"/auditlogview/edit/{entry}"),
                        ("get", f"/auditlogview/delete/{entry}"), ("post", f"/auditlogview/delete/{entry}"),
                        ("post", f"/auditlogview/action/delete/{entry}"), ("post", "/auditlogview/action_post"),
                        ("get", "/api/v1/auditlog/"), ("delete", f"/api/v1/auditlog/{entry}")]:
        response = getattr(client.http, method)(url, data={"action": "delete", "rowid": [str(entry)]})
        assert response.status_code == 404, url
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("AuditLogView.")}
    assert endpoints == {"AuditLogView.list", "AuditLogView.show", "AuditLogView.export_csv",
                         "AuditLogView.export_xlsx"}
    assert last_id(app) == entry


@pytest.mark.parametrize("role", ["regional_manager", "advisor", "employer", "employee", "institute",
                                  "outplacement_partner", "intervention_advisor"])
def test_only_staff_read_the_log(app, clients, role):
    entry = last_id(app)
    for url in ("/auditlogview/list/", f"/auditlogview/show/{entry}", "/auditlogview/export_csv/"):
        assert clients(role).get(url).status_code == 403
    assert "/auditlogview/" not in clients(role).get("/").get_data(as_text=True)
    from app.security.scoping import scope_clause

    with app.app_context():
        user = db.session.execute(select(FondsUser).where(
            FondsUser.email == f"{role}@demo.fondsportaal.nl")).scalar_one()
        assert db.session.execute(select(func.count()).select_from(AuditLog)
                                  .where(scope_clause(user, AuditLog))).scalar() == 0


def test_the_orm_and_the_database_refuse_to_change_audit_rows(app):
    entry = last_id(app)
    with app.app_context():
        row = db.session.get(AuditLog, entry)
        row.changes = "{}"
        with pytest.raises(AuditBypassError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditLog, entry))
        with pytest.raises(AuditBypassError):
            db.session.commit()
        db.session.rollback()
        for statement in (update(AuditLog).values(changes="{}"), delete(AuditLog)):
            with pytest.raises(AuditBypassError):
                db.session.execute(statement)
            db.session.rollback()
        for sql in ("UPDATE audit_log SET changes = NULL", "DELETE FROM audit_log"):  # the triggers
            with db.engine.connect() as conn, pytest.raises(DatabaseError, match="append-only"):
                conn.execute(text(sql))
    assert last_id(app) == entry


# --- bulk writes bypass the flush: refused under AUDIT_FORBID_BULK (the tests set it) ------------

def test_bulk_update_and_delete_of_audited_data_fail(app, world):
    with app.app_context():
        assert app.config["AUDIT_FORBID_BULK"]
        attempts = [
            lambda: db.session.query(Company).filter(Company.id == world.zhn_company).update({"phone": "1"}),
            lambda: db.session.query(ContactPerson).filter(ContactPerson.id == world.zhn_contact).delete(),
            lambda: db.session.execute(update(Employee).where(Employee.id == 1).values(place="X")),
            lambda: db.session.execute(update(Employee.__table__).values(surname="X")),
            lambda: db.session.execute(delete(Code)),
            lambda: db.session.execute(update(FondsUser).values(password="x")),
            lambda: db.session.execute(update(Company), [{"id": world.zhn_company, "phone": "1"}]),
        ]
        for attempt in attempts:
            with pytest.raises(AuditBypassError, match="bypasses the audit trail"):
                attempt()
            db.session.rollback()


def test_bulk_writes_of_derived_columns_pass(app, world):
    """Logout raises the session epoch in bulk; the employee counter is recounted on the Connection:
    neither is a change of a record."""
    with app.app_context():
        db.session.execute(update(FondsUser).where(FondsUser.id == -1)
                           .values(session_epoch=FondsUser.session_epoch + 1))
        recount_active_employees(db.session.connection(), {world.zhn_company})
        db.session.commit()


# --- the session-wide invariant ------------------------------------------------------------------

def test_the_app_writes_no_raw_sql():
    """The invariant leaves raw SQL to the tests' own fixtures and clean-up: the app has none that writes."""
    raw_write = re.compile(r"""(text|exec_driver_sql)\(\s*f?["']\s*(INSERT|UPDATE|DELETE)\b""", re.IGNORECASE)
    app_dir = Path(__file__).resolve().parents[2] / "app"
    assert [str(path) for path in app_dir.rglob("*.py") if raw_write.search(path.read_text())] == []


def test_a_mixed_series_of_mutations_leaves_one_audit_row_each(app, clients, world, audit_watcher):
    start = last_id(app)
    audit_watcher.start()
    staff, employer = clients("staff"), clients("employer")
    staff.post("/regionview/add", data={"code": "MIX", "name": "Mengregio"})
    with app.app_context():
        region_id = db.session.execute(select(Region.id).where(Region.code == "MIX")).scalar_one()
    staff.post(f"/regionview/edit/{region_id}", data={"code": "MIX", "name": "Mengregio Oost"})
    contact = employer.api("post", "/api/v1/contact/",
                           json={"company": world.zhn_company, "surname": "Meng"}).json["id"]
    employer.api("put", f"/api/v1/contact/{contact}", json={"email": "meng@example.nl"})
    employer.api("put", f"/api/v1/contact/{contact}", json={"email": "meng@example.nl"})  # no change: no row
    with app.app_context():
        db.session.add_all([Code(code="MX1", description="Een"), Code(code="MX2", description="Twee")])
        db.session.commit()
        for code in db.session.execute(select(Code).where(Code.code.in_(["MX1", "MX2"]))).scalars():
            code.active = False
        db.session.commit()
        for code in db.session.execute(select(Code).where(Code.code.in_(["MX1", "MX2"]))).scalars():
            db.session.delete(code)
        db.session.commit()
    employer.api("delete", f"/api/v1/contact/{contact}")
    staff.post(f"/regionview/delete/{region_id}")
    unlogged, unexplained = audit_watcher.differences()
    assert not unlogged and not unexplained
    mutations = sum(audit_watcher.committed.values())
    actions = [(r.action, r.model) for r in rows_since(app, start)]
    assert mutations == len(actions) == 12
    assert actions.count(("update", "ContactPerson")) == 1


def test_the_invariant_sees_a_write_that_bypasses_the_trail(app, world, audit_watcher):
    """A Core UPDATE on a Connection passes no Session hook: exactly what the watcher must catch."""
    audit_watcher.start()
    with app.app_context():
        with db.engine.begin() as conn:
            before = conn.execute(select(Company.phone).where(Company.id == world.nbo_company)).scalar()
            conn.execute(update(Company).where(Company.id == world.nbo_company).values(phone="(040) 000 00 00"))
        unlogged, _ = audit_watcher.differences()
        assert unlogged == {("update", "company", "?"): 1}
        with db.engine.begin() as conn:
            conn.execute(update(Company).where(Company.id == world.nbo_company).values(phone=before))
    audit_watcher.start()  # the repair above is this test's own bypass


def test_line_breaks_are_stored_escaped(app):
    """A value cannot forge a second log line: JSON escapes CR and LF."""
    start = last_id(app)
    with app.app_context():
        code = Code(code="CRLF", description="regel 1\r\nregel 2")
        db.session.add(code)
        db.session.commit()
        stored = db.session.execute(text("SELECT changes FROM audit_log WHERE id > :id"), {"id": start}).scalar()
        db.session.delete(code)
        db.session.commit()
    assert "\n" not in stored and "\r" not in stored and "\\r\\n" in stored


# --- reads of personal dossiers ------------------------------------------------------------------

def test_opening_an_employee_dossier_is_logged(app, clients, world):
    start = last_id(app)
    assert clients("advisor").get(f"/employeeview/show/{world.zhn_employee}").status_code == 200
    assert clients("employee").api("get", f"/api/v1/employee/{world.own_employee}").status_code == 200
    assert clients("employer").get(f"/employeeview/show/{world.foreign_employee}").status_code == 404
    assert clients("staff").get(f"/companyview/show/{world.zhn_company}").status_code == 200
    views = [(r.user_email, r.model, r.record_id, r.source) for r in rows_since(app, start)]
    assert views == [("advisor@demo.fondsportaal.nl", "Employee", world.zhn_employee, "web"),
                     ("employee@demo.fondsportaal.nl", "Employee", world.own_employee, "api")]
    assert all(r.action == "view" and r.changes is None for r in rows_since(app, start))


# --- "Wijzigingen" and the Logboek ---------------------------------------------------------------

def test_staff_see_the_changes_of_a_record_on_its_page(app, clients, world):
    staff = clients("staff")
    with app.app_context():
        before = db.session.get(Company, world.nbo_company).website
    staff.api("put", f"/api/v1/company/{world.nbo_company}", json={"website": "https://audit.example"})
    html = staff.get(f"/companyview/show/{world.nbo_company}").get_data(as_text=True)
    history = html.split('id="fonds-history-title"')[1]
    assert ">Wijzigingen<" in html
    assert re.search(r"\d\d-\d\d-\d{4} \d\d:\d\d", history)
    assert "staff@demo.fondsportaal.nl" in history and "gewijzigd" in history
    assert f"<strong>Website</strong>: {before or '—'} → https://audit.example" in history
    assert "/auditlogview/list/?f0=model&amp;v0=Company&amp;m1=and&amp;f1=record_id" in history
    staff.api("put", f"/api/v1/company/{world.nbo_company}", json={"website": before})
    for role, company in (("advisor2", world.nbo_company), ("employer2", world.employer2_company)):
        page = clients(role).get(f"/companyview/show/{company}")
        assert page.status_code == 200 and "fonds-history" not in page.get_data(as_text=True)


def test_logboek_lists_searches_and_exports_for_staff(app, clients, world):
    staff = clients("staff")
    staff.get(f"/employeeview/show/{world.zhn_employee}")
    home = staff.get("/").get_data(as_text=True)
    assert "Logboek" in home and "/auditlogview/list/" in home
    page = staff.get(f"/auditlogview/list/?f0=model&v0=werkn&m1=and&f1=record_id&v1={world.zhn_employee}"
                     "&m2=and&f2=action&v2=ingez").get_data(as_text=True)
    assert "ingezien" in page and "Werknemer" in page and "staff@demo.fondsportaal.nl" in page
    today = dt.datetime.now(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])).strftime("%d-%m-%Y")
    assert "Geen gegevens gevonden" not in staff.get(f"/auditlogview/list/?f0=at&v0={today}").get_data(as_text=True)
    assert "geen geldige datum" in staff.get("/auditlogview/list/?f0=at&v0=31-02-2026").get_data(as_text=True)
    export = staff.get("/auditlogview/export_csv/?f0=action&v0=ingezien").get_data(as_text=True)
    assert export.splitlines()[0].lstrip("\ufeff") == "Tijdstip;Gebruiker;Handeling;Soort gegeven;Id;Bron"
    assert ";ingezien;Werknemer;" in export
