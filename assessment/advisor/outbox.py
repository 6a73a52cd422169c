"""For administrators: the e-mail that waits for delivery or failed."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from ..extensions import db
from ..mail.models import OutboxMessage
from .admin import require_admin

#: The most messages the page lists of each kind (the oldest first).
LIMIT = 200


def outbox() -> str:
    """Pending and failed messages: to whom, what, how often tried, and why not sent."""
    require_admin()
    lists = {
        status: list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == status)
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
                .limit(LIMIT)
            )
        )
        for status in ("pending", "failed")
    }
    return render_template("advisor/outbox.html", pending=lists["pending"], failed=lists["failed"])
