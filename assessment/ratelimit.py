"""Limits per client for what anybody may do without an account (starting a check).

The client's address is kept only as a keyed hash (HMAC under the secret key), for as long as
the window of the limit needs it; `flask purge` deletes older events.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import func, select

from .extensions import db
from .kernel.models import RateEvent, utcnow


def client_pseudonym(address: str | None = None) -> str:
    """The client's address (the request's, if not given), or another key, as a keyed hash."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    address = address if address is not None else request.remote_addr or "unknown"
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def take(kind: str, limit: int, window_minutes: int, about: str | None = None) -> bool:
    """Count one more ``kind`` for this client (or for what ``about`` names, such as an e-mail
    address), if fewer than ``limit`` happened in the window.

    The event is added to the caller's transaction; False (and nothing added) when the limit
    is reached.
    """
    client = client_pseudonym(about)
    since = utcnow() - timedelta(minutes=window_minutes)
    recent = (
        select(RateEvent.id)
        .where(RateEvent.kind == kind, RateEvent.client == client, RateEvent.at >= since)
        .limit(limit)  # counting stops at the limit: many clients may share one address
        .subquery()
    )
    done = db.session.scalar(select(func.count()).select_from(recent))
    if (done or 0) >= limit:
        return False
    db.session.add(RateEvent(kind=kind, client=client))
    return True
