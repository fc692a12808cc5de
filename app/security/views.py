"""Login (with lockout), logout, "Wachtwoord vergeten", the one-time set-password link, own and
others' password change, and user administration by staff: role plus scope link (regions, company,
employee, institute, outplacement organisation) and invitations. The rules live in accounts.py,
login_guard.py, sessions.py and rules.py; these views only call them."""
import logging

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.baseviews import expose
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.security.decorators import has_access, no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.views import (
    AuthDBView, ResetMyPasswordView as FabResetMyPasswordView,
    ResetPasswordView as FabResetPasswordView, UserDBModelView, UserInfoEditView as FabUserInfoEditView,
)
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_login import login_user, logout_user
from werkzeug.security import check_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional as OptionalValidator, ValidationError

from app.core.fields import NumberLookupField, length_validator, with_column_lengths
from app.core.formatting import display_value
from app.core.messages import tell
from app.core.redirects import local_path
from app.security import accounts
from app.security.roles import ADMIN
from app.security.scoping import COMPANY, EMPLOYEE, kind_model
from app.security.rules import role_grant_errors, scope_link_errors, user_change_errors
from app.security import sessions
from app.security.sessions import LOGIN_AT

log = logging.getLogger(__name__)

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


def _new_password_field():
    return PasswordField(
        _l("Nieuw wachtwoord"), [DataRequired(), PasswordComplexityValidator()],
        description=_l("Minstens 12 tekens, spaties mogen. Een zin van een paar woorden is sterk en "
                       "goed te onthouden."),
        widget=BS3PasswordFieldWidget())


def _confirm_field():
    return PasswordField(_l("Nieuw wachtwoord bevestigen"),
                         [EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk."))],
                         widget=BS3PasswordFieldWidget())


class OwnDetailsForm(DynamicForm):
    """Instellingen › own name (M18): FAB's form, with the lengths of the ab_user columns."""

    first_name = StringField(_l("Voornaam"), [DataRequired(), length_validator(64)], widget=BS3TextFieldWidget())
    last_name = StringField(_l("Achternaam"), [DataRequired(), length_validator(64)], widget=BS3TextFieldWidget())


class UserInfoEditView(FabUserInfoEditView):
    form = OwnDetailsForm


class ForgotPasswordForm(DynamicForm):
    email = StringField(_l("E-mailadres"), [DataRequired(), Email(message=_l("Vul een geldig e-mailadres in.")),
                                           Length(max=320)])


class SetPasswordForm(DynamicForm):
    password = _new_password_field()
    conf_password = _confirm_field()


def _check_current_password(form, field):
    """The current password, counted like a login: guessing it here locks the account as well."""
    sm = current_app.appbuilder.sm
    user = sm.get_user_by_id(g.user.id)
    throttle = sm.login_throttle
    if throttle is not None and throttle.retry_after(user.email):
        raise ValidationError(_("Te veel mislukte pogingen. Probeer het over een paar minuten opnieuw."))
    if not check_password_hash(user.password or "", field.data or ""):
        if throttle is not None:
            throttle.hit(user.email)
        raise ValidationError(_("Het huidige wachtwoord is onjuist."))


class ChangeOwnPasswordForm(DynamicForm):
    """Own password (M18): the current one first (ASVS 2.1.6), then the new one twice."""

    old_password = PasswordField(_l("Huidig wachtwoord"), [DataRequired(), _check_current_password],
                                 widget=BS3PasswordFieldWidget())
    password = _new_password_field()
    conf_password = _confirm_field()


def lockout_message(seconds):
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Te veel mislukte inlogpogingen met dit e-mailadres. Om het account te beschermen kunt u pas "
        "over %(num)d minuut opnieuw inloggen. Wachtwoord vergeten? Vraag dan een nieuw wachtwoord aan.",
        "Te veel mislukte inlogpogingen met dit e-mailadres. Om het account te beschermen kunt u pas "
        "over %(num)d minuten opnieuw inloggen. Wachtwoord vergeten? Vraag dan een nieuw wachtwoord aan.",
        minutes)


class FondsAuthDBView(AuthDBView):
    login_template = "security/login.html"
    title = _l("Inloggen")
    invalid_login_message = _l("Het e-mailadres of wachtwoord is onjuist.")
    neutral_reset_message = _l("Als dit e-mailadres bij ons bekend is, ontvangt u binnen enkele minuten een "
                               "e-mail met een link om een nieuw wachtwoord in te stellen. Geen e-mail "
                               "ontvangen? Kijk ook in uw map met ongewenste e-mail.")

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        """FAB's login, plus the lockout per account and the session's login time."""
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = LoginForm_db()
        if form.validate_on_submit():
            sm = self.appbuilder.sm
            wait = sm.login_throttle.retry_after(form.username.data) if sm.login_throttle else 0
            if wait:
                log.warning("login refused: account locked after repeated failures (client %s)",
                            request.remote_addr)
                return self._render_login(form, locked_message=lockout_message(wait)), 429, \
                    {"Retry-After": str(wait)}
            next_url = self._get_safe_next_url()
            user = sm.auth_user_db(form.username.data, form.password.data)
            if not user:
                tell(str(self.invalid_login_message), "warning")
                return redirect(self.appbuilder.get_url_for_login_with(next_url))
            login_user(user, remember=False)
            session[LOGIN_AT] = sessions.clock()
            return redirect(next_url)
        return self._render_login(form)

    def _get_safe_next_url(self):
        """Where to go after logging in: a path on this site (app.core.redirects), else the home page."""
        return local_path(request.args.get("next", "")) or self.appbuilder.get_url_for_index

    def _render_login(self, form, locked_message=None):
        return self.render_template(self.login_template, title=self.title, form=form,
                                    appbuilder=self.appbuilder, locked_message=locked_message)

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        """Afsluiten ends every session of the user (sm.on_user_logout), so no other site may trigger
        it: a GET logs out only when the browser says it comes from a page of the portal itself
        (Fetch Metadata, sent by every current browser); any other GET gets a button that POSTs with
        the CSRF token."""
        if request.method == "GET" and request.headers.get("Sec-Fetch-Site") != "same-origin":
            if g.user is None or not g.user.is_authenticated:
                return redirect(self.appbuilder.get_url_for_login)
            return self.render_template("security/logout.html", title=_("Afsluiten"), form=DynamicForm(),
                                        appbuilder=self.appbuilder)
        response = super().logout()
        session.pop(LOGIN_AT, None)
        return response

    @expose("/forgot-password/", methods=["GET", "POST"])
    @no_cache
    def forgot_password(self):
        form = ForgotPasswordForm()
        if form.validate_on_submit():
            accounts.request_password_reset(form.email.data)
            tell(str(self.neutral_reset_message), "info")  # the same whether the address exists or not
            return redirect(url_for(".login"))
        return self.render_template("security/forgot_password.html", title=_("Wachtwoord vergeten"),
                                    form=form, appbuilder=self.appbuilder)

    @expose("/set-password/<token>", methods=["GET", "POST"])
    @no_cache
    def set_password(self, token):
        user = accounts.user_for_token(token)
        if user is None:
            return self.render_template("security/link_invalid.html", title=_("Link niet geldig"),
                                        appbuilder=self.appbuilder), 404
        form = SetPasswordForm()
        if form.validate_on_submit():
            if accounts.set_password_with_token(token, form.password.data) is None:
                return self.render_template("security/link_invalid.html", title=_("Link niet geldig"),
                                            appbuilder=self.appbuilder), 404
            if g.user is not None and g.user.is_authenticated:
                logout_user()
            tell(_("Uw wachtwoord is ingesteld. Log in met uw e-mailadres en het nieuwe wachtwoord."), "success")
            return redirect(url_for(".login"))
        return self.render_template("security/set_password.html", title=_("Wachtwoord instellen"),
                                    form=form, email=user.email, appbuilder=self.appbuilder)


class ResetMyPasswordView(FabResetMyPasswordView):
    """Own password (Instellingen): asks the current one; the new one ends every other session."""

    form = ChangeOwnPasswordForm
    form_title = _l("Wachtwoord wijzigen")
    message = _l("Uw wachtwoord is gewijzigd. Op andere apparaten bent u nu uitgelogd.")

    def form_post(self, form):
        sm = self.appbuilder.sm
        login_at = session.get(LOGIN_AT)
        sm.reset_password(g.user.id, form.password.data)  # raises the session epoch
        login_user(sm.get_user_by_id(g.user.id), remember=False)  # this session goes on, others end
        session[LOGIN_AT] = login_at
        tell(str(self.message), "info")


class ResetPasswordView(FabResetPasswordView):
    """Staff set another user's password: never an administrator's unless they are one."""

    form_title = _l("Wachtwoord van gebruiker instellen")
    message = _l("Het wachtwoord is ingesteld. De gebruiker is overal uitgelogd.")

    def _target(self):
        user = self.appbuilder.sm.get_user_by_id(request.args.get("pk", type=int) or 0)
        if user is None or (ADMIN in user.role_names and ADMIN not in g.user.role_names):
            abort(404)
        return user

    @expose("/form", methods=["GET"])
    @has_access
    def this_form_get(self):
        if not request.args.get("pk"):  # reached without a user: choose one first
            tell(_("Kies eerst een gebruiker en daar 'Wachtwoord opnieuw instellen'."), "info")
            return redirect(url_for("FondsUserView.list"))
        return super().this_form_get()

    def form_get(self, form):
        self._target()

    def form_post(self, form):
        user = self._target()
        self.appbuilder.sm.reset_password(user.id, form.password.data)
        tell(str(self.message), "info")


def _as_id(pk):
    try:
        return int(pk)
    except (TypeError, ValueError):
        return None


def stored_role_names(session, user_id):
    """The user's roles as the database holds them (not the possibly edited object in the session)."""
    from flask_appbuilder.security.sqla.models import Role, assoc_user_role
    from sqlalchemy import select

    if user_id is None:
        return set()
    with session.no_autoflush:
        return set(session.execute(select(Role.name).join(assoc_user_role, assoc_user_role.c.role_id == Role.id)
                                   .where(assoc_user_role.c.user_id == user_id)).scalars())


def other_active_admins(session, user_id):
    """How many active admins there are besides this user, as the database holds them."""
    from flask_appbuilder.security.sqla.models import Role, assoc_user_role
    from sqlalchemy import func, select

    from app.security.manager import FondsUser

    with session.no_autoflush:
        return session.execute(
            select(func.count(FondsUser.id)).join(assoc_user_role, assoc_user_role.c.user_id == FondsUser.id)
            .join(Role, Role.id == assoc_user_role.c.role_id)
            .where(Role.name == ADMIN, FondsUser.active.is_(True), FondsUser.id != user_id)).scalar()


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
    # times on the fund's clock (app.core.formatting), Ja/Nee, nothing for an empty value
    formatters_columns = {name: display_value for name in ("active", "last_login", "login_count", "fail_login_count")}
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
        # Empty password: the user gets an invitation and chooses one himself (staff never need to
        # know it).
        "password": PasswordField(
            USER_LABELS["password"], [OptionalValidator(), PasswordComplexityValidator()],
            description=_l("Laat leeg om de gebruiker een uitnodiging per e-mail te sturen: hij kiest "
                           "dan zelf een wachtwoord."),
            widget=BS3PasswordFieldWidget()),
        "conf_password": PasswordField(
            USER_LABELS["conf_password"],
            [EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk."))],
            widget=BS3PasswordFieldWidget()),
        "company": NumberLookupField(USER_LABELS["company"], [OptionalValidator()], model=lambda: kind_model(COMPANY)),
        "employee": NumberLookupField(USER_LABELS["employee"], [OptionalValidator()],
                                      model=lambda: kind_model(EMPLOYEE)),
    }
    edit_form_extra_fields = {k: v for k, v in add_form_extra_fields.items()
                              if k in ("company", "employee")}
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "roles": [["name", FilterNotEqual, "public"]],
    }
    validators_columns = {}

    def _init_properties(self):
        super()._init_properties()
        self.validators_columns = with_column_lengths(self.datamodel.obj, self.validators_columns,
                                                      set(self.add_columns) | set(self.edit_columns))

    def get_method_permission(self, method_name):
        """Users have no CSV export, but the shared list template (base_list.html) asks every view for
        it, and FAB's lookup fails on a missing method (the users list answered 500). A permission no
        role holds hides the button."""
        if method_name == "export_csv" and not hasattr(self, method_name):
            return "export_csv"
        return super().get_method_permission(method_name)

    def pre_add(self, item):
        self._check(item)
        g.fonds_invite_after_add = not item.password
        if not item.password:
            item.password = accounts.unusable_password()
            return
        super().pre_add(item)  # hashes the password

    def post_add(self, item):
        if g.pop("fonds_invite_after_add", False):
            accounts.invite(item)
            tell(_("Er is een uitnodiging gestuurd naar %(email)s.", email=item.email), "info")

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """FAB's user page, with "Uitnodiging sturen" next to "Wachtwoord instellen"."""
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        actions = {name: self.actions.get(name) for name in ("invite", "resetpasswords")}
        widgets = self._get_show_widget(pk, item, actions=actions)
        self.update_redirect()
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    appbuilder=self.appbuilder, related_views=self._related_views)

    @action("invite", _l("Uitnodiging sturen"),
            _l("Een uitnodiging sturen? De gebruiker krijgt een e-mail met een link om zelf een (nieuw) "
               "wachtwoord te kiezen."), "fa-envelope")
    def invite(self, items):
        items = items if isinstance(items, list) else [items]
        sent = 0
        for item in items:
            if item is None or not item.active or (ADMIN in item.role_names and ADMIN not in g.user.role_names):
                continue
            accounts.invite(item)
            sent += 1
        if sent:
            tell(ngettext("Er is %(num)d uitnodiging verstuurd.", "Er zijn %(num)d uitnodigingen verstuurd.",
                           sent), "info")
        if sent < len(items):
            tell(_("Inactieve gebruikers en beheerders (behalve door een beheerder) krijgen geen uitnodiging."),
                  "warning")
        self.update_redirect()
        return redirect(self.get_redirect())

    def pre_update(self, item):
        self._check(item)
        super().pre_update(item)

    def _add(self):
        self._remember_roles(None)
        return super()._add()

    def _edit(self, pk):
        """Only an admin opens or saves the edit page of an admin (as delete, reset and invite)."""
        before = self._remember_roles(_as_id(pk))
        if ADMIN in before["target"] and ADMIN not in before["actor"]:
            abort(404)
        return super()._edit(pk)

    def _remember_roles(self, target_id):
        """The acting user's and the target's roles as the database holds them now, before the form is
        put into the objects: filling it in flushes (a collection being replaced is loaded first), and
        when staff edit themselves ``g.user`` is the edited object."""
        session = self.datamodel.session
        g.fonds_roles_before = {"actor": stored_role_names(session, g.user.id),
                                "target": stored_role_names(session, target_id)}
        return g.fonds_roles_before

    def _check(self, item):
        """The account rules, with the rights as they were before this request (_remember_roles)."""
        item.username = item.email
        session = self.datamodel.session
        before = g.get("fonds_roles_before") or self._remember_roles(item.id)
        role_names = {role.name for role in item.roles}
        links = {name: getattr(item, name) for name in SCOPE_COLUMNS}
        errors = {**scope_link_errors(role_names, links), **role_grant_errors(before["actor"], role_names)}
        if item.id is not None:
            errors.update(user_change_errors(g.user.id, before["actor"], item.id, before["target"], role_names,
                                             item.active, other_active_admins(session, item.id)))
        if errors:
            session.rollback()  # the edited user (perhaps the acting one) keeps the roles it had
            raise ValueError(" ".join(dict.fromkeys(errors.values())))

    @expose("/download/<string:filename>")
    def download(self, filename):
        abort(404)  # FAB's user view would serve any uploaded file to whoever may list users

    def _delete(self, pk):
        if str(pk) == str(g.user.id):
            tell(_l("U kunt uw eigen account niet verwijderen."), "danger")
            return
        item = self.datamodel.get(pk)
        if item is None:
            abort(404)
        if ADMIN in item.role_names and ADMIN not in g.user.role_names:
            abort(404)
        return super()._delete(pk)
