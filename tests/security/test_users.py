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


# --- nobody raises their own rights; only an admin touches an admin (issue 15, holes 1 and 2) ----------
def user_row(app, email):
    with app.app_context():
        return db.session.execute(text("SELECT id, active FROM ab_user WHERE email = :e"), {"e": email}).one()


def roles_of(app, user_id):
    with app.app_context():
        return set(db.session.execute(text(
            "SELECT r.name FROM ab_role r JOIN ab_user_role ur ON ur.role_id = r.id WHERE ur.user_id = :u"),
            {"u": user_id}).scalars())


def edit_form(app, user_id, **changes):
    with app.app_context():
        row = db.session.execute(text("SELECT first_name, last_name, email FROM ab_user WHERE id = :u"),
                                 {"u": user_id}).one()
    return {"first_name": row.first_name, "last_name": row.last_name, "email": row.email, "active": "y",
            **changes}


def test_staff_cannot_give_itself_the_admin_role(app, clients):
    staff = user_row(app, "staff@demo.fondsportaal.nl")
    response = clients("staff").post(f"/users/edit/{staff.id}", data=edit_form(
        app, staff.id, roles=[str(role_id(app, "admin")), str(role_id(app, "staff"))]), follow_redirects=True)
    assert "eigen rollen" in response.get_data(as_text=True) or "beheerder" in response.get_data(as_text=True)
    assert roles_of(app, staff.id) == {"staff"}
    admin = user_row(app, "admin@demo.fondsportaal.nl")
    assert clients("staff").get(f"/users/edit/{admin.id}").status_code == 404  # still no admin's page


def test_staff_cannot_edit_or_demote_an_admin(app, clients):
    admin = user_row(app, "admin@demo.fondsportaal.nl")
    staff = clients("staff")
    assert staff.get(f"/users/edit/{admin.id}").status_code == 404
    response = staff.post(f"/users/edit/{admin.id}", data=edit_form(
        app, admin.id, roles=[str(role_id(app, "staff"))], email="overgenomen@example.nl"))
    assert response.status_code == 404
    assert roles_of(app, admin.id) == {"admin"}
    assert user_row(app, "admin@demo.fondsportaal.nl").active


def test_the_last_active_admin_stays_one(app, clients):
    """The demo admin made the only active admin for this test (other tests add admins)."""
    admin = user_row(app, "admin@demo.fondsportaal.nl")
    client = clients("admin")
    with app.app_context():
        others = db.session.execute(text(
            "SELECT u.id FROM ab_user u JOIN ab_user_role ur ON ur.user_id = u.id JOIN ab_role r ON r.id = ur.role_id "
            "WHERE r.name = 'admin' AND u.active AND u.id <> :a"), {"a": admin.id}).scalars().all()
        for other in others:
            db.session.execute(text("UPDATE ab_user SET active = :f WHERE id = :u"), {"f": False, "u": other})
        db.session.commit()
    try:
        response = client.post(f"/users/edit/{admin.id}", data={
            **edit_form(app, admin.id, roles=[str(role_id(app, "admin"))]), "active": ""}, follow_redirects=True)
        assert "minstens één actieve beheerder" in response.get_data(as_text=True)
        assert user_row(app, "admin@demo.fondsportaal.nl").active and roles_of(app, admin.id) == {"admin"}
    finally:
        with app.app_context():
            for user_id in [admin.id, *others]:
                db.session.execute(text("UPDATE ab_user SET active = :t WHERE id = :u"), {"t": True, "u": user_id})
            db.session.commit()


def test_user_change_rules_without_http(ctx):
    from app.security.rules import user_change_errors

    assert user_change_errors(1, {"staff"}, 1, {"staff"}, {"staff", "admin"}, True, 1)  # own roles
    assert user_change_errors(1, {"admin"}, 1, {"admin"}, {"admin"}, True, 0) == {}  # own name, say
    assert user_change_errors(1, {"staff"}, 2, {"admin"}, {"staff"}, True, 0)  # staff demoting an admin
    assert user_change_errors(1, {"staff"}, 2, {"advisor"}, {"regional_manager"}, True, 1) == {}
    assert user_change_errors(1, {"admin"}, 2, {"admin"}, {"staff"}, True, 0)  # the last admin
    assert user_change_errors(1, {"admin"}, 2, {"admin"}, {"staff"}, True, 1) == {}  # another one remains
    assert user_change_errors(1, {"admin"}, 2, {"admin"}, {"admin"}, False, 0)  # deactivating the last
