"""Register rules, tested without HTTP."""
from sqlalchemy import select

from app.registry.models import ContactPerson


def make_main_contact(session, contact):
    """"Maak hoofdcontactpersoon" (M6.3.7): this contact becomes the company's only main contact."""
    others = session.execute(select(ContactPerson).where(
        ContactPerson.company_id == contact.company_id, ContactPerson.id != contact.id,
        ContactPerson.is_main.is_(True))).scalars()
    for other in others:
        other.is_main = False
    contact.is_main = True
