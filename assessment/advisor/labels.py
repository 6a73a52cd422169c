"""Profile answers and levels in words, from the questionnaire an assessment was answered with."""

from __future__ import annotations

from ..catalogue import questionnaires
from ..i18n import localize
from ..questionnaire import Questionnaire

#: Shown for a value that was not given.
MISSING = "\N{EN DASH}"


def profile_label(questionnaire: Questionnaire, question_id: str, value: str | None) -> str:
    """The option label of a profile answer (a dash when not given; the id when unknown)."""
    if value is None:
        return MISSING
    question = questionnaire.question_index.get(question_id)
    option = getattr(question, "choice_index", {}).get(value)
    return localize(option.label) if option is not None else value


def level_label(questionnaire: Questionnaire, level_id: str | None) -> str:
    """A level's label (a dash when there is none)."""
    if level_id is None:
        return MISSING
    for level in questionnaire.levels:
        if level.id == level_id:
            return localize(level.label)
    return level_id


def urgency_label(questionnaire: Questionnaire, value: str | None) -> str:
    """The label of the firm's answer to the urgency question (a dash when not given).

    A version pinned before its questionnaire named an urgency question is read with the
    question that the served questionnaire names."""
    if value is None:
        return MISSING
    served = questionnaires().get(questionnaire.id)
    question = questionnaire.urgency_question(served.urgency if served else None)
    option = question.choice_index.get(value) if question is not None else None
    return localize(option.label) if option is not None else value
