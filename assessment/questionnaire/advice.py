"""From scores to advice: strengths, priorities, matched recommendations and the action plan."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .conditions import Condition, condition_holds
from .models import EFFORT_ORDER, Dimension, Level, Recommendation
from .scoring import AssessmentResult, DimensionResult


@dataclass(frozen=True)
class Priority:
    """How urgent a dimension is: its gap to 100 times its weight."""

    dimension: Dimension
    score: Fraction
    gap: Fraction
    value: Fraction


@dataclass(frozen=True)
class MatchedRecommendation:
    """A recommendation whose rule matches its dimension's score and level."""

    dimension: Dimension
    recommendation: Recommendation
    score: Fraction
    level: Level

    @property
    def reference(self) -> str:
        """How `flask questionnaire score` names it: its id, else DIMENSION#N (N counts from 1)."""
        if self.recommendation.id is not None:
            return self.recommendation.id
        position = self.dimension.recommendations.index(self.recommendation) + 1
        return f"{self.dimension.id}#{position}"


def rank_priorities(result: AssessmentResult) -> list[Priority]:
    """Assessed dimensions by (100 - score) x weight, most urgent first; ties keep their order.

    Dimensions with nothing to gain (score 100 or weight 0) are not priorities.
    """
    priorities = []
    for dimension_score in result.assessed:
        assert dimension_score.score is not None
        gap = 100 - dimension_score.score
        value = gap * dimension_score.dimension.weight_value
        if value > 0:
            priorities.append(
                Priority(dimension_score.dimension, dimension_score.score, gap, value)
            )
    return sorted(priorities, key=lambda priority: -priority.value)


def rank_strengths(result: AssessmentResult) -> list[DimensionResult]:
    """Assessed dimensions by score, best first; ties keep their order."""
    return sorted(result.assessed, key=lambda d: -(d.score or 0))


def match_recommendations(result: AssessmentResult) -> list[MatchedRecommendation]:
    """Every recommendation whose rule matches its dimension and the answers, in document order."""

    def holds(condition: Condition) -> bool:
        return any(
            condition_holds(condition, answers, result.questionnaire)
            for answers in result.answer_sets
        )

    matched = []
    for dimension_score in result.assessed:
        score, level = dimension_score.score, dimension_score.level
        assert score is not None and level is not None
        for recommendation in dimension_score.dimension.recommendations:
            if recommendation.applies(score, level, holds):
                matched.append(
                    MatchedRecommendation(dimension_score.dimension, recommendation, score, level)
                )
    return matched


def build_action_plan(result: AssessmentResult) -> list[MatchedRecommendation]:
    """The matched recommendations, quick wins first: by effort, then by priority of the dimension.

    Within the same effort, the recommendation of the more urgent dimension comes first;
    recommendations of dimensions that are not priorities come last.
    """
    rank = {
        priority.dimension.id: position for position, priority in enumerate(rank_priorities(result))
    }
    matched = match_recommendations(result)
    return sorted(
        matched,
        key=lambda m: (EFFORT_ORDER[m.recommendation.effort], rank.get(m.dimension.id, len(rank))),
    )
