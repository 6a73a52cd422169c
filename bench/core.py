"""The core's figure: scoring one complete assessment in this process, without HTTP."""

from __future__ import annotations

import time
from typing import Any

from assessment.questionnaire import QuestionBase, Questionnaire
from assessment.questionnaire.questions import MatrixQuestion, MultiQuestion
from assessment.questionnaire.scoring import Answers, read_answers, score_assessment
from tests.survey.helpers import good_answer

from .figures import Result, measured
from .sampling import Sizes, measure


def raw_answer(question: QuestionBase) -> Any:
    """A valid answer as the core reads it, from the form data a browser sends for it."""
    form = good_answer(question)
    if isinstance(question, MultiQuestion):
        return form.getlist(question.id)
    if isinstance(question, MatrixQuestion):
        return {row.id: form[f"{question.id}.{row.id}"] for row in question.rows}
    return form[question.id]


def every_answer(questionnaire: Questionnaire) -> Answers:
    """Normalised answers to every question of the questionnaire."""
    answers, problems = read_answers(
        questionnaire, {q.id: raw_answer(q) for q in questionnaire.questions}
    )
    if problems:
        raise RuntimeError(f"answers the core does not accept: {problems}")
    return answers


def scoring(questionnaire: Questionnaire, sizes: Sizes) -> Result:
    """The time of each call of score_assessment on a complete assessment, in ms."""
    answers = every_answer(questionnaire)

    def one_call() -> float:
        """One scoring, in ms."""
        start = time.perf_counter()
        score_assessment(questionnaire, answers)
        return (time.perf_counter() - start) * 1000

    measure(sizes.count(100), 10, one_call)  # the code warm
    return measured("scoring one assessment in the core", measure(sizes.count(1000), 30, one_call))
