"""The delivery worker's work: claim a due message, hand it over, record what happened.

A claim is a lease (`locked_until`), taken in one statement, so that several workers (also on
other hosts) never send the same message at once; on PostgreSQL the candidate row is chosen with
SKIP LOCKED, so that workers do not wait for each other. A worker that dies after the server
accepted a message but before it recorded "sent" leaves the lease to run out; the message is then
sent again, once, with the same Message-ID, which lets mail programs recognise the duplicate.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import or_, select, update

from ..extensions import db
from ..kernel.models import utcnow
from .models import OutboxMessage
from .transport import PermanentFailure, TemporaryFailure, Transport

log = logging.getLogger(__name__)
#: The longest a stored reason may be.
MAX_REASON = 500


def enqueue(message: EmailMessage, kind: str, assessment_id: int | None = None) -> OutboxMessage:
    """Store a composed message in the outbox, in the caller's transaction: it is sent only if
    the action that causes it is committed, and never lost once it is."""
    entry = OutboxMessage(
        kind=kind,
        message_id=str(message["Message-ID"]),
        recipient=parseaddr(str(message["To"]))[1],
        subject=str(message["Subject"])[:300],
        content=message.as_bytes(),
        assessment_id=assessment_id,
    )
    db.session.add(entry)
    return entry


@dataclass
class Outcome:
    """What one run of the worker did."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def summary(self) -> str:
        """One line: how many were sent, wait for another attempt, and failed."""
        return (
            f"{len(self.sent)} sent, {len(self.retrying)} to try again later, "
            f"{len(self.failed)} failed"
        )


def deliver_due(transport: Transport, limit: int | None = None) -> Outcome:
    """Send every message that is due now (at most ``limit``), one after the other."""
    outcome = Outcome()
    while limit is None or len(outcome.sent) + len(outcome.retrying) + len(outcome.failed) < limit:
        claimed = claim_next(utcnow())
        if claimed is None:
            break
        attempt(claimed, transport, outcome)
    return outcome


def claim_next(now: datetime) -> int | None:
    """Lease the next due message to this worker and count the attempt; its id, or None."""
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    free = or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now)
    due = (OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now, free)
    candidate = (
        select(OutboxMessage.id)
        .where(*due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == candidate, *due)
        .values(locked_until=now + lease, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.commit()
    return claimed


def attempt(message_id: int, transport: Transport, outcome: Outcome) -> None:
    """Hand one claimed message over and record the result."""
    entry = db.session.get(OutboxMessage, message_id)
    assert entry is not None and entry.content is not None
    sender = parseaddr(current_app.config["MAIL_SENDER"])[1]
    content, recipient = entry.content, entry.recipient
    db.session.rollback()  # no transaction stays open while the server is talked to
    try:
        transport.send(content, sender, recipient, f"message-{message_id}")
    except PermanentFailure as error:
        _finish(message_id, "failed", str(error))
        outcome.failed.append(message_id)
    except TemporaryFailure as error:
        if _retry(message_id, str(error)):
            outcome.retrying.append(message_id)
        else:
            outcome.failed.append(message_id)
    else:
        _finish(message_id, "sent", None)
        outcome.sent.append(message_id)


def _finish(message_id: int, status: str, reason: str | None) -> None:
    """Sent or given up: the content (which may hold a resume link) is dropped."""
    now = utcnow()
    values = {"status": status, "content": None, "locked_until": None, "last_error": reason}
    if status == "sent":
        values["sent_at"] = now
    else:
        values["last_error"] = (reason or "")[:MAX_REASON]
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(values))
    db.session.commit()
    if status == "failed":
        log.warning("mail %s failed for good: %s", message_id, reason)
    else:
        log.info("mail %s sent", message_id)


def _retry(message_id: int, reason: str) -> bool:
    """Schedule another attempt after a growing delay; False (failed) when none is left."""
    config = current_app.config
    entry = db.session.get(OutboxMessage, message_id)
    assert entry is not None
    if entry.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        db.session.rollback()
        _finish(message_id, "failed", f"gave up after {entry.attempts} attempts: {reason}")
        return False
    delay = min(
        config["MAIL_RETRY_SECONDS"] * 2 ** (entry.attempts - 1), config["MAIL_RETRY_MAX_SECONDS"]
    )
    entry.next_attempt_at = utcnow() + timedelta(seconds=delay)
    entry.locked_until = None
    entry.last_error = reason[:MAX_REASON]
    db.session.commit()
    log.info("mail %s waits %s s for attempt %s: %s", message_id, delay, entry.attempts + 1, reason)
    return True
