"""The MijnOOM search bar through HTTP, on known data: the manual's worked examples (M4.5.1, M4.5.2),
every operator, prefix and % search, Actief, ij/y, sorting, export and saved overviews.

Expected answers are computed with plain SQL over the same database, independently of the search code.
"""
import csv
import datetime as dt
import io
import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import text

from app.core.datamodel import ScopedSQLAInterface
from app.extensions import db
from app.registry.models import Company, Employee, Region

KNOWN = [
    # number, place, last visit, active employees, inactive employees, company active
    (910001, "Noordwijkerhout", dt.date(2001, 6, 15), 3, 0, True),     # matches all three steps
    (910002, "Noordwijkerhout", dt.date(2003, 1, 1), 10, 0, True),     # on both boundaries: matches
    (910003, "Noordwijkerhout", dt.date(2003, 1, 2), 1, 0, True),      # visited too late
    (910004, "Noordwijkerhout", dt.date(1999, 3, 1), 11, 0, True),     # too many employees
    (910005, "Noordwijkerhout", dt.date(1999, 3, 1), 2, 5, True),      # inactive employees don't count
    (910006, "Noordwijkerhout", dt.date(1999, 3, 1), 1, 0, False),     # not active
    (910007, "Rijnsburg", dt.date(2010, 1, 1), 4, 0, True),
    (910008, "Sassenheim", dt.date(2010, 1, 1), 4, 0, True),
    (910009, "Sassenheim", dt.date(2010, 1, 1), 4, 0, False),
]


@pytest.fixture(scope="module")
def known_companies(app):
    """Created through the ORM, so the folded keys and the employee counts are maintained on write."""
    with app.app_context():
        region = db.session.query(Region).filter_by(code="ZHN").one()
        model = ScopedSQLAInterface(Company)
        for number, place, visit, active, inactive, company_active in KNOWN:
            company = Company(number=number, name=f"Voorbeeld {number} B.V.", address="Teststraat 1",
                              postcode="2211 AA", place=place, region=region, registered_from=dt.date(1990, 1, 1),
                              active=company_active, last_visit_date=visit)
            model.add(company)
            for k in range(active + inactive):
                db.session.add(Employee(number=number * 100 + k, surname="Testpersoon", company_id=company.id,
                                        active=k < active, place=place))
            db.session.commit()
    yield
    with app.app_context():
        db.session.execute(text("DELETE FROM employee WHERE number >= 91000100"))
        db.session.execute(text("DELETE FROM company WHERE number >= 910001"))
        db.session.commit()


def numbers(client, url):
    """The company or employee numbers of a whole selection, read from its CSV export."""
    path, _, query = url.partition("?")
    response = client.get(path.replace("/list/", "/export_csv/") + "?" + query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    return [int(row[0]) for row in rows[1:]]


def sql_numbers(app, where, params=None):
    with app.app_context():
        return sorted(db.session.execute(text(f"SELECT number FROM company c WHERE {where}"), params or {}).scalars())


ACTIVE_EMPLOYEES = "(SELECT count(*) FROM employee e WHERE e.company_id = c.id AND e.active = :yes)"


def test_refine_example_noordwijkerhout(app, clients, known_companies):
    """M4.5.1: active employers, last visit ≤ 01-01-2003, in Noordwijkerhout, with ≤ 10 active employees."""
    staff = clients("staff")
    step1 = "/companyview/list/?f0=last_visit&o0=le&v0=01-01-2003"
    step2 = step1 + "&m1=and&f1=place&v1=Noordwijkerhout"
    step3 = step2 + "&m2=and&f2=active_employees&o2=le&v2=10"
    base = "c.active = :yes AND c.last_visit_date <= :day"
    params = {"yes": True, "day": dt.date(2003, 1, 1)}
    assert numbers(staff, step1) == sql_numbers(app, base, params)
    assert numbers(staff, step2) == sql_numbers(app, base + " AND c.place = 'Noordwijkerhout'", params)
    third = numbers(staff, step3)
    assert third == sql_numbers(app, base + f" AND c.place = 'Noordwijkerhout' AND {ACTIVE_EMPLOYEES} <= 10", params)
    assert {910001, 910002, 910005} <= set(third)
    assert not {910003, 910004, 910006} & set(third)
    assert len(numbers(staff, step1)) >= len(numbers(staff, step2)) >= len(third)


def test_extend_example_rijnsburg_or_sassenheim(app, clients, known_companies):
    """M4.5.2: active employers in Rijnsburg, extended with Sassenheim: the list gets longer."""
    staff = clients("staff")
    first = numbers(staff, "/companyview/list/?f0=place&v0=Rijnsburg")
    both = numbers(staff, "/companyview/list/?f0=place&v0=Rijnsburg&m1=or&f1=place&v1=Sassenheim")
    assert first == sql_numbers(app, "c.active = :yes AND c.place = 'Rijnsburg'", {"yes": True})
    assert both == sql_numbers(app, "c.active = :yes AND c.place IN ('Rijnsburg', 'Sassenheim')", {"yes": True})
    assert len(both) > len(first) and 910008 in both and 910009 not in both


@pytest.mark.parametrize("code,sql", [("eq", "="), ("lt", "<"), ("le", "<="), ("gt", ">"), ("ge", ">="), ("ne", "<>")])
def test_every_operator_on_a_number_and_a_date(app, clients, known_companies, code, sql):
    staff = clients("staff")
    assert numbers(staff, f"/companyview/list/?actief=0&f0=number&o0={code}&v0=910004") == \
        sql_numbers(app, f"c.number {sql} 910004")
    assert numbers(staff, f"/companyview/list/?actief=0&f0=last_visit&o0={code}&v0=01-01-2003") == \
        sql_numbers(app, f"c.last_visit_date {sql} :day", {"day": dt.date(2003, 1, 1)})


def test_prefix_versus_wildcard_anywhere(app, clients):
    staff = clients("staff")
    prefix = numbers(staff, "/companyview/list/?actief=0&f0=name&v0=van")
    anywhere = numbers(staff, "/companyview/list/?actief=0&f0=name&v0=%25van%25")
    assert prefix == sql_numbers(app, "lower(c.name) LIKE 'van%'")
    assert anywhere == sql_numbers(app, "lower(c.name) LIKE '%van%'")
    assert set(prefix) < set(anywhere)


def test_search_is_case_insensitive(clients):
    staff = clients("staff")
    assert numbers(staff, "/companyview/list/?f0=place&v0=LEIDEN") == numbers(staff, "/companyview/list/?f0=place&v0=leiden")


def test_ij_and_y_match_each_other_in_place_names(app, clients, known_companies):
    staff = clients("staff")
    with_ij = numbers(staff, "/companyview/list/?f0=place&v0=Noordwijkerhout")
    with_y = numbers(staff, "/companyview/list/?f0=place&v0=Noordwykerhout")
    assert with_ij == with_y and 910001 in with_y
    assert numbers(staff, "/companyview/list/?actief=0&f0=place&v0=Ymuiden") == \
        sql_numbers(app, "c.place = 'IJmuiden'")


def test_actief_ticked_and_unticked(app, clients, known_companies):
    staff = clients("staff")
    ticked = numbers(staff, "/companyview/list/?f0=place&v0=Sassenheim")
    unticked = numbers(staff, "/companyview/list/?actief=0&f0=place&v0=Sassenheim")
    assert ticked == sql_numbers(app, "c.place = 'Sassenheim' AND c.active = :yes", {"yes": True})
    assert unticked == sql_numbers(app, "c.place = 'Sassenheim'")
    assert 910009 in unticked and 910009 not in ticked


def test_sort_is_stable_and_by_number_by_default(app, clients):
    staff = clients("staff")
    by_number = numbers(staff, "/companyview/list/?actief=0")
    assert by_number == sorted(by_number)
    by_place = numbers(staff, "/companyview/list/?actief=0&sort=place")
    with app.app_context():
        expected = db.session.execute(text("SELECT number FROM company ORDER BY place_key, id")).scalars().all()
    assert by_place == expected
    descending = numbers(staff, "/companyview/list/?actief=0&sort=place&dir=desc")
    with app.app_context():
        expected = db.session.execute(text("SELECT number FROM company ORDER BY place_key DESC, id DESC")).scalars().all()
    assert descending == expected


def test_the_bar_builds_the_chain_and_redirects_to_it(clients):
    staff = clients("staff")
    first = staff.get("/companyview/list/?" + urlencode({"bar": 1, "actief": 1, "c": "", "nf": "place",
                                                         "no": "eq", "nv": "Rijnsburg", "nm": "new"}))
    assert first.status_code == 302
    chain = first.headers["Location"].split("?", 1)[1]
    assert "f0=place" in chain and "v0=Rijnsburg" in chain
    second = staff.get("/companyview/list/?" + urlencode({"bar": 1, "actief": 1, "c": chain, "nf": "place",
                                                          "no": "eq", "nv": "Sassenheim", "nm": "or"}))
    location = second.headers["Location"]
    assert "m1=or" in location and "v1=Sassenheim" in location
    page = staff.get(location).get_data(as_text=True)
    assert "Plaats begint met Rijnsburg" in page and "Plaats begint met Sassenheim" in page
    assert "Zoekopdracht verfijnen met selectie" in page and "Zoekopdracht uitbreiden met selectie" in page


def test_paging_says_page_x_of_y_and_counts(app, clients):
    staff = clients("staff")
    html = staff.get("/employeeview/list/?actief=0&page=2").get_data(as_text=True)
    with app.app_context():
        total = db.session.execute(text("SELECT count(*) FROM employee")).scalar()
    match = re.search(r"pagina 2 van (\d+) · (\d+) records", html)
    assert match and int(match.group(2)) == total and int(match.group(1)) == -(-total // 25)


def test_big_selections_are_counted_up_to_a_cap_and_say_so(app, clients, monkeypatch):
    from app.core.search import query

    monkeypatch.setattr(query, "COUNT_CAP", 50)
    html = clients("staff").get("/employeeview/list/?actief=0").get_data(as_text=True)
    assert "meer dan" in html and "pagina 1 van" not in html


def test_export_equals_the_list_for_each_role(app, clients):
    for role in ("staff", "advisor", "regional_manager", "employer"):
        client = clients(role)
        listed = []
        page = 1
        while True:
            html = client.get(f"/companyview/list/?actief=0&psize=100&page={page}").get_data(as_text=True)
            rows = re.findall(r'<a href="/companyview/show/\d+">(\d+)</a>', html)
            listed += [int(n) for n in rows]
            if len(rows) < 100:
                break
            page += 1
        assert numbers(client, "/companyview/list/?actief=0") == listed, role


def test_excel_export_has_dutch_headers_and_the_same_rows(clients):
    from openpyxl import load_workbook

    client = clients("advisor")
    response = client.get("/companyview/export_xlsx/?f0=place&v0=Noordwijkerhout")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Nummer" and rows[0][1] == "Naam"
    assert [r[0] for r in rows[1:]] == numbers(client, "/companyview/list/?f0=place&v0=Noordwijkerhout")


@pytest.mark.parametrize("query,message", [
    ("f0=onbekend&v0=1", "Onbekend zoekveld"),
    ("f0=place&o0=lt&v0=Leiden", "tekstveld"),
    ("f0=last_visit&v0=31-02-2003", "geen geldige datum"),
    ("f0=number&v0=%27%3B+drop+table+company", "getal"),
    ("f0=place&v0=" + "x" * 10_000, "hoogstens"),
    ("&".join(f"f{i}=number&v{i}={i}&m{i}=or" for i in range(50)), "hoogstens 20"),
])
def test_bad_search_input_gives_a_dutch_message_and_no_500(app, clients, query, message):
    response = clients("advisor").get(f"/companyview/list/?{query}")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM company")).scalar() > 0


def test_saved_overview_reopens_the_same_rows_and_is_private(app, clients):
    advisor = clients("advisor")
    query = "f0=place&v0=Noordwijkerhout&sort=number&dir=asc"
    response = advisor.post("/savedoverviewview/save", data={"name": "Noordwijkerhout", "list_endpoint": "CompanyView",
                                                              "query": query})
    assert response.status_code == 302
    with app.app_context():
        overview_id = db.session.execute(text("SELECT id FROM saved_overview WHERE name = 'Noordwijkerhout'")).scalar()
    assert "Noordwijkerhout" in advisor.get("/savedoverviewview/list/").get_data(as_text=True)
    reopened = advisor.get(f"/savedoverviewview/show/{overview_id}")
    assert reopened.status_code == 302 and reopened.headers["Location"].endswith(query)
    duplicate = advisor.post("/savedoverviewview/save", data={"name": "Noordwijkerhout", "list_endpoint": "CompanyView",
                                                               "query": query}, follow_redirects=True)
    assert "al een overzicht" in duplicate.get_data(as_text=True)
    for other in ("advisor2", "staff"):
        assert clients(other).get(f"/savedoverviewview/show/{overview_id}").status_code == 404
        assert "Noordwijkerhout" not in clients(other).get("/savedoverviewview/list/").get_data(as_text=True)
    assert advisor.post(f"/savedoverviewview/edit/{overview_id}", data={"name": "NWH"}).status_code == 302
    assert "NWH" in advisor.get("/savedoverviewview/list/").get_data(as_text=True)
    assert clients("advisor2").post(f"/savedoverviewview/delete/{overview_id}").status_code == 404
    assert advisor.post(f"/savedoverviewview/delete/{overview_id}").status_code == 302
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM saved_overview WHERE id = :i"), {"i": overview_id}).scalar() == 0


def test_saving_an_overview_of_an_unknown_list_is_404(clients):
    response = clients("advisor").post("/savedoverviewview/save", data={
        "name": "x", "list_endpoint": "FondsUserView", "query": ""})
    assert response.status_code == 404


def test_keys_and_counts_follow_edits(app, clients, known_companies):
    staff = clients("staff")
    with app.app_context():
        company_id = db.session.execute(text("SELECT id FROM company WHERE number = 910007")).scalar()
        employee_id = db.session.execute(text("SELECT id FROM employee WHERE number = 91000700")).scalar()
    assert staff.api("put", f"/api/v1/employee/{employee_id}", json={"active": False}).status_code == 200
    assert staff.api("put", f"/api/v1/company/{company_id}", json={"place": "Katwijk"}).status_code == 200
    with app.app_context():
        row = db.session.execute(text("SELECT place_key, active_employee_count FROM company WHERE id = :i"),
                                 {"i": company_id}).one()
    assert row.place_key == "katwyk" and row.active_employee_count == 3
    assert 910007 in numbers(staff, "/companyview/list/?f0=place&v0=Katwyk")
    staff.api("put", f"/api/v1/company/{company_id}", json={"place": "Rijnsburg"})
    staff.api("put", f"/api/v1/employee/{employee_id}", json={"active": True})
