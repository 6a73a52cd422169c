"""The team check's tables: a coordinator's round with its link, and the colleagues who joined."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from ..extensions import db
from ..i18n import localize
from ..kernel.models import Assessment, as_utc, utcnow
from ..questionnaire import Questionnaire
from ..security import derived_token

#: The roles a colleague chooses from, in this order.
ROLES = ("management", "it", "sales", "operations", "administration", "other")
ROLE_LABELS = {
    "management": _l("Management"),
    "it": _l("IT"),
    "sales": _l("Sales and marketing"),
    "operations": _l("Production or service"),
    "administration": _l("Administration"),
    "other": _l("Other"),
}


def roles_of(questionnaire: Questionnaire) -> dict[str, str]:
    """The roles colleagues choose from, by id, in words: the questionnaire's own
    (`team_roles`), or the usual ones."""
    if questionnaire.team_roles:
        return {role.id: localize(role.label) for role in questionnaire.team_roles}
    return {role: str(ROLE_LABELS[role]) for role in ROLES}


def role_label(role: str, questionnaire: Questionnaire | None = None) -> str:
    """A role in words, in the current language."""
    known = roles_of(questionnaire) if questionnaire is not None else {}
    return known.get(role) or str(ROLE_LABELS.get(role, role))


class TeamRound(db.Model):
    """A check that its owner (the coordinator) opened to colleagues: its link (only the
    token's hash is stored), until when the link works, and when the round was closed."""

    __tablename__ = "team_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The coordinator's check: one round each.
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True
    )
    #: The link's token is derived from this and the secret key (`link_token`), so that the
    #: coordinator's page and the invitations can repeat it; only the token's hash is looked up.
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The link stops working then (a new link starts anew).
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the coordinator submitted the check: no one joins or changes answers after that.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assessment: Mapped[Assessment] = relationship()
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="round", order_by="TeamMember.id", passive_deletes=True
    )

    @property
    def link_token(self) -> str:
        """The token of the round's link."""
        return derived_token("team-link", self.nonce)

    @property
    def link_works(self) -> bool:
        """Whether colleagues can join with the link now."""
        if self.revoked_at is not None or self.closed_at is not None:
            return False
        return as_utc(self.expires_at) > utcnow()

    def __repr__(self) -> str:
        return f"<TeamRound {self.assessment_id}>"


class TeamMember(db.Model):
    """A colleague who joined a round: the role chosen and whether answers may be shown by role.
    The answers are in the colleague's own check (Assessment.respondent_of)."""

    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("team_rounds.id", ondelete="CASCADE"), index=True
    )
    #: The colleague's own check, opened by a personal link.
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True
    )
    role: Mapped[str] = mapped_column(String(40))
    #: The colleague agreed that results may be shown for the role (where two or more share it).
    shown_by_role: Mapped[bool] = mapped_column(default=False, server_default=false())
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    round: Mapped[TeamRound] = relationship(back_populates="members")
    assessment: Mapped[Assessment] = relationship()

    def __repr__(self) -> str:
        return f"<TeamMember {self.assessment_id} {self.role}>"
