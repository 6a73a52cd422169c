"""The owner's journey's own table: invitations to a repeat check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..kernel.models import Assessment, utcnow


class RepeatInvitation(db.Model):
    """One invitation, months after a submitted check, to do it again; its link (only the
    token's hash is stored) starts the repeat check with the profile carried over."""

    __tablename__ = "repeat_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The check invited to be repeated: one invitation each.
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: When the link started the repeat check (it starts one only).
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assessment: Mapped[Assessment] = relationship()

    def __repr__(self) -> str:
        return f"<RepeatInvitation {self.assessment_id}>"
