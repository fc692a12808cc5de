"""Rechtencontrole in Chromium: a staff member opens it from the menu, asks about a user and a
record, and reads the verdict with its reasons and the user's pages."""
import pytest

from tests.browser.conftest import login, screenshot
from tests.helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_staff_checks_why_an_employer_may_edit_a_company(page, app, world):
    from app.extensions import db
    from app.registry.models import Company

    with app.app_context():
        number = db.session.get(Company, world.zhn_company).number
    login(page, "staff", DEMO_PASSWORD)
    page.click("nav.fonds-menu >> text=Rechtencontrole")
    page.wait_for_load_state("networkidle")
    page.fill("#email", "employer@demo.fondsportaal.nl")
    page.select_option("#kind", "CompanyView")
    page.fill("#record", str(number))
    page.select_option("#page", "Companies")
    page.click("#fonds-inspector-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    verdicts = page.locator("#fonds-inspector-record").inner_text()
    assert "mag zien" in verdicts and "mag vaste gegevens wijzigen" in verdicts
    assert page.locator("#fonds-verdict-fixed").get_attribute("data-verdict") == "mag vaste gegevens wijzigen: nee"
    assert "gegeven door rol Werkgever" in verdicts and f"bedrijf {number}" in verdicts
    assert "Mijn bedrijven" in page.locator("#fonds-inspector-pages").inner_text()
    screenshot(page, "staff-rechtencontrole")
