"""Invitations and password reset: who gets a one-time link, what the mail says, and what using the
link does. Plain functions (an app context is enough: they are tested without HTTP); the views in
views.py only call them.
"""
import datetime as dt
import logging
import secrets

from flask import current_app, has_request_context, request, url_for
from flask_babel import force_locale, gettext as _
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.core import clock
from app.core.mail import send_mail
from app.security import tokens
from app.security.rules import password_policy
from app.security.sessions import end_all_sessions

log = logging.getLogger(__name__)

SET_PASSWORD_ENDPOINT = "FondsAuthDBView.set_password"


def _db():
    return current_app.appbuilder.sm.session


def hash_password(password):
    return generate_password_hash(password, method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
                                  salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16))


def unusable_password():
    """The stored hash of an invited user who has not chosen a password yet: a real hash of a random
    secret nobody knows, so a login attempt costs the same time as for anyone else."""
    return hash_password(secrets.token_urlsafe(32))


def find_active_user(email):
    from app.security.manager import FondsUser

    email = (email or "").strip().lower()
    if not email or len(email) > 320:
        return None
    return _db().execute(select(FondsUser).where(func.lower(FondsUser.email) == email,
                                                 FondsUser.active.is_(True))).scalar_one_or_none()


# --- invitations -------------------------------------------------------------------------------

def invite(user, now=None):
    """Mail ``user`` a one-time link to choose a password (INVITATION_VALID_DAYS). Earlier links of
    the user stop working. Returns the .eml path in outbox mode."""
    now = now or clock.now()
    days = current_app.config["INVITATION_VALID_DAYS"]
    raw = tokens.issue(_db(), user.id, tokens.INVITE, now, dt.timedelta(days=days))
    _db().commit()
    app_name = current_app.config["APP_NAME"]
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")):
        subject = _("Uitnodiging voor %(app)s", app=app_name)
        body = _(
            "Beste %(name)s,\n\n"
            "U bent uitgenodigd voor %(app)s, het portaal van het fonds. Kies via deze link uw "
            "wachtwoord:\n\n%(link)s\n\n"
            "Daarna logt u in met uw e-mailadres %(email)s en dat wachtwoord.\n\n"
            "De link werkt één keer en is %(days)d dagen geldig. Verlopen? Vraag dan een nieuwe aan "
            "met 'Wachtwoord vergeten' op de inlogpagina.\n\n"
            "Had u deze uitnodiging niet verwacht? Dan kunt u dit bericht negeren.\n\n"
            "Met vriendelijke groet,\n%(app)s",
            name=user.first_name, app=app_name, link=link_for(raw), email=user.email, days=days)
    path = send_mail(user.email, subject, body)
    log.info("invitation sent to user %s", user.id)
    return path


# --- password reset ----------------------------------------------------------------------------

def request_password_reset(email, now=None):
    """Mail a one-time reset link (PASSWORD_RESET_VALID_MINUTES) if ``email`` belongs to an active
    user. The caller answers the same either way; the return value is for tests only."""
    now = now or clock.now()
    user = find_active_user(email)
    if user is None:
        log.info("password reset asked for an address without an active account")
        return False
    throttle = current_app.appbuilder.sm.reset_throttle
    if throttle is not None:
        if throttle.retry_after(user.email):
            log.warning("password reset for user %s refused: too many requests", user.id)
            return False
        throttle.hit(user.email)
    minutes = current_app.config["PASSWORD_RESET_VALID_MINUTES"]
    raw = tokens.issue(_db(), user.id, tokens.RESET, now, dt.timedelta(minutes=minutes))
    _db().commit()
    app_name = current_app.config["APP_NAME"]
    subject = _("Nieuw wachtwoord voor %(app)s", app=app_name)
    body = _(
        "Beste %(name)s,\n\n"
        "Iemand, waarschijnlijk u, heeft gevraagd om een nieuw wachtwoord voor %(app)s. Kies via "
        "deze link een nieuw wachtwoord:\n\n%(link)s\n\n"
        "De link werkt één keer en is %(duration)s geldig.\n\n"
        "Heeft u dit niet gevraagd? Dan kunt u dit bericht negeren: uw wachtwoord blijft zoals het is.\n\n"
        "Met vriendelijke groet,\n%(app)s",
        name=user.first_name, app=app_name, link=link_for(raw), duration=duration_text(minutes))
    send_mail(user.email, subject, body, background=True)
    log.info("password reset link sent to user %s", user.id)
    return True


def duration_text(minutes):
    if minutes % 60 == 0:
        return _("%(n)d uur", n=minutes // 60)
    return _("%(n)d minuten", n=minutes)


# --- using a link --------------------------------------------------------------------------------

def user_for_token(raw, now=None):
    """The user a still valid link belongs to, or None."""
    token = tokens.find_valid(_db(), raw, now or clock.now())
    return token.user if token is not None else None


def set_password_with_token(raw, password, now=None):
    """Use the link once: set the password, end every session and open link of the user, and lift a
    login lockout. Returns the user, or None if the link is unknown, used or expired (nothing
    changes then). Raises PasswordComplexityValidationError for a password the policy refuses."""
    password_policy(password)
    now = now or clock.now()
    token = tokens.consume(_db(), raw, now)
    if token is None:
        _db().rollback()
        return None
    user = token.user
    user.password = hash_password(password)
    user.fail_login_count = 0
    _db().commit()
    end_all_sessions(_db(), user.id)
    throttle = current_app.appbuilder.sm.login_throttle
    if throttle is not None:
        throttle.clear(user.email)
    log.info("password set with a one-time %s link for user %s", token.purpose, user.id)
    return user


# --- links ---------------------------------------------------------------------------------------

def link_for(raw):
    return public_url(url_for(SET_PASSWORD_ENDPOINT, token=raw))


def public_url(path):
    """An absolute address for a mail. PUBLIC_URL when set; otherwise the request's own address,
    but only if its host is one of SAFE_REDIRECT_HOSTS: a forged Host header must not turn a reset
    link into a link to someone else's site."""
    base = current_app.config.get("PUBLIC_URL", "")
    if base:
        return base.rstrip("/") + path
    safe_hosts = current_app.config.get("FAB_SAFE_REDIRECT_HOSTS") or ["localhost"]
    if has_request_context():
        host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
        if host in safe_hosts:
            return request.host_url.rstrip("/") + path
        log.warning("mail link for a request to an unlisted host; set PUBLIC_URL")
        return f"{request.scheme}://{safe_hosts[0]}{path}"
    return f"https://{safe_hosts[0]}{path}"
