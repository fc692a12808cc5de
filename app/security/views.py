"""Login, and user administration by staff: role plus scope link (regions, company, employee,
institute, outplacement organisation)."""
from flask import abort, flash, g
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.security.views import AuthDBView, UserDBModelView
from flask_babel import lazy_gettext as _l
from wtforms.validators import Optional as OptionalValidator

from app.core.fields import NumberLookupField
from app.registry.models import Company, Employee
from app.security.roles import ADMIN
from app.security.rules import role_grant_errors, scope_link_errors

USER_LABELS = {
    "first_name": _l("Voornaam"), "last_name": _l("Achternaam"), "email": _l("E-mailadres"),
    "active": _l("Actief"), "roles": _l("Rol"), "regions": _l("Regio's"),
    "company": _l("Werkgever (bedrijfsnummer)"), "employee": _l("Werknemer (werknemernummer)"),
    "institute": _l("Cursusinstituut"), "outplacement_org": _l("Outplacementkantoor"),
    "password": _l("Wachtwoord"), "conf_password": _l("Wachtwoord bevestigen"),
    "last_login": _l("Laatst ingelogd"), "login_count": _l("Aantal keer ingelogd"),
    "fail_login_count": _l("Mislukte inlogpogingen"), "username": _l("E-mailadres"),
    "get_full_name": _l("Naam"),
}
SCOPE_COLUMNS = ["regions", "company", "employee", "institute", "outplacement_org"]


class FondsAuthDBView(AuthDBView):
    login_template = "security/login.html"
    title = _l("Inloggen")
    invalid_login_message = _l("Het e-mailadres of wachtwoord is onjuist.")


class FondsUserView(UserDBModelView):
    list_title = _l("Gebruikers")
    show_title = _l("Gebruiker")
    add_title = _l("Gebruiker toevoegen")
    edit_title = _l("Gebruiker bewerken")
    user_info_title = _l("Instellingen")
    help_text = _l("Gebruikers van het portaal. Elke gebruiker krijgt een rol en, bij die rol, de "
                   "regio's, het bedrijf, de werknemer, het instituut of het outplacementkantoor "
                   "waarvan hij de gegevens mag zien.")
    label_columns = USER_LABELS
    description_columns = {"roles": _l("De rol bepaalt wat de gebruiker mag; de koppeling hieronder "
                                       "bepaalt van wie hij de gegevens ziet.")}
    list_columns = ["first_name", "last_name", "email", "active", "roles"]
    show_fieldsets = [
        (_l("Gebruiker"), {"fields": ["first_name", "last_name", "email", "active", "roles"]}),
        (_l("Gegevens die de gebruiker mag zien"), {"fields": SCOPE_COLUMNS}),
        (_l("Inloggen"), {"fields": ["last_login", "login_count", "fail_login_count"]}),
    ]
    user_show_fieldsets = [
        (_l("Uw gegevens"), {"fields": ["first_name", "last_name", "email", "roles"]}),
    ]
    search_columns = ["first_name", "last_name", "email", "active", "roles"]
    add_columns = ["first_name", "last_name", "email", "active", "roles", *SCOPE_COLUMNS,
                   "password", "conf_password"]
    edit_columns = ["first_name", "last_name", "email", "active", "roles", *SCOPE_COLUMNS]
    add_form_extra_fields = {
        **UserDBModelView.add_form_extra_fields,
        "company": NumberLookupField(USER_LABELS["company"], [OptionalValidator()], model=Company),
        "employee": NumberLookupField(USER_LABELS["employee"], [OptionalValidator()], model=Employee),
    }
    edit_form_extra_fields = {k: v for k, v in add_form_extra_fields.items()
                              if k in ("company", "employee")}
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "roles": [["name", FilterNotEqual, "public"]],
    }
    validators_columns = {}

    def pre_add(self, item):
        self._check(item)
        super().pre_add(item)  # hashes the password

    def pre_update(self, item):
        self._check(item)
        super().pre_update(item)

    def _check(self, item):
        item.username = item.email
        role_names = {role.name for role in item.roles}
        links = {name: getattr(item, name) for name in SCOPE_COLUMNS}
        errors = {**scope_link_errors(role_names, links),
                  **role_grant_errors(g.user.role_names, role_names)}
        if errors:
            raise ValueError(" ".join(errors.values()))

    def _delete(self, pk):
        if str(pk) == str(g.user.id):
            flash(_l("U kunt uw eigen account niet verwijderen."), "danger")
            return
        item = self.datamodel.get(pk)
        if item is None:
            abort(404)
        if ADMIN in item.role_names and ADMIN not in g.user.role_names:
            abort(404)
        return super()._delete(pk)
