"""Account rules, tested without HTTP: which scope link each role needs, who may grant which role,
and the password policy (ASVS 2.1: length, an offline list of common and breached passwords, no
composition rules)."""
import re
from functools import lru_cache
from pathlib import Path

from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext as _

from app.security.roles import (
    ADMIN, ADVISOR, EMPLOYEE, EMPLOYER, INSTITUTE, INTERVENTION_ADVISOR, OUTPLACEMENT_PARTNER,
    REGIONAL_MANAGER,
)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128  # ASVS 2.1.2: at least 64 allowed; a bound keeps hashing cheap
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")  # digits, punctuation and spaces around a word

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


def user_change_errors(actor_id, actor_role_names, target_id, old_role_names, new_role_names, still_active,
                       other_active_admins):
    """Field → Dutch message for a change of a user that the acting user may not make. ``actor_role_names``
    and ``old_role_names`` are as the database held them before this request (never the edited object's:
    editing oneself changes that very object). Nobody changes their own roles; only an admin changes an
    admin or makes one; the last active admin stays an active admin."""
    errors = {}
    if actor_id == target_id and set(old_role_names) != set(new_role_names):
        errors["roles"] = _("U kunt uw eigen rollen niet wijzigen; vraag dat aan een beheerder.")
    if ADMIN not in actor_role_names and ADMIN in set(old_role_names) | set(new_role_names):
        errors["roles"] = _("Alleen een beheerder kan een beheerder wijzigen of de rol beheerder toekennen.")
    if ADMIN in old_role_names and (ADMIN not in new_role_names or not still_active) and not other_active_admins:
        errors["roles"] = _("Er moet altijd minstens één actieve beheerder zijn.")
    return errors


def password_policy(password):
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: 12 to 128 characters and not a common or breached password.

    No composition rules (ASVS 2.1.9): any character counts, spaces included."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordComplexityValidationError(
            _("Het wachtwoord moet minstens %(n)d tekens lang zijn. Een zin van een paar woorden "
              "is sterk en goed te onthouden.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordComplexityValidationError(
            _("Het wachtwoord mag hoogstens %(n)d tekens lang zijn.", n=MAX_PASSWORD_LENGTH))
    if is_common_password(password):
        raise PasswordComplexityValidationError(
            _("Dit wachtwoord is te makkelijk te raden: het staat in een lijst van veelgebruikte of "
              "gelekte wachtwoorden, of lijkt daar sterk op. Kies iets anders, bijvoorbeeld een zin "
              "van een paar woorden."))


@lru_cache(maxsize=1)
def common_passwords():
    """The offline list (app/security/data/common-passwords.txt, see the README there), lowercased."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle
                         if line.strip() and not line.startswith("#!comment:"))


def is_common_password(password):
    """On the list; a listed word with only digits/punctuation around it; or a short piece (or a
    listed word) repeated; or hardly any different characters at all."""
    listed = common_passwords()
    candidate = password.strip().lower()
    if candidate in listed or len(set(candidate)) < 4:
        return True
    core = _EDGES.sub("", candidate)
    if core and core in listed:
        return True
    for size in range(1, len(candidate) // 2 + 1):
        unit = candidate[:size]
        if len(candidate) % size == 0 and unit * (len(candidate) // size) == candidate:
            return size <= 4 or unit in listed or _EDGES.sub("", unit) in listed
    return False
