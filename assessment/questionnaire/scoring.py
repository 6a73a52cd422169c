"""Reading answer sets, deciding what is shown, and scoring, exactly as the format defines it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .conditions import Answers, visible_answers
from .models import Dimension, Level, Questionnaire
from .questions import AnswerError


@dataclass(frozen=True)
class AnswerProblem:
    """An answer that does not fit the questionnaire."""

    question_id: str
    message: str
    code: str


def read_answers(
    questionnaire: Questionnaire, raw: Mapping[str, Any]
) -> tuple[Answers, list[AnswerProblem]]:
    """Normalise raw answers by question id; every answer that does not fit is a problem."""
    answers: Answers = {}
    problems: list[AnswerProblem] = []
    for question_id, value in raw.items():
        question = questionnaire.question_index.get(question_id)
        if question is None:
            problems.append(
                AnswerProblem(question_id, "there is no question with this id", "unknown_question")
            )
            continue
        try:
            answer = question.read_answer(value)
        except AnswerError as error:
            problems.append(AnswerProblem(question_id, error.message, error.code))
            continue
        if answer is not None:
            answers[question_id] = answer
    return answers, problems


@dataclass(frozen=True)
class QuestionScore:
    """The score of one scored question."""

    question_id: str
    score: Fraction
    weight: Fraction


@dataclass(frozen=True)
class DimensionResult:
    """A dimension's score and level; both None when the dimension is not assessed."""

    dimension: Dimension
    score: Fraction | None
    level: Level | None
    questions: tuple[QuestionScore, ...]

    @property
    def assessed(self) -> bool:
        """Whether at least one question of the dimension was scored."""
        return self.score is not None


@dataclass(frozen=True)
class AssessmentResult:
    """The overall score and level and every dimension's score; answers are the visible ones."""

    questionnaire: Questionnaire
    answers: Answers
    overall: Fraction | None
    level: Level | None
    dimensions: tuple[DimensionResult, ...]
    #: In a team check, each respondent's visible answers (with the coordinator's profile):
    #: a recommendation's condition holds when it holds for any of them (see team.py).
    respondent_answers: tuple[Answers, ...] = ()

    @property
    def answer_sets(self) -> tuple[Answers, ...]:
        """The answers that recommendations' conditions are read in: each respondent's."""
        return self.respondent_answers or (self.answers,)

    def dimension(self, dimension_id: str) -> DimensionResult:
        """The score of one dimension."""
        return next(d for d in self.dimensions if d.dimension.id == dimension_id)

    @property
    def assessed(self) -> tuple[DimensionResult, ...]:
        """The dimensions that were assessed, in order."""
        return tuple(d for d in self.dimensions if d.assessed)

    def to_json(self) -> dict[str, Any]:
        """The result as `flask questionnaire score` prints it (scores unrounded)."""
        return {
            "questionnaire": self.questionnaire.id,
            "version": self.questionnaire.version,
            "overall": _score_json(self.overall, self.level),
            "dimensions": {d.dimension.id: _score_json(d.score, d.level) for d in self.dimensions},
        }


def _score_json(score: Fraction | None, level: Level | None) -> dict[str, Any] | None:
    if score is None or level is None:
        return None
    return {"score": float(score), "level": level.id}


def weighted_mean(pairs: list[tuple[Fraction, Fraction]]) -> Fraction | None:
    """The mean of (value, weight) pairs weighted by weight; None when the weights add to 0."""
    total = sum((weight for _, weight in pairs), Fraction(0))
    if total == 0:
        return None
    return sum((value * weight for value, weight in pairs), Fraction(0)) / total


def score_assessment(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> AssessmentResult:
    """Score normalised answers: question, dimension and overall scores and levels."""
    visible = visible_answers(questionnaire, answers)
    dimensions = tuple(
        _score_dimension(questionnaire, d, visible) for d in questionnaire.dimensions
    )
    overall = weighted_mean(
        [(d.score, d.dimension.weight_value) for d in dimensions if d.score is not None]
    )
    level = questionnaire.level_for(overall) if overall is not None else None
    return AssessmentResult(questionnaire, visible, overall, level, dimensions)


def _score_dimension(
    questionnaire: Questionnaire, dimension: Dimension, answers: Answers
) -> DimensionResult:
    scores = []
    for question in dimension.questions:
        if question.id not in answers or not question.is_scored:
            continue
        score = question.score(answers[question.id])
        if score is not None:
            scores.append(QuestionScore(question.id, score, question.weight_value))
    mean = weighted_mean([(q.score, q.weight) for q in scores])
    level = questionnaire.level_for(mean) if mean is not None else None
    return DimensionResult(dimension, mean, level, tuple(scores))


def display_score(score: Fraction) -> int:
    """A score as pages show it: a whole number, rounded half up."""
    return int((score + Fraction(1, 2)) // 1)
