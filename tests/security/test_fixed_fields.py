"""Fixed data (M6.1) is changed by the fund only: not through a form, a tampered POST or the API."""
import datetime as dt

import pytest
from flask import g
from sqlalchemy import text

from app.core.datamodel import DomainError, ScopedSQLAInterface
from app.extensions import db
from app.registry.models import Company


def company_row(app, company_id):
    with app.app_context():
        return db.session.execute(text("SELECT name, number, place, phone FROM company WHERE id = :id"),
                                  {"id": company_id}).one()


@pytest.mark.parametrize("role", ["advisor", "regional_manager", "employer"])
def test_tampered_form_post_does_not_change_fixed_fields(app, clients, world, role):
    before = company_row(app, world.zhn_company)
    response = clients(role).post(f"/companyview/edit/{world.zhn_company}", data={
        "name": "Gekaapt B.V.", "number": "999999", "place": "Nergenshuizen", "phone": before.phone or ""})
    assert response.status_code == 302
    after = company_row(app, world.zhn_company)
    assert (after.name, after.number, after.place) == (before.name, before.number, before.place)


@pytest.mark.parametrize("role", ["advisor", "employer"])
def test_edit_form_shows_fixed_data_read_only(clients, world, role):
    html = clients(role).get(f"/companyview/edit/{world.zhn_company}").get_data(as_text=True)
    assert 'name="name"' not in html and 'name="number"' not in html
    assert 'name="phone"' in html
    assert "Vaste gegevens" in html


@pytest.mark.parametrize("role", ["advisor", "regional_manager", "employer"])
def test_api_put_of_a_fixed_field_is_refused_in_dutch(app, clients, world, role):
    before = company_row(app, world.zhn_company)
    response = clients(role).api("put", f"/api/v1/company/{world.zhn_company}", json={"name": "Gekaapt B.V."})
    assert response.status_code == 422
    assert "Vast gegeven" in response.get_data(as_text=True)
    assert company_row(app, world.zhn_company).name == before.name


def test_variable_field_is_editable_by_employer(app, clients, world):
    before = company_row(app, world.zhn_company)
    response = clients("employer").api("put", f"/api/v1/company/{world.zhn_company}",
                                       json={"phone": "(071) 765 43 21"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert company_row(app, world.zhn_company).phone == "(071) 765 43 21"
    clients("employer").api("put", f"/api/v1/company/{world.zhn_company}", json={"phone": before.phone})


def test_staff_may_change_fixed_data(app, clients, world):
    before = company_row(app, world.nbo_company)
    response = clients("staff").api("put", f"/api/v1/company/{world.nbo_company}", json={"name": "Hernoemd B.V."})
    assert response.status_code == 200
    assert company_row(app, world.nbo_company).name == "Hernoemd B.V."
    clients("staff").api("put", f"/api/v1/company/{world.nbo_company}", json={"name": before.name})


def test_data_layer_refuses_fixed_change_without_http(app, world):
    """The rule lives in the data layer, so any future path (bulk action, import) inherits it."""
    from app.security.manager import FondsUser

    with app.test_request_context():
        employer = db.session.query(FondsUser).filter_by(email="employer@demo.fondsportaal.nl").one()
        g.user = employer
        company = db.session.get(Company, world.zhn_company)
        company.registered_from = dt.date(1900, 1, 1)
        with pytest.raises(DomainError) as refused:
            ScopedSQLAInterface(Company).edit(company)
        assert "registered_from" in refused.value.errors
        db.session.rollback()
        assert db.session.get(Company, world.zhn_company).registered_from != dt.date(1900, 1, 1)
