"""Configuration from the environment: development needs nothing; production needs a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment import PROJECT_ROOT, create_app
from assessment.config import ConfigError, config_from_env


def test_development_needs_nothing_set(tmp_path: Path) -> None:
    """With no variables the app runs on SQLite under instance/ with a development secret."""
    config = config_from_env({}, str(tmp_path), PROJECT_ROOT)
    assert config["ENVIRONMENT"] == "development"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/digitalcheck.db"
    assert config["SECRET_KEY"]
    assert config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("secret", [None, "", "short"])
def test_production_refuses_to_start_without_a_secret_key(
    monkeypatch: pytest.MonkeyPatch, secret: str | None
) -> None:
    """A production start without a proper SECRET_KEY stops with instructions."""
    monkeypatch.setenv("DIGITALCHECK_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app()


def test_production_settings(tmp_path: Path) -> None:
    """Production takes the database URL and secret from the environment; cookies are Secure."""
    environ = {
        "DIGITALCHECK_ENV": "production",
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": "postgres://user@db/digitalcheck",
    }
    config = config_from_env(environ, str(tmp_path), PROJECT_ROOT)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql://user@db/digitalcheck"
    assert config["SECRET_KEY"] == "s" * 40
    assert config["SESSION_COOKIE_SECURE"] is True


def test_unknown_environment(tmp_path: Path) -> None:
    """A misspelt environment name is refused rather than treated as development."""
    with pytest.raises(ConfigError, match="DIGITALCHECK_ENV must be one of"):
        config_from_env({"DIGITALCHECK_ENV": "prod"}, str(tmp_path), PROJECT_ROOT)
