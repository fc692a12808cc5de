"""Rechtencontrole (issue 6, item 10): the inspector's verdict is what the real pages do.

explain_access / explain_page / explain_menu are checked without HTTP for their reasons (roles,
scope kinds and values, fixed data), and against the pages themselves: for every role, every page
with records and a row inside and outside the role's scope, "mag zien: ja" exactly when the show
page answers 200 (else 403 without the permission, 404 outside the scope), likewise for the edit
page; every menu item is in the rendered menu and opens exactly as explained.
"""
import re

import pytest
from sqlalchemy import not_, select

from app.extensions import db
from app.registry.models import Company, ContactPerson, Employee
from app.security.inspector import (
    FIXED, explain_access, explain_menu, explain_page, find_record, record_views,
)
from app.security.manager import FondsUser
from app.security.scoping import scope_clause

USERS = ("admin", "staff", "regional_manager", "advisor", "advisor2", "employer", "employer2", "employee",
         "institute", "outplacement_partner", "intervention_advisor")


def user(local):
    return db.session.execute(select(FondsUser).where(
        FondsUser.email == f"{local}@demo.fondsportaal.nl")).scalar_one()


def sample_rows(someone, model):
    """The first row inside and the first row outside the user's scope (either may be None)."""
    first = select(model.id).order_by(model.id).limit(1)
    clause = scope_clause(someone, model)
    if clause is None:
        return [db.session.execute(first).scalar()]
    return [db.session.execute(first.where(clause)).scalar(), db.session.execute(first.where(not_(clause))).scalar()]


def expected_ok(view, action):
    return (302,) if (view.endpoint, action) == ("SavedOverviewView", "show") else (200,)  # reopening redirects


# --- the verdict is what the pages do --------------------------------------------------------------

@pytest.mark.parametrize("local", USERS)
def test_verdicts_equal_the_real_pages_for_every_record_page(app, clients, local):
    client = clients(local)
    checked = 0
    with app.app_context():
        someone = user(local)
        for view in record_views():
            model = view.datamodel.obj
            for pk in sample_rows(someone, model):
                if pk is None:
                    continue
                access = explain_access(someone, model, pk)
                assert any(rule.matches for rule in access.scope) == access.in_scope, (local, view.endpoint, pk)
                for action in ("show", "edit"):
                    verdict = access.verdict(action)
                    url = f"/{view.route_base.strip('/')}/{action}/{pk}"
                    status = client.get(url).status_code
                    where = f"{local} {url}: {verdict.summary}, page {status}"
                    if verdict.allowed:
                        assert status in expected_ok(view, action), where
                    else:
                        assert status == verdict.status and status in (403, 404), where
                    checked += 1
    assert checked >= 20


@pytest.mark.parametrize("local", ["advisor", "employer", "employee", "staff"])
def test_show_verdict_says_ja_exactly_when_the_company_page_opens(app, clients, world, local):
    client = clients(local)
    for pk in (world.zhn_company, world.nbo_company, world.employer2_company, world.zhz_company):
        with app.app_context():
            summary = explain_access(user(local), Company, pk).verdict("show").summary
        status = client.get(f"/companyview/show/{pk}").status_code
        assert (summary == "mag zien: ja") == (status == 200), (local, pk, status)
        assert (summary == "mag zien: nee") == (status in (403, 404)), (local, pk, status)


@pytest.mark.parametrize("local", USERS)
def test_menu_explanation_equals_the_rendered_menu_and_the_pages(app, clients, local):
    client = clients(local)
    menu = re.search(r'<nav class="fonds-menu".*?</nav>', client.get("/").get_data(as_text=True), re.S).group(0)
    with app.test_request_context():
        lines = explain_menu(user(local))
    assert len(lines) >= 12
    for line in lines:
        assert (f'href="{line.url}"' in menu) == line.in_menu.allowed, (local, line.label)
        status = client.get(line.url).status_code
        if line.opens.allowed:
            assert status == 200, (local, line.url, status)
        else:
            assert status in (302, 403) and line.opens.status == 403, (local, line.url, status)


@pytest.mark.parametrize("local", ["staff", "advisor", "employer", "employee"])
def test_page_explanation_equals_the_list_page(app, clients, local):
    client = clients(local)
    for name in ("CompanyView", "EmployeeView", "ContactPersonView", "RegionView", "ContactMessageView"):
        with app.test_request_context():
            page = explain_page(user(local), name)
        status = client.get(f"/{name.lower()}/list/").status_code
        assert page.opens.allowed == (status == 200), (local, name, status)


# --- the reasons ----------------------------------------------------------------------------------

def texts(verdict):
    return " ".join(reason.text for reason in verdict.reasons)


def test_advisor_reasons_name_the_role_the_region_and_the_record(ctx, world):
    own = explain_access(user("advisor"), Company, world.zhn_company)
    foreign = explain_access(user("advisor"), Company, world.nbo_company)
    assert own.verdict("show").summary == "mag zien: ja"
    assert "gegeven door rol Bedrijfstakvoorlichter" in texts(own.verdict("show"))
    assert [rule.kind for rule in own.scope] == ["region"]
    assert "de gebruiker heeft regio Zuid-Holland Noord; dit gegeven: regio Zuid-Holland Noord — past" in own.scope[0].text
    assert foreign.verdict("show").summary == "mag zien: nee" and foreign.verdict("show").status == 404
    assert "dit gegeven: regio Oost-Brabant — past niet" in foreign.scope[0].text
    assert "buiten de scope" in texts(foreign.verdict("show")) and "404" in texts(foreign.verdict("show"))
    assert own.verdict("delete").summary == "mag verwijderen: nee" and own.verdict("delete").status == 403
    assert "geen van de rollen van deze gebruiker (Bedrijfstakvoorlichter)" in texts(own.verdict("delete"))


def test_regional_manager_has_both_regions(ctx, world):
    access = explain_access(user("regional_manager"), Company, world.zhz_company)
    assert "regio's Zuid-Holland Noord, Zuid-Holland Zuid" in access.scope[0].text
    assert access.verdict("show").allowed and "rol Regiomanager" in access.scope[0].text
    assert not explain_access(user("advisor"), Company, world.zhz_company).in_scope


def test_employer_reasons_name_the_company_number(ctx, world):
    number = db.session.get(Company, world.zhn_company).number
    access = explain_access(user("employer"), Company, world.zhn_company)
    assert access.scope[0].kind == "company"
    assert f"de gebruiker heeft bedrijf {number} " in access.scope[0].text
    other = explain_access(user("employer"), Company, world.employer2_company)
    assert f"de gebruiker heeft bedrijf {number} " in other.scope[0].text and "past niet" in other.scope[0].text


def test_employee_reasons_name_the_employee_and_the_missing_company_permission(ctx, world):
    number = db.session.get(Employee, world.own_employee).number
    own = explain_access(user("employee"), Employee, world.own_employee)
    assert own.verdict("show").allowed and f"werknemer {number} " in own.scope[0].text
    colleague = explain_access(user("employee"), Employee, world.zhn_employee)
    assert not colleague.verdict("show").allowed and colleague.verdict("show").status == 404
    company = explain_access(user("employee"), Company, world.zhn_company)
    assert company.verdict("show").summary == "mag zien: nee" and company.verdict("show").status == 403
    assert "geen van de rollen van deze gebruiker (Werknemer)" in texts(company.verdict("show"))


def test_inherited_scope_names_the_parent(ctx, world):
    number = db.session.get(Company, world.zhn_company).number
    contact = explain_access(user("advisor"), ContactPerson, world.zhn_contact)
    assert f"via bedrijf {number} " in contact.scope[0].text and "(company_id): regio Zuid-Holland Noord" in contact.scope[0].text
    assert contact.verdict("show").allowed and contact.verdict("delete").allowed
    employee = explain_access(user("advisor2"), Employee, world.zhn_employee)
    assert "via bedrijf" in employee.scope[0].text and "past niet" in employee.scope[0].text
    assert not employee.in_scope


def test_staff_sees_everything_and_manages_fixed_data(ctx, world):
    access = explain_access(user("staff"), Company, world.nbo_company)
    assert [rule.kind for rule in access.scope] == ["all"]
    assert "Scope alles (rol Medewerker fonds)" in access.scope[0].text
    assert all(verdict.allowed for verdict in access.verdicts)
    assert "rol Medewerker fonds beheert de vaste gegevens" in texts(access.verdict(FIXED))


def test_employer_may_edit_variable_but_not_fixed_data(app, clients, world):
    with app.app_context():
        access = explain_access(user("employer"), Company, world.zhn_company)
    assert access.verdict("edit").summary == "mag variabele gegevens wijzigen: ja"
    assert access.verdict(FIXED).summary == "mag vaste gegevens wijzigen: nee"
    assert "Vaste gegevens (Nummer, Naam, Vestigingsadres" in texts(access.verdict(FIXED))
    assert "alleen Beheerder, Medewerker fonds mogen ze wijzigen" in texts(access.verdict(FIXED))
    # what the edit page does: the employer's form holds the variable fields only, staff's both
    employer_form = clients("employer").get(f"/companyview/edit/{world.zhn_company}").get_data(as_text=True)
    staff_form = clients("staff").get(f"/companyview/edit/{world.zhn_company}").get_data(as_text=True)
    assert 'name="phone"' in employer_form and 'name="name"' not in employer_form
    assert 'name="phone"' in staff_form and 'name="name"' in staff_form


def test_models_without_fixed_data_have_no_fixed_verdict(ctx, world):
    access = explain_access(user("employer"), ContactPerson, world.zhn_contact)
    assert [v.action for v in access.verdicts] == ["show", "edit", "delete"]
    assert access.verdict("edit").summary == "mag wijzigen: ja"


def test_delete_verdict_equals_the_delete_page(app, clients, world):
    with app.app_context():
        number = db.session.get(Company, world.zhn_company).number
    assert clients("staff").post("/contactpersonview/add", data={
        "company": str(number), "surname": "Rechtencontrole"}).status_code == 302
    with app.app_context():
        pk = db.session.execute(select(ContactPerson.id).where(ContactPerson.surname == "Rechtencontrole")).scalar_one()
        for_employer2 = explain_access(user("employer2"), ContactPerson, pk).verdict("delete")
        for_employer = explain_access(user("employer"), ContactPerson, pk).verdict("delete")
    assert not for_employer2.allowed and for_employer2.status == 404
    assert clients("employer2").post(f"/contactpersonview/delete/{pk}").status_code == 404
    assert for_employer.allowed
    assert clients("employer").post(f"/contactpersonview/delete/{pk}").status_code == 302
    with app.app_context():
        assert db.session.get(ContactPerson, pk) is None


def test_an_inactive_account_may_do_nothing(ctx, world):
    someone = user("employer")
    someone.active = False
    try:
        access = explain_access(someone, Company, world.zhn_company)
        assert not any(verdict.allowed for verdict in access.verdicts)
        assert "niet actief" in texts(access.verdict("show"))
    finally:
        db.session.rollback()


def test_page_explanation_names_rows_and_menu(ctx):
    page = explain_page(user("advisor"), "CompanyView")
    assert page.opens.summary == "mag openen: ja" and page.menu.allowed
    assert "regio Zuid-Holland Noord" in page.scope[0].text and page.rows > 0
    assert {line.permission for line in page.permissions if line.allowed} >= {"can_list", "can_show", "can_edit"}
    assert not next(line for line in page.permissions if line.permission == "can_delete").allowed
    settings = explain_page(user("employee"), "Settings")  # the menu item opens the user's own details
    assert settings.opens.allowed and settings.title == "Instellingen"
    users = explain_page(user("employee"), "FondsUserView")
    assert not users.opens.allowed and users.opens.status == 403
    private = explain_page(user("staff"), "SavedOverviewView")
    assert private.scope[0].kind == "private"


# --- the page -------------------------------------------------------------------------------------

def test_only_staff_and_admin_use_the_page(app, clients):
    assert clients("staff").get("/rechtencontrole/").status_code == 200
    assert clients("admin").get("/rechtencontrole/").status_code == 200
    for local in ("advisor", "employer", "employee", "regional_manager"):
        assert clients(local).get("/rechtencontrole/?email=staff@demo.fondsportaal.nl").status_code == 403
    anonymous = app.test_client().get("/rechtencontrole/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_page_is_in_the_configuration_menu_with_help(clients):
    html = clients("staff").get("/rechtencontrole/").get_data(as_text=True)
    configuration = html.split("Instellingen fonds")[1].split("</ul>")[0]
    assert 'href="/rechtencontrole/"' in configuration and "Rechtencontrole" in configuration
    assert 'id="fonds-help"' in html and "welke rol het paginarecht geeft" in html
    assert "Rechtencontrole" not in clients("advisor").get("/").get_data(as_text=True)


def verdict_rows(html):
    return dict(re.findall(r'id="fonds-verdict-(\w+)" data-verdict="([^"]+)"', html))


def test_page_shows_the_verdict_table_with_reasons(clients, world):
    html = clients("staff").get(f"/rechtencontrole/?email=employer@demo.fondsportaal.nl&kind=CompanyView"
                                f"&record={world.zhn_company}").get_data(as_text=True)
    assert verdict_rows(html) == {"show": "mag zien: ja", "edit": "mag variabele gegevens wijzigen: ja",
                                  "delete": "mag verwijderen: nee", "fixed": "mag vaste gegevens wijzigen: nee"}
    assert "gegeven door rol Werkgever" in html and "Scope bedrijf (rol Werkgever)" in html
    assert 'id="fonds-inspector-pages"' in html and 'data-menu="Companies"' in html


def test_page_finds_a_record_by_number_and_explains_a_page(app, clients, world):
    with app.app_context():
        number = db.session.get(Company, world.nbo_company).number
    html = clients("staff").get(f"/rechtencontrole/?email=advisor@demo.fondsportaal.nl&kind=CompanyView"
                                f"&record={number}&page=Companies").get_data(as_text=True)
    assert verdict_rows(html)["show"] == "mag zien: nee" and "gevonden op nummer" in html
    assert "regio Oost-Brabant — past niet" in html
    assert 'id="fonds-inspector-page"' in html and "Welke rijen" in html


@pytest.mark.parametrize("query,message", [
    ("email=niemand@example.nl", "Er is geen gebruiker met het e-mailadres niemand@example.nl."),
    ("email=advisor@demo.fondsportaal.nl&kind=CompanyView&record=987654321",
     "Er bestaat geen gegeven van de soort Bedrijf met nummer of id 987654321."),
    ("email=advisor@demo.fondsportaal.nl&kind=CompanyView&record=12a", "Een nummer of id bestaat alleen uit cijfers."),
    ("email=advisor@demo.fondsportaal.nl&kind=CompanyView", "Vul het nummer of id van het gegeven in."),
    ("email=advisor@demo.fondsportaal.nl&kind=Onbekend&record=1", "Kies een soort gegeven uit de lijst."),
    ("email=advisor@demo.fondsportaal.nl&page=Onbekend", "Kies een pagina uit de lijst."),
    ("kind=CompanyView&record=1", "Vul het e-mailadres van een gebruiker in."),
])
def test_unknown_users_records_and_pages_get_a_dutch_message(clients, query, message):
    response = clients("staff").get(f"/rechtencontrole/?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'id="fonds-verdict-' not in html


def test_the_page_never_answers_about_rows_the_asker_cannot_see(app, clients):
    """A saved overview is private, even to staff: the inspector finds it no more than the page does."""
    advisor = clients("advisor")
    advisor.post("/savedoverviewview/save", data={"list_endpoint": "CompanyView", "query": "actief=1",
                                                  "name": "Inspectie privé"})
    with app.app_context():
        from app.core.search.models import SavedOverview

        overview = db.session.execute(select(SavedOverview).where(SavedOverview.name == "Inspectie privé")).scalar_one()
        pk = overview.id
        view = next(v for v in record_views() if v.endpoint == "SavedOverviewView")
        assert find_record(view, str(pk), user("staff")) == (None, None)
        assert find_record(view, str(pk), user("advisor"))[0].id == pk
        assert explain_access(user("advisor"), SavedOverview, pk).verdict("show").allowed
        assert not explain_access(user("staff"), SavedOverview, pk).verdict("show").allowed
    assert clients("staff").get(f"/savedoverviewview/show/{pk}").status_code == 404
    html = clients("staff").get(f"/rechtencontrole/?email=advisor@demo.fondsportaal.nl&kind=SavedOverviewView"
                                f"&record={pk}").get_data(as_text=True)
    assert "Er bestaat geen gegeven" in html and "Inspectie privé" not in html
    advisor.post(f"/savedoverviewview/delete/{pk}")


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "' OR 1=1 --", "9" * 40, "٣", "%", "😀" * 50])
def test_hostile_input_is_answered_calmly(clients, value):
    for field in ("email", "record", "kind", "page"):
        response = clients("staff").get("/rechtencontrole/", query_string={
            "email": "advisor@demo.fondsportaal.nl", "kind": "CompanyView", field: value})
        html = response.get_data(as_text=True)
        assert response.status_code == 200, (field, value)
        assert "<script>alert(1)</script>" not in html


def test_page_speaks_english_on_request(app, world):
    from tests.helpers import Client, DEMO_PASSWORD

    client = Client.logged_in(app, "staff@demo.fondsportaal.nl", DEMO_PASSWORD)
    client.get("/lang/en")
    html = client.get("/rechtencontrole/?email=employer@demo.fondsportaal.nl&kind=CompanyView"
                      f"&record={world.zhn_company}").get_data(as_text=True)
    assert "Permission check" in html and "may view: yes" in html
    client.get("/lang/nl")
