"""The company dossier as an advisor uses it (issue 5): open a company from the list, walk every tab,
add a contact with a wrong phone number, read the message, correct it."""
import pytest
from sqlalchemy import text

from app.core.dossier import all_tabs
from app.extensions import db
from app.registry.models import Company
from tests.browser.conftest import login, screenshot
from tests.helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_advisor_walks_the_dossier_and_adds_a_contact(page, app):
    login(page, "advisor", DEMO_PASSWORD)
    page.click("text=Mijn bedrijven")
    page.wait_for_load_state("networkidle")
    first = page.locator("table a[href*='/companyview/show/']").first
    company_url = first.get_attribute("href").split("?")[0]
    first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".fonds-fixed").count() > 0  # fixed data in bold
    for tab in all_tabs(Company):
        if tab.more:
            page.click(".fonds-more summary")
        page.click(f"a[data-tab='{tab.key}']")
        page.wait_for_load_state("networkidle")
        assert page.locator(f"#fonds-tab-{tab.key}").count() == 1, tab.key
        assert "Er is een fout opgetreden" not in page.content()
    screenshot(page, "dossier-tab-aangevraagd")

    page.goto(f"{page.base_url}{company_url}?tab=contactpersonen")
    page.click("#fonds-new-contact")
    page.wait_for_load_state("networkidle")
    page.fill("#surname", "Brouwer")
    page.fill("#phone", "(0252) 123 45 67")
    page.click("button[type='submit']")
    page.wait_for_load_state("networkidle")
    assert "(0252) 12 34 56" in page.content()  # the message shows the right form
    screenshot(page, "dossier-contact-wrong-phone")
    page.fill("#phone", "0252 123456")
    page.click("button[type='submit']")
    page.wait_for_load_state("networkidle")
    assert "tab=contactpersonen" in page.url
    row = page.locator("tr", has_text="Brouwer")
    assert "(0252) 12 34 56" in row.inner_text()
    screenshot(page, "dossier-contacts")
    with app.app_context():
        db.session.execute(text("DELETE FROM contact_person WHERE surname = 'Brouwer'"))
        db.session.commit()
