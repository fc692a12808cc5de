"""The refine and extend examples of the manual (M4.5.1, M4.5.2), typed into the bar as a user would."""
import datetime as dt
import re

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.browser.conftest import login, screenshot
from tests.helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser
ADVISOR_REGION = "c.region_id = (SELECT id FROM region WHERE code = 'ZHN')"


def expected_count(app, where, **params):
    with app.app_context():
        return db.session.execute(text(f"SELECT count(*) FROM company c WHERE {ADVISOR_REGION} AND c.active = :yes "
                                       f"AND {where}"), {"yes": True, **params}).scalar()


def shown_count(page):
    info = page.locator(".fonds-paging-info").inner_text()
    match = re.search(r"(\d+) records?", info)
    return int(match.group(1)) if match else 0


def search(page, field, value, button, operator=None):
    page.select_option("#nf", label=field)
    if operator:
        page.select_option("#no", label=operator)
    page.fill("#nv", value)
    page.click(f"button:has-text('{button}')")
    page.wait_for_load_state("networkidle")


def test_refine_example_in_the_browser(page, app):
    login(page, "advisor", DEMO_PASSWORD)
    page.click("text=Mijn bedrijven")
    page.wait_for_load_state("networkidle")
    search(page, "Laatste bezoek", "01-01-2003", "Zoek", operator="<=")
    assert shown_count(page) == expected_count(app, "c.last_visit_date <= :d", d=dt.date(2003, 1, 1))
    page.select_option("#nf", label="Plaats")
    assert page.locator("#no").is_hidden()  # no comparison for a text field
    search(page, "Plaats", "Noordwykerhout", "Zoekopdracht verfijnen met selectie")
    search(page, "Aantal actieve werknemers", "10", "Zoekopdracht verfijnen met selectie", operator="<=")
    steps = page.locator(".fonds-chain li")
    assert steps.count() == 3
    assert shown_count(page) == expected_count(
        app, "c.last_visit_date <= :d AND c.place = 'Noordwijkerhout' AND c.active_employee_count <= 10",
        d=dt.date(2003, 1, 1))
    screenshot(page, "search-refine")
    page.reload()
    assert page.locator(".fonds-chain li").count() == 3  # the chain lives in the URL


def test_extend_example_in_the_browser(page, app):
    login(page, "advisor", DEMO_PASSWORD)
    page.goto(f"{page.base_url}/companyview/list/")
    search(page, "Plaats", "Rijnsburg", "Zoek")
    first = shown_count(page)
    assert first == expected_count(app, "c.place = 'Rijnsburg'")
    search(page, "Plaats", "Sassenheim", "Zoekopdracht uitbreiden met selectie")
    assert shown_count(page) == expected_count(app, "c.place IN ('Rijnsburg', 'Sassenheim')") > first
    page.locator(".fonds-chain-remove").first.click()
    page.wait_for_load_state("networkidle")
    assert shown_count(page) == expected_count(app, "c.place = 'Sassenheim'")
    screenshot(page, "search-extend")
