"""Write services of the team check: open a round with its link, renew or revoke the link, and
let a colleague join with a role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..i18n import in_language
from ..kernel.assessments import hash_token, new_token, questionnaire_of
from ..kernel.models import Assessment, utcnow
from ..mail.compose import AddressError, checked_address, compose, link
from ..mail.delivery import enqueue
from ..mail.limits import count_message
from .models import TeamMember, TeamRound, roles_of


def round_of(assessment: Assessment) -> TeamRound | None:
    """The coordinator's round, if the check was opened to colleagues."""
    return db.session.scalars(select(TeamRound).filter_by(assessment_id=assessment.id)).first()


def _expiry() -> datetime:
    return utcnow() + timedelta(days=current_app.config["TEAM_LINK_DAYS"])


def open_round(assessment: Assessment) -> TeamRound:
    """Open the check to colleagues, or give its round a new link (the old one stops working)."""
    if assessment.is_respondent or assessment.submitted:
        raise ValueError("only the coordinator's open check can be a team check")
    found = round_of(assessment)
    if found is None:
        found = TeamRound(assessment_id=assessment.id)
        db.session.add(found)
    found.nonce = secrets.token_hex(32)
    found.token_hash = hash_token(found.link_token)
    found.expires_at, found.revoked_at = _expiry(), None
    db.session.commit()
    return found


def revoke_link(team: TeamRound) -> None:
    """The link stops working; colleagues who joined keep their own links."""
    if team.revoked_at is None:
        team.revoked_at = utcnow()
        db.session.commit()


def find_round(token: str) -> TeamRound | None:
    """The round a team link opens (whether or not it still works), or None."""
    if not 20 <= len(token) <= 100:
        return None
    return db.session.scalars(select(TeamRound).filter_by(token_hash=hash_token(token))).first()


def join(team: TeamRound, role: str, shown_by_role: bool, language: str) -> tuple[Assessment, str]:
    """A colleague joins: a check of their own for the round, answered with the coordinator's
    profile; the check and its personal token."""
    coordinator = team.assessment
    if role not in roles_of(questionnaire_of(coordinator)):
        raise ValueError(f"unknown role {role!r}")
    token = new_token()
    colleague = Assessment(
        token_hash=hash_token(token),
        questionnaire_version_id=coordinator.questionnaire_version_id,
        language=language,
        respondent_of=coordinator.id,
        firm_id=coordinator.firm_id,
        # The profile is the coordinator's: the colleague starts with the topics.
        profile_saved_at=utcnow(),
    )
    db.session.add(colleague)
    db.session.flush()
    db.session.add(
        TeamMember(
            round_id=team.id, assessment_id=colleague.id, role=role, shown_by_role=shown_by_role
        )
    )
    db.session.commit()
    return colleague, token


@dataclass(frozen=True)
class MemberState:
    """What the coordinator sees of a colleague: the role and how far they are, never answers."""

    role: str
    joined_at: datetime
    answered: bool
    finished: bool


def progress(team: TeamRound) -> list[MemberState]:
    """Each colleague who joined, in the order they joined."""
    rows = db.session.execute(
        select(TeamMember.role, TeamMember.joined_at, Assessment.status, Assessment.updated_at)
        .join(Assessment, Assessment.id == TeamMember.assessment_id)
        .where(TeamMember.round_id == team.id)
        .order_by(TeamMember.id)
    )
    return [
        MemberState(role, joined, answered=updated > joined, finished=status == "submitted")
        for role, joined, status, updated in rows
    ]


def member_of(assessment: Assessment) -> TeamMember | None:
    """The colleague's membership of a round, for a respondent's check."""
    return db.session.scalars(select(TeamMember).filter_by(assessment_id=assessment.id)).first()


class BadAddress(ValueError):
    """An address no invitation can go to."""

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address


def invite(team: TeamRound, addresses: list[str], language: str) -> None:
    """Queue the team link for each address, all or none (committed with the limits' counts);
    raises BadAddress for an address no message can go to, TooManyMessages (mail.limits)
    past the limits."""
    for address in addresses:
        try:
            checked_address(address)
        except AddressError as error:
            raise BadAddress(address) from error
    coordinator = team.assessment
    questionnaire = questionnaire_of(coordinator)
    with in_language(language):
        subject = _("An invitation to your company's Digital-Check")
    per_check = current_app.config["TEAM_INVITATION_LIMIT"]
    for address in addresses:
        count_message("team", coordinator.id, address, per_check=per_check)
        message = compose(
            "team_invitation",
            address,
            subject,
            language,
            questionnaire=questionnaire,
            company=coordinator.company_name,
            join_url=link("team.join", token=team.link_token),
            expires_at=team.expires_at,
        )
        enqueue(message, "team_invitation", coordinator.id)
    db.session.commit()
