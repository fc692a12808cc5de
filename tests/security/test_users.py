"""Staff create users in the UI and give them a role and a scope link."""
from sqlalchemy import text

from app.extensions import db
from app.security.rules import password_policy, role_grant_errors, scope_link_errors

import pytest
from flask_appbuilder.exceptions import PasswordComplexityValidationError


def role_id(app, name):
    with app.app_context():
        return db.session.execute(text("SELECT id FROM ab_role WHERE name = :n"), {"n": name}).scalar()


def region_id(app, code):
    with app.app_context():
        return db.session.execute(text("SELECT id FROM region WHERE code = :c"), {"c": code}).scalar()


def user_count(app, email):
    with app.app_context():
        return db.session.execute(text("SELECT count(*) FROM ab_user WHERE email = :e"), {"e": email}).scalar()


NEW_USER = {"first_name": "Nieuwe", "last_name": "Adviseur", "active": "y",
            "password": "een lange zin als wachtwoord", "conf_password": "een lange zin als wachtwoord"}


def test_staff_creates_an_advisor_for_a_region_who_then_sees_that_region(app, clients):
    response = clients("staff").post("/users/add", data={
        **NEW_USER, "email": "nieuw.adviseur@example.nl", "roles": [str(role_id(app, "advisor"))],
        "regions": [str(region_id(app, "NBO"))]})
    assert response.status_code == 302
    assert user_count(app, "nieuw.adviseur@example.nl") == 1
    from tests.helpers import Client

    advisor = Client.logged_in(app, "nieuw.adviseur@example.nl", NEW_USER["password"])
    export = advisor.get("/companyview/export_csv/").get_data(as_text=True)
    with app.app_context():
        expected = db.session.execute(text(
            "SELECT count(*) FROM company c JOIN region r ON r.id = c.region_id WHERE r.code = 'NBO'")).scalar()
    assert len(export.strip().splitlines()) - 1 == expected


def test_an_employer_without_a_company_is_refused_in_dutch(app, clients):
    response = clients("staff").post("/users/add", data={
        **NEW_USER, "email": "zonder.bedrijf@example.nl", "roles": [str(role_id(app, "employer"))]}, follow_redirects=True)
    assert "bedrijfsnummer" in response.get_data(as_text=True)
    assert user_count(app, "zonder.bedrijf@example.nl") == 0


def test_staff_cannot_make_an_administrator(app, clients):
    response = clients("staff").post("/users/add", data={
        **NEW_USER, "email": "stiekem.beheer@example.nl", "roles": [str(role_id(app, "admin"))]}, follow_redirects=True)
    assert "beheerder" in response.get_data(as_text=True)
    assert user_count(app, "stiekem.beheer@example.nl") == 0


def test_short_password_is_refused(app, clients):
    response = clients("staff").post("/users/add", data={
        **NEW_USER, "email": "kort@example.nl", "roles": [str(role_id(app, "staff"))],
        "password": "kort", "conf_password": "kort"})
    assert "12 tekens" in response.get_data(as_text=True)
    assert user_count(app, "kort@example.nl") == 0


def test_rules_without_http(ctx):
    assert scope_link_errors({"advisor"}, {"regions": []}) == {"regions": "Kies minstens één regio voor deze rol."}
    assert scope_link_errors({"employer"}, {"company": object()}) == {}
    assert role_grant_errors({"staff"}, {"admin"})
    assert role_grant_errors({"admin"}, {"admin"}) == {}
    password_policy("twaalf tekens")
    with pytest.raises(PasswordComplexityValidationError):
        password_policy("elf tekens!")
