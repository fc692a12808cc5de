"""Fondsportaal configuration.

Every setting can be overridden by an environment variable of the same name (see README,
"Configuration"). Read once by create_app(); tests pass overrides to create_app() instead.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = str(Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance")))


def _env(name, default=None):
    return os.environ.get(name, default)


def _env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


# --- Environment -------------------------------------------------------------------------------
# "development" allows a generated SECRET_KEY and writes mail to a folder; anything else is production.
FONDS_ENV = _env("FONDS_ENV", "production")
DEVELOPMENT = FONDS_ENV == "development"

SECRET_KEY = _env("SECRET_KEY")

# --- Database ----------------------------------------------------------------------------------
SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR}/fondsportaal.db")
if SQLALCHEMY_DATABASE_URI.startswith("postgresql://"):
    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://" + SQLALCHEMY_DATABASE_URI[len("postgresql://"):]
SQLALCHEMY_TRACK_MODIFICATIONS = False
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

# --- Application -------------------------------------------------------------------------------
APP_NAME = _env("APP_NAME", "Fondsportaal")
LOG_LEVEL = _env("LOG_LEVEL", "INFO")

# --- Locale ------------------------------------------------------------------------------------
BABEL_DEFAULT_LOCALE = _env("BABEL_DEFAULT_LOCALE", "nl")
BABEL_DEFAULT_TIMEZONE = _env("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
# A relative path would resolve under app/: the catalogue lives in the top-level translations/.
BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
LANGUAGES = {
    "nl": {"flag": "nl", "name": "Nederlands"},
    "en": {"flag": "gb", "name": "English"},
}

# --- Mail --------------------------------------------------------------------------------------
MAIL_SERVER = _env("MAIL_SERVER", "")  # empty: mail is written to MAIL_OUTBOX_DIR
MAIL_PORT = _env_int("MAIL_PORT", 587)
MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
MAIL_USERNAME = _env("MAIL_USERNAME", "")
MAIL_PASSWORD = _env("MAIL_PASSWORD", "")
MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "noreply@fondsportaal.nl")
MAIL_OUTBOX_DIR = _env("MAIL_OUTBOX_DIR", f"{INSTANCE_DIR}/mail_outbox")
MAIL_TIMEOUT_SECONDS = _env_int("MAIL_TIMEOUT_SECONDS", 10)
# Links in e-mails (invitations, password reset) start with this address, never with the Host header
# of the request that asked for them. Empty: the request's own address, if its host is one of
# SAFE_REDIRECT_HOSTS.
PUBLIC_URL = _env("PUBLIC_URL", "").rstrip("/")

# --- Uploads (app/core/uploads/) ---------------------------------------------------------------
# Where uploaded files are kept: outside any static folder (the app refuses to store in one); they
# are served only by the scoped download /bestanden/<token>. Part of every backup.
UPLOAD_FOLDER = _env("UPLOAD_FOLDER", f"{INSTANCE_DIR}/uploads")
UPLOAD_MAX_BYTES = _env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)  # the largest file accepted
# An Office file (a zip archive) whose parts together unpack to more is refused as a zip bomb.
UPLOAD_MAX_UNPACKED_BYTES = _env_int("UPLOAD_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
# The largest request body (Werkzeug answers 413, a Dutch error page): by default the largest file
# plus 1 MB for the form around it, so an oversized file gets the upload service's own message.
MAX_CONTENT_LENGTH = _env_int("MAX_UPLOAD_MB", 0) * 1024 * 1024 or UPLOAD_MAX_BYTES + 1024 * 1024

# --- Security ----------------------------------------------------------------------------------
AUTH_TYPE = 1  # flask_appbuilder.const.AUTH_DB: e-mail address + password
AUTH_USER_REGISTRATION = False  # FAB's self-registration needs an online reCAPTCHA
AUTH_ROLE_ADMIN = "admin"
AUTH_ROLE_PUBLIC = "public"  # has no permissions at all
FAB_SECURITY_MANAGER_CLASS = "app.security.manager.FondsSecurityManager"
FAB_UPDATE_PERMS = False  # permissions are synchronised by `flask roles sync`, not by every worker
FAB_ADD_SECURITY_API = False
FAB_ADD_MENU_API = False  # FAB's menu API takes the session cookie; the README promises no API does
FAB_API_SWAGGER_UI = False
FAB_API_SHOW_STACKTRACE = False
FAB_API_MAX_PAGE_SIZE = 100
FAB_SAFE_REDIRECT_HOSTS = [h for h in _env("SAFE_REDIRECT_HOSTS", "127.0.0.1,localhost").split(",") if h]
FAB_PASSWORD_HASH_METHOD = "scrypt"
# FAB's AUTH_DB_FAKE_PASSWORD_HASH_CHECK keeps its default: a scrypt hash with the same parameters as
# ours, checked for an unknown or inactive user so that both answers take as long (CVE-2021-29621).
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", not DEVELOPMENT)
PERMANENT_SESSION_LIFETIME = _env_int("SESSION_IDLE_MINUTES", 30) * 60
AUTH_RATE_LIMITED = _env_bool("AUTH_RATE_LIMITED", True)
RATELIMIT_ENABLED = AUTH_RATE_LIMITED
AUTH_RATE_LIMIT = _env("AUTH_RATE_LIMIT", "10 per 20 second")
RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
# Failed logins per account (the e-mail address typed), whatever the client address: the attempt after
# the limit is refused until the window has passed (a temporary lockout).
AUTH_ACCOUNT_RATE_LIMIT = _env("AUTH_ACCOUNT_RATE_LIMIT", "5 per minute; 20 per hour")
# Password-reset mails per e-mail address.
PASSWORD_RESET_RATE_LIMIT = _env("PASSWORD_RESET_RATE_LIMIT", "3 per hour")
SESSION_MAX_HOURS = _env_int("SESSION_MAX_HOURS", 12)  # absolute cap, however active the session
INVITATION_VALID_DAYS = _env_int("INVITATION_VALID_DAYS", 7)
PASSWORD_RESET_VALID_MINUTES = _env_int("PASSWORD_RESET_VALID_MINUTES", 120)
HSTS_MAX_AGE = _env_int("HSTS_MAX_AGE", 0 if DEVELOPMENT else 365 * 24 * 3600)  # 0: no HSTS header
# Reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are trusted (werkzeug
# ProxyFix). 0 = none; behind one https proxy set 1, or every client shares the proxy's address.
TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

# --- Schemes ---------------------------------------------------------------------------------
# Persoonlijke TrainingsToelage: the yearly budget per employee in euros (M7.3.6), until the schemes
# module makes it a configured scheme.
PTT_YEARLY_BUDGET = _env("PTT_YEARLY_BUDGET", "1000.00")

# --- Look --------------------------------------------------------------------------------------
APP_THEME = ""  # FAB's plain Bootstrap 3; most bootswatch themes import Google Fonts
FAB_BASE_TEMPLATE = "shell/layout.html"
PAGE_SIZE = _env_int("PAGE_SIZE", 25)
FAB_CREATE_DB = False  # the schema belongs to the migrations
FAB_PASSWORD_COMPLEXITY_ENABLED = True
FAB_PASSWORD_COMPLEXITY_VALIDATOR = None  # set to app.security.rules.password_policy in create_app
