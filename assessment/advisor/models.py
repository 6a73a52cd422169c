"""Database models of the advisor workspace: accounts, sessions, login attempts, notes, audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.sql.expression import false

from ..extensions import db
from ..kernel.models import utcnow


class Advisor(UserMixin, db.Model):
    """An advisor of the centre; created and deactivated on the command line, never deleted."""

    __tablename__ = "advisors"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The login name, stored in lower case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: The name shown to colleagues (the e-mail address when not given).
    name: Mapped[str] = mapped_column(String(200))
    #: The argon2id hash of the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: An e-mail on every new consultation request (the advisor's choice).
    notify_requests: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: A daily e-mail listing the checks newly shared with the centre (`flask mail digest`).
    daily_digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The language of the e-mails the advisor gets.
    language: Mapped[str] = mapped_column(String(8), default="de", server_default="de")

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Deactivated accounts cannot log in, and their sessions end."""
        return self.active

    def __repr__(self) -> str:
        return f"<Advisor {self.email}>"


class AdvisorSession(db.Model):
    """A login: ended by logout, by idling too long, or by its absolute lifetime."""

    __tablename__ = "advisor_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the session token kept in the signed session cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    advisor_id: Mapped[int] = mapped_column(
        ForeignKey("advisors.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    advisor: Mapped[Advisor] = relationship()


class LoginAttempt(db.Model):
    """One login attempt: the log of logins, and the shared state of the rate limits."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
        Index("ix_login_attempts_device_at", "device", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The e-mail address as entered (normalised), whether or not an account has it.
    email: Mapped[str] = mapped_column(String(254))
    #: The client's address.
    address: Mapped[str] = mapped_column(String(64))
    #: ok, bad_password, unknown, inactive or limited.
    outcome: Mapped[str] = mapped_column(String(20))
    #: The trusted browser it came from (SHA-256 of its device cookie), if any (throttle.py).
    device: Mapped[str | None] = mapped_column(String(64))

    @property
    def succeeded(self) -> bool:
        """Whether this attempt logged in."""
        return self.outcome == "ok"


class _AdvisorEntry:
    """What notes and action items have: the assessment, the author, the time and the text."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    @declared_attr
    def advisor(cls) -> Mapped[Advisor]:
        """The advisor who wrote it."""
        return relationship(Advisor)


class Note(_AdvisorEntry, db.Model):
    """A timestamped note of an advisor on an assessment."""

    __tablename__ = "advisor_notes"


#: Who carries out an action item: someone of the centre, or the firm itself.
ACTION_OWNERS = ("advisor", "firm")
#: An action item is open until someone marks it done.
ACTION_STATUSES = ("open", "done")


class ActionItem(_AdvisorEntry, db.Model):
    """One step of the advisor's action plan for a company: who does it, by when, done or not."""

    __tablename__ = "advisor_action_items"

    #: The day it is due, if any; the earliest open one is the company's next follow-up.
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: One of ACTION_OWNERS.
    owner: Mapped[str] = mapped_column(String(10), default="advisor", server_default="advisor")
    #: One of ACTION_STATUSES.
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    #: When it was marked done.
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_open(self) -> bool:
        """Whether the step is still to be done."""
        return self.status == "open"


class AuditEvent(db.Model):
    """A change made by an advisor: who, when, what."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    advisor_id: Mapped[int] = mapped_column(
        ForeignKey("advisors.id", ondelete="RESTRICT"), index=True
    )
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: What happened: status, assign, note, action_added, action_changed, action_removed,
    #: actions_in_report, consultation_*, introduction, referral_answer.
    action: Mapped[str] = mapped_column(String(40))
    #: The details (old and new value, the text added or removed).
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    advisor: Mapped[Advisor] = relationship()


__all__ = [
    "ACTION_OWNERS",
    "ACTION_STATUSES",
    "ActionItem",
    "Advisor",
    "AdvisorSession",
    "AuditEvent",
    "LoginAttempt",
    "Note",
]
