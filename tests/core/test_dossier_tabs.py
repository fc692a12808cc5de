"""Dossier tabs that domains plug in (issue 10): one register_tab call adds a tab; who may see it is
part of the tab, and the company report follows: a tab the employer may not see is not a section of
the employer's report, not in the PDF, and answers 404."""
import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.dossier import Column, Tab, all_tabs, register_tab, tabs_for, unregister_tab
from app.registry.models import Company, PostItem
from app.security.roles import ADVISOR, REGIONAL_MANAGER, STAFF

SECRET = "Vertrouwelijk notitie-tabblad"


def internal_notes(session, company, user):
    """Rows of the company's post, shown as the fund's internal notes: a tab only the fund's people see."""
    return session.execute(select(PostItem).where(PostItem.company_id == company.id)).scalars().all()


@pytest.fixture()
def internal_tab(app):
    tab = Tab("intern", SECRET, internal_notes, (Column("Onderwerp", lambda r: f"INTERN {r.subject}"),),
              visible_to=frozenset({STAFF, REGIONAL_MANAGER, ADVISOR}), period=lambda r: r.received_on)
    register_tab(Company, tab, order=135)
    yield tab
    unregister_tab(Company, "intern")


def test_a_tab_is_one_registration_in_its_place(ctx, internal_tab):
    keys = [tab.key for tab in all_tabs(Company)]
    assert keys.index("intern") == keys.index("post") + 1  # order 135: after Post (130), before Aangevraagd
    with pytest.raises(ValueError):
        register_tab(Company, Tab("intern", "Iets anders"), order=1)  # one key, one tab


def test_who_sees_a_tab_is_part_of_the_tab(app, clients, world, internal_tab):
    advisor = clients("advisor").get(f"/companyview/show/{world.zhn_company}?tab=intern")
    assert advisor.status_code == 200 and "INTERN" in advisor.get_data(as_text=True)
    employer = clients("employer")
    assert employer.get(f"/companyview/show/{world.zhn_company}?tab=intern").status_code == 404
    assert SECRET not in employer.get(f"/companyview/show/{world.zhn_company}").get_data(as_text=True)


def report_text(client, company_id, sections):
    query = "&".join(f"s={key}" for key in sections)
    response = client.get(f"/companyview/report/{company_id}?{query}&pdf=1")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_the_report_follows_the_tab_permissions(app, clients, world, internal_tab):
    asked = ["post", "intern", "werkrapporten"]
    advisor_pdf = report_text(clients("advisor"), world.zhn_company, asked)
    assert SECRET in advisor_pdf and "INTERN" in advisor_pdf
    employer_pdf = report_text(clients("employer"), world.zhn_company, asked)
    assert SECRET not in employer_pdf and "INTERN" not in employer_pdf  # asked for, never given
    form = clients("employer").get(f"/companyview/report/{world.zhn_company}").get_data(as_text=True)
    assert 'value="intern"' not in form and 'value="post"' in form


def test_tabs_for_a_user_are_the_visible_ones(ctx, internal_tab):
    from types import SimpleNamespace

    employer = SimpleNamespace(role_names={"employer"})
    advisor = SimpleNamespace(role_names={"advisor"})
    assert "intern" not in [tab.key for tab in tabs_for(Company, employer)]
    assert "werkrapporten" not in [tab.key for tab in tabs_for(Company, employer)]
    assert {"intern", "werkrapporten"} <= {tab.key for tab in tabs_for(Company, advisor)}


def test_the_report_period_comes_from_the_tab(app, clients, world, internal_tab):
    with app.app_context():
        from app.extensions import db

        days = sorted(db.session.execute(select(PostItem.received_on).where(
            PostItem.company_id == world.zhn_company)).scalars())
    assert days, "the demo seed gives the employer's company some post"
    everything = clients("advisor").get(f"/companyview/report/{world.zhn_company}?s=intern&toon=1")
    assert everything.get_data(as_text=True).count("INTERN ") == len(days)
    after_the_last = (days[-1] + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    html = clients("advisor").get(f"/companyview/report/{world.zhn_company}?s=intern&van={after_the_last}&toon=1")
    assert html.status_code == 200 and "INTERN" not in html.get_data(as_text=True)
