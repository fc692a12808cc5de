"""Messages are plain text (issue 15, hole 4): a contact named like an HTML tag is printed as text in the
message after "Maak hoofdcontactpersoon", and no code calls ``flash`` past the one helper."""
import re
from pathlib import Path

from sqlalchemy import select, text

from app.extensions import db

EVIL = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'


def test_a_surname_with_markup_is_printed_as_text(app, clients, world):
    with app.app_context():
        number = db.session.execute(text("SELECT number FROM company WHERE id = :i"), {"i": world.zhn_company}).scalar()
    advisor = clients("advisor")
    assert advisor.post("/contactpersonview/add", data={"company": str(number), "surname": EVIL}).status_code == 302
    with app.app_context():
        from app.registry.models import ContactPerson

        contact_id = db.session.execute(select(ContactPerson.id).where(ContactPerson.surname == EVIL)).scalar()
    page = advisor.post(f"/contactpersonview/action/make_main/{contact_id}", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "is nu de hoofdcontactpersoon" in html
    assert EVIL not in html and "&lt;meta http-equiv" in html


def test_no_code_calls_flash_past_the_helper():
    app_dir = Path(__file__).resolve().parents[2] / "app"
    direct = [f"{path.relative_to(app_dir)}:{number}" for path in app_dir.rglob("*.py")
              if path.name != "messages.py"
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if re.search(r"(?<![\w.])flash\(", line)]
    assert direct == []
