"""A team check: several people of one firm answer; their scores combine, and their spread shows.

The combined result is part of the scoring contract (README, "Scoring"): for each question the
mean of the respondents' question scores, over those for whom the question is visible and
scored; then dimensions and the overall score as for one respondent, from these question scores.
Every respondent answers with the coordinator's profile, so that conditions on the profile decide
alike for all. The spread of a dimension is taken over the respondents whose own answers assess
it: their lowest and highest dimension score and the (population) standard deviation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .conditions import Answers, visible_answers
from .models import Dimension, Questionnaire
from .questions import QuestionBase
from .scoring import (
    AssessmentResult,
    DimensionResult,
    QuestionScore,
    score_assessment,
    weighted_mean,
)

#: A team check needs at least this many respondents who finished; with one it is a plain check.
MIN_RESPONDENTS = 2


@dataclass(frozen=True)
class Spread:
    """How far the respondents' scores of one dimension lie apart."""

    dimension: Dimension
    #: The respondents whose answers assess the dimension.
    respondents: int
    lowest: Fraction | None
    highest: Fraction | None
    #: The population standard deviation of their scores (0 for one respondent).
    deviation: float | None

    @property
    def range(self) -> Fraction | None:
        """Highest minus lowest score."""
        if self.lowest is None or self.highest is None:
            return None
        return self.highest - self.lowest

    def to_json(self) -> dict[str, Any] | None:
        """The spread as `flask questionnaire score` prints it."""
        if self.lowest is None or self.highest is None or self.deviation is None:
            return None
        return {
            "respondents": self.respondents,
            "lowest": float(self.lowest),
            "highest": float(self.highest),
            "deviation": self.deviation,
        }


@dataclass(frozen=True)
class QuestionSpread:
    """The respondents' answers to one scored question, and how far their scores lie apart."""

    question: QuestionBase
    dimension: Dimension
    #: The visible answers, in no particular order (never who gave which).
    answers: tuple[Any, ...]
    #: The scores of the answers that are scored.
    scores: tuple[Fraction, ...]

    @property
    def deviation(self) -> float:
        """The population standard deviation of the scores."""
        return deviation(self.scores) or 0.0


@dataclass(frozen=True)
class TeamResult:
    """The combined result of a team check, each respondent's own, and their spread."""

    combined: AssessmentResult
    respondents: tuple[AssessmentResult, ...]
    spreads: tuple[Spread, ...]
    questions: tuple[QuestionSpread, ...]

    def spread(self, dimension_id: str) -> Spread:
        """The spread of one dimension."""
        return next(s for s in self.spreads if s.dimension.id == dimension_id)

    def disagreements(self, limit: int = 5) -> list[QuestionSpread]:
        """The questions whose scores lie furthest apart (at least two scores, not all equal),
        most first; ties keep the questionnaire's order."""
        differing = [q for q in self.questions if len(q.scores) >= 2 and q.deviation > 0]
        return sorted(differing, key=lambda q: -q.deviation)[:limit]

    def to_json(self) -> dict[str, Any]:
        """The combined result as `flask questionnaire score` prints it, with the spread."""
        output = self.combined.to_json()
        output["respondents"] = len(self.respondents)
        output["spread"] = {s.dimension.id: s.to_json() for s in self.spreads}
        return output


def deviation(values: Sequence[Fraction]) -> float | None:
    """The population standard deviation (None without values)."""
    if not values:
        return None
    mean = sum(values, Fraction(0)) / len(values)
    return math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))


def score_team(
    questionnaire: Questionnaire, profile: Mapping[str, Any], answer_sets: Sequence[Answers]
) -> TeamResult:
    """Combine the respondents' answers (each with the coordinator's profile) into one result."""
    if not answer_sets:
        raise ValueError("a team check needs at least one respondent's answers")
    profile_ids = {question.id for question in questionnaire.profile}
    shared = {key: value for key, value in profile.items() if key in profile_ids}
    own = [
        {**{k: v for k, v in answers.items() if k not in profile_ids}, **shared}
        for answers in answer_sets
    ]
    results = tuple(score_assessment(questionnaire, answers) for answers in own)
    visible = [visible_answers(questionnaire, answers) for answers in own]
    dimensions = tuple(
        _combine_dimension(questionnaire, dimension, results)
        for dimension in questionnaire.dimensions
    )
    overall = weighted_mean(
        [(d.score, d.dimension.weight_value) for d in dimensions if d.score is not None]
    )
    combined = AssessmentResult(
        questionnaire,
        visible_answers(questionnaire, shared),
        overall,
        questionnaire.level_for(overall) if overall is not None else None,
        dimensions,
        respondent_answers=tuple(visible),
    )
    spreads = tuple(_spread(dimension, results) for dimension in questionnaire.dimensions)
    questions = tuple(
        _question_spread(question, dimension, visible)
        for dimension in questionnaire.dimensions
        for question in dimension.questions
        if question.is_scored
    )
    return TeamResult(combined, results, spreads, questions)


def _combine_dimension(
    questionnaire: Questionnaire, dimension: Dimension, results: Sequence[AssessmentResult]
) -> DimensionResult:
    """A dimension from the mean question scores of the respondents who scored each question."""
    by_question: dict[str, list[Fraction]] = {}
    for result in results:
        for scored in result.dimension(dimension.id).questions:
            by_question.setdefault(scored.question_id, []).append(scored.score)
    scores = tuple(
        QuestionScore(question.id, sum(found, Fraction(0)) / len(found), question.weight_value)
        for question in dimension.questions
        if (found := by_question.get(question.id))
    )
    mean = weighted_mean([(q.score, q.weight) for q in scores])
    level = questionnaire.level_for(mean) if mean is not None else None
    return DimensionResult(dimension, mean, level, scores)


def _spread(dimension: Dimension, results: Sequence[AssessmentResult]) -> Spread:
    """The respondents' own scores of a dimension: how many, lowest, highest, deviation."""
    scores = [
        score for result in results if (score := result.dimension(dimension.id).score) is not None
    ]
    return Spread(
        dimension,
        len(scores),
        min(scores) if scores else None,
        max(scores) if scores else None,
        deviation(scores),
    )


def _question_spread(
    question: QuestionBase, dimension: Dimension, visible: Sequence[Answers]
) -> QuestionSpread:
    """The visible answers to a question and the scores of those that are scored."""
    answers = tuple(answers[question.id] for answers in visible if question.id in answers)
    scores = tuple(score for answer in answers if (score := question.score(answer)) is not None)
    return QuestionSpread(question, dimension, answers, scores)
