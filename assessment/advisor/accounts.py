"""Advisor accounts, logins and their sessions, with rate limits kept in the database."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..kernel.models import as_utc, utcnow
from ..logs import log_event
from ..questionnaire.cleantext import has_invisible
from .models import Advisor, AdvisorSession, LoginAttempt
from .passwords import Hasher, policy_problem
from .throttle import trusted_device, wait_before_attempt

log = logging.getLogger("assessment.advisor.login")
#: One @, something before it, and a domain with a dot; no spaces.
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
#: Only every this often is a session's last activity written, not on every request.
TOUCH_INTERVAL = timedelta(seconds=60)


class AccountError(ValueError):
    """An account cannot be created or changed; the message says why."""


@dataclass(frozen=True)
class Limits:
    """Session lifetimes and login rate limits, from the app's configuration."""

    idle: timedelta
    absolute: timedelta
    window: timedelta
    per_account: int
    per_address: int

    @classmethod
    def configured(cls) -> Limits:
        """The limits set in the current app's configuration."""
        config = current_app.config
        return cls(
            idle=timedelta(minutes=config["ADVISOR_IDLE_MINUTES"]),
            absolute=timedelta(hours=config["ADVISOR_SESSION_HOURS"]),
            window=timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
            per_account=config["LOGIN_LIMIT_PER_ACCOUNT"],
            per_address=config["LOGIN_LIMIT_PER_ADDRESS"],
        )


def hasher() -> Hasher:
    """The app's password hasher (made once per app)."""
    extensions = current_app.extensions
    if "password_hasher" not in extensions:
        extensions["password_hasher"] = Hasher(current_app.config["PASSWORD_HASH_PROFILE"])
    return extensions["password_hasher"]


def normalise_email(email: str) -> str:
    """The form in which e-mail addresses are stored and compared."""
    return email.strip().casefold()


def find_advisor(email: str) -> Advisor | None:
    """The account with this e-mail address, active or not."""
    return db.session.scalars(select(Advisor).filter_by(email=normalise_email(email))).first()


def check_new_email(email: str) -> str:
    """The normalised address for a new account; AccountError if malformed or taken."""
    email = normalise_email(email)
    if len(email) > 254 or not EMAIL.fullmatch(email) or has_invisible(email, single_line=True):
        raise AccountError(f"{email!r} is not an e-mail address.")
    if find_advisor(email) is not None:
        raise AccountError(f"An account for {email} exists already.")
    return email


def create_advisor(email: str, password: str, *, admin: bool = False, name: str = "") -> Advisor:
    """Create an account; refuses a taken or malformed address and a weak password."""
    email = check_new_email(email)
    if has_invisible(name, single_line=True):
        raise AccountError(
            f"The name {name!r} holds invisible control or text-direction characters; "
            "type it again."
        )
    problem = policy_problem(password, email)
    if problem:
        raise AccountError(problem)
    advisor = Advisor(
        email=email, name=name.strip() or email, password_hash=hasher().hash(password)
    )
    advisor.is_admin = admin
    db.session.add(advisor)
    db.session.commit()
    return advisor


def deactivate_advisor(email: str) -> Advisor:
    """Deactivate an account and end all its sessions at once."""
    advisor = find_advisor(email)
    if advisor is None:
        raise AccountError(f"There is no account for {normalise_email(email)}.")
    now = utcnow()
    advisor.active = False
    advisor.deactivated_at = advisor.deactivated_at or now
    db.session.execute(
        update(AdvisorSession)
        .where(AdvisorSession.advisor_id == advisor.id, AdvisorSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    db.session.commit()
    return advisor


@dataclass(frozen=True)
class LoginResult:
    """What came of a login attempt: the advisor, or the seconds to wait before the next try."""

    advisor: Advisor | None
    wait: int = 0


def reactivate_advisor(email: str) -> Advisor:
    """Let a deactivated account log in again."""
    advisor = find_advisor(email)
    if advisor is None:
        raise AccountError(f"There is no account for {normalise_email(email)}.")
    advisor.active = True
    advisor.deactivated_at = None
    db.session.commit()
    return advisor


def authenticate(
    email: str, password: str, address: str, device_cookie: str | None = None
) -> LoginResult:
    """The advisor if the login may proceed; every attempt is recorded and logged.

    A wrong password, an unknown and a deactivated account return no advisor after the same
    work, so that the answer tells an attacker nothing. After too many failures the attempt is
    not evaluated until a growing delay has passed (throttle.py); such a refused attempt is
    recorded as "limited" and does not count as a failure.
    """
    email = normalise_email(email)[:254]
    limits = Limits.configured()
    device = trusted_device(device_cookie, email)
    advisor = find_advisor(email)
    wait = wait_before_attempt(
        email, address, device, (limits.per_account, limits.per_address, limits.window)
    )
    stored = advisor.password_hash if advisor else None
    matches = not wait and hasher().verify(stored, password)
    if wait:
        outcome = "limited"
    elif advisor is None:
        outcome = "unknown"
    elif not matches:
        outcome = "bad_password"
    elif not advisor.active:
        outcome = "inactive"
    else:
        outcome = "ok"
        if hasher().needs_rehash(advisor.password_hash):
            advisor.password_hash = hasher().hash(password)
    attempt = LoginAttempt(
        email=email, address=address[:64], outcome=outcome, device=device.key if device else None
    )
    db.session.add(attempt)
    db.session.commit()
    level = logging.INFO if outcome == "ok" else logging.WARNING
    log_event(
        log, level, "login", outcome=outcome, email=email, address=address, trusted=bool(device)
    )
    return LoginResult(advisor if outcome == "ok" else None, wait)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def start_session(advisor: Advisor) -> str:
    """Open a server-side session for the advisor; returns its token for the session cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(AdvisorSession(token_hash=_hash(token), advisor_id=advisor.id))
    db.session.commit()
    return token


def end_session(token: str | None, *, email: str = "", address: str = "") -> None:
    """End a session on the server: its cookie no longer logs anyone in (logged as a logout)."""
    if not token:
        return
    log_event(log, logging.INFO, "logout", email=email, address=address)
    db.session.execute(
        update(AdvisorSession)
        .where(AdvisorSession.token_hash == _hash(token), AdvisorSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    db.session.commit()


def session_advisor(token: str | None, advisor_id: int) -> Advisor | None:
    """The active advisor of a live session, or None when it ended, idled or grew too old."""
    if not token:
        return None
    found = db.session.scalars(
        select(AdvisorSession).filter_by(token_hash=_hash(token), advisor_id=advisor_id)
    ).first()
    if found is None or found.ended_at is not None or not found.advisor.active:
        return None
    now, limits = utcnow(), Limits.configured()
    if now - as_utc(found.last_seen_at) > limits.idle or now - as_utc(found.created_at) > (
        limits.absolute
    ):
        found.ended_at = now
        db.session.commit()
        return None
    if now - as_utc(found.last_seen_at) > TOUCH_INTERVAL:
        found.last_seen_at = now
        db.session.commit()
    return found.advisor
