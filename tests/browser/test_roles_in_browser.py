"""Per role, as a person would: log in, see the role's own menu in Dutch, log out."""
import pytest

from tests.browser.conftest import login, screenshot
from tests.helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# role user → menu entries it must see, and entries it must not see
MENUS = {
    "admin": (["Mijn bedrijven", "Mijn werknemers", "Regio's", "Gebruikers", "Helpdesk-inbox"], []),
    "staff": (["Mijn bedrijven", "Mijn werknemers", "Regio's", "Gebruikers", "Helpdesk-inbox"], []),
    "regional_manager": (["Mijn bedrijven", "Mijn werknemers", "Contactpersonen"], ["Gebruikers", "Regio's"]),
    "advisor": (["Mijn bedrijven", "Mijn werknemers", "Contactpersonen"], ["Gebruikers", "Helpdesk-inbox"]),
    "employer": (["Mijn bedrijven", "Mijn werknemers", "Contactpersonen"], ["Gebruikers", "Cursusinstituten"]),
    "employee": (["Mijn werknemers"], ["Mijn bedrijven", "Gebruikers"]),
    "institute": (["Cursusinstituten"], ["Mijn bedrijven", "Mijn werknemers"]),
    "outplacement_partner": (["Outplacementkantoren"], ["Mijn bedrijven", "Mijn werknemers"]),
    "intervention_advisor": (["Outplacementkantoren"], ["Mijn bedrijven", "Gebruikers"]),
}


@pytest.mark.parametrize("role", list(MENUS))
def test_login_sees_own_dutch_menu_and_logs_out(page, role):
    login(page, role, DEMO_PASSWORD)
    menu = page.locator("nav.fonds-menu")
    work = page.locator(".fonds-menu-work").inner_text()
    account = page.locator(".fonds-menu-account").inner_text()
    must, must_not = MENUS[role]
    for label in must:
        assert label in work, f"{role} misses {label}"
    for label in must_not:
        assert label not in work, f"{role} sees {label}"
    for label in ("Instellingen", "Contact", "Afsluiten"):
        assert label in account
    assert "Welkom" in page.locator("main").inner_text()
    assert menu.is_visible()
    screenshot(page, f"home-{role}")
    page.click("#fonds-logout")
    page.wait_for_load_state("networkidle")
    assert "/login" in page.url
    page.goto(f"{page.base_url}/companyview/list/")
    assert "/login" in page.url


def test_advisor_drills_down_from_list_to_company(page, world):
    login(page, "advisor", DEMO_PASSWORD)
    page.click("text=Mijn bedrijven")
    page.wait_for_load_state("networkidle")
    assert "pagina 1 van" in page.locator(".fonds-paging-info").inner_text()
    page.goto(f"{page.base_url}/companyview/show/{world.zhn_company}")
    crumbs = page.locator(".fonds-breadcrumbs").inner_text()
    assert "Home" in crumbs and "Mijn bedrijven" in crumbs
    page.click(".fonds-help-button")
    page.wait_for_selector("#fonds-help.in", state="visible")
    assert "regio" in page.locator("#fonds-help").inner_text()
    screenshot(page, "advisor-company")
