"""Bad input gets a clear Dutch message and saves nothing; never a 500, never database text."""
import pytest
from sqlalchemy import text

from app.extensions import db

SQL_MARKERS = ("[SQL:", "psycopg", "sqlite3", "Traceback", "IntegrityError", "DataError")


def count(app, sql, **params):
    with app.app_context():
        return db.session.execute(text(sql), params).scalar()


def assert_clean(response):
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:500]
    for marker in SQL_MARKERS:
        assert marker not in body


COMPANY_FORM = {
    "number": "777001", "name": "Invoertest B.V.", "address": "Teststraat 1", "postcode": "2211 AB",
    "place": "Noordwijkerhout", "region": "1", "registered_from": "01-02-2020", "active": "y",
}


@pytest.mark.parametrize("field,value,message", [
    ("registered_from", "31-02-2003", "Ongeldige datum"),
    ("registered_from", "2003-02-01", "Ongeldige datum"),
    ("name", "x" * 201, "200"),
    ("name", "Nul\x00byte B.V.", "ongeldig teken"),
    ("phone", "x" * 10000, "20"),
    ("region", "99999", "Dit veld is vereist"),
])
def test_bad_company_form_input_is_refused_in_dutch(app, clients, field, value, message):
    before = count(app, "SELECT count(*) FROM company")
    response = clients("staff").post("/companyview/add", data={**COMPANY_FORM, field: value})
    assert_clean(response)
    assert message.lower() in response.get_data(as_text=True).lower()
    assert count(app, "SELECT count(*) FROM company") == before


def test_a_good_company_form_saves_with_dutch_date(app, clients):
    response = clients("staff").post("/companyview/add", data={**COMPANY_FORM, "number": "777002"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.execute(text("SELECT id, registered_from FROM company WHERE number = 777002")).one()
    assert str(row.registered_from) == "2020-02-01"
    page = clients("staff").get(f"/companyview/show/{row.id}").get_data(as_text=True)
    assert "01-02-2020" in page
    assert clients("staff").post(f"/companyview/delete/{row.id}").status_code == 302


def test_duplicate_company_number_is_refused_in_dutch(app, clients, world):
    existing = count(app, "SELECT number FROM company WHERE id = :id", id=world.zhn_company)
    before = count(app, "SELECT count(*) FROM company")
    response = clients("staff").post("/companyview/add", data={**COMPANY_FORM, "number": str(existing)})
    assert_clean(response)
    assert "bestaat al" in response.get_data(as_text=True).lower()
    assert count(app, "SELECT count(*) FROM company") == before


@pytest.mark.parametrize("url", ["/companyview/show/99999999", "/companyview/edit/99999999",
                                 "/companyview/show/abc", "/companyview/show/99999999999999999999999",
                                 "/employeeview/show/-1"])
def test_unknown_ids_are_a_dutch_404(clients, url):
    response = clients("staff").get(url)
    assert response.status_code == 404
    assert "bestaat niet" in response.get_data(as_text=True)


@pytest.mark.parametrize("payload,status", [
    ({"phone": "(071) 123\x0045 67"}, 400),
    ({"email": "a" * 300}, 422),
    ({"description": "\x00"}, 400),
    ({"phone": ["geen", "tekst"]}, 422),
])
def test_bad_api_input_is_refused_in_dutch_without_sql(app, clients, world, payload, status):
    before = count(app, "SELECT phone FROM company WHERE id = :id", id=world.zhn_company)
    response = clients("advisor").api("put", f"/api/v1/company/{world.zhn_company}", json=payload)
    assert response.status_code == status
    assert_clean(response)
    assert count(app, "SELECT phone FROM company WHERE id = :id", id=world.zhn_company) == before


@pytest.mark.parametrize("url", ["/api/v1/company/abc", "/api/v1/company/99999999999999999999"])
def test_api_unknown_ids_are_404(clients, url):
    response = clients("advisor").api("get", url)
    # FAB routes GET by <int:pk>, so a non-number is "method not allowed" there; PUT/DELETE take any pk.
    assert response.status_code in (404, 405)
    assert clients("advisor").api("put", url, json={"phone": "1"}).status_code == 404
    assert_clean(response)


def test_data_layer_refuses_control_characters_without_http(app):
    """Paths that bypass HTTP (CLI, imports) meet the same check in ScopedSQLAInterface."""
    from app.core.datamodel import text_errors
    from app.registry.models import ContactPerson

    errors = text_errors(ContactPerson(surname="Nul\x00", email="x" * 201, phone="(071) 123 45 67"))
    assert set(errors) == {"surname", "email"}


def test_contact_form_refuses_a_nul_byte(app, clients):
    before = count(app, "SELECT count(*) FROM contact_message")
    response = clients("employer").post("/contactformview/form", data={"subject": "Vraag\x00", "message": "Hallo"})
    assert_clean(response)
    assert count(app, "SELECT count(*) FROM contact_message") == before


def test_contact_form_reaches_the_staff_inbox(app, clients):
    response = clients("employer").post("/contactformview/form", data={
        "subject": "Vraag over PTT", "message": "Hoeveel budget is er nog?"})
    assert response.status_code == 302
    inbox = clients("staff").get("/contactmessageview/list/").get_data(as_text=True)
    assert "Vraag over PTT" in inbox
    assert "Vraag over PTT" not in clients("advisor").get("/contactmessageview/list/").get_data(as_text=True)


def test_a_record_can_be_saved_inactive(app, clients):
    """An unticked "Actief" checkbox sends nothing: that is No, not a missing required field."""
    from sqlalchemy import text

    from app.extensions import db

    response = clients("staff").post("/partnerlogoview/add", data={"name": "Slapende partner", "sort_order": "5"})
    assert response.status_code == 302
    with app.app_context():
        active = db.session.execute(text("SELECT active FROM partner_logo WHERE name = 'Slapende partner'")).scalar()
        assert active in (False, 0)
        db.session.execute(text("DELETE FROM partner_logo WHERE name = 'Slapende partner'"))
        db.session.commit()
