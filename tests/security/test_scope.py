"""Row scoping per role through every path: list, export, show, edit, delete, action, API.

Expected rows are computed here with plain SQL from the seeded data, independently of
app.security.scoping, so a mistake in the scoping module cannot hide itself.
"""
import csv
import io
import re

import pytest
from sqlalchemy import text

from app.extensions import db

# role user → SQL for the company numbers / employee numbers / contact ids in scope
IN_SCOPE_SQL = {
    "advisor": {
        "company": "SELECT c.number FROM company c JOIN region r ON r.id = c.region_id WHERE r.code = 'ZHN'",
        "employee": "SELECT e.number FROM employee e JOIN company c ON c.id = e.company_id "
                    "JOIN region r ON r.id = c.region_id WHERE r.code = 'ZHN'",
        "contact": "SELECT p.surname FROM contact_person p JOIN company c ON c.id = p.company_id "
                   "JOIN region r ON r.id = c.region_id WHERE r.code = 'ZHN'",
    },
    "regional_manager": {
        "company": "SELECT c.number FROM company c JOIN region r ON r.id = c.region_id WHERE r.code IN ('ZHN', 'ZHZ')",
        "employee": "SELECT e.number FROM employee e JOIN company c ON c.id = e.company_id "
                    "JOIN region r ON r.id = c.region_id WHERE r.code IN ('ZHN', 'ZHZ')",
        "contact": "SELECT p.surname FROM contact_person p JOIN company c ON c.id = p.company_id "
                   "JOIN region r ON r.id = c.region_id WHERE r.code IN ('ZHN', 'ZHZ')",
    },
    "employer": {
        "company": "SELECT c.number FROM company c JOIN ab_user u ON u.company_id = c.id "
                   "WHERE u.email = 'employer@demo.fondsportaal.nl'",
        "employee": "SELECT e.number FROM employee e JOIN ab_user u ON u.company_id = e.company_id "
                    "WHERE u.email = 'employer@demo.fondsportaal.nl'",
        "contact": "SELECT p.surname FROM contact_person p JOIN ab_user u ON u.company_id = p.company_id "
                   "WHERE u.email = 'employer@demo.fondsportaal.nl'",
    },
    "employee": {
        "employee": "SELECT e.number FROM employee e JOIN ab_user u ON u.employee_id = e.id "
                    "WHERE u.email = 'employee@demo.fondsportaal.nl'",
    },
}
LIST_URL = {"company": "/companyview", "employee": "/employeeview", "contact": "/contactpersonview"}
SCOPED_CASES = [(role, kind) for role, kinds in IN_SCOPE_SQL.items() for kind in kinds]


def expected(app, role, kind):
    with app.app_context():
        return sorted(str(v) for v in db.session.execute(text(IN_SCOPE_SQL[role][kind])).scalars())


def record_count(html):
    match = re.search(r"(\d+) records?", html)
    return int(match.group(1)) if match else 0


@pytest.mark.parametrize("role,kind", SCOPED_CASES)
def test_list_and_export_hold_exactly_the_rows_in_scope(app, clients, role, kind):
    want = expected(app, role, kind)
    assert want, "the seed must give every role some rows"
    client = clients(role)
    listing = client.get(f"{LIST_URL[kind]}/list/?psize=100&actief=0")  # history included
    assert listing.status_code == 200
    assert record_count(listing.get_data(as_text=True)) == len(want)
    export = client.get(f"{LIST_URL[kind]}/export_csv/?actief=0")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    column = 0  # number, or the surname for contacts
    assert sorted(row[column] for row in rows[1:]) == want


def _item_cases():
    # (role, url prefix, own id attribute of world, foreign id attribute)
    return [
        ("advisor", "/companyview", "zhn_company", "nbo_company"),
        ("advisor", "/companyview", "zhn_company", "employer2_company"),
        ("advisor", "/employeeview", "zhn_employee", "foreign_employee"),
        ("advisor", "/contactpersonview", "zhn_contact", "foreign_contact"),
        ("regional_manager", "/companyview", "zhz_company", "nbo_company"),
        ("regional_manager", "/employeeview", "zhn_employee", "foreign_employee"),
        ("regional_manager", "/contactpersonview", "zhn_contact", "foreign_contact"),
        ("employer", "/companyview", "zhn_company", "employer2_company"),
        ("employer", "/employeeview", "zhn_employee", "foreign_employee"),
        ("employer", "/contactpersonview", "zhn_contact", "foreign_contact"),
        ("employee", "/employeeview", "own_employee", "zhn_employee"),
    ]


@pytest.mark.parametrize("role,prefix,own,foreign", _item_cases())
def test_show_own_row_and_404_for_a_foreign_row(clients, world, role, prefix, own, foreign):
    client = clients(role)
    assert client.get(f"{prefix}/show/{getattr(world, own)}").status_code == 200
    assert client.get(f"{prefix}/show/{getattr(world, foreign)}").status_code == 404


READ_ONLY = {("employer", "/employeeview")}  # an employer reads, but does not edit, employee records


@pytest.mark.parametrize("role,prefix,own,foreign", _item_cases())
def test_edit_of_a_foreign_row_is_404_and_changes_nothing(app, clients, world, role, prefix, own, foreign):
    client = clients(role)
    foreign_id = getattr(world, foreign)
    refused = 403 if (role, prefix) in READ_ONLY else 404
    assert client.get(f"{prefix}/edit/{getattr(world, own)}").status_code == (403 if refused == 403 else 200)
    assert client.get(f"{prefix}/edit/{foreign_id}").status_code == refused
    assert client.post(f"{prefix}/edit/{foreign_id}", data={"email": "overgenomen@example.nl"}).status_code == refused
    with app.app_context():
        table = {"/companyview": "company", "/employeeview": "employee", "/contactpersonview": "contact_person"}[prefix]
        email = db.session.execute(text(f"SELECT email FROM {table} WHERE id = :id"), {"id": foreign_id}).scalar()
    assert email != "overgenomen@example.nl"


@pytest.mark.parametrize("role", ["advisor", "regional_manager", "employer"])
def test_delete_of_a_foreign_contact_is_404_and_it_stays(app, clients, world, role):
    client = clients(role)
    assert client.post(f"/contactpersonview/delete/{world.foreign_contact}").status_code == 404
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM contact_person WHERE id = :id"),
                                  {"id": world.foreign_contact}).scalar() == 1


@pytest.mark.parametrize("role", ["advisor", "regional_manager", "employer"])
def test_actions_on_a_foreign_row_are_404(app, clients, world, role):
    client = clients(role)
    assert client.post(f"/contactpersonview/action/make_main/{world.foreign_contact}").status_code == 404
    response = client.post("/contactpersonview/action_post",
                           data={"action": "make_main", "rowid": [str(world.foreign_contact)]})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.execute(text("SELECT is_main FROM contact_person WHERE id = :id"),
                                  {"id": world.foreign_contact}).scalar() in (True, 1, False, 0)


def test_action_on_own_contact_makes_it_the_only_main_contact(app, clients, world):
    client = clients("employer")
    with app.app_context():
        company = db.session.execute(text("SELECT company_id FROM contact_person WHERE id = :id"),
                                     {"id": world.zhn_contact}).scalar()
        db.session.execute(text("INSERT INTO contact_person (company_id, surname, is_main) VALUES (:c, 'Tweede', :f)"),
                           {"c": company, "f": False})
        db.session.commit()
        second = db.session.execute(text("SELECT id FROM contact_person WHERE surname = 'Tweede'")).scalar()
    assert client.post(f"/contactpersonview/action/make_main/{second}").status_code == 302
    with app.app_context():
        mains = db.session.execute(text("SELECT id FROM contact_person WHERE company_id = :c AND is_main = :t"),
                                   {"c": company, "t": True}).scalars().all()
        assert mains == [second]
        db.session.execute(text("DELETE FROM contact_person WHERE id = :id"), {"id": second})
        db.session.execute(text("UPDATE contact_person SET is_main = :t WHERE id = :id"),
                           {"t": True, "id": world.zhn_contact})
        db.session.commit()


@pytest.mark.parametrize("role", ["advisor", "regional_manager", "employer"])
def test_form_add_with_a_foreign_company_saves_nothing(app, clients, world, role):
    with app.app_context():
        foreign_number = db.session.execute(text("SELECT number FROM company WHERE id = :id"),
                                            {"id": world.employer2_company}).scalar()
    response = clients(role).post("/contactpersonview/add", data={
        "company": str(foreign_number), "surname": f"Indringer {role}"})
    assert response.status_code == 200
    assert "Onbekend nummer" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM contact_person WHERE surname = :s"),
                                  {"s": f"Indringer {role}"}).scalar() == 0


def test_form_add_with_own_company_works_for_employer(app, clients, world):
    with app.app_context():
        own_number = db.session.execute(text("SELECT number FROM company WHERE id = :id"),
                                        {"id": world.zhn_company}).scalar()
    response = clients("employer").post("/contactpersonview/add", data={
        "company": str(own_number), "surname": "Nieuwe Collega", "phone": "(071) 123 45 67"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.execute(text("SELECT id, company_id FROM contact_person WHERE surname = 'Nieuwe Collega'")).one()
        assert row.company_id == world.zhn_company
    assert clients("employer").post(f"/contactpersonview/delete/{row.id}").status_code == 302
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM contact_person WHERE id = :id"), {"id": row.id}).scalar() == 0


def test_roles_without_a_page_get_403(clients, world):
    assert clients("employee").get("/companyview/list/").status_code == 403
    assert clients("employee").get(f"/companyview/show/{world.zhn_company}").status_code == 403
    assert clients("institute").get("/employeeview/list/").status_code == 403
    assert clients("advisor").get("/users/list/").status_code == 403


def test_download_never_serves_an_uploaded_file(app, clients, tmp_path):
    import os

    folder = app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "geheim_sep_rapport.pdf"), "w") as handle:
        handle.write("vertrouwelijk")
    for role in ("staff", "advisor", "employer"):
        response = clients(role).get("/companyview/download/geheim_sep_rapport.pdf")
        assert response.status_code == 404
        assert "vertrouwelijk" not in response.get_data(as_text=True)
