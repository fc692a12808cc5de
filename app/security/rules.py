"""Account rules, tested without HTTP: which scope link each role needs, who may grant which role,
and the password policy (ASVS 2.1: length, no composition rules)."""
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext as _

from app.security.roles import (
    ADMIN, ADVISOR, EMPLOYEE, EMPLOYER, INSTITUTE, INTERVENTION_ADVISOR, OUTPLACEMENT_PARTNER,
    REGIONAL_MANAGER,
)

MIN_PASSWORD_LENGTH = 12

# role → the user field that must be filled for that role to see anything
REQUIRED_SCOPE_LINK = {
    ADVISOR: "regions",
    REGIONAL_MANAGER: "regions",
    INTERVENTION_ADVISOR: "regions",
    EMPLOYER: "company",
    EMPLOYEE: "employee",
    INSTITUTE: "institute",
    OUTPLACEMENT_PARTNER: "outplacement_org",
}


def scope_link_errors(role_names, links):
    """Field → Dutch message for each role whose scope link is missing; ``links`` maps field → value."""
    messages = {
        "regions": _("Kies minstens één regio voor deze rol."),
        "company": _("Vul het bedrijfsnummer in voor de rol werkgever."),
        "employee": _("Vul het werknemernummer in voor de rol werknemer."),
        "institute": _("Kies het cursusinstituut voor deze rol."),
        "outplacement_org": _("Kies het outplacementkantoor voor deze rol."),
    }
    errors = {}
    for role in role_names:
        field = REQUIRED_SCOPE_LINK.get(role)
        if field and not links.get(field):
            errors[field] = messages[field]
    return errors


def role_grant_errors(actor_role_names, granted_role_names):
    if ADMIN in granted_role_names and ADMIN not in actor_role_names:
        return {"roles": _("Alleen een beheerder kan de rol beheerder toekennen.")}
    return {}


def password_policy(password):
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: at least 12 characters, nothing else demanded."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise PasswordComplexityValidationError(
            _("Het wachtwoord moet minstens %(n)d tekens lang zijn. Een zin van een paar woorden "
              "is sterk en goed te onthouden.", n=MIN_PASSWORD_LENGTH))
