"""Configuration from environment variables, with development defaults that need nothing set."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENVIRONMENTS = ("development", "production")
#: How the connection to the mail server is secured: STARTTLS, TLS from the start, or not.
MAIL_SECURITY = ("starttls", "tls", "none")
#: The argon2 cost profile of advisor passwords (tests choose a cheaper one).
HASH_PROFILE = "default"
# Refused in production (bandit B105).
DEV_SECRET = "dev-only-secret-do-not-use-in-production"  # nosec B105


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app can run with."""


def config_from_env(
    environ: Mapping[str, str], instance_path: str, project_root: Path
) -> dict[str, Any]:
    """Settings read from the environment; production refuses to run without a secret key."""
    environment = environ.get("DIGITALCHECK_ENV", "development")
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            f"DIGITALCHECK_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}"
        )
    secret = environ.get("SECRET_KEY", "")
    if environment == "production" and len(secret) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production, "
            'e.g. python -c "import secrets; print(secrets.token_hex(32))"'
        )
    database = (
        environ.get("DATABASE_URL") or f"sqlite:///{os.path.join(instance_path, 'digitalcheck.db')}"
    )
    external = _external_url(environ.get("EXTERNAL_URL", ""), environment)
    return {
        "ENVIRONMENT": environment,
        "SECRET_KEY": secret or DEV_SECRET,
        "SQLALCHEMY_DATABASE_URI": _normalise_database_url(database),
        "QUESTIONNAIRE_DIR": environ.get("QUESTIONNAIRE_DIR", str(project_root / "questionnaires")),
        "CACHE_DIR": environ.get("CACHE_DIR") or os.path.join(instance_path, "cache"),
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "MAX_FORM_MEMORY_SIZE": 256 * 1024,
        "BABEL_DEFAULT_LOCALE": "de",
        #: Times are stored in UTC and shown, and date filters read, in this zone.
        "BABEL_DEFAULT_TIMEZONE": _timezone(environ.get("TIMEZONE", "Europe/Berlin")),
        "LANGUAGES": ("de", "en"),
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": environment == "production",
        "ADVISOR_IDLE_MINUTES": _number(environ, "ADVISOR_IDLE_MINUTES", 30),
        "ADVISOR_SESSION_HOURS": _number(environ, "ADVISOR_SESSION_HOURS", 10),
        "LOGIN_WINDOW_MINUTES": _number(environ, "LOGIN_WINDOW_MINUTES", 15),
        "LOGIN_LIMIT_PER_ACCOUNT": _number(environ, "LOGIN_LIMIT_PER_ACCOUNT", 5),
        "LOGIN_LIMIT_PER_ADDRESS": _number(environ, "LOGIN_LIMIT_PER_ADDRESS", 20),
        #: Checks one client address may start in START_WINDOW_MINUTES.
        "START_LIMIT_PER_ADDRESS": _number(environ, "START_LIMIT_PER_ADDRESS", 20),
        "START_WINDOW_MINUTES": _number(environ, "START_WINDOW_MINUTES", 15),
        #: `flask purge` deletes checks started but never saved after this many days,
        "UNSAVED_CHECK_DAYS": _number(environ, "UNSAVED_CHECK_DAYS", 30),
        #: and login records and ended advisor sessions after this many.
        "LOGIN_RECORD_DAYS": _number(environ, "LOGIN_RECORD_DAYS", 90),
        "PASSWORD_HASH_PROFILE": HASH_PROFILE,
        #: How old the peer medians in a report may be before they are computed again.
        "BENCHMARK_MAX_AGE_MINUTES": _number(environ, "BENCHMARK_MAX_AGE_MINUTES", 10),
        #: The fewest firms a peer group may have to be shown: 5, or more if the centre wishes.
        "BENCHMARK_MIN_FIRMS": _at_least(environ, "BENCHMARK_MIN_FIRMS", 5),
        #: Writing a workbook takes about 0.4 ms per line: larger ones are refused (CSV has no cap).
        "XLSX_MAX_ROWS": _number(environ, "XLSX_MAX_ROWS", 20_000),
        #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed.
        "TRUSTED_PROXIES": _count(environ, "TRUSTED_PROXIES"),
        #: Whether the proxies' X-Forwarded-Host is believed (never by default).
        "TRUST_FORWARDED_HOST": _flag(environ, "TRUST_FORWARDED_HOST"),
        #: Where owners reach the app: every link that leaves a page (the resume link, the
        #: PDF's links) is built on it, never on the request's Host.
        "EXTERNAL_URL": external,
        #: Requests for other hosts are refused (production: the external URL's host).
        "TRUSTED_HOSTS": _trusted_hosts(environ, external, environment),
        "REMEMBER_COOKIE_DURATION": 0,
        #: A referral without the partner's answer after this many days is to be followed up,
        #: and the partner gets one reminder (`flask mail remind`).
        "REFERRAL_FOLLOW_UP_DAYS": _number(environ, "REFERRAL_FOLLOW_UP_DAYS", 14),
        #: Owners who agreed to be contacted get one invitation to repeat a check this many
        #: months after submitting it (`flask mail invite`).
        "REPEAT_INVITATION_MONTHS": _number(environ, "REPEAT_INVITATION_MONTHS", 12),
        #: Processes that render PDFs for all web workers of a gunicorn server together, started
        #: with it (each takes about one core while it renders, and one document at a time).
        "PDF_RENDERERS": _number(environ, "PDF_RENDERERS", 1),
        #: A team check's link works for this many days (a new link starts anew).
        "TEAM_LINK_DAYS": _number(environ, "TEAM_LINK_DAYS", 14),
        #: Invitations to a team check one check may have sent per hour.
        "TEAM_INVITATION_LIMIT": _number(environ, "TEAM_INVITATION_LIMIT", 30),
        **funding_settings(environ),
        **_mail_settings(environ, instance_path, environment),
    }


def funding_settings(environ: Mapping[str, str]) -> dict[str, int]:
    """When funding entries are out of date (also read by `flask questionnaire check`)."""
    return {
        #: A programme last checked longer ago than this is shown with "conditions may have
        #: changed, ask the centre", and `flask questionnaire check` warns of it.
        "FUNDING_STALE_DAYS": _number(environ, "FUNDING_STALE_DAYS", 180),
        #: `flask questionnaire check` warns of a programme closed for longer than this.
        "FUNDING_CLOSED_DAYS": _number(environ, "FUNDING_CLOSED_DAYS", 30),
    }


def _mail_settings(
    environ: Mapping[str, str], instance_path: str, environment: str
) -> dict[str, Any]:
    """How e-mail leaves: an SMTP server (MAIL_HOST), or .eml files in MAIL_DIR without one."""
    host = environ.get("MAIL_HOST", "").strip()
    security = environ.get("MAIL_SECURITY", "starttls").strip() or "starttls"
    if security not in MAIL_SECURITY:
        raise ConfigError(
            f"MAIL_SECURITY must be one of {', '.join(MAIL_SECURITY)}, not {security!r}"
        )
    sender = environ.get("MAIL_SENDER", "").strip()
    if host and environment == "production" and not sender:
        raise ConfigError("MAIL_SENDER must be set when MAIL_HOST is, e.g. check@centre.example")
    default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
    return {
        "MAIL_HOST": host,
        "MAIL_PORT": _number(environ, "MAIL_PORT", default_port),
        "MAIL_SECURITY": security,
        "MAIL_USER": environ.get("MAIL_USER", ""),
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD", ""),
        "MAIL_SENDER": sender or "digital-check@localhost",
        "MAIL_REPLY_TO": environ.get("MAIL_REPLY_TO", "").strip(),
        #: Without MAIL_HOST every message is written here as an .eml file.
        "MAIL_DIR": environ.get("MAIL_DIR") or os.path.join(instance_path, "mail"),
        #: Where notices of consultation requests go (the centre's e-mail if not set).
        "MAIL_CENTRE_INBOX": environ.get("MAIL_CENTRE_INBOX", "").strip(),
        "MAIL_TIMEOUT_SECONDS": _number(environ, "MAIL_TIMEOUT_SECONDS", 30),
        #: Attempts before a message is marked failed; the delay doubles from MAIL_RETRY_SECONDS
        #: up to MAIL_RETRY_MAX_SECONDS.
        "MAIL_MAX_ATTEMPTS": _number(environ, "MAIL_MAX_ATTEMPTS", 10),
        "MAIL_RETRY_SECONDS": _number(environ, "MAIL_RETRY_SECONDS", 60),
        "MAIL_RETRY_MAX_SECONDS": _number(environ, "MAIL_RETRY_MAX_SECONDS", 3600),
        #: A worker holds a message this long; if it dies, another sends it after that.
        "MAIL_LEASE_SECONDS": _number(environ, "MAIL_LEASE_SECONDS", 300),
        #: Links one check may have sent by e-mail per hour, and one address may receive.
        "MAIL_LINK_LIMIT": _number(environ, "MAIL_LINK_LIMIT", 3),
    }


def _timezone(name: str) -> str:
    """An IANA time zone name such as Europe/Berlin."""
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError) as error:
        raise ConfigError(
            f"TIMEZONE must name a time zone such as Europe/Berlin, not {name!r}"
        ) from error
    return name


def _count(environ: Mapping[str, str], name: str) -> int:
    """A whole number from the environment, 0 when not set."""
    raw = environ.get(name, "").strip() or "0"
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {raw!r}")
    return int(raw)


def _number(environ: Mapping[str, str], name: str, default: int) -> int:
    """A positive whole number from the environment."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)


def _at_least(environ: Mapping[str, str], name: str, least: int) -> int:
    """A whole number from the environment, never below ``least`` (its default)."""
    value = _number(environ, name, least)
    if value < least:
        raise ConfigError(f"{name} may be raised, never set below {least}; it is {value}")
    return value


def _external_url(raw: str, environment: str) -> str:
    """The address owners use, such as https://check.example.org (no path, no trailing slash)."""
    url = raw.strip().rstrip("/")
    if not url:
        if environment == "production":
            raise ConfigError(
                "EXTERNAL_URL must be set in production to the address owners use, "
                "e.g. https://check.example.org: links in pages and PDFs are built on it"
            )
        return "http://127.0.0.1:5000"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise ConfigError(
            f"EXTERNAL_URL must be a web address such as https://check.example.org, not {raw!r}"
        )
    if environment == "production" and parts.scheme != "https":
        raise ConfigError(f"EXTERNAL_URL must start with https:// in production, not {raw!r}")
    return url


def _trusted_hosts(environ: Mapping[str, str], external: str, environment: str) -> list[str] | None:
    """The host names requests may be for; None (any) in development unless given."""
    given = [host.strip() for host in environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()]
    if given:
        return given
    if environment == "production":
        return [urlsplit(external).hostname or ""]
    return None


def _flag(environ: Mapping[str, str], name: str) -> bool:
    """A yes/no setting: 1 or 0 (unset: 0)."""
    raw = environ.get(name, "").strip() or "0"
    if raw not in ("0", "1"):
        raise ConfigError(f"{name} must be 1 or 0, not {raw!r}")
    return raw == "1"


def _normalise_database_url(url: str) -> str:
    """PostgreSQL URLs (also the postgres:// some hosts hand out) use the installed psycopg 3."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url
