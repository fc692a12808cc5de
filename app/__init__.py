"""Application factory: config → extensions → security manager → views → CLI."""
import logging
from pathlib import Path

from flask import Flask, session
from flask_appbuilder import AppBuilder
from flask_appbuilder.menu import Menu

from app.extensions import csrf, db, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class ConfigurationError(RuntimeError):
    pass


def create_app(overrides=None):
    app = Flask(__name__)
    app.config.from_object("config")
    if overrides:
        app.config.update(overrides)
    _require_secret_key(app)
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    from app.security.rules import password_policy

    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = password_policy
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"))

    from app import models  # noqa: F401  (registers every table on the metadata)
    from app.core.plugins import discover
    from app.shell.index import HomeView
    from app.views import register_views

    discover("tabs")  # each domain's dossier tabs

    with app.app_context():
        db.init_app(app)
        csrf.init_app(app)  # before AppBuilder: FAB exempts its token-only APIs from it
        migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
        # One AppBuilder per app: FAB keeps views and menu on the instance, and tests build
        # an app per database.
        appbuilder = AppBuilder(indexview=HomeView, menu=Menu(reverse=False))
        appbuilder.init_app(app, db.session)
        register_views(appbuilder)

    from app.cli import register_cli
    from app.core.errors import register_error_handlers
    from app.core.input_guard import register_input_guard
    from app.security.headers import register_security_headers
    from app.shell.context import register_shell

    @app.before_request
    def _sliding_session():
        # PERMANENT_SESSION_LIFETIME then works as an idle timeout, renewed by every request.
        session.permanent = True

    register_cli(app)
    register_error_handlers(app)
    register_input_guard(app)
    register_security_headers(app)
    register_shell(app)
    return app


def _require_secret_key(app):
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("DEVELOPMENT") or app.config.get("TESTING"):
        app.config["SECRET_KEY"] = _development_secret(app)
        return
    raise ConfigurationError(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable (or FONDS_ENV=development)."
    )


def _development_secret(app):
    """A random key kept in instance/ so development sessions survive a restart."""
    import secrets

    path = Path(app.config["INSTANCE_DIR"]) / "dev-secret-key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
