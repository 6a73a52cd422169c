"""Conditions and answers in words, in the current language."""

from __future__ import annotations

from typing import Any

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

from ..i18n import current_language
from ..questionnaire import QuestionBase, Questionnaire
from ..questionnaire.questions.choice import ChoiceQuestion


def _list(items: list[str], style: str) -> str:
    return format_list(items, style=style, locale=get_locale())


def describe_condition(condition: dict[str, Any], questionnaire: Questionnaire) -> str:
    """A condition (as left for one page) in words, e.g. "„Verkaufen Sie online?“ is „Ja“"."""
    language = current_language()
    if "all" in condition:
        return _list(
            [describe_condition(part, questionnaire) for part in condition["all"]], "standard"
        )
    if "any" in condition:
        return _list([describe_condition(part, questionnaire) for part in condition["any"]], "or")
    if "not" in condition:
        return _(
            "not (%(condition)s)", condition=describe_condition(condition["not"], questionnaire)
        )
    question = questionnaire.question_index[condition["question"]]
    text = question.text.get(language)
    if "in" in condition:
        labels = [_choice_label(question, str(value)) for value in condition["in"]]
        return _(
            '"%(question)s" is answered with %(options)s',
            question=text,
            options=_list(labels, "or"),
        )
    if condition.get("answered"):
        return _('"%(question)s" is answered', question=text)
    return _('"%(question)s" is not answered', question=text)


def _choice_label(question: QuestionBase, value: str) -> str:
    label = value
    if isinstance(question, ChoiceQuestion) and value in question.choice_index:
        label = question.choice_index[value].label.get(current_language())
    return _('"%(option)s"', option=label)
