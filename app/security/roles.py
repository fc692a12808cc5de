"""The nine roles of SPEC §1 as data: role → resource → actions, and role → scope kind.

`flask roles sync` makes the database match this table exactly (idempotent). Read it and you know who
may do what; *which rows* each role reaches is decided by the scope kind, in scoping.py.
"""
from flask_babel import lazy_gettext as _l

from app.security import permissions as P
from app.security.permissions import (
    MENU_SAVED_OVERVIEWS, SAVED_OVERVIEW_VIEW, INSPECT, MENU_PERMISSION_INSPECTOR, PERMISSION_INSPECTOR_VIEW,
    MAKE_MAIN_CONTACT, USER_ADMIN, AUDIT_LOG_VIEW, MENU_AUDIT_LOG,
    API_CRUD, API_EDIT, API_READ, BANNER_VIEW, CODE_VIEW, COMPANY_API, COMPANY_VIEW,
    CONTACT_API, CONTACT_FORM_VIEW, CONTACT_MESSAGE_VIEW, CONTACT_VIEW, CRUD, EDIT, EMPLOYEE_API,
    EMPLOYEE_VIEW, EMPLOYMENT_VIEW, INSTITUTE_VIEW, MENU, MENU_BANNERS, MENU_CODES, MENU_COMPANIES,
    MENU_CONFIGURATION, MENU_CONTACT, MENU_CONTACTS, MENU_EMPLOYEES, MENU_INBOX, MENU_INSTITUTES,
    MENU_OUTPLACEMENT_ORGS, MENU_PARTNER_LOGOS, MENU_REGIONS, MENU_SETTINGS, MENU_SUB_BRANCHES,
    MENU_USERS, OUTPLACEMENT_ORG_VIEW, PARTNER_LOGO_VIEW, READ, REGION_VIEW, RESET_MY_PASSWORD_VIEW, SUB_BRANCH_VIEW,
    USER_INFO_EDIT_VIEW, USER_VIEW,
)

ALL = "all"

ADMIN = "admin"
STAFF = "staff"
REGIONAL_MANAGER = "regional_manager"
ADVISOR = "advisor"
EMPLOYER = "employer"
EMPLOYEE = "employee"
INSTITUTE = "institute"
OUTPLACEMENT_PARTNER = "outplacement_partner"
INTERVENTION_ADVISOR = "intervention_advisor"

ROLE_NAMES = (ADMIN, STAFF, REGIONAL_MANAGER, ADVISOR, EMPLOYER, EMPLOYEE, INSTITUTE,
              OUTPLACEMENT_PARTNER, INTERVENTION_ADVISOR)

ROLE_LABELS = {
    ADMIN: _l("Beheerder"),
    STAFF: _l("Medewerker fonds"),
    REGIONAL_MANAGER: _l("Regiomanager"),
    ADVISOR: _l("Bedrijfstakvoorlichter"),
    EMPLOYER: _l("Werkgever"),
    EMPLOYEE: _l("Werknemer"),
    INSTITUTE: _l("Cursusinstituut"),
    OUTPLACEMENT_PARTNER: _l("Outplacementkantoor"),
    INTERVENTION_ADVISOR: _l("Sociale interventieadviseur"),
}

# Which rows a role reaches (see scoping.py). Only staff and admin see everything.
ROLE_SCOPE = {
    ADMIN: ALL,
    STAFF: ALL,
    REGIONAL_MANAGER: "region",
    ADVISOR: "region",
    EMPLOYER: "company",
    EMPLOYEE: "employee",
    INSTITUTE: "institute",
    OUTPLACEMENT_PARTNER: "outplacement_org",
    INTERVENTION_ADVISOR: "region",
}

# Roles that manage the fund's fixed data (company number, name, address, registration, ...).
MANAGES_FIXED_DATA = {ADMIN, STAFF}

# Every signed-in user: own settings and the contact form to the helpdesk (M18, M19).
_EVERYONE = {
    USER_VIEW: ("can_userinfo", "resetmypassword", "userinfoedit"),
    RESET_MY_PASSWORD_VIEW: ("can_this_form_get", "can_this_form_post"),
    USER_INFO_EDIT_VIEW: ("can_this_form_get", "can_this_form_post"),
    CONTACT_FORM_VIEW: ("can_this_form_get", "can_this_form_post"),
    # "Zelf overzichten samenstellen": every user keeps their own saved search chains.
    SAVED_OVERVIEW_VIEW: ("can_list", "can_show", "can_edit", "can_delete", "can_save"),
    MENU_SAVED_OVERVIEWS: MENU,
    MENU_SETTINGS: MENU,
    MENU_CONTACT: MENU,
}

# The records behind the dossier tabs: staff keep them (the back office), menu entries included.
_BACKOFFICE = {
    P.ERROR_REPORT_VIEW: CRUD, P.MENU_ERROR_REPORTS: MENU,
    P.APPLICATION_VIEW: CRUD + P.CANCEL_APPLICATION, P.APPLICATION_API: API_CRUD, P.MENU_APPLICATIONS: MENU,
    P.TRAINING_PLAN_VIEW: CRUD,
    P.MENU_BACKOFFICE: MENU,
    P.PAYMENT_NOTE_VIEW: CRUD, P.MENU_PAYMENT_NOTES: MENU,
    P.PAYMENT_NOTE_LINE_VIEW: CRUD, P.MENU_PAYMENT_NOTE_LINES: MENU,
    P.VOCATIONAL_TRAINING_VIEW: CRUD, P.MENU_VOCATIONAL_TRAINING: MENU,
    P.OTHER_CONTRIBUTION_VIEW: CRUD, P.MENU_CONTRIBUTIONS: MENU,
    P.PROJECT_VIEW: CRUD, P.MENU_PROJECTS: MENU,
    P.PROJECT_PARTICIPANT_VIEW: CRUD, P.MENU_PROJECT_PARTICIPANTS: MENU,
    P.COMPANY_CODE_VIEW: CRUD, P.MENU_COMPANY_CODES: MENU,
    P.EXTRA_TRAINING_DAY_VIEW: CRUD, P.MENU_TRAINING_DAYS: MENU,
    P.POST_ITEM_VIEW: CRUD, P.MENU_POST: MENU,
}

# Who sees a company's dossier reads the records behind its tabs (their rows are scoped), and may
# report wrong fixed data ("Gegevens kloppen niet").
_DOSSIER_READ = {
    P.ERROR_REPORT_VIEW: READ + ("can_add",), P.MENU_ERROR_REPORTS: MENU,
    P.APPLICATION_VIEW: READ, P.APPLICATION_API: API_READ, P.MENU_APPLICATIONS: MENU,
    P.PAYMENT_NOTE_VIEW: READ, P.PAYMENT_NOTE_LINE_VIEW: READ,
    P.VOCATIONAL_TRAINING_VIEW: READ, P.TRAINING_PLAN_VIEW: READ,
    P.OTHER_CONTRIBUTION_VIEW: READ, P.PROJECT_VIEW: READ, P.PROJECT_PARTICIPANT_VIEW: READ,
    P.COMPANY_CODE_VIEW: READ, P.EXTRA_TRAINING_DAY_VIEW: READ, P.POST_ITEM_VIEW: READ,
}

_FIELDWORK = {  # advisor and regional manager: companies and employees of their regions
    **_DOSSIER_READ,
    COMPANY_VIEW: EDIT, COMPANY_API: API_EDIT, MENU_COMPANIES: MENU,
    EMPLOYEE_VIEW: EDIT, EMPLOYEE_API: API_EDIT, MENU_EMPLOYEES: MENU,
    EMPLOYMENT_VIEW: READ,
    CONTACT_VIEW: CRUD + MAKE_MAIN_CONTACT, CONTACT_API: API_CRUD, MENU_CONTACTS: MENU,
    INSTITUTE_VIEW: READ, MENU_INSTITUTES: MENU,
}

ROLE_PERMISSIONS = {
    # admin receives every permission that exists (roles sync), so it is not listed here.
    STAFF: {
        **_EVERYONE,
        **_BACKOFFICE,
        COMPANY_VIEW: CRUD, COMPANY_API: API_CRUD, MENU_COMPANIES: MENU,
        EMPLOYEE_VIEW: CRUD, EMPLOYEE_API: API_CRUD, MENU_EMPLOYEES: MENU,
        EMPLOYMENT_VIEW: CRUD,
        CONTACT_VIEW: CRUD + MAKE_MAIN_CONTACT, CONTACT_API: API_CRUD, MENU_CONTACTS: MENU,
        INSTITUTE_VIEW: CRUD, MENU_INSTITUTES: MENU,
        OUTPLACEMENT_ORG_VIEW: CRUD, MENU_OUTPLACEMENT_ORGS: MENU,
        CONTACT_MESSAGE_VIEW: EDIT + ("can_delete",), MENU_INBOX: MENU,
        MENU_CONFIGURATION: MENU,
        REGION_VIEW: CRUD, MENU_REGIONS: MENU,
        SUB_BRANCH_VIEW: CRUD, MENU_SUB_BRANCHES: MENU,
        CODE_VIEW: CRUD, MENU_CODES: MENU,
        BANNER_VIEW: CRUD, MENU_BANNERS: MENU,
        PARTNER_LOGO_VIEW: CRUD, MENU_PARTNER_LOGOS: MENU,
        AUDIT_LOG_VIEW: READ, MENU_AUDIT_LOG: MENU,  # read only: no role may change the log
        USER_VIEW: USER_ADMIN + _EVERYONE[USER_VIEW] + ("resetpasswords", "invite"), MENU_USERS: MENU,
        P.RESET_PASSWORD_VIEW: ("can_this_form_get", "can_this_form_post"),
        PERMISSION_INSPECTOR_VIEW: INSPECT, MENU_PERMISSION_INSPECTOR: MENU,
    },
    REGIONAL_MANAGER: {**_EVERYONE, **_FIELDWORK},
    ADVISOR: {**_EVERYONE, **_FIELDWORK},
    EMPLOYER: {
        **_EVERYONE,
        **_DOSSIER_READ,
        P.APPLICATION_VIEW: READ + P.CANCEL_APPLICATION,  # cancels its own, while not yet processed
        COMPANY_VIEW: EDIT, COMPANY_API: API_EDIT, MENU_COMPANIES: MENU,
        EMPLOYEE_VIEW: READ, EMPLOYEE_API: API_READ, MENU_EMPLOYEES: MENU,
        EMPLOYMENT_VIEW: READ,
        CONTACT_VIEW: CRUD + MAKE_MAIN_CONTACT, CONTACT_API: API_CRUD, MENU_CONTACTS: MENU,
    },
    EMPLOYEE: {
        **_EVERYONE,
        # Persoonlijk OpleidingsPlan (M14): own entries; funded ones are read-only (refused in the view).
        P.TRAINING_PLAN_VIEW: CRUD, P.MENU_TRAINING_PLAN: MENU,
        P.VOCATIONAL_TRAINING_VIEW: READ,
        EMPLOYEE_VIEW: EDIT, EMPLOYEE_API: API_EDIT, MENU_EMPLOYEES: MENU,
        EMPLOYMENT_VIEW: READ,
    },
    INSTITUTE: {
        **_EVERYONE,
        INSTITUTE_VIEW: EDIT, MENU_INSTITUTES: MENU,
    },
    OUTPLACEMENT_PARTNER: {
        **_EVERYONE,
        OUTPLACEMENT_ORG_VIEW: READ, MENU_OUTPLACEMENT_ORGS: MENU,
    },
    INTERVENTION_ADVISOR: {
        **_EVERYONE,
        OUTPLACEMENT_ORG_VIEW: READ, MENU_OUTPLACEMENT_ORGS: MENU,
    },
}


def role_grants(role_name):
    """The (action, resource) pairs a role should hold; None for admin (everything)."""
    if role_name == ADMIN:
        return None
    return {(action, resource)
            for resource, actions in ROLE_PERMISSIONS[role_name].items()
            for action in actions}
