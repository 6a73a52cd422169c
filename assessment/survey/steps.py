"""The pages of a questionnaire: the profile (step 0), then one page per dimension."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..questionnaire import Dimension, QuestionBase, Questionnaire
from ..questionnaire.conditions import (
    AllCondition,
    AnsweredCondition,
    AnyCondition,
    Condition,
    InCondition,
    NotCondition,
)
from ..questionnaire.scoring import condition_holds, is_shown, visible_answers

#: A condition reduced to what depends on the page being answered: True, False, or JSON data.
Residual = bool | dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire."""

    number: int
    dimension: Dimension | None
    questions: tuple[QuestionBase, ...]

    @property
    def is_profile(self) -> bool:
        """Whether this is the company-profile page."""
        return self.dimension is None


def steps(questionnaire: Questionnaire) -> list[Step]:
    """Every page in order: the profile, then each dimension."""
    pages = [Step(0, None, tuple(questionnaire.profile))]
    for number, dimension in enumerate(questionnaire.dimensions, start=1):
        pages.append(Step(number, dimension, tuple(dimension.questions)))
    return pages


@dataclass(frozen=True)
class PageQuestion:
    """A question as its page shows it; ``condition`` is set when it depends on this page."""

    question: QuestionBase
    condition: dict[str, Any] | None


def page_questions(
    step: Step, questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> list[PageQuestion]:
    """The questions of a page that earlier pages do not hide, with what is left of conditions."""
    on_page = {question.id for question in step.questions}
    visible = visible_answers(questionnaire, answers)
    shown = []
    for question in step.questions:
        left = (
            residual(question.show_if, visible, on_page, questionnaire)
            if question.show_if
            else True
        )
        if left is not False:
            shown.append(PageQuestion(question, None if left is True else left))
    return shown


def residual(
    condition: Condition,
    answers: Mapping[str, Any],
    on_page: set[str],
    questionnaire: Questionnaire,
) -> Residual:
    """Evaluate what depends on other pages; keep what depends on this page as JSON data."""
    if isinstance(condition, InCondition | AnsweredCondition):
        if condition.question in on_page:
            return condition.model_dump(by_alias=True)
        return condition_holds(condition, answers, questionnaire)
    if isinstance(condition, NotCondition):
        inner = residual(condition.negated, answers, on_page, questionnaire)
        return (not inner) if isinstance(inner, bool) else {"not": inner}
    assert isinstance(condition, AllCondition | AnyCondition)
    is_all = isinstance(condition, AllCondition)
    parts = [
        residual(part, answers, on_page, questionnaire)
        for part in (condition.all if is_all else condition.any)
    ]
    decisive = not is_all  # a True part decides `any`, a False part decides `all`
    if decisive in parts:
        return decisive
    left = [part for part in parts if not isinstance(part, bool)]
    if not left:
        return not decisive
    return left[0] if len(left) == 1 else {"all" if is_all else "any": left}


def first_open_step(
    questionnaire: Questionnaire, answers: Mapping[str, Any], profile_saved: bool
) -> int | None:
    """The first page with a required question still unanswered; None when all are answered."""
    if not profile_saved:
        return 0
    visible = visible_answers(questionnaire, answers)
    for step in steps(questionnaire):
        for question in step.questions:
            if is_missing(question, visible, questionnaire):
                return step.number
    return None


def is_missing(
    question: QuestionBase, visible: Mapping[str, Any], questionnaire: Questionnaire
) -> bool:
    """Whether a required, shown question lacks a complete answer."""
    return (
        question.required
        and is_shown(question, visible, questionnaire)
        and not question.is_complete(visible.get(question.id))
    )
