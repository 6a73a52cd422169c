"""Slowing down password guessing without locking anybody out (OWASP, "Blocking Brute Force
Attacks": device cookies).

A browser in which an account has logged in before carries a signed device cookie. Failed
logins are counted apart: those from such a trusted browser per browser, all others per
account and per client address. Past the limit, each further failure doubles the time before
the next attempt is evaluated (from 15 seconds, at most the length of the window); attempts
made while waiting are answered with the time left and are not counted. So a stranger who
guesses at an advisor's address slows down logins from new browsers for a while, never the
advisor's own browser, and never for longer than the window.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, func, select

from ..extensions import db
from ..kernel.models import utcnow
from .models import LoginAttempt

#: The outcomes that count as failed guesses (a refused attempt, "limited", does not).
FAILURES = ("bad_password", "unknown", "inactive")
FIRST_DELAY = timedelta(seconds=15)
DEVICE_COOKIE = "dc_device"
DEVICE_DAYS = 180
_SALT = "advisor-device"


@dataclass(frozen=True)
class Device:
    """A browser in which an account logged in before: its account and its pseudonym."""

    email: str
    #: SHA-256 of the cookie's random part, as login attempts store it.
    key: str


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def new_device_cookie(email: str) -> str:
    """A signed device cookie for a browser in which ``email`` has just logged in."""
    return _serializer().dumps({"email": email, "device": secrets.token_urlsafe(24)})


def trusted_device(cookie: str | None, email: str) -> Device | None:
    """The device the cookie names, if it is genuine and was given to this account."""
    if not cookie:
        return None
    try:
        data = _serializer().loads(cookie)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("email") != email:
        return None
    token = str(data.get("device", ""))
    return Device(email, hashlib.sha256(token.encode()).hexdigest())


def wait_before_attempt(
    email: str, address: str, device: Device | None, limits: tuple[int, int, timedelta]
) -> int:
    """Seconds until an attempt for this account may be evaluated (0: now)."""
    per_account, per_address, window = limits
    now = utcnow()
    since = now - window
    failed = LoginAttempt.outcome.in_(FAILURES) & (LoginAttempt.at >= since)
    if device is not None:
        keys = [(LoginAttempt.device == device.key, per_account)]
    else:
        untrusted = LoginAttempt.device.is_(None)
        keys = [
            (untrusted & (LoginAttempt.email == email), per_account),
            (untrusted & (LoginAttempt.address == address), per_address),
        ]
    wait = timedelta(0)
    for condition, limit in keys:
        wait = max(wait, _delay(failed & condition, limit, window, now))
    return math.ceil(wait.total_seconds())


def _delay(
    condition: ColumnElement[bool], limit: int, window: timedelta, now: datetime
) -> timedelta:
    """How long after the last failure the next attempt has to wait, from now."""
    count, last = db.session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.at)).where(condition)
    ).one()
    if count < limit or last is None:
        return timedelta(0)
    delay = min(FIRST_DELAY * 2 ** (count - limit), window)
    last = last if last.tzinfo else last.replace(tzinfo=now.tzinfo)
    return max(timedelta(0), last + delay - now)
