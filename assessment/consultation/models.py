"""A consultation request and how the centre handles it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..advisor.models import Advisor
from ..extensions import db
from ..kernel.models import Assessment, utcnow

#: How the owner would like to be contacted.
WAYS = ("phone", "email", "video", "visit")
#: open: nobody has taken it yet; in_progress: an advisor has; done: the conversation happened.
REQUEST_STATUSES = ("open", "in_progress", "done")

WAY_LABELS = {
    "phone": _l("By telephone"),
    "email": _l("By e-mail"),
    "video": _l("In a video call"),
    "visit": _l("In person, at our company or at the centre"),
}


def way_label(way: str) -> str:
    """A way of contact in words, in the current language."""
    return str(WAY_LABELS[way])


STATUS_LABELS = {
    "open": _l("requested"),
    "in_progress": _l("in progress"),
    "done": _l("done"),
}


def status_label(status: str) -> str:
    """A request's status in words, in the current language."""
    return str(STATUS_LABELS[status])


class ConsultationRequest(db.Model):
    """What the owner asked for: how and when to be contacted, and a message."""

    __tablename__ = "consultation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: One of WAYS.
    way: Mapped[str] = mapped_column(String(20))
    #: When the owner is best reached, in their words.
    preferred_time: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str | None] = mapped_column(Text)
    #: Where the confirmation went, and how to reach the owner.
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: The owner's language, for every message to them.
    language: Mapped[str] = mapped_column(String(8))
    #: One of REQUEST_STATUSES.
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    #: The advisor who took it on, and when; when it was done.
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assessment: Mapped[Assessment] = relationship()
    advisor: Mapped[Advisor | None] = relationship()

    def __repr__(self) -> str:
        return f"<ConsultationRequest {self.id} {self.status}>"
