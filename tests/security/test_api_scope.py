"""The REST API answers with the same scope as the pages: get, post, put, delete and _info."""
import pytest
from sqlalchemy import text

from app.extensions import db

API_CASES = [
    # role, resource, own row, foreign row
    ("advisor", "company", "zhn_company", "nbo_company"),
    ("advisor", "employee", "zhn_employee", "foreign_employee"),
    ("advisor", "contact", "zhn_contact", "foreign_contact"),
    ("regional_manager", "company", "zhz_company", "nbo_company"),
    ("regional_manager", "contact", "zhn_contact", "foreign_contact"),
    ("employer", "company", "zhn_company", "employer2_company"),
    ("employer", "employee", "zhn_employee", "foreign_employee"),
    ("employer", "contact", "zhn_contact", "foreign_contact"),
    ("employee", "employee", "own_employee", "zhn_employee"),
]


@pytest.mark.parametrize("role,resource,own,foreign", API_CASES)
def test_api_get_own_and_404_foreign(clients, world, role, resource, own, foreign):
    client = clients(role)
    assert client.api("get", f"/api/v1/{resource}/{getattr(world, own)}").status_code == 200
    response = client.api("get", f"/api/v1/{resource}/{getattr(world, foreign)}")
    assert response.status_code == 404


@pytest.mark.parametrize("role,resource,own,foreign", API_CASES)
def test_api_list_returns_only_rows_in_scope(clients, world, role, resource, own, foreign):
    client = clients(role)
    ids, page = set(), 0
    while True:
        response = client.api("get", f"/api/v1/{resource}/?q=(page:{page},page_size:100)")
        assert response.status_code == 200
        batch = response.json["ids"]
        ids.update(batch)
        if len(batch) < 100:
            break
        page += 1
    assert getattr(world, own) in ids
    assert getattr(world, foreign) not in ids
    assert response.json["count"] == len(ids)


@pytest.mark.parametrize("role,resource,own,foreign", [c for c in API_CASES if c[0] != "employee" and
                                                        not (c[0] == "employer" and c[1] == "employee")])
def test_api_put_and_delete_of_a_foreign_row_are_404(app, clients, world, role, resource, own, foreign):
    client = clients(role)
    foreign_id = getattr(world, foreign)
    assert client.api("put", f"/api/v1/{resource}/{foreign_id}", json={"email": "x@y.nl"}).status_code == 404
    assert client.api("delete", f"/api/v1/{resource}/{foreign_id}").status_code in (403, 404)
    table = {"company": "company", "employee": "employee", "contact": "contact_person"}[resource]
    with app.app_context():
        row = db.session.execute(text(f"SELECT email FROM {table} WHERE id = :id"), {"id": foreign_id}).one()
    assert row.email != "x@y.nl"


@pytest.mark.parametrize("role", ["advisor", "regional_manager", "employer"])
def test_api_post_with_a_foreign_company_is_404_and_saves_nothing(app, clients, world, role):
    response = clients(role).api("post", "/api/v1/contact/", json={
        "company": world.employer2_company, "surname": f"API-indringer {role}"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM contact_person WHERE surname = :s"),
                                  {"s": f"API-indringer {role}"}).scalar() == 0


def test_api_post_with_own_company_is_201(app, clients, world):
    response = clients("employer").api("post", "/api/v1/contact/", json={
        "company": world.zhn_company, "surname": "API-collega", "phone": "(071) 123 45 67"})
    assert response.status_code == 201, response.get_data(as_text=True)
    new_id = response.json["id"]
    assert clients("employer").api("delete", f"/api/v1/contact/{new_id}").status_code == 200
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM contact_person WHERE id = :id"), {"id": new_id}).scalar() == 0


@pytest.mark.parametrize("role", ["advisor", "regional_manager", "employer"])
def test_api_info_offers_only_companies_in_scope(app, clients, world, role):
    response = clients(role).api("get", "/api/v1/contact/_info?q=(keys:!(add_columns))")
    assert response.status_code == 200
    company = next(c for c in response.json["add_columns"] if c["name"] == "company")
    offered = {value["id"] for value in company["values"]}
    assert offered, "the user's own companies are offered"
    assert world.employer2_company not in offered
    assert world.nbo_company not in offered


def test_api_refuses_a_browser_cookie(clients, world):
    """A session cookie alone never authorises the API (no CSRF through the API)."""
    response = clients("advisor").get(f"/api/v1/company/{world.zhn_company}")
    assert response.status_code == 401
