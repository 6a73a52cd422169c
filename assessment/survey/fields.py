"""Form fields for questions: one small adapter per question type, registered by type name.

An adapter knows how a question of its type appears in a form (its template partial and
field values), how to read the submitted values into the raw answer the core validates, and
how to tell the owner what is wrong with an answer the core refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import Field

from ..i18n import current_language
from ..questionnaire import AnswerError, QuestionBase
from ..questionnaire.questions import MatrixQuestion, MultiQuestion, NumberQuestion, ScaleQuestion
from ..questionnaire.questions.choice import ChoiceQuestion

#: Form values by input name, as lists of strings (what the template marks as chosen or typed).
Values = dict[str, list[str]]

WEB_TYPES: dict[str, QuestionAdapter] = {}


def register(name: str):
    """Class decorator that makes an adapter serve the question type ``name``."""

    def decorate(cls: type[QuestionAdapter]) -> type[QuestionAdapter]:
        WEB_TYPES[name] = cls()
        return cls

    return decorate


def adapter_for(question: QuestionBase) -> QuestionAdapter:
    """The adapter of a question's type; an unknown type is an error, never a default."""
    return WEB_TYPES[question.type_name]


class QuestionAdapter:
    """How questions of one type are shown in a form and read back."""

    template: ClassVar[str]

    def input_names(self, question: QuestionBase) -> list[str]:
        """The names of the inputs of this question."""
        return [question.id]

    def submitted(self, question: QuestionBase, formdata: MultiDict[str, str]) -> Values:
        """The values the browser sent for this question."""
        return {name: formdata.getlist(name) for name in self.input_names(question)}

    def raw(self, question: QuestionBase, values: Values) -> Any:
        """The raw answer for the core to read: the one value, or None."""
        found = values.get(question.id) or [""]
        return found[0]

    def values(self, question: QuestionBase, answer: Any) -> Values:
        """Form values showing a stored answer."""
        return {question.id: [] if answer is None else [str(answer)]}

    def display(self, question: QuestionBase, answer: Any) -> list[str]:
        """A stored answer in words, one line per part."""
        return [str(answer)]

    def message(self, error: AnswerError, question: QuestionBase) -> str:
        """The translated message for an answer the core refused."""
        return _l("Please choose one of the options shown.")


def choice_label(question: QuestionBase, choice: str) -> str:
    """The label of an option (or scale point) in the current language."""
    assert isinstance(question, ChoiceQuestion | MatrixQuestion)
    options = (
        question.choice_index if isinstance(question, ChoiceQuestion) else question.option_index
    )
    return options[choice].label.get(current_language())


@register("single")
class SingleAdapter(QuestionAdapter):
    """Radio buttons."""

    template = "survey/questions/single.html"

    def display(self, question: QuestionBase, answer: Any) -> list[str]:
        """The chosen option's label."""
        return [choice_label(question, answer)]


@register("scale")
class ScaleAdapter(SingleAdapter):
    """Radio buttons along a scale."""

    template = "survey/questions/scale.html"

    def display(self, question: QuestionBase, answer: Any) -> list[str]:
        """A point with its place on the scale and its label ("4 of 5 - mostly"), or the extra
        option's label."""
        assert isinstance(question, ScaleQuestion)
        if answer not in {point.id for point in question.points}:
            return [choice_label(question, answer)]
        point = int(answer)
        place = _l("%(point)s of %(max)s", point=point, max=question.max)
        label = question.labels.get(point)
        return [f"{place} \N{EN DASH} {label.get(current_language())}" if label else str(place)]

    def message(self, error: AnswerError, question: QuestionBase) -> str:
        """A value that is no point of the scale."""
        if error.code == "not_a_point":
            return _l("Please choose a point on the scale.")
        return super().message(error, question)


@register("multi")
class MultiAdapter(QuestionAdapter):
    """Checkboxes."""

    template = "survey/questions/multi.html"

    def raw(self, question: QuestionBase, values: Values) -> Any:
        """The list of chosen option ids."""
        return [value for value in values.get(question.id, []) if value]

    def values(self, question: QuestionBase, answer: Any) -> Values:
        """Every chosen option."""
        return {question.id: list(answer or ())}

    def display(self, question: QuestionBase, answer: Any) -> list[str]:
        """The chosen options' labels."""
        return [choice_label(question, choice) for choice in answer]

    def message(self, error: AnswerError, question: QuestionBase) -> str:
        """An option chosen twice, or an exclusive option combined with others."""
        if error.code == "exclusive":
            assert isinstance(question, MultiQuestion)
            label = question.choice_index[error.params["choice"]].label
            return _l(
                '"%(option)s" cannot be combined with other options.',
                option=label.get(current_language()),
            )
        if error.code == "duplicate":
            return _l("Please choose each option only once.")
        return super().message(error, question)


@register("matrix")
class MatrixAdapter(QuestionAdapter):
    """One row of radio buttons per matrix row."""

    template = "survey/questions/matrix.html"

    def input_names(self, question: QuestionBase) -> list[str]:
        """One input per row, named QUESTION.ROW (a dot never occurs in ids)."""
        assert isinstance(question, MatrixQuestion)
        return [row_input(question, row.id) for row in question.rows]

    def raw(self, question: QuestionBase, values: Values) -> Any:
        """The chosen option per row."""
        assert isinstance(question, MatrixQuestion)
        chosen = {
            row.id: (values.get(row_input(question, row.id)) or [""])[0] for row in question.rows
        }
        return {row: choice for row, choice in chosen.items() if choice}

    def values(self, question: QuestionBase, answer: Any) -> Values:
        """The chosen option of each answered row."""
        assert isinstance(question, MatrixQuestion)
        answer = answer or {}
        return {
            row_input(question, row.id): [answer[row.id]] if row.id in answer else []
            for row in question.rows
        }

    def display(self, question: QuestionBase, answer: Any) -> list[str]:
        """Each answered row with its chosen option."""
        assert isinstance(question, MatrixQuestion)
        language = current_language()
        return [
            f"{question.row_index[row].text.get(language)}: {choice_label(question, choice)}"
            for row, choice in answer.items()
        ]


def row_input(question: QuestionBase, row_id: str) -> str:
    """The input name of a matrix row."""
    return f"{question.id}.{row_id}"


@register("number")
class NumberAdapter(QuestionAdapter):
    """A text input for a number, so that whatever was typed can be shown again."""

    template = "survey/questions/number.html"

    def values(self, question: QuestionBase, answer: Any) -> Values:
        """The number written as the current language writes it (12,5 in German)."""
        return {question.id: [] if answer is None else [format_decimal(answer, format="0.######")]}

    def display(self, question: QuestionBase, answer: Any) -> list[str]:
        """The number with its unit."""
        assert isinstance(question, NumberQuestion)
        number = format_decimal(answer, format="#,##0.######")
        unit = question.unit.get(current_language()) if question.unit else ""
        return [f"{number} {unit}".strip()]

    def message(self, error: AnswerError, question: QuestionBase) -> str:
        """Not a number, or outside the allowed range."""
        params = error.params
        if error.code == "too_small":
            return _l(
                "Please enter a number of at least %(min)s.", min=format_decimal(params["min"])
            )
        if error.code == "too_large":
            return _l(
                "Please enter a number of at most %(max)s.", max=format_decimal(params["max"])
            )
        if error.code == "not_a_number":
            return _l("Please enter a number, for example 12 or 12,5.")
        if error.code == "ambiguous_number":
            return _l("Please enter the number without a thousands separator, for example 1000.")
        return super().message(error, question)


@register("text")
class TextAdapter(QuestionAdapter):
    """A text area."""

    template = "survey/questions/text.html"

    def message(self, error: AnswerError, question: QuestionBase) -> str:
        """A text that is too long."""
        if error.code == "too_long":
            return _l(
                "Please shorten your answer to at most %(max)s characters (it has %(length)s).",
                max=error.params["max_length"],
                length=error.params["length"],
            )
        return super().message(error, question)


class QuestionField(Field):
    """A form field for one question: holds the values to show and the errors to report."""

    def __init__(self, question: QuestionBase, **kwargs: Any) -> None:
        # The template labels the question with its text; a label given here spares WTForms
        # from translating one made up from the field's name.
        super().__init__(label=question.id, **kwargs)
        self.question = question
        self.adapter = adapter_for(question)
        self.shown: Values = {}

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        """Take the submitted values, or else the stored answer (passed as data)."""
        self.process_errors = []
        if formdata is not None:
            self.shown = self.adapter.submitted(self.question, formdata)
        else:
            self.shown = self.adapter.values(self.question, data)
        self.data = self.adapter.raw(self.question, self.shown)

    def chosen(self, name: str) -> list[str]:
        """The values shown as chosen or typed for input ``name``."""
        return self.shown.get(name, [])

    def checked(self, name: str, value: str) -> str:
        """The attribute that checks an option shown as chosen in input ``name``, else nothing."""
        return " checked" if value in self.shown.get(name, ()) else ""

    def typed(self, name: str) -> str:
        """The text shown as typed in input ``name`` (empty when none)."""
        return (self.shown.get(name) or [""])[0]

    def pre_validate(self, form: Any) -> None:
        """Answers are validated by the questionnaire core, not by WTForms."""


def initial_answers(questions: list[QuestionBase], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers by field name, for a form shown before it is submitted."""
    return {question.id: answers.get(question.id) for question in questions}


__all__ = ["WEB_TYPES", "QuestionField", "adapter_for", "initial_answers"]
