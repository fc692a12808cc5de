"""The shell around every page (M2–M3): Dutch by default, English on request, two-block menu, help
text and breadcrumbs, paging, dates as dd-mm-jjjj, banner and partners, nothing from the internet."""
import re

import pytest
from sqlalchemy import text

from app.core.formatting import format_date, parse_date
from app.extensions import db


def test_login_page_is_dutch(app):
    html = app.test_client().get("/login/").get_data(as_text=True)
    assert "E-mailadres" in html and "Wachtwoord" in html and "Inloggen" in html


def test_anonymous_home_redirects_to_login(app):
    response = app.test_client().get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_english_is_the_second_language(app):
    from tests.helpers import Client, DEMO_PASSWORD

    client = Client.logged_in(app, "advisor@demo.fondsportaal.nl", DEMO_PASSWORD)
    client.get("/lang/en")
    html = client.get("/companyview/list/").get_data(as_text=True)
    assert "My companies" in html and "page 1 of" in html and "Log out" in html
    client.get("/lang/nl")
    assert "Mijn bedrijven" in client.get("/companyview/list/").get_data(as_text=True)


def test_menu_has_two_blocks_with_account_functions_below(clients):
    html = clients("advisor").get("/").get_data(as_text=True)
    work = html.split('fonds-menu-work')[1].split('fonds-menu-account')[0]
    account = html.split('fonds-menu-account')[1].split('</nav>')[0]
    assert "Mijn bedrijven" in work and "Instellingen" not in work
    assert all(label in account for label in ("Instellingen", "Contact", "Afsluiten"))


def test_every_list_page_has_a_title_and_help_text(app, clients):
    from app.core.views import ScopedModelView

    client = clients("admin")
    views = [v for v in app.appbuilder.baseviews if isinstance(v, ScopedModelView) and "Probe" not in v.endpoint
             and not v.endpoint.startswith("_")]
    assert len(views) >= 10
    for view in views:
        assert view.help_text, f"{view.endpoint} has no help text"
        html = client.get(f"/{view.route_base.strip('/')}/list/").get_data(as_text=True)
        assert 'id="fonds-help"' in html and str(view.help_text) in html, view.endpoint
        assert f"<title>{view.list_title}" in html


def test_list_shows_page_x_of_y_and_record_count(clients):
    html = clients("staff").get("/employeeview/list/").get_data(as_text=True)
    match = re.search(r"pagina 1 van (\d+)\s*· (\d+) records", html)
    assert match and int(match.group(1)) == -(-int(match.group(2)) // 25)
    assert "Laatste pagina" in html and "Volgende pagina" in html


def test_breadcrumbs_follow_the_drill_down(clients, world):
    html = clients("advisor").get(f"/employeeview/show/{world.zhn_employee}").get_data(as_text=True)
    crumbs = html.split('fonds-breadcrumbs">')[1].split("</ol>")[0]
    assert crumbs.index("Home") < crumbs.index("Mijn bedrijven") < crumbs.index("Werknemer")
    assert f"/companyview/show/{world.zhn_company}" in crumbs


def test_breadcrumbs_never_reveal_a_parent_outside_scope(clients, world):
    """The employee user sees their own record but not the company page: no link to it."""
    html = clients("employee").get(f"/employeeview/show/{world.own_employee}").get_data(as_text=True)
    crumbs = html.split('fonds-breadcrumbs">')[1].split("</ol>")[0]
    assert "/companyview/show/" not in crumbs


def test_dates_are_shown_and_parsed_as_dd_mm_jjjj():
    import datetime as dt

    assert format_date(dt.date(2003, 1, 1)) == "01-01-2003"
    assert parse_date("31-12-2024") == dt.date(2024, 12, 31)
    for wrong in ("31-02-2003", "2003-01-01", "1-13-03", "", "01-13-2020"):
        with pytest.raises(ValueError):
            parse_date(wrong)


def test_banner_and_partners_are_on_every_page(clients):
    html = clients("employer").get("/").get_data(as_text=True)
    assert "Train je Techniek" in html
    assert "Werkgeversvereniging Metaal" in html


def test_staff_configures_the_banner(app, clients):
    response = clients("staff").post("/campaignbannerview/add", data={"title": "Nieuwe campagne", "active": "y"})
    assert response.status_code == 302
    assert "Nieuwe campagne" in clients("employer").get("/").get_data(as_text=True)
    with app.app_context():
        db.session.execute(text("DELETE FROM campaign_banner WHERE title = 'Nieuwe campagne'"))
        db.session.commit()


def test_no_page_links_anything_from_the_internet(clients, world):
    for url in ("/", "/companyview/list/", f"/companyview/show/{world.zhn_company}", "/users/userinfo/"):
        html = clients("advisor").get(url).get_data(as_text=True)
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
        assert external == [], url


def test_error_pages_are_dutch_with_a_request_id(clients):
    response = clients("advisor").get("/bestaat/niet")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "bestaat niet" in html and response.headers["X-Request-Id"] in html


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_staff_uploads_a_partner_logo_shown_in_every_footer(app, clients):
    import io

    response = clients("staff").post("/partnerlogoview/add", content_type="multipart/form-data", data={
        "name": "Logo Partner", "sort_order": "5", "active": "y", "logo": (io.BytesIO(PNG), "partner.png")})
    assert response.status_code == 302
    with app.app_context():
        logo_id = db.session.execute(text("SELECT id FROM partner_logo WHERE name = 'Logo Partner'")).scalar()
    footer = app.test_client().get("/login/").get_data(as_text=True)
    assert f"/partnerlogo/{logo_id}/image" in footer
    image = app.test_client().get(f"/partnerlogo/{logo_id}/image")
    assert image.data == PNG and image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():
        db.session.execute(text("DELETE FROM partner_logo WHERE id = :id"), {"id": logo_id})
        db.session.commit()


@pytest.mark.parametrize("name,content", [
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("logo.png", b"MZ\x90\x00 this is really an executable"),
    ("logo.png", b"<html><script>alert(1)</script></html>"),
])
def test_a_logo_that_is_not_an_image_is_refused_in_dutch(app, clients, name, content):
    import io

    response = clients("staff").post("/partnerlogoview/add", content_type="multipart/form-data", data={
        "name": "Vals Logo", "sort_order": "1", "active": "y", "logo": (io.BytesIO(content), name)})
    assert response.status_code == 200
    assert "Alleen afbeeldingen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM partner_logo WHERE name = 'Vals Logo'")).scalar() == 0
