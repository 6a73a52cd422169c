"""A referral of a firm to a partner, and each answer to it."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..advisor.models import Advisor
from ..extensions import db
from ..kernel.models import Assessment, utcnow
from ..security import derived_token

#: The partner's answers, in the order a referral usually takes.
ANSWERS = ("accepted", "declined", "in_contact", "project_started", "no_project")
#: sent: no answer yet; withdrawn: the firm withdrew its consent; the others are answers.
STATES = ("sent", *ANSWERS, "withdrawn")
#: States after which nothing more happens.
CLOSED = ("declined", "no_project", "withdrawn")
STATE_LABELS = {
    "sent": _l("sent, no answer yet"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "in_contact": _l("in contact with the company"),
    "project_started": _l("project started"),
    "no_project": _l("no project"),
    "withdrawn": _l("withdrawn by the company"),
}


def new_nonce() -> str:
    """The random part of a new referral's link."""
    return secrets.token_hex(32)


def link_token(nonce: str) -> str:
    """The token of a referral's link: 256 bits, HMAC-SHA256 of the nonce under the secret key
    (a new secret key ends every partner's link)."""
    return derived_token("referral-link", nonce)


def state_label(state: str) -> str:
    """A referral's state in words, in the current language."""
    return str(STATE_LABELS[state])


class Referral(db.Model):
    """The centre introduced the firm of an assessment to a partner, who answers on a page of
    its own (the token's hash is stored, never the token)."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("assessment_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: The partner's id in the directory, and its data when the introduction was sent (the
    #: directory may change; the referral keeps what it was sent to).
    partner_id: Mapped[str] = mapped_column(String(100), index=True)
    partner: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The partner's link is derived from this and the secret key (`link_token`), so that a
    #: reminder can repeat it; the database alone holds neither the link nor a way to it.
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The introduction as sent, and what the firm agreed to share, as shown to the partner.
    introduction: Mapped[str] = mapped_column(Text)
    shared: Mapped[dict[str, Any]] = mapped_column(JSON)
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: One of STATES: the latest answer.
    state: Mapped[str] = mapped_column(String(20), default="sent", index=True)
    #: When the partner was reminded (once at most).
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assessment: Mapped[Assessment] = relationship()
    advisor: Mapped[Advisor | None] = relationship()
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral",
        order_by="ReferralEvent.at, ReferralEvent.id",
        cascade="all, delete-orphan",
    )

    def record(self, state: str, reason: str | None, advisor_id: int | None = None) -> bool:
        """Add an answer with its time (in the caller's transaction); the state is the latest.
        An answer out of the usual order (a project started before it was accepted) is recorded
        as it comes. False, and nothing added, once withdrawn or for an unknown answer."""
        if state not in ANSWERS or self.state == "withdrawn":
            return False
        self.events.append(
            ReferralEvent(state=state, reason=reason or None, advisor_id=advisor_id, at=utcnow())
        )
        self.state = state
        return True

    @property
    def is_open(self) -> bool:
        """Whether the referral may still change."""
        return self.state not in CLOSED

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.partner_id} {self.state}>"


class ReferralEvent(db.Model):
    """One answer (or the withdrawal), with its time and who recorded it."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    state: Mapped[str] = mapped_column(String(20))
    #: The partner's reason, e.g. for declining.
    reason: Mapped[str | None] = mapped_column(Text)
    #: The advisor who recorded it; None when the partner answered on its page.
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id", ondelete="SET NULL"))

    referral: Mapped[Referral] = relationship(back_populates="events")
    advisor: Mapped[Advisor | None] = relationship()

    def __repr__(self) -> str:
        return f"<ReferralEvent {self.referral_id} {self.state}>"


def withdraw_referrals(assessment_id: int) -> int:
    """Close the open referrals of a firm that withdrew its consent to introductions (in the
    caller's transaction); how many. Their partner pages then show nothing of the firm."""
    found = db.session.scalars(
        select(Referral).where(
            Referral.assessment_id == assessment_id, Referral.state.not_in(CLOSED)
        )
    ).all()
    for referral in found:
        referral.events.append(ReferralEvent(state="withdrawn", at=utcnow()))
        referral.state = "withdrawn"
    return len(found)
