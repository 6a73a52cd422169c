"""The pages of a questionnaire: the profile (step 0), then one page per dimension."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import is_shown, residual, visible_answers
from .models import Dimension, Questionnaire
from .questions import QuestionBase


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


def first_open_step(
    questionnaire: Questionnaire, answers: Mapping[str, Any], profile_saved: bool
) -> int | None:
    """The first page with a required question still unanswered; None when all are answered."""
    if not profile_saved:
        return 0
    return _first_open(questionnaire, visible_answers(questionnaire, answers))


def _first_open(questionnaire: Questionnaire, visible: Mapping[str, Any]) -> int | None:
    """The first page with a required question unanswered, given the visible answers."""
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


def review_rows(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step with its shown questions, their answers, and whether a required one is missing."""
    visible = visible_answers(questionnaire, answers)
    rows = []
    for current in steps(questionnaire):
        shown = [q for q in current.questions if is_shown(q, visible, questionnaire)]
        rows.append(
            {
                "step": current,
                "questions": [
                    (q, visible.get(q.id), is_missing(q, visible, questionnaire)) for q in shown
                ],
            }
        )
    return rows


@dataclass(frozen=True)
class StepState:
    """A page in the list of steps: done, current or open, and whether it may be opened."""

    step: Step
    state: str
    reachable: bool


def step_states(
    questionnaire: Questionnaire, answers: Mapping[str, Any], profile_saved: bool, current: int
) -> list[StepState]:
    """Every page with its state. A page is done when every page up to it has its required
    answers; it may be opened when the owner has reached it (saved it, or a later one)."""
    pages = steps(questionnaire)
    visible = visible_answers(questionnaire, answers)
    first_open = _first_open(questionnaire, visible) if profile_saved else 0
    complete_until = len(pages) if first_open is None else first_open
    answered = [page.number for page in pages if any(q.id in visible for q in page.questions)]
    reached = max([current, min(complete_until, len(pages) - 1), *answered])
    states = []
    for page in pages:
        if page.number == current:
            state = "current"
        elif page.number < complete_until:
            state = "done"
        else:
            state = "open"
        states.append(StepState(page, state, page.number <= reached and state != "current"))
    return states
