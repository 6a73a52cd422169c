"""A question's markup: its partial rendered once per question, language and condition, and
completed for each page with what the owner chose or typed.

The partial of a question shows the owner's answer in two ways only: an option checked, or a
text typed. It is rendered once with a numbered marker in each such place, kept, and each page
puts the owner's values in the markers' places. A page that reports errors is rendered in full.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import current_app
from markupsafe import Markup, escape

from ..i18n import current_language
from ..kernel.kept import KeptPerObject
from ..questionnaire import Questionnaire
from ..questionnaire.pages import PageQuestion
from .fields import QuestionField, adapter_for

#: The template that renders one question's partial with the frame macro it calls.
QUESTION_TEMPLATE = "survey/_question.html"
#: How many rendered questions a process keeps (questions x languages x conditions).
CACHE_SIZE = 2048
#: Encloses a marker's number. A question whose texts hold it (no text should) is not kept:
#: the markers are counted before a rendering is kept.
_MARK = "\x00"


@dataclass(frozen=True)
class _Slot:
    """A place in the markup that shows the owner's answer: " checked" when ``value`` is among
    the values of input ``name``, or the text typed into input ``name``."""

    name: str
    value: str | None


class _MarkingField:
    """Stands in for a question's field while its partial is rendered once: every place that
    shows what the owner chose or typed becomes a numbered marker."""

    def __init__(self) -> None:
        self.slots: list[_Slot] = []

    def checked(self, name: str, value: str) -> Markup:
        """A marker where " checked" may go."""
        return self._mark(_Slot(name, value))

    def typed(self, name: str) -> Markup:
        """A marker where the typed text goes."""
        return self._mark(_Slot(name, None))

    def _mark(self, slot: _Slot) -> Markup:
        self.slots.append(slot)
        # A number between two markers: nothing to escape.
        return Markup(  # nosec B704
            f"{_MARK}{len(self.slots) - 1}{_MARK}"
        )


@dataclass(frozen=True)
class _Rendered:
    """A question's markup as text between its slots."""

    texts: tuple[str, ...]
    slots: tuple[_Slot, ...]

    def fill(self, field: QuestionField) -> Markup:
        """The markup with the field's values in their places."""
        parts = [self.texts[0]]
        for slot, text in zip(self.slots, self.texts[1:], strict=True):
            if slot.value is None:
                parts.append(escape(field.typed(slot.name)))
            else:
                parts.append(field.checked(slot.name, slot.value))
            parts.append(text)
        # The texts were rendered by Jinja with autoescaping; the typed values are escaped.
        return Markup(  # nosec B704
            "".join(parts)
        )


_rendered: KeptPerObject[_Rendered | None] = KeptPerObject(CACHE_SIZE)


def question_markup(
    shown: PageQuestion,
    field: QuestionField,
    errors: list[str],
    questionnaire: Questionnaire,
) -> Markup:
    """The markup of one question of a page with the field's values (and errors, if any)."""
    if errors:
        return _render(shown, field, errors, questionnaire)
    condition = json.dumps(shown.condition, sort_keys=True) if shown.condition else ""
    prepare = partial(_prepare, shown, questionnaire)
    found = _rendered.get((shown.question,), prepare, current_language(), condition)
    if found is None:  # its texts hold a marker: rendered in full each time
        return _render(shown, field, errors, questionnaire)
    return found.fill(field)


def _prepare(shown: PageQuestion, questionnaire: Questionnaire) -> _Rendered | None:
    """The question rendered with markers, split at them; None if its text holds a marker."""
    marking = _MarkingField()
    parts = str(_render(shown, marking, [], questionnaire)).split(_MARK)
    texts, numbers = parts[0::2], parts[1::2]
    if numbers != [str(number) for number in range(len(marking.slots))]:
        return None
    return _Rendered(tuple(texts), tuple(marking.slots))


def _render(
    shown: PageQuestion, field: Any, errors: list[str], questionnaire: Questionnaire
) -> Markup:
    """The question's partial rendered by Jinja."""
    template = current_app.jinja_env.get_template(QUESTION_TEMPLATE)
    # Rendered with autoescaping, as every .html template.
    return Markup(  # nosec B704
        template.render(
            shown=shown,
            field=field,
            question_errors=errors,
            questionnaire=questionnaire,
            partial=adapter_for(shown.question).template,
        )
    )
