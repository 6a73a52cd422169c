"""The report's section of a team check: the spread per topic, the questions the team sees most
differently (with the distribution of answers, never who gave which), and results per role where
the role's colleagues agreed to it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..i18n import localize
from ..kernel.assessments import team_answers, team_result
from ..kernel.models import Assessment
from ..questionnaire import Dimension, Questionnaire
from ..questionnaire.questions import QuestionBase
from ..questionnaire.scoring import AssessmentResult, display_score
from ..questionnaire.team import QuestionSpread, TeamResult, score_team
from ..team.models import TeamMember, role_label

#: How many questions the section names, furthest apart first.
DISAGREEMENTS = 5
#: Results per role need at least this many colleagues in the role, all of whom agreed.
MIN_ROLE = 2


@dataclass(frozen=True)
class SpreadRow:
    """One topic: the team's combined score and how far the respondents' own scores lie apart."""

    dimension: Dimension
    score: Fraction | None
    respondents: int
    lowest: Fraction | None
    highest: Fraction | None
    deviation: float | None


@dataclass(frozen=True)
class Disagreement:
    """A question the team answered differently: how many chose each answer."""

    question: QuestionBase
    dimension: Dimension
    #: (answer in words, how many gave it), in the question's order.
    answers: tuple[tuple[str, int], ...]
    deviation: float


@dataclass(frozen=True)
class RoleRow:
    """The combined result of the colleagues of one role."""

    role: str
    #: The role in words.
    label: str
    respondents: int
    #: The role's combined score by dimension id (None: not assessed).
    scores: dict[str, Fraction | None]


@dataclass(frozen=True)
class TeamSection:
    """Everything the report shows of a team check."""

    respondents: int
    rows: tuple[SpreadRow, ...]
    disagreements: tuple[Disagreement, ...]
    roles: tuple[RoleRow, ...] = ()

    @property
    def role_names(self) -> tuple[str, ...]:
        """The roles shown, in words."""
        return tuple(row.label for row in self.roles)


def team_section(
    questionnaire: Questionnaire, team: TeamResult, answer_sets: Mapping[int, dict[str, Any]]
) -> TeamSection:
    """The section from the combined result and the answer sets it was made of, by check id."""
    rows = tuple(
        SpreadRow(
            dimension=spread.dimension,
            score=team.combined.dimension(spread.dimension.id).score,
            respondents=spread.respondents,
            lowest=spread.lowest,
            highest=spread.highest,
            deviation=spread.deviation,
        )
        for spread in team.spreads
        if spread.respondents
    )
    return TeamSection(
        respondents=len(team.respondents),
        rows=rows,
        disagreements=tuple(_disagreement(q) for q in team.disagreements(DISAGREEMENTS)),
        roles=_roles(questionnaire, answer_sets),
    )


def _disagreement(spread: QuestionSpread) -> Disagreement:
    """A question's answers counted per answer, in the question's order of options."""
    return Disagreement(
        question=spread.question,
        dimension=spread.dimension,
        answers=answer_counts(spread.question, spread.answers),
        deviation=spread.deviation,
    )


def answer_counts(question: QuestionBase, answers: tuple[Any, ...]) -> tuple[tuple[str, int], ...]:
    """How many gave each answer: options in their order (each chosen option of a multiple
    choice counts), other answers by their score."""
    choices = getattr(question, "choices", None)
    counted: Counter[str] = Counter()
    for answer in answers:
        for part in answer if isinstance(answer, list) else [answer]:
            counted[str(part)] += 1
    if choices and all(key in {str(option.id) for option in choices} for key in counted):
        return tuple(
            (localize(option.label), counted[str(option.id)])
            for option in choices
            if counted[str(option.id)]
        )
    scores: Counter[str] = Counter()
    for answer in answers:
        score = question.score(answer)
        if score is not None:
            scores[f"{display_score(score)}"] += 1
    return tuple(sorted(scores.items(), key=lambda item: int(item[0])))


def _roles(
    questionnaire: Questionnaire, answer_sets: Mapping[int, dict[str, Any]]
) -> tuple[RoleRow, ...]:
    """Per role, the colleagues' combined result: only where at least MIN_ROLE colleagues share
    the role and every one of them agreed to be shown by role."""
    members = db.session.execute(
        select(TeamMember.assessment_id, TeamMember.role, TeamMember.shown_by_role).where(
            TeamMember.assessment_id.in_(list(answer_sets))
        )
    ).all()
    by_role: dict[str, list[tuple[int, bool]]] = {}
    for number, role, shown in members:
        by_role.setdefault(role, []).append((number, shown))
    coordinator = next(iter(answer_sets))
    own = answer_sets[coordinator]
    profile = {q.id: own[q.id] for q in questionnaire.profile if q.id in own}
    rows = []
    for role, found in sorted(by_role.items()):
        if len(found) < MIN_ROLE or not all(shown for _number, shown in found):
            continue
        sets = [answer_sets[number] for number, _shown in found]
        combined = score_team(questionnaire, profile, sets).combined
        scores = {d.dimension.id: d.score for d in combined.dimensions}
        rows.append(RoleRow(role, role_label(role, questionnaire), len(found), scores))
    return tuple(rows)


def load_team_section(
    assessment: Assessment, questionnaire: Questionnaire
) -> tuple[AssessmentResult, TeamSection] | None:
    """The combined result and the section of a team check, or None for any other check."""
    sets = team_answers(assessment)
    team = team_result(assessment, questionnaire, sets)
    if team is None:
        return None
    return team.combined, team_section(questionnaire, team, sets)
