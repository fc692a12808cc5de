"""Configuration: production refuses to start without a SECRET_KEY; settings come from the environment."""
import importlib

import pytest

from app import ConfigurationError, create_app


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigurationError):
        create_app({"SECRET_KEY": None, "DEVELOPMENT": False, "TESTING": False,
                    "INSTANCE_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_settings_are_read_from_the_environment(monkeypatch):
    import config

    monkeypatch.setenv("DATABASE_URL", "postgresql://fonds@db/portaal")
    monkeypatch.setenv("MAX_UPLOAD_MB", "3")
    monkeypatch.setenv("SAFE_REDIRECT_HOSTS", "portaal.example.nl")
    monkeypatch.setenv("FONDS_ENV", "production")
    reloaded = importlib.reload(config)
    try:
        assert reloaded.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://fonds@db/portaal"
        assert reloaded.MAX_CONTENT_LENGTH == 3 * 1024 * 1024
        assert reloaded.FAB_SAFE_REDIRECT_HOSTS == ["portaal.example.nl"]
        assert reloaded.SESSION_COOKIE_SECURE is True
        assert reloaded.AUTH_USER_REGISTRATION is False
    finally:
        monkeypatch.undo()
        importlib.reload(config)
