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
        "EXTERNAL_URL": "https://check.example.org/",
    }
    config = config_from_env(environ, str(tmp_path), PROJECT_ROOT)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://user@db/digitalcheck"
    assert config["SECRET_KEY"] == "s" * 40
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["EXTERNAL_URL"] == "https://check.example.org"
    assert config["TRUSTED_HOSTS"] == ["check.example.org"]
    assert config["TRUST_FORWARDED_HOST"] is False
    hosts = {**environ, "TRUSTED_HOSTS": "check.example.org, www.check.example.org"}
    assert config_from_env(hosts, str(tmp_path), PROJECT_ROOT)["TRUSTED_HOSTS"] == [
        "check.example.org",
        "www.check.example.org",
    ]


@pytest.mark.parametrize(
    ("external", "message"),
    [
        (None, "EXTERNAL_URL must be set in production"),
        ("http://check.example.org", "must start with https:// in production"),
        ("https://check.example.org/app", "must be a web address such as"),
        ("check.example.org", "must be a web address such as"),
    ],
)
def test_production_needs_its_external_url(
    tmp_path: Path, external: str | None, message: str
) -> None:
    """Links that leave a page are built on EXTERNAL_URL, so production refuses to guess it."""
    environ = {"DIGITALCHECK_ENV": "production", "SECRET_KEY": "s" * 40}
    if external is not None:
        environ["EXTERNAL_URL"] = external
    with pytest.raises(ConfigError, match=message):
        config_from_env(environ, str(tmp_path), PROJECT_ROOT)


def test_development_links_and_hosts(tmp_path: Path) -> None:
    """In development links point at `make run`'s address and any host is answered."""
    config = config_from_env({}, str(tmp_path), PROJECT_ROOT)
    assert config["EXTERNAL_URL"] == "http://127.0.0.1:5000"
    assert config["TRUSTED_HOSTS"] is None


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://user@db/dc", "postgresql+psycopg://user@db/dc"),
        ("postgresql://user:pw@db:5432/dc", "postgresql+psycopg://user:pw@db:5432/dc"),
        ("postgresql+psycopg://user@db/dc", "postgresql+psycopg://user@db/dc"),
        ("sqlite:////srv/dc.db", "sqlite:////srv/dc.db"),
    ],
)
def test_postgresql_urls_use_psycopg_3(tmp_path: Path, given: str, used: str) -> None:
    """A plain PostgreSQL URL gets the installed driver, psycopg 3, not SQLAlchemy's psycopg2."""
    config = config_from_env({"DATABASE_URL": given}, str(tmp_path), PROJECT_ROOT)
    assert config["SQLALCHEMY_DATABASE_URI"] == used


def test_unknown_environment(tmp_path: Path) -> None:
    """A misspelt environment name is refused rather than treated as development."""
    with pytest.raises(ConfigError, match="DIGITALCHECK_ENV must be one of"):
        config_from_env({"DIGITALCHECK_ENV": "prod"}, str(tmp_path), PROJECT_ROOT)


def test_advisor_settings_from_the_environment(tmp_path: Path) -> None:
    """Session lifetimes, login limits, the XLSX cap and the time zone can be set."""
    defaults = config_from_env({}, str(tmp_path), PROJECT_ROOT)
    assert defaults["ADVISOR_IDLE_MINUTES"] == 30
    assert defaults["LOGIN_LIMIT_PER_ACCOUNT"] == 5
    assert defaults["BABEL_DEFAULT_TIMEZONE"] == "Europe/Berlin"
    environ = {
        "ADVISOR_IDLE_MINUTES": "15",
        "ADVISOR_SESSION_HOURS": "4",
        "LOGIN_LIMIT_PER_ADDRESS": "50",
        "XLSX_MAX_ROWS": "5000",
        "TIMEZONE": "Europe/Vienna",
    }
    config = config_from_env(environ, str(tmp_path), PROJECT_ROOT)
    assert config["ADVISOR_IDLE_MINUTES"] == 15
    assert config["ADVISOR_SESSION_HOURS"] == 4
    assert config["LOGIN_LIMIT_PER_ADDRESS"] == 50
    assert config["XLSX_MAX_ROWS"] == 5000
    assert config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Vienna"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ADVISOR_IDLE_MINUTES", "0", "positive whole number"),
        ("LOGIN_LIMIT_PER_ACCOUNT", "five", "positive whole number"),
        ("TIMEZONE", "Mars/Olympus", "time zone"),
    ],
)
def test_bad_advisor_settings_are_refused(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    """A setting that is not a number (or not a time zone) stops the start with its name."""
    with pytest.raises(ConfigError, match=f"{name}.*{message}"):
        config_from_env({name: value}, str(tmp_path), PROJECT_ROOT)
