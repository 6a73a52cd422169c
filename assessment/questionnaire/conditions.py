"""Conditions (`show_if`) that decide whether a question is asked; evaluated without eval."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag

from .base import Flag, Id, Model
from .problems import DocPath

#: Looks up the normalised answer of a question, or None when it is unanswered or hidden.
AnswerLookup = Callable[[str], Any]
#: Whether a normalised answer of question ``question_id`` is one of ``values``.
AnswerMatcher = Callable[[str, Any, frozenset[str]], bool]


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

    def references(self, path: DocPath) -> Iterator[Reference]:
        """The question this condition refers to."""
        yield Reference(question=self.question, values=None, path=path)


class AllCondition(Model):
    """True when every condition in ``all`` is true."""

    all: tuple[Condition, ...] = Field(min_length=1)

    def evaluate(self, answer_of: AnswerLookup, matches: AnswerMatcher) -> bool:
        """Evaluate against the answers given so far."""
        return all(part.evaluate(answer_of, matches) for part in self.all)

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

    def references(self, path: DocPath) -> Iterator[Reference]:
        """The questions the negated condition refers to."""
        yield from self.negated.references((*path, "not"))


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
