"""Conditions (`show_if`) that decide whether a question is asked, and what is visible.

Each condition class evaluates itself (without eval) and knows what remains of it on a page whose
answers are not yet known (`residual`); the functions below apply them to a questionnaire."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Discriminator, Field, Tag

from .elements import Flag, Id, Model
from .loading.problems import DocPath

if TYPE_CHECKING:  # the questions and the questionnaire hold conditions
    from .models import Questionnaire
    from .questions import QuestionBase

#: Looks up the normalised answer of a question, or None when it is unanswered or hidden.
AnswerLookup = Callable[[str], Any]
#: Whether a normalised answer of question ``question_id`` is one of ``values``.
AnswerMatcher = Callable[[str, Any, frozenset[str]], bool]
#: Normalised answers by question id (see each question type's ``read_answer``).
Answers = dict[str, Any]
#: A condition reduced to what depends on the page being answered: True, False, or JSON data.
Residual = bool | dict[str, Any]
#: Whether a condition (on other pages' answers) holds.
Holds = Callable[[Any], bool]


@dataclass(frozen=True)
class Reference:
    """One question a condition looks at, and the option values it names (if any)."""

    question: str
    values: tuple[str | int, ...] | None
    path: DocPath


class InCondition(Model):
    """True when the answer of ``question`` is (or, for multi, includes) one of ``in``."""

    question: Id
    values: tuple[Annotated[str, Field(strict=True)] | Annotated[int, Field(strict=True)], ...] = (
        Field(alias="in", min_length=1)
    )

    def evaluate(self, answer_of: AnswerLookup, matches: AnswerMatcher) -> bool:
        """Evaluate against the answers given so far."""
        answer = answer_of(self.question)
        wanted = frozenset(str(value) for value in self.values)
        return answer is not None and matches(self.question, answer, wanted)

    def residual(self, on_page: set[str], holds: Holds) -> Residual:
        """Decided when the question is on another page; else kept as JSON data."""
        return self.model_dump(by_alias=True) if self.question in on_page else holds(self)

    def references(self, path: DocPath) -> Iterator[Reference]:
        """The question this condition refers to."""
        yield Reference(question=self.question, values=self.values, path=path)


class AnsweredCondition(Model):
    """True when ``question`` has (``answered: true``) or has not (``false``) been answered."""

    question: Id
    answered: Flag

    def evaluate(self, answer_of: AnswerLookup, matches: AnswerMatcher) -> bool:
        """Evaluate against the answers given so far."""
        return (answer_of(self.question) is not None) == self.answered

    def residual(self, on_page: set[str], holds: Holds) -> Residual:
        """Decided when the question is on another page; else kept as JSON data."""
        return self.model_dump(by_alias=True) if self.question in on_page else holds(self)

    def references(self, path: DocPath) -> Iterator[Reference]:
        """The question this condition refers to."""
        yield Reference(question=self.question, values=None, path=path)


class AllCondition(Model):
    """True when every condition in ``all`` is true."""

    all: tuple[Condition, ...] = Field(min_length=1)

    def evaluate(self, answer_of: AnswerLookup, matches: AnswerMatcher) -> bool:
        """Evaluate against the answers given so far."""
        return all(part.evaluate(answer_of, matches) for part in self.all)

    def residual(self, on_page: set[str], holds: Holds) -> Residual:
        """False if a part is decided false; what is left of the others otherwise."""
        return _combine("all", [part.residual(on_page, holds) for part in self.all])

    def references(self, path: DocPath) -> Iterator[Reference]:
        """The questions the parts refer to."""
        for index, part in enumerate(self.all):
            yield from part.references((*path, "all", index))


class AnyCondition(Model):
    """True when at least one condition in ``any`` is true."""

    any: tuple[Condition, ...] = Field(min_length=1)

    def evaluate(self, answer_of: AnswerLookup, matches: AnswerMatcher) -> bool:
        """Evaluate against the answers given so far."""
        return any(part.evaluate(answer_of, matches) for part in self.any)

    def residual(self, on_page: set[str], holds: Holds) -> Residual:
        """True if a part is decided true; what is left of the others otherwise."""
        return _combine("any", [part.residual(on_page, holds) for part in self.any])

    def references(self, path: DocPath) -> Iterator[Reference]:
        """The questions the parts refer to."""
        for index, part in enumerate(self.any):
            yield from part.references((*path, "any", index))


class NotCondition(Model):
    """True when the condition in ``not`` is false."""

    negated: Condition = Field(alias="not")

    def evaluate(self, answer_of: AnswerLookup, matches: AnswerMatcher) -> bool:
        """Evaluate against the answers given so far."""
        return not self.negated.evaluate(answer_of, matches)

    def residual(self, on_page: set[str], holds: Holds) -> Residual:
        """The negation of what is left of the negated condition."""
        inner = self.negated.residual(on_page, holds)
        return (not inner) if isinstance(inner, bool) else {"not": inner}

    def references(self, path: DocPath) -> Iterator[Reference]:
        """The questions the negated condition refers to."""
        yield from self.negated.references((*path, "not"))


def _combine(key: str, parts: list[Residual]) -> Residual:
    """What is left of `all` or `any` given what is left of each part."""
    decisive = key == "any"  # a True part decides `any`, a False part decides `all`
    if decisive in parts:
        return decisive
    left = [part for part in parts if not isinstance(part, bool)]
    if not left:
        return not decisive
    return left[0] if len(left) == 1 else {key: left}


#: Union tags; chosen so that they never equal a key of a condition mapping.
CONDITION_TAGS = ("when-in", "when-answered", "all-of", "any-of", "none-of")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, Model):
        return {
            InCondition: "when-in",
            AnsweredCondition: "when-answered",
            AllCondition: "all-of",
            AnyCondition: "any-of",
            NotCondition: "none-of",
        }.get(type(value))
    if not isinstance(value, Mapping):
        return None
    for key, tag in (("all", "all-of"), ("any", "any-of"), ("not", "none-of")):
        if key in value:
            return tag
    if "in" in value:
        return "when-in"
    if "answered" in value:
        return "when-answered"
    return None


Condition = Annotated[
    Annotated[InCondition, Tag("when-in")]
    | Annotated[AnsweredCondition, Tag("when-answered")]
    | Annotated[AllCondition, Tag("all-of")]
    | Annotated[AnyCondition, Tag("any-of")]
    | Annotated[NotCondition, Tag("none-of")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition_kind",
        custom_error_message=(
            "a condition must be one of {question: ID, in: [...]}, {question: ID, answered: true}, "
            "{all: [...]}, {any: [...]} or {not: {...}}"
        ),
    ),
]

for _model in (AllCondition, AnyCondition, NotCondition):
    _model.model_rebuild()


def evaluate(condition: Condition | None, answer_of: AnswerLookup, matches: AnswerMatcher) -> bool:
    """Whether a question with this condition is shown (no condition: always)."""
    return condition is None or condition.evaluate(answer_of, matches)


def condition_holds(
    condition: Condition | None, answers: Mapping[str, Any], questionnaire: Questionnaire
) -> bool:
    """Whether a condition holds for the (visible) answers; no condition always holds."""
    index = questionnaire.question_index

    def matches(question_id: str, answer: Any, values: frozenset[str]) -> bool:
        return index[question_id].matches(answer, values)

    return evaluate(condition, answers.get, matches)


def is_shown(
    question: QuestionBase, answers: Mapping[str, Any], questionnaire: Questionnaire
) -> bool:
    """Whether a question is asked, given the (visible) answers to earlier questions."""
    return condition_holds(question.show_if, answers, questionnaire)


def visible_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Answers:
    """The answers without those to questions that their conditions hide."""
    visible: Answers = {}
    for question in questionnaire.questions:
        if is_shown(question, visible, questionnaire) and question.id in answers:
            visible[question.id] = answers[question.id]
    return visible


def hidden_questions(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[str]:
    """Ids of the questions whose conditions hide them, given these answers."""
    visible = visible_answers(questionnaire, answers)
    return [q.id for q in questionnaire.questions if not is_shown(q, visible, questionnaire)]


def residual(
    condition: Condition,
    answers: Mapping[str, Any],
    on_page: set[str],
    questionnaire: Questionnaire,
) -> Residual:
    """Evaluate what depends on other pages; keep what depends on this page as JSON data."""
    return condition.residual(on_page, lambda part: condition_holds(part, answers, questionnaire))
