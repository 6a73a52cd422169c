"""One assessment as every wing sees it: found by its token, its pinned questionnaire, its stored
answers, its scores and the chain of its repeat checks."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..questionnaire import Questionnaire
from ..questionnaire.scoring import AssessmentResult, score_assessment
from ..questionnaire.team import TeamResult, score_team
from .models import Answer, Assessment, DimensionScore
from .pinning import pinned_questionnaire

#: Resume tokens are 32 random bytes (256 bits), URL-safe base64: 43 characters.
TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def new_token() -> str:
    """A new resume token (shown once to the owner; only its hash is stored)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The stored form of a resume token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def find_assessment(token: str) -> Assessment | None:
    """The assessment a resume token opens, or None."""
    if not _TOKEN_SHAPE.match(token):
        return None
    found = db.session.scalars(_by_token_hash(), {"token_hash": hash_token(token)})
    return found.first()


@cache
def _by_token_hash() -> Select[tuple[Assessment]]:
    """The assessment with a token's hash, and its questionnaire version (the snapshot stays
    deferred): every page needs both. Built once: building it took longer than running it."""
    return (
        select(Assessment)
        .options(joinedload(Assessment.questionnaire_version))
        .where(Assessment.token_hash == bindparam("token_hash"))
    )


def questionnaire_of(assessment: Assessment) -> Questionnaire:
    """The questionnaire exactly as the assessment was started with."""
    return pinned_questionnaire(assessment.questionnaire_version)


def stored_answers(assessment: Assessment) -> dict[str, Any]:
    """The assessment's answers by question id; a team respondent's with the coordinator's
    profile, which conditions read as for everyone in the team."""
    own = own_answers(assessment.id)
    if assessment.respondent_of is None:
        return own
    profile = {question.id for question in questionnaire_of(assessment).profile}
    rows = db.session.execute(
        select(Answer.question_id, Answer.value).where(
            Answer.assessment_id == assessment.respondent_of, Answer.question_id.in_(profile)
        )
    )
    return {**{k: v for k, v in own.items() if k not in profile}, **dict(rows.all())}


def own_answers(assessment_id: int) -> dict[str, Any]:
    """The answers stored for one check, by question id (a team respondent's without the
    coordinator's profile)."""
    return dict(db.session.execute(_answers_of(), {"assessment_id": assessment_id}).all())


@cache
def _answers_of() -> Select[tuple[str, Any]]:
    """A check's answers as rows of question id and value: the table's columns rather than
    ORM objects, which would cost more than the query (built once)."""
    table = Answer.__table__
    return select(table.c.question_id, table.c.value).where(
        table.c.assessment_id == bindparam("assessment_id")
    )


def finished_respondents(assessment: Assessment) -> list[Assessment]:
    """The colleagues who finished answering the coordinator's team check, in the order they
    joined."""
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.respondent_of == assessment.id, Assessment.status == "submitted")
            .order_by(Assessment.id)
        )
    )


def team_answers(assessment: Assessment) -> dict[int, dict[str, Any]]:
    """A team check's answer sets by check id: the coordinator's first, then each colleague's
    who finished; empty for a check that no colleague finished answering."""
    colleagues = finished_respondents(assessment) if assessment.respondent_of is None else []
    if not colleagues:
        return {}
    found = {assessment.id: stored_answers(assessment)}
    found.update((colleague.id, stored_answers(colleague)) for colleague in colleagues)
    return found


def team_result(
    assessment: Assessment,
    questionnaire: Questionnaire,
    answer_sets: dict[int, dict[str, Any]] | None = None,
) -> TeamResult | None:
    """The combined result of a team check (the coordinator's answers and each finished
    colleague's), or None for a check that no colleague finished answering."""
    sets = team_answers(assessment) if answer_sets is None else answer_sets
    if not sets:
        return None
    own = sets[assessment.id]
    profile = {q.id: own[q.id] for q in questionnaire.profile if q.id in own}
    return score_team(questionnaire, profile, list(sets.values()))


def score(assessment: Assessment, questionnaire: Questionnaire) -> AssessmentResult:
    """The scores of the assessment's answers; of a team check, the combined scores."""
    team = team_result(assessment, questionnaire)
    if team is not None:
        return team.combined
    return score_assessment(questionnaire, stored_answers(assessment))


@dataclass(frozen=True)
class EarlierResult:
    """The stored result of the earlier check that a check repeats."""

    dimensions: dict[str, float]
    overall: float | None
    submitted_at: datetime | None


def earlier_result(assessment: Assessment) -> EarlierResult:
    """The stored scores of the earlier check this one repeats, if it was submitted (else empty)."""
    earlier = assessment.previous
    if earlier is None or not earlier.submitted:
        return EarlierResult({}, None, None)
    rows = db.session.execute(
        select(DimensionScore.dimension_id, DimensionScore.score).where(
            DimensionScore.assessment_id == earlier.id
        )
    )
    return EarlierResult(dict(rows.all()), earlier.overall_score, earlier.submitted_at)
