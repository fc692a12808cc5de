"""Form fields other domains use to point at the register: a company or employee chosen by number,
within the user's scope (app.core.fields.NumberLookupField)."""
from flask_babel import lazy_gettext as _l
from wtforms.validators import InputRequired, Optional as OptionalValidator

from app.core.fields import NumberLookupField
from app.registry.models import Company, Employee
from app.security import permissions as P

COMPANY_PARENT = ("company", P.COMPANY_VIEW)  # breadcrumbs of a company's records: its dossier above them
EMPLOYEE_PARENT = ("employee", P.EMPLOYEE_VIEW)


def company_field(label=_l("Bedrijfsnummer"), required=True):
    return NumberLookupField(label, [InputRequired() if required else OptionalValidator()], model=Company)


def employee_field(label=_l("Werknemernummer"), required=False, **kwargs):
    return NumberLookupField(label, [InputRequired() if required else OptionalValidator()], model=Employee,
                             **kwargs)


def company_fields(employee=False):
    """The lookups of a record that belongs to a company (and perhaps one of its employees)."""
    fields = {"company": company_field()}
    if employee:
        fields["employee"] = employee_field()
    return fields
