"""The funding programmes a submitted check is shown, as the report and the advisors see them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import delete, insert, select

from ..extensions import db
from ..questionnaire import Questionnaire
from ..questionnaire.advice import MatchedRecommendation, build_action_plan
from ..questionnaire.funding_matching import FundingMatch, match_funding
from ..questionnaire.matching import CompanyProfile
from ..questionnaire.scoring import AssessmentResult
from .models import Assessment, FundingShown

#: The report names this many programmes at most; the others are counted.
MAX_PROGRAMMES = 6


def profile_of(assessment: Assessment) -> CompanyProfile:
    """The firm's sector, size and region as its check stores them."""
    return CompanyProfile(sector=assessment.sector, size=assessment.size, region=assessment.region)


def programmes_for(
    assessment: Assessment,
    questionnaire: Questionnaire,
    result: AssessmentResult,
    today: date,
    plan: Sequence[MatchedRecommendation] | None = None,
) -> list[FundingMatch]:
    """Every programme that fits the check on ``today``, as the report ranks them: those the
    firm may surely use first, then those on a condition its answers leave open, those not yet
    open last; in action-plan order within each. The report names the first MAX_PROGRAMMES.
    ``plan`` is the result's action plan, when the caller has built it already."""
    matches = match_funding(
        questionnaire.funding_directory,
        questionnaire.directory,
        build_action_plan(result) if plan is None else plan,
        result,
        profile_of(assessment),
        today,
    )
    return sorted(matches, key=lambda match: (match.conditional, match.state == "upcoming"))


def record_shown(
    assessment_id: int, programme_ids: Iterable[str], *, replacing: bool = True
) -> None:
    """Remember which programmes a check's report shows, in the caller's transaction
    (``replacing`` what it showed before; a check submitted just now showed nothing yet)."""
    if replacing:
        db.session.execute(delete(FundingShown).where(FundingShown.assessment_id == assessment_id))
    rows = [
        {"assessment_id": assessment_id, "programme_id": programme_id}
        for programme_id in dict.fromkeys(programme_ids)
    ]
    if rows:
        db.session.execute(insert(FundingShown), rows)


def shown_programmes(assessment_id: int) -> list[str]:
    """The programmes recorded as shown in a check's report, by id."""
    query = select(FundingShown.programme_id).where(FundingShown.assessment_id == assessment_id)
    return sorted(db.session.scalars(query))
