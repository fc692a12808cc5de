"""One safe-redirect check for the whole portal (issue 15, hole 6): a form's ``fonds_next``, ``?next=`` and
the login's return address only ever lead to a path on this site."""
import pytest

from app.core.redirects import local_path
from tests.helpers import DEMO_PASSWORD, Client

TRICKY = ["/\t/evil.example/", "/\r\n/evil.example/", "/\n/evil.example", "//evil.example/", "///evil.example",
          "/\\evil.example", "\\\\evil.example", "https://evil.example/", "http:/evil.example", "javascript:alert(1)",
          " /companyview/list/", "/companyview/list/\x00", "/%09/evil.example/".replace("%09", "\t"), "",
          "evil.example", "/\u2215evil.example", "/\uff0fevil.example", "/x" * 1500]
GOOD = ["/companyview/list/", "/companyview/show/3?tab=contactpersonen", "/employeeview/list/?f0=place&v0=Leiden"]


@pytest.mark.parametrize("target", TRICKY)
def test_a_tricky_target_is_no_local_path(target):
    assert local_path(target) is None


@pytest.mark.parametrize("target", GOOD)
def test_our_own_paths_are(target):
    assert local_path(target) == target


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\\evil.example/", "//evil.example/"])
def test_a_form_never_sends_the_browser_off_site(app, clients, world, target):
    with app.app_context():
        from sqlalchemy import text

        from app.extensions import db

        number = db.session.execute(text("SELECT number FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    response = clients("employer").post("/contactpersonview/add", query_string={"next": target}, data={
        "company": str(number), "surname": "Omleiding"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil.example" not in location and not location.startswith("//")
    action = clients("employer").post(f"/contactpersonview/action/make_main/{world.zhn_contact}",
                                      data={"fonds_next": target})
    assert "evil.example" not in action.headers.get("Location", "")


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_the_login_returns_only_to_this_site(app, target):
    client = Client(app, "advisor@demo.fondsportaal.nl", DEMO_PASSWORD).http
    response = client.post("/login/", query_string={"next": target},
                           data={"username": "advisor@demo.fondsportaal.nl", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]


def test_an_error_page_names_no_record(app, clients):
    """As employee, another user's page answers 403 and its breadcrumbs do not show that user's name
    (issue 15, hole 5); likewise a 404 for a foreign company does not name the company."""
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        staff = db.session.execute(text("SELECT id, first_name, last_name FROM ab_user "
                                        "WHERE email = 'staff@demo.fondsportaal.nl'")).one()
        company = db.session.execute(text("SELECT c.id, c.name FROM company c JOIN ab_user u ON u.company_id = c.id "
                                          "WHERE u.email = 'employer2@demo.fondsportaal.nl'")).one()
    refused = clients("employee").get(f"/users/show/{staff.id}")
    assert refused.status_code == 403
    assert staff.last_name not in refused.get_data(as_text=True)
    missing = clients("employer").get(f"/companyview/show/{company.id}")
    assert missing.status_code == 404 and company.name not in missing.get_data(as_text=True)
