"""The outbox: every message the application sends, from its creation until it is delivered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..kernel.models import utcnow

#: pending: waiting for (another) attempt; sent: the server accepted it; failed: given up.
MESSAGE_STATUSES = ("pending", "sent", "failed")


class OutboxMessage(db.Model):
    """One message: stored whole (headers with its Message-ID, body, attachments) until it is
    sent or given up, then kept without its content for the status lists."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the message is, such as "resume_link" or "consultation_notice".
    kind: Mapped[str] = mapped_column(String(40))
    #: The Message-ID header, the same on every attempt: a resent message is recognisable.
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    #: The one recipient's address.
    recipient: Mapped[str] = mapped_column(String(254))
    #: The subject, for the status lists.
    subject: Mapped[str] = mapped_column(String(300))
    #: The whole message as sent (RFC 5322 bytes); emptied once sent or failed, as it may hold
    #: a resume link.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: One of MESSAGE_STATUSES.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    #: Attempts begun so far.
    attempts: Mapped[int] = mapped_column(default=0)
    #: When the next attempt may begin.
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: A worker that claimed the message has it until then; after that another may try again.
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Why the last attempt did not succeed (or why the message failed).
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The check the message is about, if any: its messages go when it is deleted.
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
