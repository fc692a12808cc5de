"""The company and employee dossiers (issue 5): tabs per role and scope, in-place editing of variable
data, the phone rule through the pages and the API, error reports to staff and back, the report and
its PDF, and a bounded number of queries whatever the number of employees."""
import datetime as dt
import io
import re

import pytest
from sqlalchemy import event, func, select, text

from app.extensions import db

# The manual's tabs (M6.3, M7.3), in order: what the domains together must have registered.
COMPANY_TAB_KEYS = ["details", "werknemers", "werkrapporten", "cursussen", "beroepsopleidingen", "uitkeringsnotas",
                    "overige-bijdragen", "projecten", "codes", "bijscholingsdagen", "contactpersonen",
                    "bedrijfsomschrijving", "post", "aangevraagd"]
EMPLOYEE_TAB_KEYS = ["details", "cursussen", "beroepsopleidingen", "overige-bijdragen", "projecten", "ptt",
                     "dienstverbanden"]
COMPANY_READERS = ["admin", "staff", "regional_manager", "advisor", "employer"]
HIDDEN_TABS = {"employer": {"werkrapporten"}}  # SPEC §5: work reports never reach the employer


def test_the_domains_registered_the_manuals_tabs_in_order(ctx):
    from app.core.dossier import all_tabs
    from app.registry.models import Company, Employee

    assert [tab.key for tab in all_tabs(Company)] == COMPANY_TAB_KEYS
    assert [tab.key for tab in all_tabs(Employee)] == EMPLOYEE_TAB_KEYS


@pytest.mark.parametrize("tab", COMPANY_TAB_KEYS)
@pytest.mark.parametrize("role", COMPANY_READERS)
def test_every_company_tab_opens_for_own_company_and_is_404_for_a_foreign_one(clients, world, role, tab):
    own = clients(role).get(f"/companyview/show/{world.zhn_company}?tab={tab}")
    if tab in HIDDEN_TABS.get(role, ()):
        assert own.status_code == 404, (role, tab)
        return
    assert own.status_code == 200, (role, tab)
    assert f'id="fonds-tab-{tab}"' in own.get_data(as_text=True)
    if role in ("advisor", "regional_manager", "employer"):
        assert clients(role).get(f"/companyview/show/{world.nbo_company}?tab={tab}").status_code == 404


@pytest.mark.parametrize("role", ["employee", "institute", "outplacement_partner", "intervention_advisor"])
def test_roles_without_companies_get_no_dossier(clients, world, role):
    assert clients(role).get(f"/companyview/show/{world.zhn_company}?tab=werknemers").status_code in (403, 404)


@pytest.mark.parametrize("tab", EMPLOYEE_TAB_KEYS)
@pytest.mark.parametrize("role", ["staff", "advisor", "employer", "employee"])
def test_every_employee_tab_opens_in_scope_and_is_404_outside(clients, world, role, tab):
    assert clients(role).get(f"/employeeview/show/{world.own_employee}?tab={tab}").status_code == 200, (role, tab)
    if role != "staff":
        assert clients(role).get(f"/employeeview/show/{world.foreign_employee}?tab={tab}").status_code == 404


def rows_of(html):
    body = html.split('<section class="fonds-tab"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<tr class=\"([^\"]*)\">", body)


def test_employees_tab_colours_active_blue_and_inactive_grey(app, clients, world):
    html = clients("advisor").get(f"/companyview/show/{world.zhn_company}?tab=werknemers").get_data(as_text=True)
    classes = rows_of(html)
    with app.app_context():
        active, inactive = db.session.execute(text(
            "SELECT sum(CASE WHEN active THEN 1 ELSE 0 END), sum(CASE WHEN active THEN 0 ELSE 1 END) "
            "FROM employee WHERE company_id = :c"), {"c": world.zhn_company}).one()
    assert classes.count("fonds-active") == active
    assert classes.count("fonds-inactive") == inactive


def test_an_inactive_company_is_grey(app, clients, world):
    with app.app_context():
        inactive = db.session.execute(text("SELECT id FROM company WHERE NOT active ORDER BY id")).scalar()
    html = clients("staff").get(f"/companyview/show/{inactive}").get_data(as_text=True)
    assert "fonds-dossier fonds-inactive" in html and "Niet actief" in html


def test_fixed_data_bold_and_variable_data_editable_in_place(clients, world):
    html = clients("employer").get(f"/companyview/show/{world.zhn_company}").get_data(as_text=True)
    assert 'class="fonds-fixed"' in html
    assert 'name="fonds_only"' in html and 'name="phone"' in html and 'name="name"' not in html
    assert html.count(">Telefoon<") == 1  # shown once: in the form, not also in the read-only table


def test_readers_see_the_variable_data_without_a_form(clients, world):
    html = clients("employer").get(f"/employeeview/show/{world.zhn_employee}").get_data(as_text=True)
    assert 'name="fonds_only"' not in html  # the employer reads the employee's details, edits nothing
    assert ">Telefoon<" in html and ">Woonplaats<" in html


def test_report_pdf_download_is_in_the_audit_trail(app, clients, world):
    assert clients("staff").get(f"/companyview/report/{world.zhn_company}?s=post&pdf=1").status_code == 200
    with app.app_context():
        last = db.session.execute(text("SELECT action, model, record_id, user_email FROM audit_log "
                                       "ORDER BY id DESC")).first()
    assert (last.action, last.model, last.record_id) == ("view", "Company", world.zhn_company)
    assert last.user_email == "staff@demo.fondsportaal.nl"


def test_in_place_edit_saves_only_the_posted_fields_and_returns_to_the_tab(app, clients, world):
    client = clients("advisor")
    with app.app_context():
        before = db.session.execute(text("SELECT version, website, email FROM company WHERE id = :i"),
                                    {"i": world.zhn_company}).one()
    back = f"/companyview/show/{world.zhn_company}?tab=bedrijfsomschrijving"
    response = client.post(f"/companyview/edit/{world.zhn_company}", data={
        "description": "Plaatbewerking en lassen", "fonds_only": "description", "fonds_next": back,
        "row_version": str(before.version)})
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    with app.app_context():
        after = db.session.execute(text("SELECT description, website, email FROM company WHERE id = :i"),
                                   {"i": world.zhn_company}).one()
    assert after.description == "Plaatbewerking en lassen"
    assert (after.website, after.email) == (before.website, before.email)  # not emptied


def test_in_place_edit_cannot_name_fixed_fields(app, clients, world):
    with app.app_context():
        before = db.session.execute(text("SELECT name, version FROM company WHERE id = :i"),
                                    {"i": world.zhn_company}).one()
    clients("employer").post(f"/companyview/edit/{world.zhn_company}", data={
        "name": "Gekaapt B.V.", "fonds_only": "name", "row_version": str(before.version)})
    with app.app_context():
        assert db.session.execute(text("SELECT name FROM company WHERE id = :i"),
                                  {"i": world.zhn_company}).scalar() == before.name


def test_in_place_edit_refuses_a_foreign_fonds_next(app, clients, world):
    with app.app_context():
        version = db.session.execute(text("SELECT version FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    response = clients("advisor").post(f"/companyview/edit/{world.zhn_company}", data={
        "website": "https://voorbeeld.example", "fonds_only": "website", "fonds_next": "https://evil.example/",
        "row_version": str(version)})
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]


# --- phone rule through pages and API -------------------------------------------------------------
def company_phone(app, company_id):
    with app.app_context():
        return db.session.execute(text("SELECT phone FROM company WHERE id = :i"), {"i": company_id}).scalar()


def test_phone_is_normalised_when_saved_through_the_dossier(app, clients, world):
    with app.app_context():
        version = db.session.execute(text("SELECT version FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    clients("employer").post(f"/companyview/edit/{world.zhn_company}", data={
        "phone": "0711234567", "fonds_only": "phone", "row_version": str(version)})
    assert company_phone(app, world.zhn_company) == "(071) 123 45 67"


def test_wrong_phone_is_refused_with_the_right_form_in_the_message(app, clients, world):
    before = company_phone(app, world.zhn_company)
    with app.app_context():
        version = db.session.execute(text("SELECT version FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    response = clients("employer").post(f"/companyview/edit/{world.zhn_company}", data={
        "phone": "(0252) 123 45 67", "fonds_only": "phone", "row_version": str(version)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "(071) 123 45 67" in html and "(0252) 12 34 56" in html
    assert company_phone(app, world.zhn_company) == before


def test_api_normalises_and_refuses_phone_numbers(app, clients, world):
    client = clients("advisor")
    response = client.api("put", f"/api/v1/contact/{world.zhn_contact}", json={"phone": "+31 6 1234 5678"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["result"]["phone"] == "(06) 12 34 56 78"
    refused = client.api("put", f"/api/v1/contact/{world.zhn_contact}", json={"phone": "12345"})
    assert refused.status_code == 422 and "phone" in refused.json["message"]


# --- error reports ----------------------------------------------------------------------------------
def test_error_report_reaches_staff_and_the_outcome_reaches_the_reporter(app, clients, world):
    reporter, staff = clients("advisor"), clients("staff")
    form = reporter.get(f"/errorreportview/add?company={world.zhn_company}").get_data(as_text=True)
    with app.app_context():
        number = db.session.execute(text("SELECT number FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    assert f'value="{number}"' in form  # the company the button came from
    response = reporter.post(f"/errorreportview/add?company={world.zhn_company}", data={
        "company": str(number), "description": "De straatnaam is verkeerd gespeld."})
    assert response.status_code == 302
    report_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert "verkeerd gespeld" in staff.get("/errorreportview/list/").get_data(as_text=True)
    with app.app_context():
        version = db.session.execute(text("SELECT version FROM error_report WHERE id = :i"), {"i": report_id}).scalar()
    missing = staff.post(f"/errorreportview/edit/{report_id}", data={"status": "resolved", "resolution": "",
                                                                   "row_version": str(version)})
    assert "Schrijf de uitkomst op" in missing.get_data(as_text=True)
    done = staff.post(f"/errorreportview/edit/{report_id}", data={
        "status": "resolved", "resolution": "Adres aangepast.", "row_version": str(version)})
    assert done.status_code == 302
    shown = reporter.get(f"/errorreportview/show/{report_id}").get_data(as_text=True)
    assert "Adres aangepast." in shown and "Aangepast" in shown
    assert clients("advisor2").get(f"/errorreportview/show/{report_id}").status_code == 404
    assert clients("employer2").get(f"/errorreportview/show/{report_id}").status_code == 404


def test_error_report_on_a_foreign_company_is_refused(app, clients, world):
    with app.app_context():
        number = db.session.execute(text("SELECT number FROM company WHERE id = :i"), {"i": world.nbo_company}).scalar()
        before = db.session.execute(text("SELECT count(*) FROM error_report")).scalar()
    page = clients("advisor").get(f"/errorreportview/add?company={world.nbo_company}").get_data(as_text=True)
    assert f'value="{number}"' not in page  # the prefill does not reveal a foreign company
    response = clients("advisor").post("/errorreportview/add", data={"company": str(number), "description": "x"})
    assert "Onbekend nummer" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM error_report")).scalar() == before


def test_only_staff_resolve_error_reports(clients):
    assert clients("advisor").get("/errorreportview/edit/1").status_code in (403, 404)


# --- the report -------------------------------------------------------------------------------------
def test_report_sections_and_period_filter_rows(app, clients, world):
    from app.payments.models import PaymentNote

    with app.app_context():
        dates = db.session.execute(select(PaymentNote.note_date, PaymentNote.number)
                                   .where(PaymentNote.company_id == world.zhn_company)
                                   .order_by(PaymentNote.note_date)).all()
    assert len(dates) >= 1
    first_date, first_number = dates[0]
    day = first_date.strftime("%d-%m-%Y")
    html = clients("employer").get(f"/companyview/report/{world.zhn_company}?s=uitkeringsnotas&van={day}"
                                   f"&tot={day}&toon=1").get_data(as_text=True)
    printable = html.split('class="fonds-printable"', 1)[1]
    in_period = [number for date, number in dates if date == first_date]
    for date, number in dates:
        assert bool(re.search(rf">\s*{number}\s*<", printable)) == (number in in_period)
    assert "Werknemers" not in printable.split("<h3>", 1)[1]  # only the chosen section


def test_report_bad_period_is_a_dutch_message(clients, world):
    html = clients("employer").get(f"/companyview/report/{world.zhn_company}?s=post&van=31-02-2003&toon=1")
    assert html.status_code == 200 and "Ongeldige datum" in html.get_data(as_text=True)
    nothing = clients("employer").get(f"/companyview/report/{world.zhn_company}?toon=1").get_data(as_text=True)
    assert "Vink minstens één onderdeel aan" in nothing


def test_report_pdf_is_a_pdf_with_the_company_name(app, clients, world):
    from pypdf import PdfReader

    response = clients("advisor").get(f"/companyview/report/{world.zhn_company}?s=werknemers&s=contactpersonen&pdf=1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data.startswith(b"%PDF-")
    with app.app_context():
        name = db.session.execute(text("SELECT name FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    extracted = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert name in extracted and "Werknemers" in extracted


@pytest.mark.parametrize("role", ["advisor", "regional_manager", "employer"])
def test_report_of_a_foreign_company_is_404(clients, world, role):
    for suffix in ("", "?s=werknemers&toon=1", "?s=werknemers&pdf=1"):
        assert clients(role).get(f"/companyview/report/{world.nbo_company}{suffix}").status_code == 404


# --- no N+1 ---------------------------------------------------------------------------------------
class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


@pytest.fixture(scope="module")
def big_company(app, world):
    """A company with 500 employees (and records on every tab) made for this module, removed after."""
    from app.core.demo import seed_records
    from app.demo import TODAY
    from app.registry.models import Company, Employee

    with app.app_context():
        session = db.session
        base = session.get(Company, world.zhz_company)
        top = session.execute(select(func.max(Company.number))).scalar() + 1
        session.execute(text(
            "INSERT INTO company (number, name, address, postcode, place, region_id, registered_from, active, "
            "active_employee_count, version) VALUES (:n, 'Grootbedrijf B.V.', 'Hoofdstraat 1', '2222 AA', "
            "'Katwijk', :r, :d, :a, 0, 1)"), {"n": top, "r": base.region_id, "d": dt.date(2000, 1, 1), "a": True})
        company_id = session.execute(select(Company.id).where(Company.number == top)).scalar()
        first = session.execute(select(func.max(Employee.number))).scalar() + 1
        session.execute(text(
            "INSERT INTO employee (number, surname, active, company_id, version) VALUES (:n, :s, :a, :c, 1)"),
            [{"n": first + i, "s": f"Werknemer{i:03d}", "a": i % 5 != 0, "c": company_id} for i in range(500)])
        seed_records(session, [company_id], TODAY, Employee, random_seed=7)
        session.commit()
    yield company_id
    with app.app_context():
        db.session.execute(text("DELETE FROM training_plan_entry WHERE employee_id IN "
                                "(SELECT id FROM employee WHERE company_id = :c)"), {"c": company_id})
        for table in ("training_plan_entry", "application", "vocational_training", "payment_note_line",
                      "other_contribution", "project_participant", "company_code", "extra_training_day",
                      "post_item", "employee"):
            column = "note_id IN (SELECT id FROM payment_note WHERE company_id = :c)" \
                if table == "payment_note_line" else "company_id = :c"
            db.session.execute(text(f"DELETE FROM {table} WHERE {column}"), {"c": company_id})
        db.session.execute(text("DELETE FROM payment_note WHERE company_id = :c"), {"c": company_id})
        db.session.execute(text("DELETE FROM project WHERE id NOT IN (SELECT project_id FROM project_participant)"
                                " AND id > (SELECT coalesce(max(id), 0) - 3 FROM project)"))
        db.session.execute(text("DELETE FROM company WHERE id = :c"), {"c": company_id})
        db.session.commit()


@pytest.mark.parametrize("tab", COMPANY_TAB_KEYS)
def test_company_dossier_with_500_employees_takes_a_bounded_number_of_queries(app, clients, big_company, tab):
    client = clients("regional_manager")
    url = f"/companyview/show/{big_company}?tab={tab}"
    assert client.get(url).status_code == 200  # warm: permissions cached, like every later page
    with app.app_context():
        engine = db.engine
    with QueryCounter(engine) as counter:
        response = client.get(url)
    assert response.status_code == 200
    if tab == "werknemers":
        assert response.get_data(as_text=True).count("fonds-active") + \
            response.get_data(as_text=True).count("fonds-inactive") >= 500
    assert counter.count <= 12, f"{tab}: {counter.count} queries"
