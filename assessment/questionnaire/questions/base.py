"""The base of every question type and the registry that maps type names to classes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction
from functools import cached_property
from random import Random
from typing import Any, ClassVar, TypeVar

from pydantic import Field

from ..conditions import Condition
from ..elements import Finding, Id, Model, NonNegative, exact
from ..text import Text

#: Every question type by the name used in YAML (`type: single`), in registration order.
QUESTION_TYPES: dict[str, type[QuestionBase]] = {}

Q = TypeVar("Q", bound="type[QuestionBase]")


def register(name: str):
    """Class decorator that makes a question class available as `type: NAME`."""

    def decorate(cls: Q) -> Q:
        if name in QUESTION_TYPES:
            raise ValueError(f"question type {name!r} is registered twice")
        QUESTION_TYPES[name] = cls
        cls.type_name = name
        return cls

    return decorate


class AnswerError(ValueError):
    """An answer that does not fit its question; ``code`` and ``params`` allow translation."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params


def is_blank(raw: Any) -> bool:
    """Whether a raw answer means "not answered" (nothing, an empty string, list or mapping)."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple | dict):
        return not raw
    return False


def describe_value(raw: Any) -> str:
    """A short description of a raw value for messages."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str | int | float):
        return repr(raw)
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, list | tuple):
        return "a list"
    return type(raw).__name__


def read_option_id(raw: Any) -> str:
    """A raw answer naming one option: a string, or a whole number for numbered options."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    raise AnswerError("wrong_type", f"expects one option id, not {describe_value(raw)}")


def not_an_option(choice: str, allowed: list[str]) -> AnswerError:
    return AnswerError(
        "not_an_option",
        f"{choice!r} is not an option; choose one of {', '.join(allowed)}",
        choice=choice,
        allowed=allowed,
    )


def percent(value: Fraction, low: Fraction, high: Fraction) -> Fraction:
    """``value`` on the scale from ``low`` (0) to ``high`` (100), clamped to [0, 100]."""
    if value <= low:
        return Fraction(0)
    if value >= high:
        return Fraction(100)
    return (value - low) * 100 / (high - low)


class QuestionBase(Model):
    """What every question has, and the operations every type implements."""

    type_name: ClassVar[str]

    id: Id = Field(description="Unique id of the question across the whole questionnaire.")
    text: Text = Field(description="The question as shown to the respondent.")
    help: Text | None = Field(None, description="An optional explanation shown with the question.")
    required: bool = Field(True, strict=True, description="Whether an answer is needed.")
    show_if: Condition | None = Field(
        None, description="Ask the question only when this condition on earlier answers holds."
    )

    @property
    def weight_value(self) -> Fraction:
        """The weight of this question in its dimension (0: asked but not scored)."""
        return Fraction(0)

    @property
    def is_scored(self) -> bool:
        """Whether answers to this question can count towards its dimension's score."""
        return False

    def read_answer(self, raw: Any) -> Any:
        """Normalise a raw answer (from JSON or a form); None means not answered."""
        raise NotImplementedError

    def score(self, answer: Any) -> Fraction | None:
        """The score in [0, 100] of a normalised answer, or None when it carries none."""
        return None

    def is_complete(self, answer: Any) -> bool:
        """Whether a normalised answer fully answers the question (for required questions)."""
        return answer is not None

    def condition_values(self) -> frozenset[str] | None:
        """Values a condition `in: [...]` may name, or None when `in` does not apply."""
        return None

    def matches(self, answer: Any, values: frozenset[str]) -> bool:
        """Whether a normalised answer is one of ``values`` (for `in` conditions)."""
        return False

    def check(self, *, in_profile: bool) -> Iterator[Finding]:
        """Problems of this question on its own (ids, ranges, scores); paths are relative."""
        yield from ()

    def scoring_keys(self) -> Iterator[Finding]:
        """Keys that only matter for scoring, found where nothing is scored (the profile)."""
        if "weight" in self.model_fields_set:
            yield ("weight",), "profile questions are never scored; remove weight"

    def demo_answer(self, target: float, rng: Random, texts: Sequence[str]) -> Any:
        """A raw answer of a sample firm whose maturity here is ``target`` (0 to 1); ``texts``
        are sample free texts, for the types that take text."""
        raise NotImplementedError(f"no sample answers for {self.type_name!r} questions")


class WeightedQuestion(QuestionBase):
    """A question that may count towards its dimension's score."""

    weight: NonNegative = Field(
        1, description="Weight within the dimension; 0 means asked but not scored."
    )

    @cached_property
    def weight_value(self) -> Fraction:
        """The weight of this question in its dimension (0: asked but not scored)."""
        return exact(self.weight)

    @property
    def is_scored(self) -> bool:
        """Whether answers to this question can count towards its dimension's score."""
        return self.weight > 0


class Option(Model):
    """One answer option of a choice question."""

    id: Id = Field(description="Id of the option, unique within the question.")
    label: Text = Field(description="The option as shown to the respondent.")
    score: float | None = Field(
        None,
        strict=True,
        allow_inf_nan=False,
        description="Points for this option; null excludes the answer from scoring.",
    )

    @cached_property
    def score_value(self) -> Fraction | None:
        """The score as an exact number, or None for an option that is not scored."""
        return None if self.score is None else exact(self.score)


def option_findings(
    options: tuple[Option, ...], *, scored: bool, in_profile: bool
) -> Iterator[Finding]:
    """Duplicate ids, and scores missing where the question is scored or given in the profile."""
    seen: set[str] = set()
    for index, option in enumerate(options):
        if option.id in seen:
            yield ("options", index, "id"), f"duplicate option id {option.id!r}"
        seen.add(option.id)
        if in_profile and option.was_given("score"):
            yield ("options", index, "score"), "profile questions are never scored; remove score"
        elif scored and not option.was_given("score"):
            message = "missing score; give a number, or null to leave this answer out of scoring"
            yield ("options", index), message


def score_spread_findings(scores: list[Fraction], where: tuple[str, ...]) -> Iterator[Finding]:
    """A scored question needs at least two options with different scores."""
    if len(scores) < 2:
        yield where, "a scored question needs at least two options with a score other than null"
    elif min(scores) == max(scores):
        yield where, "all scores are equal; give the options different scores, or weight: 0"


def closest(options: tuple[Option, ...], target: float, rng: Random) -> str:
    """The option whose score is nearest to ``target`` of the scored range; any if none scores."""
    scored = [(option.id, option.score) for option in options if option.score is not None]
    low = min((score for _id, score in scored), default=0.0)
    high = max((score for _id, score in scored), default=0.0)
    if high == low or rng.random() < 0.04:
        return rng.choice(options).id
    distance = {id_: abs((score - low) / (high - low) - target) for id_, score in scored}
    return min(distance, key=lambda id_: (distance[id_], rng.random()))
